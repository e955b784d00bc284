"""The complaint desk over HTTP: intake, queues, detail, timeline, the loop's actions, department tasks,
approvals, notifications and the reference data integrators build forms from.

Handlers parse, call a service (writes) or a selector (reads) and render; rules live in the services.
A complaint the caller may not see answers 404, the same as one that does not exist. Writes that the
services guard with optimistic concurrency take the version from the body's ``version`` or from an
``If-Match`` header (the ``ETag`` of GET /complaints/{number}).
"""

import re
from typing import Any, Literal

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import File, Form, Header, Query, Router, Status
from ninja.files import UploadedFile

from kesu.accounts.models import AuthorityLimit, Department, User
from kesu.accounts.roles import Cap, can
from kesu.api.schemas import (
    AssignIn,
    AuthorityLimitOut,
    CategoryConfirmIn,
    CategoryOut,
    CategoryRef,
    Choice,
    CompensationLineOut,
    CompensationTierOut,
    ComplaintCreated,
    ComplaintCreateIn,
    ComplaintDetail,
    ComplaintSummary,
    DecisionIn,
    DepartmentOut,
    ErrorOut,
    EscalateIn,
    EventOut,
    EvidenceOut,
    FindingsIn,
    FollowUpIn,
    FollowUpOut,
    LintIn,
    LintOut,
    MarkReadIn,
    MarkReadOut,
    NoteIn,
    NotificationListOut,
    NotificationOut,
    ProposalIn,
    ProposalListOut,
    ProposalOut,
    QueuePageOut,
    QueueQuery,
    ReferenceOut,
    ReplyIn,
    ReplyOut,
    RevealIn,
    RevealOut,
    SimilarCaseOut,
    SimilarOut,
    TaskAnswerIn,
    TaskCancelIn,
    TaskIn,
    TaskListOut,
    TaskOut,
    TimelineOut,
    TransitionIn,
    TriageOut,
    money,
)
from kesu.common.errors import NotFound, ValidationFailed
from kesu.common.http import client_ip
from kesu.complaints import selectors, services
from kesu.complaints.models import (
    Category,
    Channel,
    CompensationTier,
    CompensationType,
    Complaint,
    CustomerTier,
    Demand,
    Responsibility,
    Severity,
    SpecialGroup,
)
from kesu.complaints.services import CompensationLine, ComplaintInput, CustomerInput
from kesu.complaints.validation import ALLOWED_UPLOAD_TYPES
from kesu.complaints.workflow import Action
from kesu.complaints.workflow import Status as ComplaintStatus

router = Router(tags=["complaints"])

# Every operation may answer with these; listing them puts the error shape into the OpenAPI schema.
ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}

_ETAG = re.compile(r'^\s*(?:W/)?"?(\d+)"?\s*$')


# --------------------------------------------------------------------------------------------------
# Helpers


def _user(request: HttpRequest) -> User:
    return request.auth  # type: ignore[attr-defined,no-any-return]


def _pii(user: User) -> bool:
    return can(user, Cap.VIEW_PII)


def _complaint(request: HttpRequest, number: str) -> Complaint:
    """The complaint the caller may see, or NotFound (404)."""
    return selectors.complaint_get(user=_user(request), number=number)


def _expected_version(body_version: int | None, if_match: str | None) -> int | None:
    if body_version is not None:
        return body_version
    if if_match is None or not if_match.strip() or if_match.strip() == "*":
        return None
    m = _ETAG.match(if_match)
    if m is None:
        raise ValidationFailed(
            _('If-Match must be the complaint version, e.g. "3".'),
            code="invalid_if_match",
            details={"field": "If-Match"},
        )
    return int(m.group(1))


def _detail(request: HttpRequest, response: HttpResponse, number: str) -> ComplaintDetail:
    complaint = _complaint(request, number)
    response["ETag"] = f'"{complaint.version}"'
    return ComplaintDetail.of(complaint, pii=_pii(_user(request)))


IfMatch = Header(None, alias="If-Match", description='The complaint version the change is based on, e.g. "3"')


# --------------------------------------------------------------------------------------------------
# Complaints


@router.post(
    "/complaints",
    response={200: ComplaintCreated, 201: ComplaintCreated, **ERRORS},
    summary="Register a complaint",
    description=(
        "Registers a complaint (default channel `api`). Send an `Idempotency-Key` header so that a retried "
        "request returns the complaint created first (200) instead of a duplicate; reusing a key with a "
        "different body answers 422 `idempotency_key_reused`. Attachments are added afterwards with "
        "POST /complaints/{number}/evidence.\n\n"
        "The answer is the complaint's own fields and `links`, not its related lists. The intake work "
        "(repeat link, SLA deadlines, automatic assignment, triage with escalation of high-sensitivity "
        "complaints, the acknowledgement to the customer) runs in the background right after the "
        "registration commits: while it is queued `intake_pending` is true and `assignee`, "
        "`next_due_at` are empty. It does not change `version`, so the `ETag` stays valid; any action on "
        "the complaint runs it first if it is still queued."
    ),
)
def complaint_create(
    request: HttpRequest,
    response: HttpResponse,
    data: ComplaintCreateIn,
    idempotency_key: str = Header("", alias="Idempotency-Key", max_length=100),
):
    user = _user(request)
    c = data.customer
    complaint = services.complaint_register(
        data=ComplaintInput(
            channel=data.channel,
            category_code=data.category,
            title=data.title,
            description=data.description,
            severity=data.severity,
            product=data.product,
            order_ref=data.order_ref,
            demand=data.demand or "",
            customer=CustomerInput(
                name=c.name,
                phone=c.phone,
                email=c.email,
                id_number=c.id_number,
                tier=c.tier,
                special_group=c.special_group,
            ),
        ),
        actor=user,
        idempotency_key=idempotency_key.strip(),
        defer=True,
    )
    replayed = getattr(complaint, "_replayed", False)
    # Answered from what the registration holds in memory (its customer, category and team) without the
    # visibility check: the caller registered it, even when the category routes it to a team whose queue
    # the caller cannot read.
    base = request.path.rstrip("/")
    response["ETag"] = f'"{complaint.version}"'
    response["Location"] = f"{base}/{complaint.number}"
    return Status(200 if replayed else 201, ComplaintCreated.of(complaint, pii=_pii(user), base=base))


@router.get("/complaints", response={200: QueuePageOut, **ERRORS}, summary="A queue of complaints")
def complaint_list(request: HttpRequest, filters: Query[QueueQuery]):
    user = _user(request)
    page = selectors.complaint_queue(
        user=user,
        queue=filters.queue,
        filters=selectors.QueueFilters(
            status=filters.status or "",
            category=filters.category or "",
            severity=filters.severity or "",
            channel=filters.channel or "",
            date_from=filters.date_from,
            date_to=filters.date_to,
            overdue=filters.overdue,
            repeat=filters.repeat,
            special_group=filters.special_group,
            q=filters.q,
        ),
        cursor=filters.cursor or None,
        limit=filters.limit,
    )
    pii = _pii(user)
    return QueuePageOut(
        items=[ComplaintSummary.of(c, pii=pii) for c in page.items],
        next_cursor=page.next_cursor,
        ordering=page.ordering,
    )


@router.get("/complaints/{number}", response={200: ComplaintDetail, **ERRORS}, summary="One complaint")
def complaint_detail(request: HttpRequest, response: HttpResponse, number: str):
    return _detail(request, response, number)


@router.get(
    "/complaints/{number}/timeline", response={200: TimelineOut, **ERRORS}, summary="The complaint's timeline"
)
def complaint_timeline(request: HttpRequest, number: str):
    complaint = _complaint(request, number)
    return TimelineOut(
        number=complaint.number, events=[EventOut.of(e) for e in selectors.complaint_timeline(complaint)]
    )


@router.post(
    "/complaints/{number}/transitions",
    response={200: ComplaintDetail, **ERRORS},
    summary="Move the complaint along the loop",
    description="Actions: acknowledge, start_investigation, resolve, close, reopen (reason required). "
    "An action the current status or a guard does not allow answers 409 `transition_refused` (or a more "
    "specific code) with the reason in `message`.",
)
def complaint_transition(
    request: HttpRequest,
    response: HttpResponse,
    number: str,
    data: TransitionIn,
    if_match: str | None = IfMatch,
):
    complaint = _complaint(request, number)
    services.complaint_transition(
        complaint_id=complaint.pk,
        action=data.action,
        actor=_user(request),
        reason=data.reason,
        expected_version=_expected_version(data.version, if_match),
    )
    return _detail(request, response, number)


@router.post(
    "/complaints/{number}/findings",
    response={200: ComplaintDetail, **ERRORS},
    summary="Record root cause and responsibility",
)
def complaint_findings(
    request: HttpRequest,
    response: HttpResponse,
    number: str,
    data: FindingsIn,
    if_match: str | None = IfMatch,
):
    complaint = _complaint(request, number)
    services.complaint_record_findings(
        complaint_id=complaint.pk,
        actor=_user(request),
        root_cause=data.root_cause,
        responsibility=data.responsibility,
        underlying_need=data.underlying_need,
        expected_version=_expected_version(data.version, if_match),
    )
    return _detail(request, response, number)


@router.post("/complaints/{number}/notes", response={201: EventOut, **ERRORS}, summary="Add an internal note")
def complaint_note(request: HttpRequest, number: str, data: NoteIn):
    complaint = _complaint(request, number)
    event = services.complaint_add_note(complaint_id=complaint.pk, actor=_user(request), text=data.text)
    return Status(201, EventOut.of(event))


@router.post(
    "/complaints/{number}/evidence",
    response={201: EvidenceOut, **ERRORS},
    summary="Add evidence (multipart: note and/or file)",
    description="multipart/form-data with `note` and an optional `file` (at most 20 MB, allow-listed types; "
    "422 `file_too_large`, `file_type_not_allowed` or `file_type_mismatch` otherwise).",
)
def complaint_evidence(
    request: HttpRequest, number: str, note: str = Form(""), file: File[UploadedFile | None] = None
):
    complaint = _complaint(request, number)
    evidence = services.evidence_add(complaint_id=complaint.pk, actor=_user(request), note=note, upload=file)
    return Status(201, EvidenceOut.of(evidence))


@router.post(
    "/complaints/{number}/tasks", response={201: TaskOut, **ERRORS}, summary="Open a task for a department"
)
def complaint_task_open(request: HttpRequest, number: str, data: TaskIn):
    complaint = _complaint(request, number)
    department = Department.objects.filter(code=data.department).first()
    if department is None:
        raise ValidationFailed(_("Unknown department."), details={"field": "department"})
    owner_id = None
    if data.owner:
        owner_id = User.objects.filter(username=data.owner).values_list("pk", flat=True).first()
        if owner_id is None:
            raise ValidationFailed(_("The owner must belong to that department."), details={"field": "owner"})
    task = services.task_open(
        complaint_id=complaint.pk,
        actor=_user(request),
        department_id=department.pk,
        title=data.title,
        due_at=data.due_at,
        owner_id=owner_id,
        blocking=data.blocking,
    )
    return Status(201, TaskOut.of(task, number=complaint.number))


@router.post(
    "/complaints/{number}/proposals",
    response={201: ProposalOut, **ERRORS},
    summary="Propose the solution and compensation",
    description="Within the proposer's authority the proposal is approved at once and the complaint moves to "
    "resolving; above it, the complaint waits for approval (state `pending`).",
)
def complaint_propose(request: HttpRequest, number: str, data: ProposalIn, if_match: str | None = IfMatch):
    complaint = _complaint(request, number)
    proposal = services.compensation_propose(
        complaint_id=complaint.pk,
        actor=_user(request),
        solution=data.solution,
        items=[CompensationLine(type=i.type, amount=i.amount, note=i.note) for i in data.items],
        expected_version=_expected_version(data.version, if_match),
    )
    return Status(201, ProposalOut.of(proposal, number=complaint.number))


@router.post(
    "/complaints/{number}/follow-ups",
    response={201: FollowUpOut, **ERRORS},
    summary="Record a follow-up (回访)",
)
def complaint_follow_up(request: HttpRequest, number: str, data: FollowUpIn):
    complaint = _complaint(request, number)
    follow_up = services.follow_up_record(
        complaint_id=complaint.pk,
        actor=_user(request),
        channel=data.channel,
        reached=data.reached,
        satisfaction=data.satisfaction,
        resolved=data.resolved,
        comment=data.comment,
    )
    return Status(201, FollowUpOut.of(follow_up))


@router.post(
    "/complaints/{number}/escalate",
    response={200: ComplaintDetail, **ERRORS},
    summary="Escalate to the supervisor",
)
def complaint_escalate(
    request: HttpRequest,
    response: HttpResponse,
    number: str,
    data: EscalateIn,
    if_match: str | None = IfMatch,
):
    complaint = _complaint(request, number)
    services.complaint_escalate(
        complaint_id=complaint.pk,
        actor=_user(request),
        reason=data.reason,
        expected_version=_expected_version(data.version, if_match),
    )
    return _detail(request, response, number)


@router.post(
    "/complaints/{number}/assign", response={200: ComplaintDetail, **ERRORS}, summary="Assign a handler"
)
def complaint_assign(
    request: HttpRequest, response: HttpResponse, number: str, data: AssignIn, if_match: str | None = IfMatch
):
    complaint = _complaint(request, number)
    assignee_id = User.objects.filter(username=data.assignee).values_list("pk", flat=True).first()
    if assignee_id is None:
        raise ValidationFailed(
            _("That person cannot handle complaints of this team."), details={"field": "assignee"}
        )
    services.complaint_assign(
        complaint_id=complaint.pk,
        assignee_id=assignee_id,
        actor=_user(request),
        expected_version=_expected_version(data.version, if_match),
    )
    return _detail(request, response, number)


@router.post(
    "/complaints/{number}/reveal",
    response={200: RevealOut, **ERRORS},
    summary="Reveal one masked personal-data field",
    description="Unmasks the customer's phone, email or id_number; the reveal is written to the PII access log.",
)
def complaint_reveal(request: HttpRequest, number: str, data: RevealIn):
    complaint = _complaint(request, number)
    value = services.pii_reveal(
        complaint_id=complaint.pk,
        actor=_user(request),
        field=data.field,
        reason=data.reason,
        ip=client_ip(request),
    )
    return RevealOut(field=data.field, value=value)


# --------------------------------------------------------------------------------------------------
# Triage: the analysis, category confirmation, reply coaching, similar cases


def _triage(complaint: Complaint) -> TriageOut:
    row = selectors.complaint_triage(complaint=complaint)
    if row is None:
        raise NotFound(_("This complaint has not been analysed yet."), code="not_analysed")
    row.complaint = complaint
    return TriageOut.of(row)


@router.get(
    "/complaints/{number}/triage",
    response={200: TriageOut, **ERRORS},
    summary="The triage analysis of a complaint",
    description="Suggested category with confidence, the words behind it and the model version; anger level "
    "0–4 with its cues and soothing script; sensitivity flags, demands and deeper needs with their cues; "
    "whether a handler confirmed the category. 404 `not_analysed` for a complaint never analysed.",
)
def complaint_triage(request: HttpRequest, number: str):
    return _triage(_complaint(request, number))


@router.post(
    "/complaints/{number}/category-confirmation",
    response={200: TriageOut, **ERRORS},
    summary="Confirm or correct the complaint's category",
    description="Send the complaint's own category to confirm it, another to correct it (the complaint's category "
    "changes; routing and deadlines stay). Either way the complaint becomes a training example of the "
    "category model. Optimistic locking with `version` or If-Match (409 `concurrent_edit`).",
)
def complaint_category_confirmation(
    request: HttpRequest,
    response: HttpResponse,
    number: str,
    data: CategoryConfirmIn,
    if_match: str | None = IfMatch,
):
    complaint = _complaint(request, number)
    services.complaint_confirm_category(
        complaint_id=complaint.pk,
        actor=_user(request),
        category_code=data.category,
        expected_version=_expected_version(data.version, if_match),
    )
    complaint = _complaint(request, number)
    response["ETag"] = f'"{complaint.version}"'
    return _triage(complaint)


@router.get(
    "/complaints/{number}/similar",
    response={200: SimilarOut, **ERRORS},
    summary="Similar closed complaints and how they were solved",
    description="Up to `k` closed complaints ranked by BM25 over their text (the same category ranks higher), with "
    "solution, compensation and satisfaction. `ready` is false while the server builds its index.",
)
def complaint_similar(request: HttpRequest, number: str, k: int = Query(5, ge=1, le=20)):
    complaint = _complaint(request, number)
    result = selectors.complaint_similar(user=_user(request), complaint=complaint, k=k)
    return SimilarOut(
        number=complaint.number,
        ready=result.ready,
        items=[
            SimilarCaseOut(
                number=s.complaint.number,
                title=s.complaint.title,
                category=CategoryRef(code=s.complaint.category.code, name=s.complaint.category.name),
                score=round(s.score, 4),
                resolution=s.complaint.resolution,
                compensation_cost=money(s.complaint.compensation_cost),
                compensation=[
                    CompensationLineOut(type=i.type, amount=money(i.amount)) for i in s.compensation
                ],
                satisfaction=s.complaint.satisfaction,
                closed_at=s.complaint.closed_at,
                viewable=s.visible,
            )
            for s in result.items
        ],
    )


@router.post(
    "/lint-reply",
    response={200: LintOut, **ERRORS},
    summary="Coach a reply before sending it",
    description="Score 0–100, findings (buck-passing, blaming, over-promising, jargon, personal data, missing "
    "empathy / ownership / next step …) with span, severity and suggested rewrite, and credits. Give "
    "`complaint` to coach against that complaint's anger level and demands. Nothing is stored.",
)
def lint_reply(request: HttpRequest, data: LintIn):
    complaint = _complaint(request, data.complaint) if data.complaint else None
    return LintOut.of(selectors.reply_lint(text=data.text, complaint=complaint))


@router.post(
    "/complaints/{number}/replies",
    response={201: ReplyOut, **ERRORS},
    summary="Send a reply to the customer",
    description="E-mailed when the customer has an address, else recorded to be sent by hand. The reply is coached "
    "and the coaching is kept on the timeline event.",
)
def complaint_reply(request: HttpRequest, number: str, data: ReplyIn):
    complaint = _complaint(request, number)
    msg = services.complaint_reply(complaint_id=complaint.pk, actor=_user(request), text=data.text)
    event = msg.complaint.events.filter(data__message_id=msg.pk).order_by("-id").first()
    return Status(
        201,
        ReplyOut(
            message_id=msg.pk,
            state=msg.state,
            coaching=(event.data.get("coaching", {}) if event else {}),
        ),
    )


# --------------------------------------------------------------------------------------------------
# Department tasks and approvals


@router.get("/tasks", response={200: TaskListOut, **ERRORS}, summary="Department tasks for me")
def task_list(
    request: HttpRequest,
    state: Literal["open", "done", "cancelled", ""] = Query("open", description='"" for every state'),
    limit: int = Query(100, ge=1, le=500),
):
    tasks = selectors.department_tasks_for(user=_user(request), state=state)
    return TaskListOut(
        items=[TaskOut.of(t) for t in tasks.select_related("answered_by", "created_by")[:limit]]
    )


@router.post("/tasks/{task_id}/answer", response={200: TaskOut, **ERRORS}, summary="Answer a department task")
def task_answer(request: HttpRequest, task_id: int, data: TaskAnswerIn):
    task = services.task_answer(task_id=task_id, actor=_user(request), answer=data.answer)
    return TaskOut.of(task)


@router.post("/tasks/{task_id}/cancel", response={200: TaskOut, **ERRORS}, summary="Cancel a department task")
def task_cancel(request: HttpRequest, task_id: int, data: TaskCancelIn):
    task = services.task_cancel(task_id=task_id, actor=_user(request), reason=data.reason)
    task = (
        type(task)
        .objects.select_related("complaint", "department", "owner", "answered_by", "created_by")
        .get(pk=task.pk)
    )
    return TaskOut.of(task)


@router.get(
    "/approvals", response={200: ProposalListOut, **ERRORS}, summary="Proposals waiting for my approval"
)
def approval_list(request: HttpRequest):
    proposals = (
        selectors.pending_approvals(user=_user(request))
        .select_related("tier", "decided_by")
        .prefetch_related("items")
    )
    return ProposalListOut(items=[ProposalOut.of(p) for p in proposals])


@router.post(
    "/proposals/{proposal_id}/decision",
    response={200: ProposalOut, **ERRORS},
    summary="Approve or reject a proposal",
    description="A rejection needs a reason. The decider needs the approve permission and enough authority.",
)
def proposal_decision(request: HttpRequest, proposal_id: int, data: DecisionIn):
    proposal = services.proposal_decide(
        proposal_id=proposal_id, actor=_user(request), approve=data.approve, reason=data.reason
    )
    proposal = (
        type(proposal)
        .objects.select_related("complaint", "tier", "proposed_by", "decided_by")
        .prefetch_related("items")
        .get(pk=proposal.pk)
    )
    return ProposalOut.of(proposal)


# --------------------------------------------------------------------------------------------------
# Notifications


@router.get(
    "/notifications", response={200: NotificationListOut, **ERRORS}, summary="My notifications, newest first"
)
def notification_list(request: HttpRequest, limit: int = Query(50, ge=1, le=200)):
    user = _user(request)
    return NotificationListOut(
        unread=selectors.notification_unread_count(user=user),
        items=[NotificationOut.of(n) for n in selectors.notifications_for(user=user, limit=limit)],
    )


@router.post(
    "/notifications/read", response={200: MarkReadOut, **ERRORS}, summary="Mark notifications as read"
)
def notification_read(request: HttpRequest, data: MarkReadIn):
    return MarkReadOut(marked=services.notification_mark_read(user=_user(request), notification_ids=data.ids))


# --------------------------------------------------------------------------------------------------
# Reference data


def _choices(choices: Any) -> list[Choice]:
    return [Choice(value=value, label=str(label)) for value, label in choices]


@router.get(
    "/reference", response={200: ReferenceOut, **ERRORS}, summary="Codes and labels to build forms with"
)
def reference(request: HttpRequest):
    return ReferenceOut(
        categories=[
            CategoryOut(code=c.code, name=c.name, name_en=c.name_en)
            for c in Category.objects.filter(active=True)
        ],
        channels=_choices(Channel.choices),
        severities=_choices(Severity.choices),
        customer_tiers=_choices(CustomerTier.choices),
        special_groups=_choices(SpecialGroup.choices),
        demands=_choices(Demand.choices),
        responsibilities=_choices(Responsibility.choices),
        compensation_types=_choices(CompensationType.choices),
        compensation_tiers=[
            CompensationTierOut(
                severity=t.severity,
                name=t.name,
                description=t.description,
                allowed_types=list(t.allowed_types or []),
                suggested_amount=money(t.suggested_amount),
                max_amount=money(t.max_amount),
            )
            for t in CompensationTier.objects.all()
        ],
        authority_limits=[
            AuthorityLimitOut(role=a.role, max_amount=money(a.max_amount))
            for a in AuthorityLimit.objects.order_by("max_amount")
        ],
        statuses=_choices(ComplaintStatus.choices),
        actions=_choices(Action.choices),
        departments=[DepartmentOut(code=d.code, name=d.name, kind=d.kind) for d in Department.objects.all()],
        max_text_chars=settings.KESU_MAX_TEXT_CHARS,
        max_upload_bytes=settings.KESU_MAX_UPLOAD_BYTES,
        upload_types=sorted(ALLOWED_UPLOAD_TYPES),
    )
