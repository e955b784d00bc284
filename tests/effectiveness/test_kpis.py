"""Desk KPI selectors against a hand-built month of complaints with exact expected values."""

import datetime as dt

import pytest

from kesu.accounts.models import Department
from kesu.accounts.roles import Role
from kesu.common import clock
from kesu.complaints import services, sla
from kesu.complaints.models import ComplaintEvent
from kesu.complaints.services import CompensationLine
from kesu.effectiveness import kpis
from kesu.effectiveness.kpis import HandlerKpis, handler_kpis, team_kpis
from tests.conftest import make_user
from tests.effectiveness.builders import at, close, follow_up, new, reply, resolve

pytestmark = pytest.mark.django_db

BAD_REPLY = "这不归我们管，你去找快递。"
GOOD_REPLY = "非常抱歉让您久等了，我理解您的着急。退款我会立即联系财务核实，今天下午5点前给您回电告知结果。"

WINDOW = (at(11, 2, 0), at(11, 30, 0))


@pytest.fixture
def desk(team, supervisor):
    """November for two handlers of the complaint team (window: Nov 2 – Nov 30)."""
    h1 = make_user("kpi_h1", Role.HANDLER, team)
    h2 = make_user("kpi_h2", Role.HANDLER, team)
    s = supervisor
    # c5: registered before the window, resolved after 120 h, closed inside it (satisfaction 3)
    c5 = new(h1, h1, at(10, 28), s)
    resolve(c5, h1, at(11, 2))
    close(c5, h1, at(11, 3), 3)
    # c1: 4 h to resolve, satisfied (5), first-contact resolution
    c1 = new(h1, h1, at(11, 3), s, phone="13900000001")
    resolve(c1, h1, at(11, 3, 13))
    close(c1, h1, at(11, 4), 5)
    # c2: escalated by the handler, 6 h, satisfaction 4: no FCR because it was escalated
    c2 = new(h1, h1, at(11, 4), s)
    with clock.frozen_at(at(11, 4, 10)):
        services.complaint_escalate(complaint_id=c2.pk, actor=h1, reason="客户要求主管处理")
    resolve(c2, h1, at(11, 4, 15))
    close(c2, h1, at(11, 5), 4)
    # c3: unsatisfied (2), reopened, solved again a day later (26 h in all), then satisfied (4)
    c3 = new(h1, h1, at(11, 5), s)
    resolve(c3, h1, at(11, 5, 11))
    follow_up(c3, h1, at(11, 5, 15), 2, resolved=False)
    with clock.frozen_at(at(11, 5, 16)):
        services.complaint_transition(complaint_id=c3.pk, action="reopen", actor=h1, reason="客户仍不满意")
        services.compensation_propose(
            complaint_id=c3.pk,
            actor=h1,
            solution="补发并道歉",
            items=[CompensationLine(type="voucher", amount=80)],
        )
    with clock.frozen_at(at(11, 6, 11)):
        services.complaint_transition(complaint_id=c3.pk, action="resolve", actor=h1)
    close(c3, h1, at(11, 7), 4)
    # c4: left open; its acknowledgement deadline is missed (the sweep marks it and escalates)
    c4 = new(h1, h1, at(11, 6), s)
    sla.sweep(now=at(11, 9))
    reply(c4, h1, at(11, 9, 10), BAD_REPLY)
    reply(c4, h1, at(11, 9, 11), GOOD_REPLY)
    # c6: the customer of c1 again, four weeks later: a repeat complaint
    new(h1, h1, at(11, 28), s, phone="13900000001")
    # outside the window: registered on Dec 1; a reply on Dec 1
    c8 = new(h1, h1, at(12, 1), s)
    reply(c8, h1, at(12, 1, 10), BAD_REPLY)
    # h2: one complaint, the customer unsatisfied (1) and the supervisor closes it, 48 h to resolve
    c7 = new(h2, h2, at(11, 10), s)
    resolve(c7, h2, at(11, 12))
    close(c7, h2, at(11, 13), 1, closer=s)
    return {"h1": h1, "h2": h2, "c4": c4}


def _findings(*, actor, start, end):
    return sum(
        len(e.data["coaching"]["findings"])
        for e in ComplaintEvent.objects.filter(kind="message", actor=actor, at__gte=start, at__lt=end)
        if e.data.get("reply")
    )


def test_handler_kpis_count_exactly_what_happened_in_the_window(desk, django_assert_num_queries):
    h1, h2 = desk["h1"], desk["h2"]
    nobody = make_user("kpi_idle", Role.HANDLER, h1.department)

    with django_assert_num_queries(3):
        result = handler_kpis(user_ids=[h1.pk, h2.pk, nobody.pk], start=WINDOW[0], end=WINDOW[1])

    bad = _findings(actor=h1, start=WINDOW[0], end=WINDOW[1])
    assert bad > 0  # the buck-passing reply has findings
    assert result[h1.pk] == HandlerKpis(
        registered=5,  # c1 c2 c3 c4 c6
        escalated=2,  # c2 by the handler, c4 by the sweep
        repeats=1,  # c6
        overdue=1,  # c4
        closed=4,  # c5 c1 c2 c3
        fcr=2,  # c5 c1
        reopened=1,  # c3
        rated=4,
        satisfied=3,  # 5, 4, 4 (and 3)
        satisfaction_sum=16,
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
    assert k.avg_handling_hours == 39.0
    assert k.findings_per_reply == bad / 2
    assert result[h2.pk] == HandlerKpis(
        registered=1, closed=1, fcr=1, rated=1, satisfied=0, satisfaction_sum=1, handled=1,
        handling_seconds=48 * 3600.0,
    )  # fmt: skip
    assert result[nobody.pk] == HandlerKpis()
    assert result[nobody.pk].satisfaction_rate is None


def test_window_edges_are_start_inclusive_end_exclusive(desk):
    h1 = desk["h1"]
    # c1 registered and c5 closed exactly at Nov 3 09:00
    edge = handler_kpis(user_ids=[h1.pk], start=at(11, 3, 9), end=at(11, 3, 10))[h1.pk]
    assert (edge.registered, edge.closed, edge.satisfaction_sum) == (1, 1, 3)
    none = handler_kpis(user_ids=[h1.pk], start=at(11, 3, 8), end=at(11, 3, 9))[h1.pk]
    assert none == HandlerKpis()


def test_team_kpis_add_up_the_team_and_the_organisation(desk, team):
    h1, h2 = desk["h1"], desk["h2"]
    per = handler_kpis(user_ids=[h1.pk, h2.pk], start=WINDOW[0], end=WINDOW[1])

    t = team_kpis(department_id=team.pk, start=WINDOW[0], end=WINDOW[1])
    org = team_kpis(department_id=None, start=WINDOW[0], end=WINDOW[1])

    assert t == per[h1.pk] + per[h2.pk]
    assert org == t
    other = Department.objects.exclude(pk=team.pk).first()
    assert team_kpis(department_id=other.pk, start=WINDOW[0], end=WINDOW[1]) == HandlerKpis()


def test_empty_input_and_naive_windows():
    assert handler_kpis(user_ids=[], start=WINDOW[0], end=WINDOW[1]) == {}
    with pytest.raises(ValueError):
        handler_kpis(user_ids=[1], start=dt.datetime(2026, 11, 1), end=dt.datetime(2026, 12, 1))


def test_change_and_kpi_item_mapping():
    assert kpis.change(0.8, 0.9) == pytest.approx(0.125)
    assert kpis.change(None, 0.9) is None
    assert kpis.change(0, 0.5) is None
    assert kpis.kpis_for_items(["att_empathy"]) == ["satisfaction", "findings"]
    assert kpis.kpis_for_items(["nothing"]) == []
    assert set(kpis.KPI_ITEMS) == set(kpis.KPIS)


def test_a_long_window_reads_in_one_pass_and_counts_the_same(desk):
    h1, h2 = desk["h1"], desk["h2"]
    # 91 days: above SCAN_ABOVE, so the query takes the one-pass plan
    long = handler_kpis(user_ids=[h1.pk, h2.pk], start=at(10, 1, 0), end=at(12, 31, 0))
    short = handler_kpis(user_ids=[h2.pk], start=WINDOW[0], end=WINDOW[1])

    assert long[h2.pk] == short[h2.pk]
    assert (long[h1.pk].registered, long[h1.pk].closed, long[h1.pk].replies) == (7, 4, 3)
    assert team_kpis(department_id=None, start=at(10, 1, 0), end=at(12, 31, 0)) == long[h1.pk] + long[h2.pk]


def test_l3_compares_a_person_before_and_after_with_findings_by_code(desk):
    from django.utils import translation

    from kesu.effectiveness import selectors

    h1 = desk["h1"]
    with clock.frozen_at(at(12, 20)), translation.override("en"):
        b = selectors.l3_person(person=h1, completed_on=at(11, 9).date(), weeks=1, min_base=1)

    assert (b.before_window.start, b.before_window.end) == (at(11, 2, 0), at(11, 9, 0))
    assert (b.after_window.start, b.after_window.end) == (at(11, 9, 0), at(11, 16, 0))
    assert (b.before.closed, b.after.replies) == (4, 2)
    by_code = {f.code: (f.before, f.after) for f in b.findings}
    assert sum(a for _b, a in by_code.values()) == b.after.reply_findings
    assert by_code["buck_passing"] == (0, 1)
    assert {f.label for f in b.findings if f.code == "buck_passing"} == {"Passing the buck"}
