"""Desk pages that are not about one complaint: dashboard, queues (+ Excel export), staff intake,
department tasks, notifications and the permission-checked evidence download."""

from __future__ import annotations

import datetime as dt
import re
import tempfile

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from kesu.accounts.roles import Cap, can
from kesu.common import clock
from kesu.common.errors import ValidationFailed
from kesu.complaints import selectors, services, ui_selectors
from kesu.complaints.forms import IntakeForm, QueueFilterForm, TaskAnswerForm
from kesu.complaints.models import DepartmentTask, Evidence
from kesu.complaints.services import ComplaintInput, CustomerInput
from kesu.complaints.templatetags.desk import display_pii
from kesu.complaints.views._base import desk_view, safe_next

EXPORT_MAX_ROWS = 10_000
QUEUE_PAGE_SIZE = 25


# --------------------------------------------------------------------------------------------------
# Dashboard


@desk_view
def home(request):
    user = request.user
    counts = selectors.queue_counts(user=user)
    flow = ui_selectors.daily_flow(user=user, days=30)
    chart = {
        "tooltip": {"trigger": "axis"},
        "legend": {"data": [_("Registered"), _("Closed")], "top": 0},
        "grid": {"left": 40, "right": 16, "top": 32, "bottom": 28},
        "xAxis": {"type": "category", "data": [d.strftime("%m-%d") for d in flow.days]},
        "yAxis": {"type": "value", "minInterval": 1},
        "series": [
            {"name": _("Registered"), "type": "bar", "barMaxWidth": 14, "data": flow.registered},
            {"name": _("Closed"), "type": "bar", "barMaxWidth": 14, "data": flow.closed},
        ],
    }
    return render(
        request,
        "desk/home.html",
        {
            "cards": _queue_cards(user, counts),
            "attention": ui_selectors.attention_for(user=user),
            "chart": chart,
            "flow_total": (sum(flow.registered), sum(flow.closed)),
            "coverage": _training_coverage(user),
        },
    )


def _training_coverage(user):
    """The academy's training coverage (target 100 %) for those who follow training: their department
    for supervisors, everyone for trainers and administrators; None for the others."""
    if not (can(user, Cap.TRAIN_VIEW_ALL) or can(user, Cap.TRAIN_VIEW_TEAM)):
        return None
    from kesu.training.selectors import coverage

    if can(user, Cap.TRAIN_VIEW_ALL):
        return coverage()
    return coverage(department=user.department) if user.department_id else None


def _queue_tabs(user) -> list[tuple[str, str]]:
    tabs: list[tuple[str, str]] = []
    if can(user, Cap.HANDLE):
        tabs.append(("mine", _("Mine")))
        if user.department_id:
            tabs.append(("team", _("My team")))
    tabs += [("unassigned", _("Unassigned")), ("overdue", _("Overdue")), ("escalated", _("Escalated"))]
    if can(user, Cap.APPROVE):
        tabs.append(("approvals", _("Awaiting my approval")))
    tabs.append(("all", _("All I can see")))
    return tabs


def _queue_cards(user, counts: dict[str, int]) -> list[dict]:
    return [{"queue": q, "label": label, "count": counts[q]} for q, label in _queue_tabs(user) if q in counts]


def _default_queue(user) -> str:
    return "mine" if can(user, Cap.HANDLE) else "all"


# --------------------------------------------------------------------------------------------------
# Queues


def _parse_queue(request):
    user = request.user
    queue = request.GET.get("q") or _default_queue(user)
    if queue not in selectors.QUEUES:
        queue = _default_queue(user)
    form = QueueFilterForm(request.GET or None)
    filters = selectors.QueueFilters()
    if form.is_bound and form.is_valid():
        d = form.cleaned_data
        filters = selectors.QueueFilters(
            status=d["status"],
            category=d["category"],
            severity=d["severity"],
            channel=d["channel"],
            date_from=d["date_from"],
            date_to=d["date_to"],
            overdue=d["overdue"],
            repeat=d["repeat"],
            special_group=d["special_group"],
            q=d["search"],
        )
    return queue, form, filters


@desk_view
def queue(request):
    user = request.user
    queue_name, form, filters = _parse_queue(request)
    cursor = request.GET.get("cursor") or None
    counts = selectors.queue_counts(user=user)
    tabs = [(key, label, counts.get(key)) for key, label in _queue_tabs(user)]
    ctx = {"queue": queue_name, "form": form, "tabs": tabs, "cursor": cursor}
    if queue_name == "approvals":
        ctx["approvals"] = list(selectors.pending_approvals(user=user).prefetch_related("items")[:200])
        return render(request, "desk/queue.html", ctx)
    try:
        page = selectors.complaint_queue(
            user=user, queue=queue_name, filters=filters, cursor=cursor, limit=QUEUE_PAGE_SIZE
        )
    except ValidationFailed:
        # A stale or hand-edited cursor: start again from the first page instead of failing.
        messages.warning(request, _("That page link is no longer valid; showing the first page."))
        ctx["cursor"] = None
        page = selectors.complaint_queue(user=user, queue=queue_name, filters=filters, limit=QUEUE_PAGE_SIZE)
    ctx["page"] = page
    return render(request, "desk/queue.html", ctx)


def _cell(ws, value, *, bold: bool = False):
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    cell = WriteOnlyCell(ws, value=value)
    if isinstance(value, str):
        # Complaint text is untrusted: "=HYPERLINK(...)" must stay text, never become a formula.
        cell.data_type = "s"
    if bold:
        cell.font = Font(bold=True)
    return cell


def _local(value: dt.datetime | None):
    return timezone.localtime(value).replace(tzinfo=None) if value else None


@desk_view
def queue_export(request):
    """The current filtered queue as .xlsx (masked personal data unless VIEW_PII), at most 10,000 rows,
    written to a temporary file and streamed from there."""
    user = request.user
    queue_name, _form, filters = _parse_queue(request)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(_("Complaints"))
    headers = [
        _("Number"),
        _("Registered at"),
        _("Channel"),
        _("Category"),
        _("Severity"),
        _("Status"),
        _("Subject"),
        _("Customer"),
        _("Phone"),
        _("E-mail"),
        _("Member tier"),
        _("Special group"),
        _("Handler"),
        _("Next deadline"),
        _("Overdue"),
        _("SLA warning"),
        _("Repeat"),
        _("Escalated"),
        _("Order reference"),
    ]
    ws.column_dimensions["A"].width = 20
    ws.column_dimensions["G"].width = 40
    ws.append([_cell(ws, h, bold=True) for h in headers])
    yes, no = _("Yes"), _("No")
    rows = 0
    truncated = False
    for c in ui_selectors.export_rows(
        user=user, queue=queue_name, filters=filters, max_rows=EXPORT_MAX_ROWS + 1
    ):
        if rows == EXPORT_MAX_ROWS:
            truncated = True
            break
        cust = c.customer
        ws.append(
            [
                _cell(ws, v)
                for v in (
                    c.number,
                    _local(c.registered_at),
                    c.get_channel_display(),
                    c.category.name,
                    c.get_severity_display(),
                    c.get_status_display(),
                    c.title,
                    display_pii(user, cust.name, "name"),
                    display_pii(user, cust.phone, "phone"),
                    display_pii(user, cust.email, "email"),
                    cust.get_tier_display(),
                    cust.get_special_group_display() if cust.special_group else "",
                    str(c.assignee) if c.assignee else "",
                    _local(c.next_due_at),
                    yes if c.is_overdue else no,
                    yes if c.sla_warning else no,
                    yes if c.is_repeat else no,
                    yes if c.escalated else no,
                    c.order_ref,
                )
            ]
        )
        rows += 1
    info = wb.create_sheet(_("About"))
    info.append([_cell(info, _("Exported at")), _cell(info, _local(clock.now()))])
    info.append([_cell(info, _("Exported by")), _cell(info, str(user))])
    info.append([_cell(info, _("Queue")), _cell(info, dict(_queue_tabs(user)).get(queue_name, queue_name))])
    info.append([_cell(info, _("Rows")), _cell(info, rows)])
    if truncated:
        info.append(
            [
                _cell(info, _("Note")),
                _cell(
                    info,
                    _("Only the first %(n)d rows were exported; narrow the filters to see the rest.")
                    % {"n": EXPORT_MAX_ROWS},
                ),
            ]
        )
    if not can(user, Cap.VIEW_PII):
        info.append([_cell(info, _("Personal data")), _cell(info, _("Masked"))])
    tmp = tempfile.TemporaryFile()  # noqa: SIM115 — FileResponse closes it after streaming
    wb.save(tmp)
    tmp.seek(0)
    stamp = timezone.localtime(clock.now()).strftime("%Y%m%d-%H%M")
    return FileResponse(
        tmp,
        as_attachment=True,
        filename=f"kesu-{queue_name}-{stamp}.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


# --------------------------------------------------------------------------------------------------
# Staff intake


@desk_view
def intake(request):
    if not can(request.user, Cap.INTAKE):
        raise PermissionDenied
    form = IntakeForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        data = ComplaintInput(
            channel=d["channel"],
            category_code=d["category"],
            severity=d["severity"],
            title=d["title"],
            description=d["description"],
            product=d["product"],
            order_ref=d["order_ref"],
            demand=d["demand"],
            customer=CustomerInput(
                name=d["name"],
                phone=d["phone"],
                email=d["email"],
                id_number=d["id_number"],
                tier=d["tier"],
                special_group=d["special_group"],
            ),
            attachments=d["attachments"],
        )
        try:
            complaint = services.complaint_register(data=data, actor=request.user)
        except ValidationFailed as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, _("Complaint %(number)s registered.") % {"number": complaint.number})
            if not selectors.can_view(request.user, complaint):
                # Routed to a team whose complaints this user does not see: stay on the intake page.
                return redirect("desk:intake")
            return redirect("desk:detail", number=complaint.number)
    status = 422 if form.is_bound else 200
    return render(request, "desk/intake.html", {"form": form}, status=status)


# --------------------------------------------------------------------------------------------------
# Department tasks


TASK_FILTERS = {"open": DepartmentTask.State.OPEN, "done": DepartmentTask.State.DONE, "all": ""}


@desk_view
def tasks(request):
    user = request.user
    if not ui_selectors.can_see_tasks_page(user):
        raise PermissionDenied
    state = request.GET.get("state", "open")
    if state not in TASK_FILTERS:
        state = "open"
    qs = selectors.department_tasks_for(user=user, state=TASK_FILTERS[state])
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    rows = [
        (t, services.can_answer_task(user, t) and t.state == DepartmentTask.State.OPEN)
        for t in page.object_list
    ]
    return render(
        request,
        "desk/tasks.html",
        {
            "state": state,
            "page_obj": page,
            "rows": rows,
            "answer_form": TaskAnswerForm(),
            "now": clock.now(),
            "filters": [("open", _("Open")), ("done", _("Answered")), ("all", _("All"))],
        },
    )


@desk_view
@require_POST
def task_answer(request, task_id: int):
    form = TaskAnswerForm(request.POST)
    back = safe_next(request, reverse("desk:tasks"))
    if not form.is_valid():
        messages.error(request, _("Write an answer before sending it."))
        return redirect(back)
    task = services.task_answer(task_id=task_id, actor=request.user, answer=form.cleaned_data["answer"])
    messages.success(request, _("Answer sent for %(number)s.") % {"number": task.complaint.number})
    return redirect(back)


# --------------------------------------------------------------------------------------------------
# Notifications


@desk_view
def notifications(request):
    items = selectors.notifications_for(user=request.user, limit=100)
    return render(request, "desk/notifications.html", {"items": items})


@desk_view
@require_POST
def notifications_read(request):
    n = services.notification_mark_read(user=request.user)
    messages.success(request, _("%(n)d notification(s) marked as read.") % {"n": n})
    return redirect("desk:notifications")


# --------------------------------------------------------------------------------------------------
# Evidence files


_UNSAFE_FILENAME = re.compile(r'[\x00-\x1f"\\/]')


@desk_view
def evidence_download(request, evidence_id: int):
    ev = Evidence.objects.select_related("complaint").filter(pk=evidence_id).first()
    if ev is None or not ev.file or not selectors.can_view(request.user, ev.complaint):
        raise Http404
    try:
        handle = ev.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    name = _UNSAFE_FILENAME.sub("_", ev.original_name or "evidence")
    response = FileResponse(
        handle, as_attachment=True, filename=name, content_type=ev.content_type or "application/octet-stream"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
