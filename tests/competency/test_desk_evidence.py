from __future__ import annotations

import datetime as dt

import pytest

from kesu.accounts.roles import Role
from kesu.common import clock
from kesu.competency import desk_kpis, services
from kesu.competency.models import Evidence, KpiRule
from kesu.complaints import services as desk
from tests.complaints.factories import register, to_follow_up
from tests.conftest import make_user

T0 = dt.datetime(2026, 10, 12, 2, 0, tzinfo=dt.UTC)


def _close(c, actor, satisfaction, supervisor):
    desk.follow_up_record(
        complaint_id=c.pk,
        actor=actor,
        channel="phone",
        reached=True,
        satisfaction=satisfaction,
        resolved=True,
    )
    # A dissatisfied follow-up may only be closed by a supervisor; the complaint stays the handler's.
    desk.complaint_transition(
        complaint_id=c.pk, action="close", actor=supervisor if satisfaction < 3 else actor
    )


@pytest.fixture
def month_of_work(team, competency_model):
    handler = make_user("h-desk", Role.HANDLER, team)
    sup = make_user("sup-desk", Role.SUPERVISOR, team)
    with clock.frozen_at(T0):
        for sat in (5, 4, 3, 2):
            c = register(sup)
            desk.complaint_assign(complaint_id=c.pk, actor=sup, assignee_id=handler.pk)
            to_follow_up(c, handler)
            _close(c, handler, sat, sup)
    return handler


def test_month_kpis_and_evidence(month_of_work):
    start = dt.datetime(2026, 10, 1, tzinfo=dt.UTC)
    end = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
    kpis = desk_kpis.handler_months(start=start, end=end)
    uid = month_of_work.pk
    month = kpis[uid]
    assert month.closed == 4
    assert month.satisfaction == 3.5
    assert month.rated == 4
    KpiRule.objects.update(min_cases=4)
    written = services.desk_evidence_refresh(month=dt.date(2026, 10, 1))
    rows = Evidence.objects.filter(user_id=uid, source="desk", ref="desk:satisfaction:2026-10")
    sat_rule = KpiRule.objects.get(kpi="satisfaction", item_code="att_service")
    assert rows.get(item_code="att_service").level == sat_rule.level_for(3.5)
    assert rows.get(item_code="att_service").observed_on == dt.date(2026, 10, 31)
    # Recomputing replaces the month instead of adding to it.
    assert services.desk_evidence_refresh(month=dt.date(2026, 10, 1)) == written
    assert Evidence.objects.filter(source="desk").count() == written
    KpiRule.objects.update(min_cases=5)  # too few cases now: the month leaves no desk evidence
    assert services.desk_evidence_refresh(month=dt.date(2026, 10, 1)) == 0
    assert not Evidence.objects.filter(source="desk").exists()


def test_kpi_rule_maps_linearly_and_clamps():
    rule = KpiRule(poor_value=0.3, excellent_value=0.0)  # lower is better
    assert rule.level_for(0.3) == 1.0
    assert rule.level_for(0.0) == 5.0
    assert rule.level_for(0.15) == 3.0
    assert rule.level_for(0.9) == 1.0
