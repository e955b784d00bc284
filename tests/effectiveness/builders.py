"""Hand-built desk histories for the KPI tests: every complaint goes through the desk's services at a
frozen moment, so timestamps (and therefore the expected KPIs) are exact."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from kesu.common import clock
from kesu.complaints import services
from tests.complaints.factories import register, to_follow_up

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
