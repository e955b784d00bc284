"""The desk's KPI selectors against hand-built histories with exact expected values."""

import dataclasses
import datetime as dt

import pytest

from kesu.accounts.models import Department
from kesu.accounts.roles import Role
from kesu.common import clock
from kesu.complaints import kpis, services
from kesu.complaints.kpis import KPI_LABELS, KPIS, DeskKpis, category_kpis, handler_kpis, team_kpis
from kesu.complaints.models import Category, ComplaintEvent
from tests.complaints.factories import to_resolving
from tests.complaints.history import NOVEMBER, at, close, new, november
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk(team, supervisor):
    return november(team, supervisor)


def _findings(*, actor, start, end):
    return sum(
        len(e.data["coaching"]["findings"])
        for e in ComplaintEvent.objects.filter(kind="message", actor=actor, at__gte=start, at__lt=end)
        if e.data.get("reply")
    )


def test_handler_kpis_count_exactly_what_happened_in_the_window(desk, django_assert_num_queries):
    h1, h2 = desk["h1"], desk["h2"]
    nobody = make_user("kpi_idle", Role.HANDLER, h1.department)

    with django_assert_num_queries(4):
        result = handler_kpis(user_ids=[h1.pk, h2.pk, nobody.pk], start=NOVEMBER[0], end=NOVEMBER[1])

    bad = _findings(actor=h1, start=NOVEMBER[0], end=NOVEMBER[1])
    assert bad > 0  # the buck-passing reply has findings
    assert result[h1.pk] == DeskKpis(
        registered=5,  # c1 c2 c3 c4 c6
        repeats=1,  # c6
        escalated=2,  # c2 by the handler, c4 by the sweep (still open: it counts)
        overdue=1,  # c4 (still open)
        closed=4,  # c5 c1 c2 c3
        fcr=2,  # c5 c1
        reopened=1,  # c3
        rated=4,
        satisfied=3,  # 5, 4, 4 (and 3)
        satisfaction_sum=16,
        compensated=4,  # 50, 50, 50, 80 CNY
        compensated_above=0,  # the medium standard is 100 CNY
        handled=4,
        handling_seconds=(120 + 4 + 6 + 26) * 3600.0,
        replies=2,
        reply_findings=bad,
    )
    k = result[h1.pk]
    assert k.satisfaction_rate == 0.75
    assert k.avg_satisfaction == 4.0
    assert k.fcr_rate == 0.5
    assert k.reopen_rate == 0.25
    assert k.repeat_rate == 0.2
    assert k.escalation_rate == 0.4
    assert k.overdue_rate == 0.2
    assert k.comp_above_rate == 0.0
    assert k.avg_handling_hours == 39.0
    assert k.findings_per_reply == bad / 2
    assert (k.value("fcr"), k.cases("fcr")) == (0.5, 4)
    assert (k.value("escalation"), k.cases("escalation")) == (0.4, 5)
    assert result[h2.pk] == DeskKpis(
        registered=1, closed=1, fcr=1, rated=1, satisfied=0, satisfaction_sum=1, compensated=1, handled=1,
        handling_seconds=48 * 3600.0,
    )  # fmt: skip
    assert result[nobody.pk] == DeskKpis()
    assert result[nobody.pk].satisfaction_rate is None


def test_without_people_every_person_with_work_in_the_window_is_reported(desk, supervisor):
    h1, h2 = desk["h1"], desk["h2"]

    everyone = handler_kpis(start=NOVEMBER[0], end=NOVEMBER[1])

    assert list(everyone) == sorted([h1.pk, h2.pk])  # not the supervisor who only closed c7
    assert everyone == handler_kpis(user_ids=[h1.pk, h2.pk], start=NOVEMBER[0], end=NOVEMBER[1])
    # replies alone make a person count: h1 in December has one reply and one registration
    december = handler_kpis(start=at(12, 1, 0), end=at(12, 2, 0))
    assert (december[h1.pk].registered, december[h1.pk].closed, december[h1.pk].replies) == (1, 0, 1)
    assert list(december) == [h1.pk]


def test_window_edges_are_start_inclusive_end_exclusive(desk):
    h1 = desk["h1"]
    # c1 registered and c5 closed exactly at Nov 3 09:00
    edge = handler_kpis(user_ids=[h1.pk], start=at(11, 3, 9), end=at(11, 3, 10))[h1.pk]
    assert (edge.registered, edge.closed, edge.satisfaction_sum) == (1, 1, 3)
    none = handler_kpis(user_ids=[h1.pk], start=at(11, 3, 8), end=at(11, 3, 9))[h1.pk]
    assert none == DeskKpis()


def test_team_and_category_kpis_add_up_the_people(desk, team, django_assert_num_queries):
    h1, h2 = desk["h1"], desk["h2"]
    per = handler_kpis(user_ids=[h1.pk, h2.pk], start=NOVEMBER[0], end=NOVEMBER[1])

    with django_assert_num_queries(4):
        t = team_kpis(department_id=team.pk, start=NOVEMBER[0], end=NOVEMBER[1])
    org = team_kpis(start=NOVEMBER[0], end=NOVEMBER[1])
    with django_assert_num_queries(3):  # replies are not counted per category
        by_category = category_kpis(start=NOVEMBER[0], end=NOVEMBER[1], department_id=team.pk)

    assert t == per[h1.pk] + per[h2.pk]
    assert org == t
    assert t.replies == 2
    assert by_category == {
        Category.objects.get(code="promise_broken").pk: dataclasses.replace(t, replies=0, reply_findings=0)
    }
    other = Department.objects.exclude(pk=team.pk).first()
    assert team_kpis(department_id=other.pk, start=NOVEMBER[0], end=NOVEMBER[1]) == DeskKpis()
    assert category_kpis(start=NOVEMBER[0], end=NOVEMBER[1], department_id=other.pk) == {}


def test_compensation_above_the_standard_is_per_severity(handler, supervisor):
    # the standard (reference data): low 20 CNY, medium 100 CNY; strictly more is above it
    cases = [({"severity": "low"}, 30), ({}, 100), ({}, 150)]
    for overrides, amount in cases:
        c = new(handler, handler, at(11, 3), supervisor, **overrides)
        with clock.frozen_at(at(11, 3, 10)):
            to_resolving(c, handler, amount=amount)
            services.complaint_transition(complaint_id=c.pk, action="resolve", actor=handler)
        close(c, handler, at(11, 4), 5)
    # not closed: does not count
    c = new(handler, handler, at(11, 5), supervisor)
    with clock.frozen_at(at(11, 5, 10)):
        to_resolving(c, handler, amount=150)

    k = handler_kpis(user_ids=[handler.pk], start=NOVEMBER[0], end=NOVEMBER[1])[handler.pk]

    assert (k.closed, k.compensated, k.compensated_above) == (3, 3, 2)
    assert k.comp_above_rate == pytest.approx(2 / 3)
    assert (k.value("comp_above"), k.cases("comp_above")) == (pytest.approx(2 / 3), 3)


def test_empty_input_and_naive_windows():
    assert handler_kpis(user_ids=[], start=NOVEMBER[0], end=NOVEMBER[1]) == {}
    with pytest.raises(ValueError):
        handler_kpis(user_ids=[1], start=dt.datetime(2026, 11, 1), end=dt.datetime(2026, 12, 1))
    with pytest.raises(ValueError):
        team_kpis(start=dt.datetime(2026, 11, 1), end=dt.datetime(2026, 12, 1))


def test_a_long_window_reads_in_one_pass_and_counts_the_same(desk):
    h1, h2 = desk["h1"], desk["h2"]
    # 91 days: above SCAN_ABOVE, so the query takes the one-pass plan
    long = handler_kpis(user_ids=[h1.pk, h2.pk], start=at(10, 1, 0), end=at(12, 31, 0))
    short = handler_kpis(user_ids=[h2.pk], start=NOVEMBER[0], end=NOVEMBER[1])

    assert at(12, 31, 0) - at(10, 1, 0) > kpis.SCAN_ABOVE
    assert long[h2.pk] == short[h2.pk]
    assert (long[h1.pk].registered, long[h1.pk].closed, long[h1.pk].replies) == (7, 4, 3)
    assert team_kpis(start=at(10, 1, 0), end=at(12, 31, 0)) == long[h1.pk] + long[h2.pk]


def test_the_catalogue_names_real_figures():
    counts = {f.name for f in dataclasses.fields(DeskKpis)}
    assert {k.base for k in KPIS.values()} <= counts
    assert all(isinstance(getattr(DeskKpis, k.attr), property) for k in KPIS.values())
    assert set(KPI_LABELS) == set(KPIS)
    assert DeskKpis().value("avg_satisfaction") is None
