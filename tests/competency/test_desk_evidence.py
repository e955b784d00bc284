from __future__ import annotations

import datetime as dt

import pytest

from kesu.accounts.models import User
from kesu.accounts.roles import Role
from kesu.common import clock
from kesu.competency import desk_kpis, services
from kesu.competency.models import Evidence, KpiRule
from kesu.complaints import services as desk
from kesu.complaints.kpis import KPIS
from kesu.complaints.models import Category
from tests.complaints.factories import register, to_follow_up
from tests.complaints.history import at, new, november
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
    assert month.avg_satisfaction == 3.5
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


def test_every_rule_reads_one_desk_kpi():
    assert set(desk_kpis.RULE_KPIS) == set(KpiRule.Kpi.values)
    assert set(desk_kpis.RULE_KPIS.values()) <= set(KPIS)


def test_escalations_count_over_the_complaints_registered_in_the_month(month_of_work):
    """The desk's definition: an escalated complaint still open at the end of the month counts."""
    handler = month_of_work
    sup = User.objects.get(username="sup-desk")
    with clock.frozen_at(T0 + dt.timedelta(days=2)):
        c = register(sup)
        desk.complaint_assign(complaint_id=c.pk, actor=sup, assignee_id=handler.pk)
        desk.complaint_escalate(complaint_id=c.pk, actor=handler, reason="客户要求主管处理")
    KpiRule.objects.update(min_cases=5)

    services.desk_evidence_refresh(month=dt.date(2026, 10, 1))

    rows = Evidence.objects.filter(user_id=handler.pk, ref="desk:escalation_rate:2026-10")
    rule = KpiRule.objects.get(kpi="escalation_rate", item_code="know_emotion")
    assert rows.get(item_code="know_emotion").note == "escalation_rate=0.2 (n=5)"
    assert rows.get(item_code="know_emotion").level == rule.level_for(0.2)
    # satisfaction still rests on the four closed, rated complaints: fewer than 5, so no evidence
    assert not Evidence.objects.filter(ref="desk:satisfaction:2026-10").exists()


def test_categories_handled_worst(team, supervisor):
    november(team, supervisor)
    h = make_user("kpi_h3", "handler", team)
    new(h, h, at(11, 20), supervisor, category_code="logistics")  # registered, still open

    rows = desk_kpis.category_quality(start=at(11, 1, 0), end=at(12, 1, 0), department_id=team.pk)

    promise, logistics = (Category.objects.get(code=c) for c in ("promise_broken", "logistics"))
    assert rows == [
        {
            "category_id": promise.pk,
            "name": promise.name,
            "registered": 6,  # h1: c1 c2 c3 c4 c6, h2: c7
            "closed": 5,  # c5 c1 c2 c3 c7
            "satisfaction": 3.4,  # (3 + 5 + 4 + 4 + 1) / 5
            "reopen_rate": 0.2,
            "overdue_rate": 0.167,  # c4 of six registered
            "escalation_rate": 0.333,  # c2 and c4
            # 0.4 × (5 − 3.4) / 4 + 0.25 × 0.2 + 0.2 × 1/6 + 0.15 × 1/3
            "badness": 0.293,
        },
        {
            "category_id": logistics.pk,
            "name": logistics.name,
            "registered": 1,
            "closed": 0,
            "satisfaction": None,
            "reopen_rate": None,
            "overdue_rate": 0.0,
            "escalation_rate": 0.0,
            "badness": 0.2,  # satisfaction unknown counts as middling
        },
    ]
