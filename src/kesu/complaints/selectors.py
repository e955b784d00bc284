"""Reads on the complaint desk: who sees what, queues with keyset pagination, detail and timeline.

Visibility (department-scoped): roles with READ_ALL see every complaint; handlers and supervisors see
their team's; liaisons see the complaints on which their department has a task; nobody else sees any.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils.dateparse import parse_datetime

from kesu.accounts.models import AuthorityLimit, User
from kesu.accounts.roles import Cap, can
from kesu.common.errors import NotFound, ValidationFailed
from kesu.complaints import triage
from kesu.complaints.models import (
    OPEN_Q,
    CompensationItem,
    CompensationProposal,
    Complaint,
    ComplaintEvent,
    ComplaintTriage,
    DepartmentTask,
    Notification,
    PiiAccessLog,
)
from kesu.complaints.workflow import Status
from kesu.triage.models import ReplyReport

QUEUES = ("mine", "team", "unassigned", "overdue", "escalated", "approvals", "all")


def _dept(user: User) -> int:
    """The user's department id; -1 (matches nothing) for users outside any department."""
    return user.department_id if user.department_id is not None else -1


def visible_complaints(user: User) -> QuerySet[Complaint]:
    qs = Complaint.objects.all()
    if can(user, Cap.READ_ALL):
        return qs
    if can(user, Cap.HANDLE):
        return qs.filter(department_id=_dept(user))
    if can(user, Cap.ANSWER_TASKS):
        return qs.filter(
            Exists(DepartmentTask.objects.filter(complaint=OuterRef("pk"), department_id=_dept(user)))
        )
    return qs.none()


def can_view(user: User, complaint: Complaint) -> bool:
    if can(user, Cap.READ_ALL):
        return True
    if can(user, Cap.HANDLE):
        return complaint.department_id == _dept(user)
    if can(user, Cap.ANSWER_TASKS):
        return DepartmentTask.objects.filter(complaint=complaint, department_id=_dept(user)).exists()
    return False


def complaint_get(*, user: User, number: str) -> Complaint:
    complaint = (
        Complaint.objects.select_related("customer", "category", "department", "assignee", "sla_policy")
        .filter(number=number)
        .first()
    )
    if complaint is None or not can_view(user, complaint):
        # Same answer for "absent" and "not yours": the number alone must not reveal a complaint exists.
        raise NotFound("complaint not found")
    return complaint


def complaint_timeline(complaint: Complaint) -> QuerySet[ComplaintEvent]:
    return ComplaintEvent.objects.filter(complaint=complaint).select_related("actor").order_by("at", "id")


@dataclass(frozen=True)
class QueueFilters:
    status: str = ""
    category: str = ""
    severity: str = ""
    channel: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    overdue: bool = False
    repeat: bool = False
    special_group: bool = False
    escalated: bool = False
    q: str = ""


@dataclass(frozen=True)
class QueuePage:
    items: list[Complaint]
    next_cursor: str | None
    ordering: str  # "due" (open queues) or "recent"


def _encode(values: list) -> str:
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")


def _decode(cursor: str) -> list:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()))
        if not isinstance(values, list) or len(values) != 3:
            raise ValueError
        return values
    except (ValueError, json.JSONDecodeError, UnicodeDecodeError):
        raise ValidationFailed("invalid cursor", code="invalid_cursor", details={"field": "cursor"}) from None


def complaint_queue(
    *, user: User, queue: str, filters: QueueFilters | None = None, cursor: str | None = None, limit: int = 25
) -> QueuePage:
    """One page of a queue. Open queues put overdue complaints first, then the nearest deadline;
    a queue filtered to closed complaints is ordered newest first. Keyset pagination: the cost of a
    page does not grow with its depth."""
    if queue not in QUEUES:
        raise ValidationFailed("unknown queue", code="unknown_queue", details={"field": "queue"})
    f = filters or QueueFilters()
    limit = max(1, min(limit, 200))
    qs = visible_complaints(user)
    if queue == "mine":
        qs = qs.filter(assignee=user)
    elif queue == "team":
        qs = qs.filter(department_id=_dept(user))
    elif queue == "unassigned":
        qs = qs.filter(assignee__isnull=True)
    elif queue == "overdue":
        qs = qs.filter(is_overdue=True)
    elif queue == "escalated":
        qs = qs.filter(escalated=True)
    elif queue == "approvals":
        qs = qs.filter(pk__in=pending_approvals(user=user).values("complaint_id"))

    open_only = f.status != Status.CLOSED
    if f.status:
        if f.status not in Status.values:
            raise ValidationFailed("unknown status", code="invalid_filter", details={"field": "status"})
        qs = qs.filter(status=f.status)
    if open_only:
        qs = qs.filter(OPEN_Q)
    if f.category:
        qs = qs.filter(category__code=f.category)
    if f.severity:
        qs = qs.filter(severity=f.severity)
    if f.channel:
        qs = qs.filter(channel=f.channel)
    if f.date_from:
        qs = qs.filter(registered_at__date__gte=f.date_from)
    if f.date_to:
        qs = qs.filter(registered_at__date__lte=f.date_to)
    if f.overdue:
        qs = qs.filter(is_overdue=True)
    if f.repeat:
        qs = qs.filter(is_repeat=True)
    if f.special_group:
        qs = qs.exclude(customer__special_group="")
    if f.escalated:
        qs = qs.filter(escalated=True)
    if f.q:
        qs = qs.filter(
            Q(number__iexact=f.q.strip()) | Q(order_ref__iexact=f.q.strip()) | Q(title__icontains=f.q.strip())
        )

    if open_only:
        ordering = "due"
        qs = qs.order_by("-is_overdue", "next_due_at", "id")
        if cursor:
            overdue, due_raw, last_id = _decode(cursor)
            due = parse_datetime(due_raw) if due_raw else None
            overdue = bool(overdue)
            after = Q(is_overdue=False) if overdue else Q(pk__in=[])
            if due is None:
                after |= Q(is_overdue=overdue, next_due_at__isnull=True, id__gt=last_id)
            else:
                after |= Q(is_overdue=overdue, next_due_at__gt=due) | Q(
                    is_overdue=overdue, next_due_at__isnull=True
                )
                after |= Q(is_overdue=overdue, next_due_at=due, id__gt=last_id)
            qs = qs.filter(after)
    else:
        ordering = "recent"
        qs = qs.order_by("-registered_at", "-id")
        if cursor:
            _kind, reg_raw, last_id = _decode(cursor)
            reg = parse_datetime(reg_raw or "")
            if reg is None:
                raise ValidationFailed("invalid cursor", code="invalid_cursor", details={"field": "cursor"})
            qs = qs.filter(Q(registered_at__lt=reg) | Q(registered_at=reg, id__lt=last_id))

    items = list(qs.select_related("category", "customer", "assignee")[: limit + 1])
    next_cursor = None
    if len(items) > limit:
        items = items[:limit]
        last = items[-1]
        if ordering == "due":
            next_cursor = _encode(
                [last.is_overdue, last.next_due_at.isoformat() if last.next_due_at else None, last.pk]
            )
        else:
            next_cursor = _encode(["r", last.registered_at.isoformat(), last.pk])
    return QueuePage(items=items, next_cursor=next_cursor, ordering=ordering)


def queue_counts(*, user: User) -> dict[str, int]:
    """The tab badges in one pass over the covering partial index of open complaints. Counting
    ``department`` (in the index, never null) rather than ``id`` keeps PostgreSQL's scan index-only."""
    base = visible_complaints(user).filter(OPEN_Q)
    counted = {
        "mine": Count("department", filter=Q(assignee=user)),
        "overdue": Count("department", filter=Q(is_overdue=True)),
        "unassigned": Count("department", filter=Q(assignee__isnull=True)),
        "escalated": Count("department", filter=Q(escalated=True)),
    }
    if can(user, Cap.HANDLE):
        counted["team"] = Count("department", filter=Q(department_id=_dept(user)))
    counts: dict[str, int] = base.aggregate(**counted)
    counts["approvals"] = pending_approvals(user=user).count()
    return counts


def pending_approvals(*, user: User) -> QuerySet[CompensationProposal]:
    if not can(user, Cap.APPROVE):
        return CompensationProposal.objects.none()
    limit = AuthorityLimit.objects.filter(role=user.role).values_list(
        "max_amount", flat=True
    ).first() or Decimal("0")
    return (
        CompensationProposal.objects.filter(
            state=CompensationProposal.State.PENDING,
            total__lte=limit,
            complaint__in=visible_complaints(user),
        )
        .exclude(proposed_by=user)
        .select_related("complaint", "proposed_by")
        .order_by("proposed_at")
    )


def department_tasks_for(*, user: User, state: str = DepartmentTask.State.OPEN) -> QuerySet[DepartmentTask]:
    qs = DepartmentTask.objects.select_related("complaint", "department", "owner")
    if can(user, Cap.ANSWER_TASKS):
        qs = qs.filter(department_id=_dept(user))
    elif can(user, Cap.READ_ALL):
        pass
    elif can(user, Cap.HANDLE):
        qs = qs.filter(complaint__department_id=_dept(user))
    else:
        return qs.none()
    if state:
        qs = qs.filter(state=state)
    return qs.order_by("due_at", "id")


def notification_unread_count(*, user: User) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def notifications_for(*, user: User, limit: int = 50) -> list[Notification]:
    return list(Notification.objects.filter(user=user).select_related("complaint")[:limit])


def public_status(*, number: str, phone_last4: str) -> Complaint | None:
    """The public status page: a complaint is shown only for the right number and phone digits."""
    number = (number or "").strip().upper()
    digits = (phone_last4 or "").strip()
    if not number or len(digits) != 4 or not digits.isdigit():
        return None
    complaint = Complaint.objects.select_related("customer", "category").filter(number=number).first()
    if complaint is None or not complaint.customer.phone_normalized.endswith(digits):
        return None
    return complaint


def can_audit(user: User) -> bool:
    return can(user, Cap.AUDIT)


def pii_access_log(*, username: str = "", number: str = "") -> QuerySet[PiiAccessLog]:
    qs = PiiAccessLog.objects.select_related("user", "complaint").order_by("-at", "-id")
    if username:
        qs = qs.filter(user__username=username)
    if number:
        qs = qs.filter(complaint__number=number.upper())
    return qs


# --------------------------------------------------------------------------------------------------
# Triage


def complaint_triage(*, complaint: Complaint) -> ComplaintTriage | None:
    """The stored analysis of a complaint (None for one registered before triage or loaded in bulk)."""
    return ComplaintTriage.objects.select_related("confirmed_by").filter(complaint=complaint).first()


def reply_lint(*, text: str, complaint: Complaint | None = None) -> ReplyReport:
    """Coach ``text`` as a reply (to ``complaint``, whose stored analysis gives the anger level and the
    demand words). Reads only."""
    row = ComplaintTriage.objects.filter(complaint=complaint).first() if complaint is not None else None
    return triage.lint(text, row)


def triage_training_examples() -> Iterator[tuple[str, str]]:
    """(text, category a person confirmed or chose) for every confirmed complaint, oldest confirmation
    first: the input of ``kesu triage train --from-desk``."""
    rows = (
        ComplaintTriage.objects.filter(category_confirmed=True)
        .order_by("confirmed_at", "pk")
        .values_list("complaint__title", "complaint__description", "confirmed_category_code")
    )
    for title, description, code in rows.iterator(chunk_size=2000):
        if code:
            yield triage.complaint_text(title, description), code


@dataclass(frozen=True)
class SimilarCase:
    complaint: Complaint
    score: float
    visible: bool  # the viewer may open it
    compensation: list[CompensationItem]  # the items of its approved proposal


@dataclass(frozen=True)
class SimilarCases:
    ready: bool  # False while this process's index is being built
    items: list[SimilarCase]


def complaint_similar(*, user: User, complaint: Complaint, k: int = 5) -> SimilarCases:
    """The closed complaints most like ``complaint``, with their solution, compensation and satisfaction
    read fresh from the database (a complaint reopened since it was indexed is left out)."""
    hits = triage.similar_to(complaint, k=k)
    if hits is None:
        return SimilarCases(ready=False, items=[])
    scores = {h.complaint_id: h.score for h in hits}
    approved = (
        CompensationProposal.objects.filter(state=CompensationProposal.State.APPROVED)
        .order_by("-decided_at", "-id")
        .prefetch_related(Prefetch("items", queryset=CompensationItem.objects.order_by("id")))
    )
    rows = (
        Complaint.objects.filter(pk__in=list(scores), status=Status.CLOSED)
        .select_related("category")
        .prefetch_related(Prefetch("proposals", queryset=approved, to_attr="approved_proposals"))
    )
    ranked = sorted(rows, key=lambda c: (-scores[c.pk], c.pk))[:k]
    items = []
    for c in ranked:
        proposals = getattr(c, "approved_proposals", [])
        items.append(
            SimilarCase(
                complaint=c,
                score=scores[c.pk],
                visible=can_view(user, c),
                compensation=list(proposals[0].items.all()) if proposals else [],
            )
        )
    return SimilarCases(ready=True, items=items)


def intake_backlog_exists() -> bool:
    """Whether any API registration still waits for its intake work (partial index cmp_intake_pending)."""
    return Complaint.objects.filter(intake_pending=True).exists()
