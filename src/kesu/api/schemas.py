"""Request and response shapes of the API, and the functions that build responses from model rows.

Money is always a decimal string with two places ("49.90"); datetimes are ISO 8601 in the desk's time
zone. Personal data (phone, e-mail, ID number) is masked unless the caller may view it (Cap.VIEW_PII);
the builders take that decision as ``pii`` so that every response masks the same way.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.utils import timezone
from ninja import Field, Schema
from pydantic import WithJsonSchema

from kesu.common.masking import mask_email, mask_id_number, mask_phone
from kesu.complaints import triage
from kesu.complaints.models import (
    Channel,
    CompensationProposal,
    CompensationType,
    Complaint,
    ComplaintEvent,
    ComplaintTriage,
    CustomerTier,
    Demand,
    DepartmentTask,
    Evidence,
    FollowUp,
    Notification,
    Responsibility,
    Severity,
    SpecialGroup,
    StageDeadline,
)
from kesu.complaints.workflow import Action, Status, allowed_actions

# Amounts in: "49.90" (a number is accepted too); documented as a string.
DecimalIn = Annotated[
    Decimal,
    Field(max_digits=12, decimal_places=2),
    WithJsonSchema({"type": "string", "pattern": r"^\d{1,10}(\.\d{1,2})?$", "example": "49.90"}),
]
MoneyOut = Annotated[str, WithJsonSchema({"type": "string", "pattern": r"^\d+\.\d{2}$", "example": "49.90"})]


def money(value: Decimal | None) -> str:
    return f"{(value or Decimal('0')):.2f}"


def local(value: dt.datetime | None) -> dt.datetime | None:
    return timezone.localtime(value) if value is not None else None


# --------------------------------------------------------------------------------------------------
# Errors


class ErrorOut(Schema):
    code: str = Field(..., examples=["transition_refused"])
    message: str
    details: dict[str, Any] = Field(default_factory=dict)


# --------------------------------------------------------------------------------------------------
# Small references


class UserRef(Schema):
    id: int
    username: str
    name: str

    @classmethod
    def of(cls, user: Any) -> UserRef | None:
        if user is None:
            return None
        return cls(id=user.pk, username=user.username, name=str(user))


class CategoryRef(Schema):
    code: str
    name: str


class DepartmentRef(Schema):
    code: str
    name: str

    @classmethod
    def of(cls, dept: Any) -> DepartmentRef | None:
        return None if dept is None else cls(code=dept.code, name=dept.name)


# --------------------------------------------------------------------------------------------------
# Complaints in


class CustomerIn(Schema):
    name: str = Field(..., examples=["王丽"])
    phone: str = Field("", examples=["13800138000"])
    email: str = ""
    id_number: str = ""
    tier: CustomerTier = CustomerTier.REGULAR
    special_group: SpecialGroup = SpecialGroup.NONE


class ComplaintCreateIn(Schema):
    channel: Channel = Channel.API
    category: str = Field(..., description="Category code, see GET /reference", examples=["logistics"])
    severity: Severity = Severity.MEDIUM
    title: str = Field(..., examples=["承诺48小时发货，五天未发"])
    description: str
    product: str = ""
    order_ref: str = ""
    demand: Demand | None = None
    customer: CustomerIn


class QueueQuery(Schema):
    queue: Literal["mine", "team", "unassigned", "overdue", "escalated", "approvals", "all"] = "mine"
    status: Status | None = None
    category: str | None = None
    severity: Severity | None = None
    channel: Channel | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    overdue: bool = False
    repeat: bool = False
    special_group: bool = False
    q: str = ""
    cursor: str | None = None
    limit: int = Field(25, ge=1, le=200)


class VersionedIn(Schema):
    version: int | None = Field(
        None, description="The complaint version the change is based on (or send an If-Match header)."
    )


class TransitionIn(VersionedIn):
    action: Action
    reason: str = ""


class FindingsIn(VersionedIn):
    root_cause: str
    responsibility: Responsibility
    underlying_need: str = ""


class NoteIn(Schema):
    text: str


class TaskIn(Schema):
    department: str = Field(..., description="Department code, see GET /reference", examples=["legal"])
    title: str
    due_at: dt.datetime
    owner: str | None = Field(None, description="Username of a member of that department")
    blocking: bool = True


class TaskAnswerIn(Schema):
    answer: str


class TaskCancelIn(Schema):
    reason: str


class CompensationItemIn(Schema):
    type: CompensationType
    amount: DecimalIn = Decimal("0")
    note: str = ""


class ProposalIn(VersionedIn):
    solution: str
    items: list[CompensationItemIn] = Field(default_factory=list)


class DecisionIn(Schema):
    approve: bool
    reason: str = ""


class FollowUpIn(Schema):
    channel: Channel = Channel.PHONE
    reached: bool = True
    satisfaction: int | None = Field(None, ge=1, le=5)
    resolved: bool | None = None
    comment: str = ""


class EscalateIn(VersionedIn):
    reason: str


class AssignIn(VersionedIn):
    assignee: str = Field(..., description="Username of the new handler")


class RevealIn(Schema):
    field: Literal["phone", "email", "id_number"]
    reason: str


class RevealOut(Schema):
    field: str
    value: str


class MarkReadIn(Schema):
    ids: list[int] | None = Field(None, description="Notification ids; omit to mark all as read")


class MarkReadOut(Schema):
    marked: int


# --------------------------------------------------------------------------------------------------
# Complaints out


class CustomerOut(Schema):
    name: str
    phone: str
    email: str
    id_number: str
    tier: str
    special_group: str
    masked: bool = Field(..., description="True when phone, e-mail and ID number are masked for this caller")


class DeadlineOut(Schema):
    stage: str
    started_at: dt.datetime
    warn_at: dt.datetime
    due_at: dt.datetime
    warned_at: dt.datetime | None
    overdue_at: dt.datetime | None
    met_at: dt.datetime | None

    @classmethod
    def of(cls, d: StageDeadline) -> DeadlineOut:
        return cls(
            stage=d.stage,
            started_at=local(d.started_at),
            warn_at=local(d.warn_at),
            due_at=local(d.due_at),
            warned_at=local(d.warned_at),
            overdue_at=local(d.overdue_at),
            met_at=local(d.met_at),
        )


class TaskOut(Schema):
    id: int
    complaint: str = Field(..., description="Complaint number")
    department: DepartmentRef
    title: str
    owner: UserRef | None
    due_at: dt.datetime
    blocking: bool
    state: str
    answer: str
    answered_by: UserRef | None
    answered_at: dt.datetime | None
    created_by: UserRef | None
    created_at: dt.datetime

    @classmethod
    def of(cls, t: DepartmentTask, *, number: str | None = None) -> TaskOut:
        return cls(
            id=t.pk,
            complaint=number or t.complaint.number,
            department=DepartmentRef.of(t.department),
            title=t.title,
            owner=UserRef.of(t.owner),
            due_at=local(t.due_at),
            blocking=t.blocking,
            state=t.state,
            answer=t.answer,
            answered_by=UserRef.of(t.answered_by),
            answered_at=local(t.answered_at),
            created_by=UserRef.of(t.created_by),
            created_at=local(t.created_at),
        )


class CompensationItemOut(Schema):
    type: str
    amount: MoneyOut
    note: str


class ProposalOut(Schema):
    id: int
    complaint: str = Field(..., description="Complaint number")
    state: str
    solution: str
    total: MoneyOut
    tier: str | None = Field(..., description="Compensation tier (standard) the proposal was checked against")
    approver_role: str = Field(
        ..., description="Role whose approval it waits for; empty when within authority"
    )
    proposed_by: UserRef | None
    proposed_at: dt.datetime
    decided_by: UserRef | None
    decided_at: dt.datetime | None
    decision_reason: str
    items: list[CompensationItemOut]

    @classmethod
    def of(cls, p: CompensationProposal, *, number: str | None = None) -> ProposalOut:
        return cls(
            id=p.pk,
            complaint=number or p.complaint.number,
            state=p.state,
            solution=p.solution,
            total=money(p.total),
            tier=p.tier.name if p.tier_id else None,
            approver_role=p.approver_role,
            proposed_by=UserRef.of(p.proposed_by),
            proposed_at=local(p.proposed_at),
            decided_by=UserRef.of(p.decided_by),
            decided_at=local(p.decided_at),
            decision_reason=p.decision_reason,
            items=[
                CompensationItemOut(type=i.type, amount=money(i.amount), note=i.note) for i in p.items.all()
            ],
        )


class FollowUpOut(Schema):
    id: int
    channel: str
    reached: bool
    satisfaction: int | None
    resolved: bool | None
    comment: str
    by: UserRef | None
    at: dt.datetime
    round: int

    @classmethod
    def of(cls, f: FollowUp) -> FollowUpOut:
        return cls(
            id=f.pk,
            channel=f.channel,
            reached=f.reached,
            satisfaction=f.satisfaction,
            resolved=f.resolved,
            comment=f.comment,
            by=UserRef.of(f.by),
            at=local(f.at),
            round=f.round,
        )


class EvidenceOut(Schema):
    id: int
    note: str
    original_name: str
    content_type: str
    size: int
    from_customer: bool
    added_by: UserRef | None
    added_at: dt.datetime

    @classmethod
    def of(cls, e: Evidence) -> EvidenceOut:
        return cls(
            id=e.pk,
            note=e.note,
            original_name=e.original_name,
            content_type=e.content_type,
            size=e.size,
            from_customer=e.from_customer,
            added_by=UserRef.of(e.added_by),
            added_at=local(e.added_at),
        )


class ComplaintSummary(Schema):
    number: str
    title: str
    status: Status
    channel: str
    category: CategoryRef
    severity: str
    customer_name: str
    customer_phone: str
    special_group: str
    department: DepartmentRef
    assignee: UserRef | None
    escalated: bool
    is_overdue: bool
    sla_warning: bool
    is_repeat: bool
    next_due_at: dt.datetime | None
    registered_at: dt.datetime
    version: int

    @staticmethod
    def fields_of(c: Complaint, *, pii: bool) -> dict[str, Any]:
        phone = c.customer.phone
        return dict(
            number=c.number,
            title=c.title,
            status=c.status,
            channel=c.channel,
            category=CategoryRef(code=c.category.code, name=c.category.name),
            severity=c.severity,
            customer_name=c.customer.name,
            customer_phone=phone if pii else mask_phone(phone),
            special_group=c.customer.special_group,
            department=DepartmentRef.of(c.department),
            assignee=UserRef.of(c.assignee),
            escalated=c.escalated,
            is_overdue=c.is_overdue,
            sla_warning=c.sla_warning,
            is_repeat=c.is_repeat,
            next_due_at=local(c.next_due_at),
            registered_at=local(c.registered_at),
            version=c.version,
        )

    @classmethod
    def of(cls, c: Complaint, *, pii: bool) -> ComplaintSummary:
        return cls(**cls.fields_of(c, pii=pii))


class ComplaintLinks(Schema):
    detail: str = Field(..., examples=["/api/v1/complaints/TS-20261122-0001"])
    timeline: str
    triage: str
    evidence: str
    transitions: str


class ComplaintCreated(ComplaintSummary):
    """What POST /complaints answers: the complaint's own fields, from what the registration wrote (no
    re-read of its related lists), and where to find the rest."""

    intake_pending: bool = Field(
        ...,
        description="True while the intake work (repeat link, SLA deadlines, assignment, triage, "
        "acknowledgement) is still queued; the worker's intake pump does it within seconds",
    )
    links: ComplaintLinks

    @classmethod
    def of(cls, c: Complaint, *, pii: bool, base: str) -> ComplaintCreated:  # type: ignore[override]
        url = f"{base}/{c.number}"
        return cls(
            **cls.fields_of(c, pii=pii),
            intake_pending=c.intake_pending,
            links=ComplaintLinks(
                detail=url,
                timeline=f"{url}/timeline",
                triage=f"{url}/triage",
                evidence=f"{url}/evidence",
                transitions=f"{url}/transitions",
            ),
        )


# --------------------------------------------------------------------------------------------------
# Triage


def _cue_words(row: ComplaintTriage, target: str) -> list[str]:
    return list(
        dict.fromkeys(
            str(c["text"])
            for c in row.cues or []
            if c.get("for") == target and c.get("kind") != "flag" and str(c.get("text", "")).strip()
        )
    )


class TriageSummaryOut(Schema):
    category: str = Field(..., description="Suggested category code (see GET /reference)")
    confidence: float
    model_version: str = Field(..., description='"rules:<hash>" or the trained model\'s "lr-<time>-<hash>"')
    category_confirmed: bool = Field(..., description="A handler confirmed or corrected the category")
    anger_level: int = Field(..., ge=0, le=4)
    anger_label: str
    flags: list[str] = Field(..., examples=[["privacy_leak", "media"]])
    demands: list[str]
    underlying_needs: list[str]
    degraded: bool = Field(..., description="The text could not be analysed properly; see degraded_note")
    analysed_at: dt.datetime

    @staticmethod
    def fields_of(row: ComplaintTriage) -> dict[str, Any]:
        return dict(
            category=row.category_code,
            confidence=row.category_confidence,
            model_version=row.model_version,
            category_confirmed=row.category_confirmed,
            anger_level=row.anger_level,
            anger_label=triage.anger_label(row.anger_level),
            flags=list(row.flags or []),
            demands=list(row.demands or []),
            underlying_needs=list(row.underlying_needs or []),
            degraded=row.degraded,
            analysed_at=local(row.analysed_at),
        )

    @classmethod
    def of(cls, row: ComplaintTriage) -> TriageSummaryOut:
        return cls(**cls.fields_of(row))


class LabelledOut(Schema):
    code: str
    label: str
    words: list[str] = Field(..., description="The words of the complaint that raised it")


class TriageOut(TriageSummaryOut):
    number: str
    version: int = Field(..., description="The complaint's version (for POST /category-confirmation)")
    complaint_category: str = Field(..., description="The complaint's category now")
    category_source: str = Field(..., description='"rules" or "model"')
    category_words: list[str]
    anger_cues: list[str]
    flag_details: list[LabelledOut]
    demand_details: list[LabelledOut]
    need_labels: list[str]
    script: str = Field(..., description="The soothing script that fits the anger level")
    cues: list[dict[str, Any]] = Field(
        ...,
        description='Every cue: {"for", "kind", "text", "start", "end", "weight"}; spans index the normalised text',
    )
    notes: list[str]
    degraded_note: str
    engine_version: str
    confirmed_category: str
    confirmed_by: UserRef | None
    confirmed_at: dt.datetime | None

    @classmethod
    def of(cls, row: ComplaintTriage) -> TriageOut:  # type: ignore[override]
        c = row.complaint
        return cls(
            **cls.fields_of(row),
            number=c.number,
            version=c.version,
            complaint_category=c.category.code,
            category_source=row.category_source,
            category_words=_cue_words(row, "category"),
            anger_cues=_cue_words(row, "anger"),
            flag_details=[
                LabelledOut(code=f, label=triage.label("flag", f, row), words=_cue_words(row, f"flag:{f}"))
                for f in row.flags or []
            ],
            demand_details=[
                LabelledOut(
                    code=d, label=triage.label("demand", d, row), words=_cue_words(row, f"demand:{d}")
                )
                for d in row.demands or []
            ],
            need_labels=[triage.label("need", n, row) for n in row.underlying_needs or []],
            script=row.script,
            cues=list(row.cues or []),
            notes=list(row.notes or []),
            degraded_note=row.degraded_note,
            engine_version=row.engine_version,
            confirmed_category=row.confirmed_category_code,
            confirmed_by=UserRef.of(row.confirmed_by),
            confirmed_at=local(row.confirmed_at),
        )


class CategoryConfirmIn(Schema):
    category: str = Field(
        ..., description="The right category code: the complaint's own to confirm it, another to correct it"
    )
    version: int | None = Field(None, description="Optimistic locking; or send If-Match")


class LintIn(Schema):
    text: str = Field(..., max_length=20000, examples=["这不归我们管，你去找快递。"])
    complaint: str | None = Field(
        None, description="Number of the complaint the reply answers (its anger level and demands count)"
    )


class FindingOut(Schema):
    code: str
    label: str
    severity: str = Field(..., description='"high", "medium", "low" (findings) or "credit"')
    start: int = Field(..., description="Span in normalized_text (0, 0 for something missing)")
    end: int
    words: list[str]
    suggestion: str


class LintOut(Schema):
    score: int = Field(..., ge=0, le=100)
    findings: list[FindingOut]
    credits: list[FindingOut]
    normalized_text: str
    degraded: bool
    notes: list[str]

    @classmethod
    def of(cls, report: Any) -> LintOut:
        def out(f: Any) -> FindingOut:
            return FindingOut(
                code=f.code,
                label=str(triage.FINDING_LABELS.get(f.code, f.label)),
                severity=f.severity,
                start=f.start,
                end=f.end,
                words=list(f.words),
                suggestion=f.suggestion,
            )

        return cls(
            score=report.score,
            findings=[out(f) for f in report.findings],
            credits=[out(f) for f in report.credits],
            normalized_text=report.normalized.text,
            degraded=report.normalized.degraded,
            notes=list(report.normalized.notes),
        )


class CompensationLineOut(Schema):
    type: str
    amount: MoneyOut


class SimilarCaseOut(Schema):
    number: str
    title: str
    category: CategoryRef
    score: float
    resolution: str
    compensation_cost: MoneyOut
    compensation: list[CompensationLineOut]
    satisfaction: int | None
    closed_at: dt.datetime | None
    viewable: bool = Field(..., description="Whether the caller may open it (GET /complaints/{number})")


class SimilarOut(Schema):
    number: str
    ready: bool = Field(
        ..., description="False while the server builds its index of closed cases; retry later"
    )
    items: list[SimilarCaseOut]


class ReplyIn(Schema):
    text: str = Field(..., examples=["非常抱歉给您带来不便，我今天下午5点前给您回电告知处理结果。"])


class ReplyOut(Schema):
    message_id: int
    state: str = Field(..., description='"queued" (e-mail) or "manual" (to send by hand)')
    coaching: dict[str, Any] = Field(..., description="Score, findings and credits kept with the reply")


class ComplaintDetail(ComplaintSummary):
    description: str
    product: str
    order_ref: str
    demand: str
    underlying_need: str
    customer: CustomerOut
    root_cause: str
    responsibility: str
    resolution: str
    compensation_cost: MoneyOut = Field(..., description="Approved compensation")
    satisfaction: int | None
    reopen_count: int
    first_contact_resolution: bool | None
    acknowledged_at: dt.datetime | None
    resolved_at: dt.datetime | None
    closed_at: dt.datetime | None
    earlier_complaints: list[str] = Field(
        ..., description="Numbers of the earlier complaints a repeat links to"
    )
    allowed_actions: list[str] = Field(
        ..., description="Actions POST /transitions accepts in the current status"
    )
    deadlines: list[DeadlineOut]
    tasks: list[TaskOut]
    proposals: list[ProposalOut]
    follow_ups: list[FollowUpOut]
    evidence: list[EvidenceOut]
    triage: TriageSummaryOut | None = Field(
        ...,
        description="The triage analysis (null if never analysed); details at GET /complaints/{number}/triage",
    )
    intake_pending: bool = Field(
        ...,
        description="True while the intake work of an API registration is still queued (no deadlines, "
        "assignee or triage yet)",
    )

    @classmethod
    def of(cls, c: Complaint, *, pii: bool) -> ComplaintDetail:  # type: ignore[override]
        cu = c.customer
        customer = CustomerOut(
            name=cu.name,
            phone=cu.phone if pii else mask_phone(cu.phone),
            email=cu.email if pii else mask_email(cu.email),
            id_number=cu.id_number if pii else mask_id_number(cu.id_number),
            tier=cu.tier,
            special_group=cu.special_group,
            masked=not pii,
        )
        tasks = c.tasks.select_related("department", "owner", "answered_by", "created_by")
        proposals = c.proposals.select_related("tier", "proposed_by", "decided_by").prefetch_related("items")
        return cls(
            **cls.fields_of(c, pii=pii),
            description=c.description,
            product=c.product,
            order_ref=c.order_ref,
            demand=c.demand,
            underlying_need=c.underlying_need,
            customer=customer,
            root_cause=c.root_cause,
            responsibility=c.responsibility,
            resolution=c.resolution,
            compensation_cost=money(c.compensation_cost),
            satisfaction=c.satisfaction,
            reopen_count=c.reopen_count,
            first_contact_resolution=c.first_contact_resolution,
            acknowledged_at=local(c.acknowledged_at),
            resolved_at=local(c.resolved_at),
            closed_at=local(c.closed_at),
            earlier_complaints=list(
                c.earlier_complaints.order_by("registered_at").values_list("number", flat=True)
            ),
            allowed_actions=allowed_actions(c.status),
            deadlines=[DeadlineOut.of(d) for d in c.deadlines.order_by("started_at", "id")],
            tasks=[TaskOut.of(t, number=c.number) for t in tasks],
            proposals=[ProposalOut.of(p, number=c.number) for p in proposals],
            follow_ups=[FollowUpOut.of(f) for f in c.follow_ups.select_related("by")],
            evidence=[EvidenceOut.of(e) for e in c.evidence.select_related("added_by")],
            triage=TriageSummaryOut.of(row)
            if (row := ComplaintTriage.objects.filter(complaint=c).first())
            else None,
            intake_pending=c.intake_pending,
        )


class QueuePageOut(Schema):
    items: list[ComplaintSummary]
    next_cursor: str | None = Field(
        ..., description="Pass as ?cursor= for the next page; null on the last page"
    )
    ordering: str = Field(..., description='"due" (open queues: overdue first) or "recent" (closed)')


class EventOut(Schema):
    id: int
    at: dt.datetime
    kind: str
    actor: UserRef | None
    from_status: str
    to_status: str
    message: str
    data: dict[str, Any]

    @classmethod
    def of(cls, e: ComplaintEvent) -> EventOut:
        return cls(
            id=e.pk,
            at=local(e.at),
            kind=e.kind,
            actor=UserRef.of(e.actor),
            from_status=e.from_status,
            to_status=e.to_status,
            message=e.message,
            data=e.data or {},
        )


class TimelineOut(Schema):
    number: str
    events: list[EventOut]


class TaskListOut(Schema):
    items: list[TaskOut]


class ProposalListOut(Schema):
    items: list[ProposalOut]


class NotificationOut(Schema):
    id: int
    kind: str
    message: str
    complaint: str | None
    created_at: dt.datetime
    read_at: dt.datetime | None

    @classmethod
    def of(cls, n: Notification) -> NotificationOut:
        return cls(
            id=n.pk,
            kind=n.kind,
            message=n.message,
            complaint=n.complaint.number if n.complaint_id else None,
            created_at=local(n.created_at),
            read_at=local(n.read_at),
        )


class NotificationListOut(Schema):
    unread: int
    items: list[NotificationOut]


# --------------------------------------------------------------------------------------------------
# Reference data


class Choice(Schema):
    value: str
    label: str


class CategoryOut(Schema):
    code: str
    name: str
    name_en: str


class CompensationTierOut(Schema):
    severity: str
    name: str
    description: str
    allowed_types: list[str]
    suggested_amount: MoneyOut
    max_amount: MoneyOut


class AuthorityLimitOut(Schema):
    role: str
    max_amount: MoneyOut


class DepartmentOut(Schema):
    code: str
    name: str
    kind: str


class ReferenceOut(Schema):
    categories: list[CategoryOut]
    channels: list[Choice]
    severities: list[Choice]
    customer_tiers: list[Choice]
    special_groups: list[Choice]
    demands: list[Choice]
    responsibilities: list[Choice]
    compensation_types: list[Choice]
    compensation_tiers: list[CompensationTierOut]
    authority_limits: list[AuthorityLimitOut]
    statuses: list[Choice]
    actions: list[Choice]
    departments: list[DepartmentOut]
    max_text_chars: int
    max_upload_bytes: int
    upload_types: list[str]
