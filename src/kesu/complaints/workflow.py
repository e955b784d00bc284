"""The closed loop as plain data: statuses, actions and which action leads from where to where.

受理 → 调查 → 解决 → 回访 → 关闭:
    registered ─acknowledge→ acknowledged ─start_investigation→ investigating
    investigating ─propose (within authority)→ resolving
    investigating ─propose (above authority)→ awaiting_approval ─approve→ resolving
                                                 awaiting_approval ─reject→ investigating
    resolving ─resolve→ awaiting_follow_up ─close→ closed
    awaiting_follow_up | closed ─reopen→ investigating      (customer unsatisfied)

This module imports no models, so the table is testable without a database. Guards that need data
(responsibility set, blocking tasks closed, follow-up recorded, reopen window) live in services.py,
and ``complaint_transition`` there is the only writer of ``Complaint.status``.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Status(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    INVESTIGATING = "investigating", _("Investigating")
    AWAITING_APPROVAL = "awaiting_approval", _("Awaiting approval")
    RESOLVING = "resolving", _("Resolving")
    AWAITING_FOLLOW_UP = "awaiting_follow_up", _("Awaiting follow-up")
    CLOSED = "closed", _("Closed")


OPEN_STATUSES: frozenset[str] = frozenset(s.value for s in Status if s != Status.CLOSED)


class Action(models.TextChoices):
    ACKNOWLEDGE = "acknowledge", _("Acknowledge")
    START_INVESTIGATION = "start_investigation", _("Start investigation")
    REQUEST_APPROVAL = "request_approval", _("Request approval")
    START_RESOLUTION = "start_resolution", _("Start resolution")
    APPROVE = "approve", _("Approve")
    REJECT = "reject", _("Reject")
    RESOLVE = "resolve", _("Mark resolved")
    CLOSE = "close", pgettext_lazy("complaint action", "Close")
    REOPEN = "reopen", _("Reopen")


@dataclass(frozen=True)
class Transition:
    action: str
    sources: frozenset[str]
    target: str
    # Actions a person may trigger directly; the others happen through a service with more input
    # (a proposal, an approval decision).
    direct: bool = True


TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in (
        Transition(Action.ACKNOWLEDGE, frozenset({Status.REGISTERED}), Status.ACKNOWLEDGED),
        Transition(Action.START_INVESTIGATION, frozenset({Status.ACKNOWLEDGED}), Status.INVESTIGATING),
        Transition(
            Action.REQUEST_APPROVAL, frozenset({Status.INVESTIGATING}), Status.AWAITING_APPROVAL, direct=False
        ),
        Transition(
            Action.START_RESOLUTION, frozenset({Status.INVESTIGATING}), Status.RESOLVING, direct=False
        ),
        Transition(Action.APPROVE, frozenset({Status.AWAITING_APPROVAL}), Status.RESOLVING, direct=False),
        Transition(Action.REJECT, frozenset({Status.AWAITING_APPROVAL}), Status.INVESTIGATING, direct=False),
        Transition(Action.RESOLVE, frozenset({Status.RESOLVING}), Status.AWAITING_FOLLOW_UP),
        Transition(Action.CLOSE, frozenset({Status.AWAITING_FOLLOW_UP}), Status.CLOSED),
        Transition(
            Action.REOPEN, frozenset({Status.AWAITING_FOLLOW_UP, Status.CLOSED}), Status.INVESTIGATING
        ),
    )
}

# Which SLA stage an arrival in a status completes, and which stages it starts.
STAGE_MET_ON_ENTRY: dict[str, tuple[str, ...]] = {
    Status.ACKNOWLEDGED: ("acknowledge",),
    Status.INVESTIGATING: ("first_response",),
    Status.AWAITING_FOLLOW_UP: ("resolve",),
    Status.CLOSED: ("follow_up",),
}
STAGES_STARTED_ON_ENTRY: dict[str, tuple[str, ...]] = {
    Status.AWAITING_FOLLOW_UP: ("follow_up",),
}


def target_of(action: str, current: str) -> str | None:
    """The status ``action`` leads to from ``current``, or None if the table does not allow it."""
    t = TRANSITIONS.get(action)
    if t is None or current not in t.sources:
        return None
    return t.target


def allowed_actions(current: str, *, direct_only: bool = True) -> list[str]:
    return [a for a, t in TRANSITIONS.items() if current in t.sources and (t.direct or not direct_only)]
