"""Effectiveness pages: training effect (L4 team, links to L3 per person), monthly review, performance
and recognition (with its Excel export), and the learner's pending surveys. Views parse, call and
render; every page checks its capability."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kesu.accounts.roles import Cap, can
from kesu.common import clock
from kesu.common.errors import ValidationFailed
from kesu.complaints.views._base import desk_view, safe_next
from kesu.effectiveness import exports, selectors, services, sources
from kesu.effectiveness.forms import MonthForm, PersonForm, RecognitionForm, SurveyForm, TeamForm
from kesu.effectiveness.models import Recognition, SurveyResponse

ACADEMY = "academy"


def _require(user, cap: str) -> None:
    if not can(user, cap):
        raise PermissionDenied(_("You are not allowed to see this page."))


def _errors(form) -> str:
    return " ".join(str(e) for errs in form.errors.values() for e in errs)


# --------------------------------------------------------------------------------------------------
# 培训效果: L4 team before / after a cycle, beside the targets


@desk_view
def overview(request):
    user = request.user
    _require(user, Cap.TRAIN_VIEW_TEAM)
    allow_all = can(user, Cap.TRAIN_VIEW_ALL)
    departments = selectors.departments_for(user)
    last = selectors.previous_month()
    _first, nxt = selectors.month_bounds(last)
    initial = {
        "department": "" if allow_all else user.department_id,
        "cycle_start": last,
        "cycle_end": nxt - dt.timedelta(days=1),
        "weeks": selectors.DEFAULT_WEEKS,
    }
    form = TeamForm(request.GET or None, initial=initial, departments=departments, allow_all=allow_all)
    params = initial
    if request.GET:
        if form.is_valid():
            params = form.cleaned_data
        else:
            messages.error(request, _errors(form))
    department = selectors.scope_department(viewer=user, department_id=params.get("department") or None)
    results = selectors.l4_team(
        department=department,
        cycle_start=params["cycle_start"],
        cycle_end=params["cycle_end"],
        weeks=params["weeks"],
    )
    people = list(selectors.people_in(department=department, roles=selectors.handling_roles())[:200])
    return render(
        request,
        "effectiveness/overview.html",
        {
            "nav_section": ACADEMY,
            "form": form,
            "results": results,
            "chart": results.chart,
            "people": people,
            "department": department,
            "completed_default": params["cycle_end"],
            "weeks": params["weeks"],
        },
    )


# --------------------------------------------------------------------------------------------------
# L3: one person before / after a course


@desk_view
def person(request, user_id: int):
    viewer = request.user
    subject = selectors.person_get(viewer=viewer, user_id=user_id)
    today = clock.now().date()
    latest = sources.completions(start=today - dt.timedelta(days=365), end=today, user_ids=[subject.pk])
    default_day = latest[-1].completed_on if latest else today - dt.timedelta(weeks=selectors.DEFAULT_WEEKS)
    initial = {"completed_on": default_day, "weeks": selectors.DEFAULT_WEEKS}
    form = PersonForm(request.GET or None, initial=initial)
    params = initial
    if request.GET:
        if form.is_valid():
            params = form.cleaned_data
        else:
            messages.error(request, _errors(form))
    behaviour = selectors.l3_person(
        person=subject, completed_on=params["completed_on"], weeks=params["weeks"]
    )
    return render(
        request,
        "effectiveness/person.html",
        {
            "nav_section": ACADEMY,
            "form": form,
            "subject": subject,
            "b": behaviour,
            "chart": behaviour.chart,
            "completions": list(reversed(latest))[:20],
        },
    )


# --------------------------------------------------------------------------------------------------
# 月度复盘


@desk_view
def review(request):
    _require(request.user, Cap.TRAIN_MANAGE)
    initial = {"month": selectors.previous_month().strftime("%Y-%m")}
    form = MonthForm(request.GET or None, initial=initial)
    month = selectors.previous_month()
    if request.GET:
        if form.is_valid() and form.cleaned_data["month"]:
            month = form.cleaned_data["month"]
        elif not form.is_valid():
            messages.error(request, _errors(form))
    result = selectors.monthly_review(month=month)
    return render(
        request,
        "effectiveness/review.html",
        {"nav_section": ACADEMY, "form": form, "review": result, "month": month},
    )


# --------------------------------------------------------------------------------------------------
# 绩效与激励


def _performance_params(request):
    user = request.user
    _require(user, Cap.TRAIN_VIEW_TEAM)
    allow_all = can(user, Cap.TRAIN_VIEW_ALL)
    departments = selectors.departments_for(user)
    initial = {
        "month": selectors.previous_month().strftime("%Y-%m"),
        "department": "" if allow_all else user.department_id,
    }
    form = MonthForm(request.GET or None, initial=initial, departments=departments, allow_all=allow_all)
    month, dept_id = selectors.previous_month(), (None if allow_all else user.department_id)
    if request.GET:
        if form.is_valid():
            month = form.cleaned_data["month"] or month
            dept_id = form.cleaned_data.get("department") or None
        else:
            messages.error(request, _errors(form))
    department = selectors.scope_department(viewer=user, department_id=dept_id)
    return form, month, department


@desk_view
def performance(request):
    form, month, department = _performance_params(request)
    first, nxt = selectors.month_bounds(month)
    people = list(selectors.people_in(department=department)[:500])
    rows = selectors.performance_summary(people=people, start=first, end=nxt - dt.timedelta(days=1))
    suggestions = selectors.recognition_suggestions(department=department, month=month)
    user = request.user
    return render(
        request,
        "effectiveness/performance.html",
        {
            "nav_section": ACADEMY,
            "form": form,
            "month": month,
            "month_value": month.strftime("%Y-%m"),
            "department": department,
            "rows": rows,
            "suggestions": [s for s in suggestions if services.can_recognise(user, s.person)],
            "recognisable": {p.pk for p in people if services.can_recognise(user, p)},
            "kinds": Recognition.Kind.choices,
            "query": request.GET.urlencode(),
        },
    )


@desk_view
def performance_export(request):
    _form, month, department = _performance_params(request)
    first, nxt = selectors.month_bounds(month)
    people = list(selectors.people_in(department=department))
    rows = selectors.performance_summary(people=people, start=first, end=nxt - dt.timedelta(days=1))
    content = exports.performance_xlsx(rows, month=month, department=department)
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    name = f"kesu-performance-{month:%Y-%m}{'-' + department.code if department else ''}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@desk_view
@require_POST
def recognise(request):
    form = RecognitionForm(request.POST)
    back = safe_next(request, reverse("effectiveness:performance"))
    if not form.is_valid():
        messages.error(request, _errors(form))
        return redirect(back)
    data = form.cleaned_data
    rec, created = services.recognition_award(
        actor=request.user,
        user_id=data["user"],
        kind=data["kind"],
        reason=data["reason"],
        period=data["month"],
        complaint_number=data["complaint_number"],
    )
    if created:
        messages.success(request, _("Recognition recorded for %(person)s.") % {"person": rec.user})
    else:
        messages.info(request, _("This recognition had already been recorded."))
    return redirect(back)


# --------------------------------------------------------------------------------------------------
# 待填问卷


@desk_view
def surveys(request):
    user = request.user
    _require(user, Cap.LEARN)
    services.survey_requests_sync(user=user)
    return render(
        request,
        "effectiveness/surveys.html",
        {"nav_section": ACADEMY, "pending": selectors.pending_surveys(user=user)},
    )


@desk_view
def survey(request, session_ref: str):
    user = request.user
    _require(user, Cap.LEARN)
    req = selectors.survey_request_get(user=user, session_ref=session_ref)
    form = SurveyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            _answer, created = services.survey_answer(user=user, session_ref=session_ref, **form.cleaned_data)
        except ValidationFailed as exc:
            form.add_error(None, exc.message)
        else:
            if created:
                messages.success(request, _("Thank you: your feedback was recorded."))
            else:
                messages.info(request, _("You had already answered this survey; your first answer was kept."))
            return redirect("effectiveness:surveys")
    answered = SurveyResponse.objects.filter(user=user, session_ref=session_ref).first()
    return render(
        request,
        "effectiveness/survey.html",
        {"nav_section": ACADEMY, "form": form, "req": req, "answered": answered},
    )
