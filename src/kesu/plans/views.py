"""Pages of the plans app: the learner's plan and retraining, the trainers' management (generate, edit,
approve), the supervisors' view of their team. Views parse, call services/selectors and render."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from kesu.accounts.models import Department, User
from kesu.accounts.roles import Cap, can
from kesu.common import clock
from kesu.common.errors import DomainError, NotFound
from kesu.complaints.views._base import desk_view
from kesu.plans import contracts, selectors, services
from kesu.plans.forms import GenerateForm, ItemForm, ProgressForm, default_period
from kesu.plans.models import Plan, PlanItem, Retraining

PAGE_SIZE = 25
PRIORITY_LABELS = {
    "high": _lazy("High"),
    "medium": _lazy("Medium"),
    "low": _lazy("Low"),
    "none": _lazy("None"),
}


def _need(user, cap: str) -> None:
    if not can(user, cap):
        raise PermissionDenied(_("You are not allowed to see this page."))


def _version(request) -> int | None:
    raw = request.POST.get("version", "")
    return int(raw) if raw.isdigit() else None


def _url_or_none(name: str, *args) -> str | None:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def _render(request, template: str, context: dict):
    return render(request, template, {"nav_section": "academy", **context})


# --------------------------------------------------------------------------------------------------
# The learner


@desk_view
def mine(request):
    user = request.user
    _need(user, Cap.LEARN)
    services.plan_progress_refresh(user)
    plan = selectors.plan_mine(user=user)
    rows = []
    if plan is not None:
        for item in selectors.plan_items(plan):
            form = ProgressForm(
                initial={"version": plan.version, "status": item.status, "note": item.progress_note},
                prefix=f"i{item.pk}",
            )
            rows.append((item, form))
    return _render(
        request,
        "plans/mine.html",
        {
            "plan": plan,
            "rows": rows,
            "past": selectors.plans_past(user=user),
            "open_retraining": [r for r in selectors.retraining_mine(user=user) if r.is_open],
            "can_view_team": selectors.can_view_plans(user),
        },
    )


@desk_view
@require_POST
def item_progress(request, item_id: int):
    item = PlanItem.objects.filter(pk=item_id).select_related("plan").first()
    if item is None or not selectors.can_see_plan(request.user, item.plan):
        raise NotFound(_("Plan item not found."))
    form = ProgressForm(request.POST, prefix=f"i{item_id}")
    if not form.is_valid():
        messages.error(request, _("Choose a valid status; the note may have at most 500 characters."))
    else:
        services.plan_item_progress(
            item_id=item_id,
            by=request.user,
            status=form.cleaned_data["status"],
            note=form.cleaned_data["note"],
            expected_version=form.cleaned_data["version"],
        )
        messages.success(request, _("Progress saved."))
    if item.plan.person_id == request.user.pk:
        return redirect("plans:mine")
    return redirect("plans:detail", item.plan_id)


@desk_view
def retraining(request):
    _need(request.user, Cap.LEARN)
    services.plan_progress_refresh(request.user)
    return _render(
        request,
        "plans/retraining.html",
        {"rows": selectors.retraining_mine(user=request.user), "today": timezone.localdate(clock.now())},
    )


# --------------------------------------------------------------------------------------------------
# Trainers and supervisors


def _department_filter(request) -> int | None:
    raw = request.GET.get("department", "")
    return int(raw) if raw.isdigit() else None


@desk_view
def manage(request):
    user = request.user
    if not selectors.can_view_plans(user):
        raise PermissionDenied(_("You are not allowed to see this page."))
    tab = request.GET.get("tab", "plans")
    department_id = _department_filter(request)
    status = request.GET.get("status", "")
    if status not in Plan.Status.values:
        status = ""
    wide = can(user, Cap.TRAIN_MANAGE) or can(user, Cap.TRAIN_VIEW_ALL)
    context = {
        "tab": tab if tab in ("plans", "people") else "plans",
        "status": status,
        "statuses": Plan.Status.choices,
        "department_id": department_id,
        "departments": Department.objects.order_by("kind", "code") if wide else [],
        "can_manage": can(user, Cap.TRAIN_MANAGE),
    }
    if context["tab"] == "people":
        context["people"] = selectors.people_for_planning(user=user, department_id=department_id)
    else:
        qs = selectors.plans_visible(user=user, status=status, department_id=department_id)
        context["page_obj"] = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return _render(request, "plans/manage.html", context)


@desk_view
def generate(request, username: str):
    _need(request.user, Cap.TRAIN_MANAGE)
    person = User.objects.filter(username=username, is_active=True).select_related("department").first()
    if person is None:
        raise NotFound(_("Person not found."))
    start, end = default_period(timezone.localdate(clock.now()))
    form = GenerateForm(request.POST or None, initial={"period_start": start, "period_end": end})
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.plan_generate(
                user=person,
                by=request.user,
                period_start=form.cleaned_data["period_start"],
                period_end=form.cleaned_data["period_end"],
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Draft plan generated. Check the items, then approve it."))
            return redirect("plans:detail", plan.pk)
    needs = contracts.person_needs(person)
    gaps = [r for r in needs.rows if r.gap > 0] if needs else []
    gaps.sort(key=lambda r: (contracts.PRIORITY_ORDER.get(r.priority, 9), -r.gap, r.code))
    return _render(
        request,
        "plans/generate.html",
        {
            "person": person,
            "needs_url": _url_or_none("competency:person", person.username),
            "form": form,
            "needs": needs,
            "gaps": [(g, PRIORITY_LABELS.get(g.priority, g.priority)) for g in gaps],
            "open_plans": selectors.plans_visible(user=request.user, person_id=person.pk).filter(
                status__in=[Plan.Status.DRAFT, Plan.Status.APPROVED, Plan.Status.IN_PROGRESS]
            ),
        },
    )


@desk_view
def detail(request, pk: int):
    user = request.user
    plan = selectors.plan_get(user=user, plan_id=pk)
    can_edit = can(user, Cap.TRAIN_MANAGE) and plan.is_open
    own = plan.person_id == user.pk
    rows = []
    for item in selectors.plan_items(plan):
        form = None
        if plan.is_active and item.status != PlanItem.Status.DROPPED and (own or can(user, Cap.TRAIN_MANAGE)):
            form = ProgressForm(
                initial={"version": plan.version, "status": item.status, "note": item.progress_note},
                prefix=f"i{item.pk}",
            )
        rows.append((item, form))
    return _render(
        request,
        "plans/detail.html",
        {
            "plan": plan,
            "rows": rows,
            "can_edit": can_edit,
            "can_approve": can(user, Cap.TRAIN_MANAGE) and plan.status == Plan.Status.DRAFT,
            "events": selectors.plan_events(plan) if selectors.can_view_plans(user) else [],
        },
    )


def _item_form_view(request, *, plan: Plan, item: PlanItem | None):
    _need(request.user, Cap.TRAIN_MANAGE)
    if request.method == "POST":
        form = ItemForm(
            request.POST,
            current_code=item.item_code if item else "",
            current_name=item.item_name if item else "",
        )
        if form.is_valid():
            try:
                data = form.to_input(keep_name=(item.item_code, item.item_name) if item else ("", ""))
                if item is None:
                    services.plan_item_add(
                        plan_id=plan.pk,
                        by=request.user,
                        data=data,
                        expected_version=form.cleaned_data["version"],
                    )
                else:
                    services.plan_item_update(
                        item_id=item.pk,
                        by=request.user,
                        data=data,
                        expected_version=form.cleaned_data["version"],
                    )
            except DomainError as exc:
                field = exc.details.get("field")
                form.add_error(field if field in form.fields and field != "version" else None, exc.message)
            else:
                messages.success(request, _("Plan item saved."))
                return redirect("plans:detail", plan.pk)
    elif item is None:
        form = ItemForm(
            initial={
                "version": plan.version,
                "deadline": plan.period_end,
                "planned_start": plan.period_start,
                "trainer": str(request.user.pk),
            }
        )
    else:
        form = ItemForm.for_item(item, plan.version)
    return _render(request, "plans/item_form.html", {"plan": plan, "item": item, "form": form})


@desk_view
def item_new(request, pk: int):
    _need(request.user, Cap.TRAIN_MANAGE)
    plan = selectors.plan_get(user=request.user, plan_id=pk)
    return _item_form_view(request, plan=plan, item=None)


@desk_view
def item_edit(request, item_id: int):
    _need(request.user, Cap.TRAIN_MANAGE)
    item = PlanItem.objects.filter(pk=item_id).first()
    if item is None:
        raise NotFound(_("Plan item not found."))
    plan = selectors.plan_get(user=request.user, plan_id=item.plan_id)
    return _item_form_view(request, plan=plan, item=item)


@desk_view
@require_POST
def item_remove(request, item_id: int):
    plan = services.plan_item_remove(item_id=item_id, by=request.user, expected_version=_version(request))
    messages.success(request, _("Item removed from the plan."))
    return redirect("plans:detail", plan.pk)


@desk_view
@require_POST
def approve(request, pk: int):
    plan = services.plan_approve(plan_id=pk, by=request.user, expected_version=_version(request))
    messages.success(
        request, _("Plan approved; %(person)s and their supervisor were notified.") % {"person": plan.person}
    )
    return redirect("plans:detail", plan.pk)


@desk_view
@require_POST
def cancel(request, pk: int):
    plan = services.plan_cancel(
        plan_id=pk, by=request.user, reason=request.POST.get("reason", ""), expected_version=_version(request)
    )
    messages.success(request, _("Plan cancelled."))
    return redirect("plans:detail", plan.pk)


@desk_view
def retraining_all(request):
    user = request.user
    status = request.GET.get("status", "open")
    if status not in ("open", "", *Retraining.Status.values):
        status = "open"
    qs = selectors.retraining_visible(user=user, status=status)
    return _render(
        request,
        "plans/retraining_all.html",
        {
            "page_obj": Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page")),
            "status": status,
            "filters": [("open", _("Open")), *Retraining.Status.choices, ("", _("All"))],
            "can_manage": can(user, Cap.TRAIN_MANAGE),
            "today": timezone.localdate(clock.now()),
        },
    )


@desk_view
@require_POST
def retraining_done(request, pk: int):
    r = services.retraining_complete(retraining_id=pk, by=request.user, note=request.POST.get("note", ""))
    messages.success(request, _("Retraining of %(person)s marked done.") % {"person": r.user})
    return redirect("plans:retraining_all")
