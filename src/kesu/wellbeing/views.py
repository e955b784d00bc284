"""Pages of the emotion diary and the pain-point survey. Views parse, call a service or selector and
render; who may see what is decided in the selectors and services (a diary entry of someone else is a
404 for everybody, administrators included)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from kesu.accounts.roles import Cap, can
from kesu.common import clock
from kesu.common.errors import ValidationFailed
from kesu.complaints.views._base import desk_view
from kesu.wellbeing import charts, conf, content, export, selectors, services
from kesu.wellbeing.forms import DiaryEntryForm, QuestionForm, SurveyCreateForm, SurveyForm
from kesu.wellbeing.models import SurveyQuestion

ACADEMY = {"nav_section": "academy"}


def _weeks(request) -> int:
    try:
        weeks = int(request.GET.get("weeks", 12))
    except ValueError:
        weeks = 12
    return weeks if weeks in selectors.PERIODS else 12


def _learner(user) -> None:
    if not can(user, Cap.LEARN):
        raise PermissionDenied


# --------------------------------------------------------------------------------------------------
# Emotion diary


@desk_view
def diary_home(request):
    user = request.user
    _learner(user)
    weeks = _weeks(request)
    trends = selectors.diary_trends(user=user, weeks=weeks)
    page = Paginator(selectors.diary_entries(user=user), 20).get_page(request.GET.get("page"))
    return render(
        request,
        "wellbeing/diary.html",
        {
            **ACADEMY,
            "page": page,
            "trends": trends,
            "weeks": weeks,
            "periods": selectors.PERIODS,
            "suggestion": selectors.checkin_active(user=user),
            "weekly_chart": charts.weekly(trends.weeks),
            "trigger_chart": charts.ranking(trends.triggers, _("Entries")),
            "heavy_intensity": conf.heavy_intensity(),
        },
    )


def _entry_args(d: dict[str, Any]) -> dict[str, Any]:
    return {
        "emotion": d["emotion"],
        "intensity": d["intensity"],
        "triggers": d["triggers"],
        "helpers": d["helpers"],
        "what_happened": d["what_happened"],
        "helped_note": d["helped_note"],
        "complaint_number": d["complaint_number"],
        "occurred_at": d["occurred_at"],
    }


@desk_view
def diary_new(request):
    _learner(request.user)
    initial = {"complaint_number": request.GET.get("complaint", "")[:20], "request_key": uuid.uuid4().hex}
    form = DiaryEntryForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.diary_entry_create(
                user=request.user,
                request_key=form.cleaned_data["request_key"],
                **_entry_args(form.cleaned_data),
            )
        except ValidationFailed as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, _("Entry saved. Only you can read it."))
            return redirect("wellbeing:diary")
    status = 422 if form.is_bound else 200
    return render(
        request, "wellbeing/diary_form.html", {**ACADEMY, "form": form, "entry": None}, status=status
    )


@desk_view
def diary_edit(request, entry_id: int):
    _learner(request.user)
    entry = selectors.diary_entry_get(user=request.user, entry_id=entry_id)
    initial = {
        "occurred_at": entry.occurred_at,
        "complaint_number": entry.complaint_number,
        "what_happened": entry.what_happened,
        "emotion": entry.emotion,
        "intensity": str(entry.intensity),
        "triggers": entry.triggers,
        "helpers": entry.helpers,
        "helped_note": entry.helped_note,
    }
    form = DiaryEntryForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.diary_entry_update(
                user=request.user, entry_id=entry.pk, **_entry_args(form.cleaned_data)
            )
        except ValidationFailed as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, _("Entry updated."))
            return redirect("wellbeing:diary")
    status = 422 if form.is_bound else 200
    return render(
        request, "wellbeing/diary_form.html", {**ACADEMY, "form": form, "entry": entry}, status=status
    )


@require_POST
@desk_view
def diary_delete(request, entry_id: int):
    services.diary_entry_delete(user=request.user, entry_id=entry_id)
    messages.success(request, _("Entry deleted."))
    return redirect("wellbeing:diary")


@require_POST
@desk_view
def checkin_dismiss(request, suggestion_id: int):
    services.checkin_dismiss(user=request.user, suggestion_id=suggestion_id)
    return redirect("wellbeing:diary")


@desk_view
def checkin_guide(request):
    """Where the "may benefit from a check-in" notification leads: how to hold one. No diary content."""
    return render(request, "wellbeing/checkin_guide.html", {**ACADEMY})


@desk_view
def team_trends(request):
    user = request.user
    departments = selectors.trends_departments(viewer=user)
    if not departments:
        raise PermissionDenied
    try:
        dept_id = int(request.GET.get("department") or 0) or departments[0].pk
    except ValueError:
        dept_id = departments[0].pk
    weeks = _weeks(request)
    trends = selectors.team_trends(viewer=user, department_id=dept_id, weeks=weeks)
    return render(
        request,
        "wellbeing/team.html",
        {
            **ACADEMY,
            "trends": trends,
            "departments": departments,
            "weeks": weeks,
            "periods": selectors.PERIODS,
            "weekly_chart": charts.weekly(trends.weeks),
            "trigger_chart": charts.ranking(trends.triggers, _("Entries")),
        },
    )


# --------------------------------------------------------------------------------------------------
# Pain-point survey: answering


@desk_view
def surveys_mine(request):
    _learner(request.user)
    return render(
        request, "wellbeing/surveys_mine.html", {**ACADEMY, "items": selectors.surveys_for(user=request.user)}
    )


def _posted_answers(request, questions: list[SurveyQuestion]) -> dict[int, Any]:
    out: dict[int, Any] = {}
    for q in questions:
        name = f"q{q.pk}"
        out[q.pk] = (
            request.POST.getlist(name) if q.kind == SurveyQuestion.Kind.CHOICE else request.POST.get(name, "")
        )
    return out


@desk_view
def survey_answer(request, survey_id: int):
    survey, questions, answers = selectors.survey_for_answer(user=request.user, survey_id=survey_id)
    editable = services.survey_accepts_answers(survey)
    error, error_field, status = "", "", 200
    if request.method == "POST":
        answers = _posted_answers(request, questions)
        try:
            services.survey_answer(user=request.user, survey_id=survey.pk, answers=answers)
        except ValidationFailed as exc:
            error, error_field, status = exc.message, exc.details.get("field", ""), 422
        else:
            messages.success(
                request, _("Thank you. Your answers are saved; you can change them until the survey closes.")
            )
            return redirect("wellbeing:surveys")
    areas = content.areas()
    rows = [
        {
            "q": q,
            "name": f"q{q.pk}",
            "value": answers.get(q.pk),
            "options": [(code, areas[code].label) for code in q.options if code in areas],
            "area": areas.get(q.area),
            "error": error if error_field == f"q{q.pk}" else "",
        }
        for q in questions
    ]
    answered = selectors.survey_answered_at(user=request.user, survey=survey) is not None
    return render(
        request,
        "wellbeing/survey_answer.html",
        {
            **ACADEMY,
            "survey": survey,
            "rows": rows,
            "editable": editable,
            "answered": answered,
            "error": error if not any(r["error"] for r in rows) else "",
            "scale": range(1, 6),
        },
        status=status,
    )


# --------------------------------------------------------------------------------------------------
# Pain-point survey: management (trainers)


def _manager(user) -> None:
    if not can(user, Cap.TRAIN_MANAGE):
        raise PermissionDenied


def _survey_args(d: dict[str, Any]) -> dict[str, Any]:
    return {
        "title": d["title"],
        "cycle": d["cycle"],
        "description": d["description"],
        "opens_on": d["opens_on"],
        "closes_on": d["closes_on"],
        "department_ids": [dep.pk for dep in d["departments"]],
        "roles": d["roles"],
    }


@desk_view
def manage_list(request):
    _manager(request.user)
    return render(
        request,
        "wellbeing/manage_list.html",
        {**ACADEMY, "items": selectors.surveys_manage(viewer=request.user)},
    )


@desk_view
def manage_new(request):
    _manager(request.user)
    today = clock.now().date()
    template = content.templates().get("default")
    initial = {
        "title": template.title if template else "",
        "description": template.description if template else "",
        "opens_on": today,
        "closes_on": today + dt.timedelta(days=14),
    }
    form = SurveyCreateForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            survey = services.survey_create(
                actor=request.user,
                template_code=form.cleaned_data["template"],
                **_survey_args(form.cleaned_data),
            )
        except ValidationFailed as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, _("Survey created as a draft. Check the questions, then send it."))
            return redirect("wellbeing:manage_detail", survey_id=survey.pk)
    status = 422 if form.is_bound else 200
    return render(request, "wellbeing/manage_new.html", {**ACADEMY, "form": form}, status=status)


@desk_view
def manage_detail(request, survey_id: int):
    survey = selectors.survey_manage_get(viewer=request.user, survey_id=survey_id)
    initial = {
        "title": survey.title,
        "cycle": survey.cycle,
        "description": survey.description,
        "opens_on": survey.opens_on,
        "closes_on": survey.closes_on,
        "departments": list(survey.departments.all()),
        "roles": survey.roles,
    }
    is_meta = request.method == "POST" and request.POST.get("form") == "meta"
    form = SurveyForm(request.POST if is_meta else None, initial=initial)
    if survey.state != survey.State.DRAFT:
        for name in ("departments", "roles"):
            form.fields[name].disabled = True
    qform = QuestionForm(request.POST if request.method == "POST" and not is_meta else None)
    status = 200
    if is_meta and form.is_valid():
        try:
            services.survey_update(actor=request.user, survey_id=survey.pk, **_survey_args(form.cleaned_data))
        except ValidationFailed as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, _("Survey saved."))
            return redirect("wellbeing:manage_detail", survey_id=survey.pk)
    elif request.method == "POST" and not is_meta and qform.is_valid():
        d = qform.cleaned_data
        try:
            services.survey_question_add(
                actor=request.user,
                survey_id=survey.pk,
                kind=d["kind"],
                text=d["text"],
                area=d["area"],
                options=d["options"],
                max_choices=d["max_choices"] or 0,
                required=d["required"],
            )
        except ValidationFailed as exc:
            qform.add_domain_error(exc)
        else:
            messages.success(request, _("Question added."))
            return redirect("wellbeing:manage_detail", survey_id=survey.pk)
    if request.method == "POST":
        status = 422
    areas = content.areas()
    questions = [
        (q, areas.get(q.area), [areas[c].label for c in q.options if c in areas])
        for q in survey.questions.order_by("position", "id")
    ]
    return render(
        request,
        "wellbeing/manage_detail.html",
        {
            **ACADEMY,
            "survey": survey,
            "form": form,
            "qform": qform,
            "questions": questions,
            "audience": services.survey_audience(survey).count(),
            "respondents": survey.responses.count(),
        },
        status=status,
    )


@require_POST
@desk_view
def manage_question_delete(request, survey_id: int, question_id: int):
    services.survey_question_delete(actor=request.user, survey_id=survey_id, question_id=question_id)
    messages.success(request, _("Question removed."))
    return redirect("wellbeing:manage_detail", survey_id=survey_id)


@require_POST
@desk_view
def manage_question_move(request, survey_id: int, question_id: int, direction: str):
    services.survey_question_move(
        actor=request.user, survey_id=survey_id, question_id=question_id, up=direction == "up"
    )
    return redirect("wellbeing:manage_detail", survey_id=survey_id)


@require_POST
@desk_view
def manage_send(request, survey_id: int):
    count = services.survey_send(actor=request.user, survey_id=survey_id)
    messages.success(
        request,
        ngettext("Survey sent to %(count)d person.", "Survey sent to %(count)d people.", count)
        % {"count": count},
    )
    return redirect("wellbeing:manage_detail", survey_id=survey_id)


@require_POST
@desk_view
def manage_close(request, survey_id: int):
    services.survey_close(actor=request.user, survey_id=survey_id)
    messages.success(request, _("Survey closed."))
    return redirect("wellbeing:manage_detail", survey_id=survey_id)


@require_POST
@desk_view
def manage_delete(request, survey_id: int):
    services.survey_delete(actor=request.user, survey_id=survey_id)
    messages.success(request, _("Draft deleted."))
    return redirect("wellbeing:manage_list")


@desk_view
def manage_results(request, survey_id: int):
    results = selectors.survey_results(viewer=request.user, survey_id=survey_id)
    areas = content.areas()
    rating_questions = [q for q in results.questions if q.kind == SurveyQuestion.Kind.RATING]
    groups = [*results.departments, results.overall]
    choice_tables = [
        (
            q,
            [
                (areas[code].label, [g.choices.get(q.pk, {}).get(code, 0) for g in groups])
                for code in q.options
                if code in areas
            ],
        )
        for q in results.questions
        if q.kind == SurveyQuestion.Kind.CHOICE
    ]
    text_questions = [
        (q, results.texts.get(q.pk, [])) for q in results.questions if q.kind == SurveyQuestion.Kind.TEXT
    ]
    return render(
        request,
        "wellbeing/manage_results.html",
        {
            **ACADEMY,
            "results": results,
            "survey": results.survey,
            "rating_headers": [
                (q, areas[q.area].label if q.area in areas else q.area) for q in rating_questions
            ],
            "choice_tables": choice_tables,
            "text_questions": text_questions,
            "groups": groups,
            "rows": [(g, [g.ratings.get(q.pk) for q in rating_questions]) for g in groups],
            "chart": charts.survey_pain(results),
        },
    )


@desk_view
def manage_export(request, survey_id: int):
    results = selectors.survey_results(viewer=request.user, survey_id=survey_id)
    data = export.results_xlsx(results)
    response = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="pain-point-survey-{survey_id}.xlsx"'
    return response
