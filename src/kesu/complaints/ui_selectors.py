"""Reads the desk UI needs beyond selectors.py: dashboard figures, the detail page's related rows, form
choices and the rows of a queue export. Read-only; visibility always starts from
``selectors.visible_complaints`` / ``selectors.can_view`` so the UI never shows more than the API."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Count, Prefetch, Q
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from kesu.accounts.models import Department, User
from kesu.accounts.roles import Cap, Role, can
from kesu.common import clock
from kesu.complaints import selectors, triage
from kesu.complaints.models import (
    OPEN_Q,
    Category,
    CompensationItem,
    CompensationProposal,
    CompensationTier,
    Complaint,
    ComplaintTriage,
    DepartmentTask,
    DeskSettings,
)
from kesu.complaints.workflow import Status
from kesu.triage.models import ReplyReport

# Roles that can hold complaints of a team (the "assign to" choices); services.can_handle decides for real.
ASSIGNABLE_ROLES = (Role.HANDLER, Role.SENIOR_HANDLER, Role.SUPERVISOR)


def attention_for(*, user: User, limit: int = 20) -> list[Complaint]:
    """The user's own open complaints that are overdue or in the warning period, overdue first."""
    return list(
        selectors.visible_complaints(user)
        .filter(OPEN_Q, assignee=user)
        .filter(Q(is_overdue=True) | Q(sla_warning=True))
        .select_related("category", "customer")
        .order_by("-is_overdue", "next_due_at", "id")[:limit]
    )


@dataclass(frozen=True)
class DailyFlow:
    days: list[dt.date]
    registered: list[int]
    closed: list[int]


def daily_flow(*, user: User, days: int = 30) -> DailyFlow:
    """Complaints registered and closed per day over the last ``days`` days (local dates), for what the
    user may see. Cached for five minutes per user: the closed count has no index of its own."""
    today = timezone.localdate(clock.now())
    key = f"kesu:ui:daily_flow:{user.pk}:{today.isoformat()}:{days}"
    cached = cache.get(key)
    if cached is not None:
        return cached
    first = today - dt.timedelta(days=days - 1)
    start = timezone.make_aware(dt.datetime.combine(first, dt.time.min))
    base = selectors.visible_complaints(user)
    tz = timezone.get_current_timezone()
    registered = dict(
        base.filter(registered_at__gte=start)
        .annotate(day=TruncDate("registered_at", tzinfo=tz))
        .values_list("day")
        .annotate(n=Count("id"))
        .values_list("day", "n")
    )
    closed = dict(
        base.filter(status=Status.CLOSED, closed_at__gte=start)
        .annotate(day=TruncDate("closed_at", tzinfo=tz))
        .values_list("day")
        .annotate(n=Count("id"))
        .values_list("day", "n")
    )
    dates = [first + dt.timedelta(days=i) for i in range(days)]
    flow = DailyFlow(
        days=dates,
        registered=[registered.get(d, 0) for d in dates],
        closed=[closed.get(d, 0) for d in dates],
    )
    cache.set(key, flow, 300)
    return flow


@dataclass(frozen=True)
class DetailRelated:
    deadlines: list
    tasks: list
    proposals: list
    follow_ups: list
    messages: list
    evidence: list
    timeline: list
    earlier: list[tuple[Complaint, bool]]  # (complaint, viewer may open it)
    later: list[tuple[Complaint, bool]]
    tier: CompensationTier | None
    pending_proposal: CompensationProposal | None


def detail_related(*, user: User, complaint: Complaint) -> DetailRelated:
    proposals = list(
        complaint.proposals.select_related("proposed_by", "decided_by", "tier").prefetch_related(
            Prefetch("items", queryset=CompensationItem.objects.order_by("id"))
        )
    )
    earlier = list(
        complaint.earlier_complaints.order_by("registered_at").only(
            "id", "number", "department_id", "title", "status"
        )
    )
    later = list(
        complaint.later_complaints.order_by("registered_at").only(
            "id", "number", "department_id", "title", "status"
        )
    )
    return DetailRelated(
        deadlines=list(complaint.deadlines.order_by("started_at", "due_at")),
        tasks=list(complaint.tasks.select_related("department", "owner", "answered_by", "created_by")),
        proposals=proposals,
        follow_ups=list(complaint.follow_ups.select_related("by")),
        messages=list(complaint.messages.all()),
        evidence=list(complaint.evidence.select_related("added_by")),
        timeline=list(selectors.complaint_timeline(complaint)),
        earlier=[(c, selectors.can_view(user, c)) for c in earlier],
        later=[(c, selectors.can_view(user, c)) for c in later],
        tier=CompensationTier.objects.filter(severity=complaint.severity).first(),
        pending_proposal=next(
            (p for p in reversed(proposals) if p.state == CompensationProposal.State.PENDING), None
        ),
    )


def may_decide(*, user: User, proposal: CompensationProposal) -> bool:
    """Whether ``proposal`` is in the user's approval queue (services.proposal_decide re-checks)."""
    return selectors.pending_approvals(user=user).filter(pk=proposal.pk).exists()


def assignable_users(*, complaint: Complaint) -> list[User]:
    return list(
        User.objects.filter(
            is_active=True, department_id=complaint.department_id, role__in=ASSIGNABLE_ROLES
        ).order_by("role", "display_name", "username")
    )


def task_departments() -> list[Department]:
    return list(Department.objects.order_by("kind", "code"))


def task_owner_choices() -> list[User]:
    """People a department task can be given to: active liaisons, with their department."""
    return list(
        User.objects.filter(is_active=True, role=Role.LIAISON, department__isnull=False)
        .select_related("department")
        .order_by("department__code", "display_name", "username")
    )


def follow_up_still_possible(complaint: Complaint) -> bool:
    """Follow-up is recorded while awaiting follow-up, or on a closed complaint inside the reopen window."""
    if complaint.status == Status.AWAITING_FOLLOW_UP:
        return True
    if complaint.status != Status.CLOSED or complaint.closed_at is None:
        return False
    window = DeskSettings.current().reopen_window_days
    return clock.now() - complaint.closed_at <= dt.timedelta(days=window)


def open_blocking_tasks(complaint: Complaint) -> int:
    return complaint.tasks.filter(state=DepartmentTask.State.OPEN, blocking=True).count()


def export_rows(
    *, user: User, queue: str, filters: selectors.QueueFilters, max_rows: int
) -> Iterator[Complaint]:
    """The complaints of a queue in queue order, page by page through the keyset selector (so an export
    shows exactly what the queue shows), at most ``max_rows``."""
    cursor = None
    sent = 0
    while sent < max_rows:
        page = selectors.complaint_queue(
            user=user, queue=queue, filters=filters, cursor=cursor, limit=min(200, max_rows - sent)
        )
        for complaint in page.items:
            yield complaint
            sent += 1
        if not page.next_cursor:
            return
        cursor = page.next_cursor


def can_see_tasks_page(user: User) -> bool:
    return can(user, Cap.ANSWER_TASKS) or can(user, Cap.HANDLE) or can(user, Cap.READ_ALL)


# --------------------------------------------------------------------------------------------------
# Triage panel and reply coaching (what the complaint page shows of kesu.triage's output)


def _words(
    cues: list[dict], prefix: str, *, exact: bool = True, skip_kinds: tuple[str, ...] = ()
) -> list[str]:
    out: dict[str, None] = {}
    for cue in cues:
        target = str(cue.get("for", ""))
        if (target == prefix if exact else target.startswith(prefix)) and cue.get("kind") not in skip_kinds:
            text = str(cue.get("text", "")).strip()
            if text:
                out[text] = None
    return list(out)


@dataclass(frozen=True)
class TriagePanel:
    row: ComplaintTriage
    suggested_name: str
    confidence_pct: int
    category_words: list[str]
    differs: bool  # the suggestion is not the complaint's category
    anger_level: int
    anger_label: str
    anger_words: list[str]
    flags: list[tuple[str, str, list[str]]]  # code, label, cue words
    demands: list[tuple[str, list[str]]]  # label, cue words
    needs: list[str]
    confirmed_name: str


def triage_panel(*, complaint: Complaint, row: ComplaintTriage | None) -> TriagePanel | None:
    if row is None:
        return None
    names = dict(Category.objects.values_list("code", "name"))
    cues = list(row.cues or [])
    return TriagePanel(
        row=row,
        suggested_name=names.get(row.category_code)
        or str((row.labels or {}).get("category:" + row.category_code, row.category_code)),
        confidence_pct=round(row.category_confidence * 100),
        category_words=_words(cues, "category")[:6],
        differs=row.category_code != complaint.category.code,
        anger_level=row.anger_level,
        anger_label=triage.anger_label(row.anger_level),
        anger_words=_words(cues, "anger", skip_kinds=("flag",))[:10],
        flags=[(code, triage.label("flag", code, row), _words(cues, f"flag:{code}")) for code in row.flags],
        demands=[(triage.label("demand", code, row), _words(cues, f"demand:{code}")) for code in row.demands],
        needs=[triage.label("need", code, row) for code in row.underlying_needs],
        confirmed_name=names.get(row.confirmed_category_code, row.confirmed_category_code),
    )


@dataclass(frozen=True)
class CoachingFinding:
    code: str
    label: str
    severity: str
    severity_label: str
    words: list[str]
    before: str  # the words around the span (with "…" where the reply goes on), for the snippet
    marked: str
    after: str
    suggestion: str
    rewrite: str | None  # the whole reply with this finding fixed (one-click apply)
    apply_label: str


@dataclass(frozen=True)
class Coaching:
    text: str
    score: int
    findings: list[CoachingFinding]
    credits: list[str]
    degraded: bool
    notes: list[str]

    @property
    def level(self) -> str:
        return "good" if self.score >= 80 else "fair" if self.score >= 60 else "poor"

    @property
    def high(self) -> int:
        return sum(1 for f in self.findings if f.severity == "high")


def coaching(*, text: str, report: ReplyReport) -> Coaching:
    norm = report.normalized.text
    findings = []
    for f in report.findings:
        # The snippet comes from the reply as typed when the words are found there, else from the
        # engine's normalised text (the spans index that one).
        source, start, end = norm, f.start, f.end
        span = triage.locate(text, f.words[0], code=f.code) if f.words and f.end > f.start else None
        if span is not None:
            source, (start, end) = text, span
        has_span = end > start
        rewrite = triage.rewrite(text, f)
        findings.append(
            CoachingFinding(
                code=f.code,
                label=str(triage.FINDING_LABELS.get(f.code, f.label)),
                severity=f.severity,
                severity_label=str(triage.SEVERITY_LABELS.get(f.severity, f.severity)),
                words=list(f.words),
                before=("…" if start > 12 else "") + source[max(0, start - 12) : start] if has_span else "",
                marked=source[start:end] if has_span else "",
                after=source[end : end + 12] + ("…" if end + 12 < len(source) else "") if has_span else "",
                suggestion=f.suggestion,
                rewrite=rewrite if rewrite is not None and rewrite != text else None,
                apply_label=_("Add") if f.code.startswith("missing_") else _("Apply"),
            )
        )
    # the most serious first; at equal severity, in the order of the text
    findings.sort(key=lambda f: {"high": 0, "medium": 1, "low": 2}.get(f.severity, 3))
    return Coaching(
        text=text,
        score=report.score,
        findings=findings,
        credits=[str(triage.FINDING_LABELS.get(c.code, c.label)) for c in report.credits],
        degraded=report.normalized.degraded,
        notes=list(report.normalized.notes),
    )


def reply_coaching(*, complaint: Complaint, text: str) -> Coaching:
    """Coach ``text`` as a reply to ``complaint`` (its stored analysis gives the anger level and the
    demand words; nothing is written)."""
    return coaching(text=text, report=selectors.reply_lint(text=text, complaint=complaint))
