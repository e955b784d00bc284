"""One complaint: the detail page and its actions. Each action is a small POST view at
/desk/c/<number>/<action>/ that calls one service and redirects back (PRG). A form error re-renders the
page with the filled-in form (422); a refused action or a concurrent edit becomes a message above the
fresh state of the complaint."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from kesu.accounts.roles import Cap, Role, can
from kesu.common import clock
from kesu.common.errors import DomainError, NotFound, ValidationFailed
from kesu.complaints import selectors, services, ui_selectors
from kesu.complaints.forms import (
    AssignForm,
    CategoryConfirmForm,
    DecisionForm,
    EvidenceForm,
    FindingsForm,
    FollowUpForm,
    NoteForm,
    ProposalForm,
    ReasonRequiredForm,
    ReplyForm,
    RevealForm,
    TaskAnswerForm,
    TaskCancelForm,
    TaskOpenForm,
    TransitionForm,
)
from kesu.complaints.models import CompensationProposal, CompensationType, DepartmentTask, OutboundMessage
from kesu.complaints.services import CompensationLine
from kesu.complaints.views._base import client_ip, desk_view, safe_next
from kesu.complaints.workflow import Action, Status, allowed_actions

PROPOSAL_ROWS = 4


def _complaint(user, number: str):
    try:
        return selectors.complaint_get(user=user, number=number)
    except NotFound:
        raise Http404 from None


def _detail_url(complaint) -> str:
    return reverse("desk:detail", kwargs={"number": complaint.number})


def _rights(user, complaint, related) -> dict[str, bool]:
    handle = services.can_handle(user, complaint)
    st = complaint.status
    allowed = set(allowed_actions(st))
    supervise = can(user, Cap.SUPERVISE)
    open_ = st != Status.CLOSED
    pending = related.pending_proposal
    return {
        "handle": handle,
        "acknowledge": handle and Action.ACKNOWLEDGE in allowed,
        "start_investigation": handle and Action.START_INVESTIGATION in allowed,
        "findings": handle and st == Status.INVESTIGATING,
        "evidence": handle and open_,
        "note": handle,
        "task_open": handle
        and st in (Status.ACKNOWLEDGED, Status.INVESTIGATING, Status.AWAITING_APPROVAL, Status.RESOLVING),
        "task_cancel": handle,
        "propose": handle and st == Status.INVESTIGATING,
        "decide": bool(pending) and handle and ui_selectors.may_decide(user=user, proposal=pending),
        "resolve": handle and Action.RESOLVE in allowed,
        "follow_up": handle and ui_selectors.follow_up_still_possible(complaint),
        "close": handle and Action.CLOSE in allowed,
        "reopen": handle and Action.REOPEN in allowed,
        "escalate": handle and open_ and not complaint.escalated,
        "assign": supervise and handle and open_,
        "take": handle and not supervise and open_ and complaint.assignee_id is None,
        "mark_sent": handle,
        "view_pii": can(user, Cap.VIEW_PII),
        "triage": handle,
        "reply": handle,
    }


def render_detail(
    request, complaint, *, bound: dict | None = None, status: int = 200, revealed: dict | None = None
):
    user = request.user
    related = ui_selectors.detail_related(user=user, complaint=complaint)
    rights = _rights(user, complaint, related)
    v = {"version": complaint.version}
    departments = ui_selectors.task_departments() if rights["task_open"] else []
    owners = ui_selectors.task_owner_choices() if rights["task_open"] else []
    assignees = ui_selectors.assignable_users(complaint=complaint) if rights["assign"] else []
    forms = {
        "transition": TransitionForm(initial=v),
        "findings": FindingsForm(
            initial={
                **v,
                "root_cause": complaint.root_cause,
                "responsibility": complaint.responsibility,
                "underlying_need": complaint.underlying_need,
            }
        ),
        "note": NoteForm(initial=v),
        "evidence": EvidenceForm(initial=v),
        "task_open": TaskOpenForm(initial=v, departments=departments, owners=owners),
        "task_cancel": TaskCancelForm(initial=v),
        "task_answer": TaskAnswerForm(),
        "propose": ProposalForm(initial=v),
        "decide": DecisionForm(),
        "follow_up": FollowUpForm(initial=v),
        "reopen": ReasonRequiredForm(initial=v),
        "escalate": ReasonRequiredForm(initial=v),
        "assign": AssignForm(initial={**v, "assignee": complaint.assignee_id}, users=assignees),
        "triage_confirm": CategoryConfirmForm(initial={**v, "category": complaint.category.code}),
        "reply": ReplyForm(),
    }
    bound = bound or {}
    forms.update(bound)
    for key, form in forms.items():
        form.auto_id = f"{key}_%s"  # several forms on one page: keep element ids unique
    tier = related.tier
    limit = services.authority_limit(user.role) if rights["propose"] else Decimal("0")
    type_choices = [
        (t.value, t.label) for t in CompensationType if tier is None or t.value in (tier.allowed_types or [])
    ]
    proposal_rows = _proposal_rows(request if "propose" in bound else None)
    triage_row = selectors.complaint_triage(complaint=complaint)
    reply_text = forms["reply"].data.get("text", "") if forms["reply"].is_bound else ""
    answerable = {
        t.pk
        for t in related.tasks
        if t.state == DepartmentTask.State.OPEN and services.can_answer_task(user, t)
    }
    return render(
        request,
        "desk/detail.html",
        {
            "complaint": complaint,
            "customer": complaint.customer,
            "related": related,
            "rights": rights,
            "forms": forms,
            "open_form": next(iter(bound), ""),
            "revealed": revealed or {},
            "tier": tier,
            "authority_limit": limit,
            "type_choices": type_choices,
            "proposal_rows": proposal_rows,
            "answerable_tasks": answerable,
            "blocking_open": sum(
                1 for t in related.tasks if t.state == DepartmentTask.State.OPEN and t.blocking
            ),
            "now": clock.now(),
            "pending_approver": _role_label(related.pending_proposal.approver_role)
            if related.pending_proposal
            else "",
            "triage": ui_selectors.triage_panel(complaint=complaint, row=triage_row),
            "similar": selectors.complaint_similar(user=user, complaint=complaint),
            "coaching": ui_selectors.reply_coaching(complaint=complaint, text=reply_text)
            if reply_text
            else None,
            "nav_section": "queue",
        },
        status=status,
    )


def _role_label(role: str) -> str:
    try:
        return str(Role(role).label).lower()
    except ValueError:
        return role


def _proposal_rows(request) -> list[dict]:
    rows = []
    if request is not None:
        types = request.POST.getlist("item_type")
        amounts = request.POST.getlist("item_amount")
        notes = request.POST.getlist("item_note")
        for i in range(min(len(types), PROPOSAL_ROWS)):
            rows.append(
                {
                    "type": types[i],
                    "amount": amounts[i] if i < len(amounts) else "",
                    "note": notes[i] if i < len(notes) else "",
                }
            )
    while len(rows) < PROPOSAL_ROWS:
        rows.append({"type": "", "amount": "", "note": ""})
    return rows


@desk_view
def detail(request, number: str):
    complaint = _complaint(request.user, number)
    return render_detail(request, complaint)


# --------------------------------------------------------------------------------------------------
# Actions


def complaint_action(view):
    """POST only; the complaint must be visible (else 404). Refusals become a message on the detail
    page; the view returns None to redirect to the detail page (PRG) or its own response."""

    @desk_view
    @require_POST
    def wrapper(request, number: str, **kwargs):
        complaint = _complaint(request.user, number)
        try:
            response = view(request, complaint, **kwargs)
        except NotFound:
            raise Http404 from None
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect(_detail_url(complaint))
        return response if response is not None else redirect(_detail_url(complaint))

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return wrapper


def _submit(request, complaint, key: str, form, call, success):
    """Validate ``form``, call the service; a validation problem re-renders the page with the form.
    ``success`` is the message, or a function of the service's result giving (level, message)."""
    if not form.is_valid():
        return render_detail(request, complaint, bound={key: form}, status=422)
    try:
        result = call(form.cleaned_data)
    except ValidationFailed as exc:
        form.add_domain_error(exc)
        return render_detail(request, complaint, bound={key: form}, status=422)
    level, text = success(result) if callable(success) else (messages.SUCCESS, success)
    messages.add_message(request, level, text)
    return None


TRANSITION_MESSAGES = {
    Action.ACKNOWLEDGE: gettext_lazy("Complaint acknowledged; the customer is being told."),
    Action.START_INVESTIGATION: gettext_lazy("Investigation started."),
    Action.RESOLVE: gettext_lazy("Marked resolved; now follow up with the customer."),
    Action.CLOSE: gettext_lazy("Complaint closed."),
    Action.REOPEN: gettext_lazy("Complaint reopened."),
}


@complaint_action
def transition(request, complaint, action: str):
    form_cls = ReasonRequiredForm if action == Action.REOPEN else TransitionForm
    key = "reopen" if action == Action.REOPEN else "transition"
    return _submit(
        request,
        complaint,
        key,
        form_cls(request.POST),
        lambda d: services.complaint_transition(
            complaint_id=complaint.pk,
            action=action,
            actor=request.user,
            reason=d["reason"],
            expected_version=d["version"],
        ),
        str(TRANSITION_MESSAGES.get(action, _("Done."))),
    )


@complaint_action
def findings(request, complaint):
    return _submit(
        request,
        complaint,
        "findings",
        FindingsForm(request.POST),
        lambda d: services.complaint_record_findings(
            complaint_id=complaint.pk,
            actor=request.user,
            root_cause=d["root_cause"],
            responsibility=d["responsibility"],
            underlying_need=d["underlying_need"],
            expected_version=d["version"],
        ),
        _("Findings recorded."),
    )


@complaint_action
def note(request, complaint):
    return _submit(
        request,
        complaint,
        "note",
        NoteForm(request.POST),
        lambda d: services.complaint_add_note(complaint_id=complaint.pk, actor=request.user, text=d["text"]),
        _("Note added."),
    )


@complaint_action
def evidence(request, complaint):
    return _submit(
        request,
        complaint,
        "evidence",
        EvidenceForm(request.POST, request.FILES),
        lambda d: services.evidence_add(
            complaint_id=complaint.pk, actor=request.user, note=d["note"], upload=d["file"] or None
        ),
        _("Evidence added."),
    )


@complaint_action
def task_open(request, complaint):
    form = TaskOpenForm(
        request.POST, departments=ui_selectors.task_departments(), owners=ui_selectors.task_owner_choices()
    )
    return _submit(
        request,
        complaint,
        "task_open",
        form,
        lambda d: services.task_open(
            complaint_id=complaint.pk,
            actor=request.user,
            department_id=int(d["department"]),
            title=d["title"],
            due_at=d["due_at"],
            owner_id=int(d["owner"]) if d["owner"] else None,
            blocking=d["blocking"],
        ),
        _("Department task opened."),
    )


@complaint_action
def task_cancel(request, complaint, task_id: int):
    if not complaint.tasks.filter(pk=task_id).exists():
        raise Http404
    return _submit(
        request,
        complaint,
        "task_cancel",
        TaskCancelForm(request.POST),
        lambda d: services.task_cancel(task_id=task_id, actor=request.user, reason=d["reason"]),
        _("Task cancelled."),
    )


@complaint_action
def propose(request, complaint):
    form = ProposalForm(request.POST)
    lines = []
    types = request.POST.getlist("item_type")
    amounts = request.POST.getlist("item_amount")
    notes = request.POST.getlist("item_note")
    for i, type_ in enumerate(types[:PROPOSAL_ROWS]):
        amount = (amounts[i] if i < len(amounts) else "").strip()
        text = (notes[i] if i < len(notes) else "").strip()
        if not type_:
            if amount or text:
                form.is_valid()
                form.add_error(None, _("Choose a compensation type for every line with an amount or a note."))
                return render_detail(request, complaint, bound={"propose": form}, status=422)
            continue
        lines.append(CompensationLine(type=type_, amount=amount or "0", note=text))

    def outcome(p):
        if p.state == CompensationProposal.State.PENDING:
            return messages.WARNING, _(
                "%(total)s yuan is above your authority: the proposal now awaits approval."
            ) % {"total": p.total}
        return messages.SUCCESS, _(
            "Solution agreed (%(total)s yuan); carry it out, then mark the complaint resolved."
        ) % {"total": p.total}

    return _submit(
        request,
        complaint,
        "propose",
        form,
        lambda d: services.compensation_propose(
            complaint_id=complaint.pk,
            actor=request.user,
            solution=d["solution"],
            items=lines,
            expected_version=d["version"],
        ),
        outcome,
    )


@complaint_action
def decide(request, complaint, proposal_id: int):
    if not complaint.proposals.filter(pk=proposal_id).exists():
        raise Http404
    form = DecisionForm(request.POST)
    back = safe_next(request, _detail_url(complaint))
    if not form.is_valid():
        for errors in form.errors.values():
            for e in errors:
                messages.error(request, e)
        return redirect(back)
    approve = form.cleaned_data["decision"] == "approve"
    services.proposal_decide(
        proposal_id=proposal_id, actor=request.user, approve=approve, reason=form.cleaned_data["reason"]
    )
    messages.success(
        request,
        (_("Approved: %(number)s.") if approve else _("Rejected: %(number)s."))
        % {"number": complaint.number},
    )
    return redirect(back)


@complaint_action
def follow_up(request, complaint):
    def call(d):
        reached = d["reached"] == "yes"
        resolved = {"yes": True, "no": False}.get(d["resolved"])
        services.follow_up_record(
            complaint_id=complaint.pk,
            actor=request.user,
            channel=d["channel"],
            reached=reached,
            satisfaction=d["satisfaction"],
            resolved=resolved,
            comment=d["comment"],
        )

    return _submit(
        request, complaint, "follow_up", FollowUpForm(request.POST), call, _("Follow-up recorded.")
    )


@complaint_action
def triage_confirm(request, complaint):
    before = complaint.category.code

    def outcome(row):
        if row.confirmed_category_code == before:
            return messages.SUCCESS, _("Category confirmed. Thank you: this teaches the triage model.")
        return messages.SUCCESS, _("Category corrected to %(name)s.") % {"name": row.complaint.category.name}

    return _submit(
        request,
        complaint,
        "triage_confirm",
        CategoryConfirmForm(request.POST),
        lambda d: services.complaint_confirm_category(
            complaint_id=complaint.pk,
            actor=request.user,
            category_code=d["category"],
            expected_version=d["version"],
        ),
        outcome,
    )


@complaint_action
def triage_analyse(request, complaint):
    services.complaint_analyse(complaint_id=complaint.pk, actor=request.user)
    messages.success(request, _("Complaint analysed."))


@complaint_action
def reply(request, complaint):
    def outcome(msg):
        if msg.state == OutboundMessage.State.MANUAL:
            return messages.WARNING, _(
                "Reply recorded. The customer has no e-mail address: send it by hand, then mark it as sent."
            )
        return messages.SUCCESS, _("Reply sent to the customer.")

    return _submit(
        request,
        complaint,
        "reply",
        ReplyForm(request.POST),
        lambda d: services.complaint_reply(complaint_id=complaint.pk, actor=request.user, text=d["text"]),
        outcome,
    )


@desk_view
@require_POST
def reply_lint(request, number: str):
    """Coaching of the reply being typed (htmx, debounced): the findings, inline, with one-click fixes."""
    complaint = _complaint(request.user, number)
    text = request.POST.get("text", "")[:5000]
    coaching = ui_selectors.reply_coaching(complaint=complaint, text=text) if text.strip() else None
    return render(request, "desk/_reply_coaching.html", {"coaching": coaching, "complaint": complaint})


@complaint_action
def escalate(request, complaint):
    return _submit(
        request,
        complaint,
        "escalate",
        ReasonRequiredForm(request.POST),
        lambda d: services.complaint_escalate(
            complaint_id=complaint.pk, actor=request.user, reason=d["reason"], expected_version=d["version"]
        ),
        _("Complaint escalated to the supervisors."),
    )


@complaint_action
def assign(request, complaint):
    if request.POST.get("take") == "1":
        data = request.POST.copy()
        data["assignee"] = str(request.user.pk)
        form = AssignForm(data, users=[request.user])
        success = _("You now handle %(number)s.") % {"number": complaint.number}
    else:
        form = AssignForm(request.POST, users=ui_selectors.assignable_users(complaint=complaint))
        success = _("Complaint assigned.")
    return _submit(
        request,
        complaint,
        "assign",
        form,
        lambda d: services.complaint_assign(
            complaint_id=complaint.pk,
            assignee_id=int(d["assignee"]),
            actor=request.user,
            expected_version=d["version"],
        ),
        success,
    )


@complaint_action
def message_sent(request, complaint, message_id: int):
    if not OutboundMessage.objects.filter(pk=message_id, complaint=complaint).exists():
        raise Http404
    services.outbound_message_mark_sent(message_id=message_id, actor=request.user)
    messages.success(request, _("Message marked as sent."))


@desk_view
@require_POST
def reveal(request, number: str):
    """Unmask one personal-data value (logged). htmx swaps the value in place; without htmx the page is
    rendered with the value shown."""
    complaint = _complaint(request.user, number)
    form = RevealForm(request.POST)
    value, error = None, ""
    if form.is_valid():
        try:
            value = services.pii_reveal(
                complaint_id=complaint.pk,
                actor=request.user,
                field=form.cleaned_data["field"],
                reason=form.cleaned_data["reason"],
                ip=client_ip(request),
            )
        except DomainError as exc:
            error = exc.message
    else:
        error = _("Give the reason why you need to see it.")
    field = request.POST.get("field", "")
    if field not in ("phone", "email", "id_number"):
        raise Http404
    if getattr(request, "htmx", False):
        return render(
            request,
            "desk/_pii_field.html",
            {
                "complaint": complaint,
                "field": field,
                "revealed": value is not None,
                "display": value if value is not None else _masked(request.user, complaint, field),
                "can_reveal": value is None,
                "error": error,
                "reason": request.POST.get("reason", ""),
                "open": True,
            },
        )
    if error:
        messages.error(request, error)
        return redirect(_detail_url(complaint))
    return render_detail(request, complaint, revealed={field: value})


def _masked(user, complaint, field):
    from kesu.complaints.templatetags.desk import display_pii

    return display_pii(user, getattr(complaint.customer, field, ""), field)
