"""Hand-built desk histories for the KPI tests (the desk's and the academy's): every complaint goes
through the desk's services at a frozen moment, so timestamps (and therefore the expected KPIs) are
exact."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from kesu.accounts.roles import Role
from kesu.common import clock
from kesu.complaints import services, sla
from kesu.complaints.services import CompensationLine
from tests.complaints.factories import register, to_follow_up
from tests.conftest import make_user

SH = ZoneInfo("Asia/Shanghai")


def at(month: int, day: int, hour: int = 9, year: int = 2026) -> dt.datetime:
    return dt.datetime(year, month, day, hour, 0, tzinfo=SH)


def new(actor, assignee, when: dt.datetime, supervisor, **overrides):
    """Register at ``when`` and (re)assign to ``assignee``."""
    with clock.frozen_at(when):
        c = register(actor, **overrides)
        if c.assignee_id != assignee.pk:
            services.complaint_assign(complaint_id=c.pk, assignee_id=assignee.pk, actor=supervisor)
    c.refresh_from_db()
    return c


def resolve(c, actor, when: dt.datetime):
    with clock.frozen_at(when):
        to_follow_up(c, actor)
    c.refresh_from_db()
    return c


def follow_up(c, actor, when: dt.datetime, satisfaction: int, *, resolved: bool = True):
    with clock.frozen_at(when):
        services.follow_up_record(
            complaint_id=c.pk,
            actor=actor,
            channel="phone",
            reached=True,
            satisfaction=satisfaction,
            resolved=resolved,
        )


def close(c, actor, when: dt.datetime, satisfaction: int, closer=None):
    follow_up(c, actor, when, satisfaction)
    with clock.frozen_at(when):
        services.complaint_transition(
            complaint_id=c.pk, action="close", actor=closer or actor, reason="回访完成"
        )
    c.refresh_from_db()
    return c


def reply(c, actor, when: dt.datetime, text: str):
    with clock.frozen_at(when):
        return services.complaint_reply(complaint_id=c.pk, actor=actor, text=text)


BAD_REPLY = "这不归我们管，你去找快递。"
GOOD_REPLY = "非常抱歉让您久等了，我理解您的着急。退款我会立即联系财务核实，今天下午5点前给您回电告知结果。"

# The window the November history is read over: Nov 2 – Nov 30.
NOVEMBER = (at(11, 2, 0), at(11, 30, 0))


def november(team, supervisor) -> dict:
    """November for two handlers of the complaint team. Every complaint is medium severity, compensated
    with a 50 CNY voucher (c3: 80 CNY after its reopening), below the 100 CNY standard."""
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
