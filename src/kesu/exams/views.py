"""Pages of the exams app. Views parse, call a service or selector and render; every view checks the
capability it needs (LEARN for learners, TRAIN_MANAGE for the bank, blueprints, exams and grading)."""

from __future__ import annotations

import json
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from kesu.accounts.roles import Cap, can
from kesu.common import clock
from kesu.common.errors import DomainError, NotFound, ValidationFailed
from kesu.complaints.views._base import desk_view
from kesu.exams import forms, grading, selectors, services
from kesu.exams.models import Attempt, Blueprint, DailyAnswer, Exam, Question

NAV = {"nav_section": "academy"}


def needs(cap: str):
    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not can(request.user, cap):
                raise PermissionDenied(_("You are not allowed to do this."))
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def _errors(form) -> str:
    return " ".join(str(e) for errs in form.errors.values() for e in errs)


# ---- learners ------------------------------------------------------------------------------------------


@require_GET
@desk_view
@needs(Cap.LEARN)
def mine(request: HttpRequest) -> HttpResponse:
    services.attempts_close_expired_for(user=request.user)
    rows = selectors.my_exams(user=request.user)
    return render(request, "exams/mine.html", {**NAV, "rows": rows, "now": clock.now()})


@require_POST
@desk_view
@needs(Cap.LEARN)
def start(request: HttpRequest, exam_id: int) -> HttpResponse:
    attempt = services.attempt_start(user=request.user, exam_id=exam_id)
    return redirect("exams:take", attempt.pk)


@require_GET
@desk_view
@needs(Cap.LEARN)
def take(request: HttpRequest, attempt_id: int) -> HttpResponse:
    services.attempts_close_expired_for(user=request.user)
    attempt = (
        Attempt.objects.select_related("exam__blueprint").filter(pk=attempt_id, user=request.user).first()
    )
    if attempt is None:
        raise NotFound(_("No such attempt."))
    if attempt.status != Attempt.Status.STARTED:
        return redirect("exams:result", attempt.pk)
    return render(
        request,
        "exams/take.html",
        {
            **NAV,
            "attempt": attempt,
            "rows": selectors.paper_rows(attempt, reveal=False),
            "server_now": clock.now().isoformat(),
            "deadline": attempt.deadline.isoformat(),
        },
    )


def _json_error(exc: DomainError) -> JsonResponse:
    return JsonResponse({"code": exc.code, "message": exc.message}, status=exc.status)


@require_POST
@login_required
def answer(request: HttpRequest, attempt_id: int) -> JsonResponse:
    """Save one answer (fetch from exam.js): JSON {position, response} → {saved_at} or {code, message}."""
    if not can(request.user, Cap.LEARN):
        return JsonResponse(
            {"code": "forbidden", "message": _("You are not allowed to do this.")}, status=403
        )
    try:
        payload = json.loads(request.body or b"{}")
        position = int(payload["position"])
    except (ValueError, KeyError, TypeError):
        return _json_error(ValidationFailed(_("Malformed answer.")))
    try:
        saved = services.answer_save(
            user=request.user, attempt_id=attempt_id, position=position, response=payload.get("response")
        )
    except DomainError as exc:
        return _json_error(exc)
    return JsonResponse(
        {"saved_at": timezone.localtime(saved.saved_at).strftime("%H:%M:%S"), "position": position}
    )


def _responses_from(request: HttpRequest, attempt: Attempt) -> dict[int, object]:
    """The answers in the submitted form, only those given: an empty field does not erase an answer
    saved earlier (from this tab or another one)."""
    out: dict[int, object] = {}
    for position, q in enumerate(attempt.paper):
        name = f"q{position}"
        value = request.POST.getlist(name) if q["type"] == "multiple" else request.POST.get(name, "")
        if value not in ("", []):
            out[position] = value
    return out


@require_POST
@desk_view
@needs(Cap.LEARN)
def submit(request: HttpRequest, attempt_id: int) -> HttpResponse:
    attempt = Attempt.objects.filter(pk=attempt_id, user=request.user).first()
    if attempt is None:
        raise NotFound(_("No such attempt."))
    try:
        attempt = services.attempt_submit(
            user=request.user, attempt_id=attempt_id, responses=_responses_from(request, attempt)
        )
    except ValidationFailed as exc:
        messages.error(request, exc.message)
        return redirect("exams:take", attempt_id)
    if attempt.close_reason == Attempt.CloseReason.TIMEOUT:
        messages.warning(request, _("Time was up: the answers saved before the deadline were graded."))
    return redirect("exams:result", attempt.pk)


@require_GET
@desk_view
def result(request: HttpRequest, attempt_id: int) -> HttpResponse:
    services.attempts_close_expired_for(user=request.user)
    attempt = selectors.attempt_get(viewer=request.user, attempt_id=attempt_id)
    if attempt.status == Attempt.Status.STARTED:
        if attempt.user_id == request.user.pk:
            return redirect("exams:take", attempt.pk)
        raise NotFound(_("This attempt is still in progress."))
    labels = selectors.item_label_map()
    items = [{"code": c, "label": labels.get(c, c), **row} for c, row in attempt.item_scores.items()]
    return render(
        request,
        "exams/result.html",
        {**NAV, "attempt": attempt, "rows": selectors.paper_rows(attempt, reveal=True), "items": items},
    )


@desk_view
@needs(Cap.LEARN)
def daily(request: HttpRequest) -> HttpResponse:
    today = clock.now().date()
    if request.method == "POST":
        qtype = request.POST.get("type")
        raw = request.POST.getlist("response") if qtype == "multiple" else request.POST.get("response", "")
        services.daily_answer(user=request.user, response=raw)
        return redirect("exams:daily")
    done = DailyAnswer.objects.filter(user=request.user, day=today).first()
    question = selectors.daily_question(user=request.user, day=today)
    gaps = selectors.largest_gaps(user=request.user)
    labels = selectors.item_label_map()
    feedback = None
    if done is not None:
        snap = done.snapshot
        chosen = done.response if isinstance(done.response, list) else [done.response]
        feedback = {
            "answer": done,
            "options": [
                {**o, "chosen": o["key"] in chosen, "score_pct": int(round(o.get("score", 0) * 100))}
                for o in snap.get("options", [])
            ],
            "snap": snap,
            "score_pct": int(round(done.score * 100)),
        }
    return render(
        request,
        "exams/daily.html",
        {
            **NAV,
            "question": question,
            "feedback": feedback,
            "streak": selectors.daily_streak(user=request.user, today=today),
            "gap_labels": [labels.get(c, c) for c in gaps],
            "modules": selectors.micro_modules(
                user=request.user, item_codes=gaps or list(question.items if question else [])
            ),
        },
    )


# ---- trainers: bank ------------------------------------------------------------------------------------


@require_GET
@desk_view
@needs(Cap.TRAIN_MANAGE)
def bank(request: HttpRequest) -> HttpResponse:
    labels = selectors.item_label_map()
    data = request.GET.copy()
    if "status" not in data:
        data["status"] = Question.Status.ACTIVE
    form = forms.QuestionFilterForm(data, labels=labels)
    filters = selectors.QuestionFilter()
    if form.is_valid():
        d = form.cleaned_data
        filters = selectors.QuestionFilter(
            q=d["q"].strip(),
            type=d["type"],
            item=d["item"],
            difficulty=d["difficulty"],
            industry=d["industry"],
            status=d["status"],
        )
    rows = selectors.questions(viewer=request.user, filters=filters)
    page_obj = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "exams/bank.html",
        {
            **NAV,
            "form": form,
            "rows": page_obj.object_list,
            "page_obj": page_obj,
            "matching": len(rows),
            "labels": labels,
            "total": Question.objects.count(),
        },
    )


def _question_page(request: HttpRequest, form, question: Question | None) -> HttpResponse:
    return render(
        request,
        "exams/question_form.html",
        {
            **NAV,
            "form": form,
            "question": question,
            "revisions": question.revisions.all() if question else [],
        },
    )


@desk_view
@needs(Cap.TRAIN_MANAGE)
def question_new(request: HttpRequest) -> HttpResponse:
    labels = selectors.item_label_map()
    form = forms.QuestionForm(request.POST or None, labels=labels, initial={"difficulty": 2})
    if request.method == "POST":
        if form.is_valid():
            try:
                question = services.question_create(actor=request.user, data=form.to_data())
            except ValidationFailed as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, _("Question %(code)s saved.") % {"code": question.code})
                return redirect("exams:bank")
        else:
            messages.error(request, _errors(form))
    return _question_page(request, form, None)


@desk_view
@needs(Cap.TRAIN_MANAGE)
def question_edit(request: HttpRequest, pk: int) -> HttpResponse:
    question = Question.objects.filter(pk=pk).first()
    if question is None:
        raise NotFound(_("No such question."))
    labels = selectors.item_label_map()
    if request.method == "POST":
        data = request.POST.copy()
        data["code"] = question.code  # the code is the question's identity
        form = forms.QuestionForm(data, labels=labels)
        if form.is_valid():
            try:
                version = int(request.POST.get("version", "0"))
            except ValueError:
                version = 0
            try:
                updated = services.question_update(
                    actor=request.user, question_id=question.pk, data=form.to_data(), version=version
                )
            except (ValidationFailed, DomainError) as exc:
                if isinstance(exc, NotFound):
                    raise
                messages.error(request, exc.message)
            else:
                messages.success(
                    request,
                    _("Question %(code)s saved (version %(v)d).")
                    % {"code": updated.code, "v": updated.version},
                )
                return redirect("exams:bank")
        else:
            messages.error(request, _errors(form))
    else:
        form = forms.QuestionForm(initial=forms.QuestionForm.initial_for(question), labels=labels)
    return _question_page(request, form, question)


@require_POST
@desk_view
@needs(Cap.TRAIN_MANAGE)
def question_status(request: HttpRequest, pk: int) -> HttpResponse:
    status = request.POST.get("status", "")
    question = services.question_set_status(actor=request.user, question_id=pk, status=status)
    if question.status == Question.Status.RETIRED:
        messages.success(request, _("Question %(code)s retired.") % {"code": question.code})
    else:
        messages.success(request, _("Question %(code)s is active again.") % {"code": question.code})
    return redirect("exams:question_edit", pk)


# ---- trainers: blueprints and exams --------------------------------------------------------------------


@require_GET
@desk_view
@needs(Cap.TRAIN_MANAGE)
def blueprints(request: HttpRequest) -> HttpResponse:
    rows = [(b, selectors.blueprint_problem(b)) for b in selectors.blueprints()]
    return render(
        request, "exams/blueprints.html", {**NAV, "rows": rows, "labels": selectors.item_label_map()}
    )


@desk_view
@needs(Cap.TRAIN_MANAGE)
def blueprint_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    blueprint = None
    if pk is not None:
        blueprint = Blueprint.objects.filter(pk=pk).first()
        if blueprint is None:
            raise NotFound(_("No such blueprint."))
    labels = selectors.item_label_map()
    existing = blueprint.rules.count() if blueprint else 0
    rows = existing + forms.RULE_ROWS_EXTRA
    if request.method == "POST":
        rows = max(rows, sum(1 for k in request.POST if k.startswith("rule_scope_")))
        form = forms.BlueprintForm(request.POST, labels=labels, rule_rows=rows)
        if form.is_valid():
            try:
                saved = services.blueprint_save(
                    actor=request.user,
                    blueprint_id=blueprint.pk if blueprint else None,
                    fields=form.cleaned_data,
                    rules=form.rules(),
                )
            except ValidationFailed as exc:
                messages.error(request, exc.message)
            else:
                problem = selectors.blueprint_problem(saved)
                if problem:
                    messages.warning(request, problem)
                messages.success(request, _("Blueprint saved."))
                return redirect("exams:blueprints")
        else:
            messages.error(request, _errors(form))
    else:
        initial = forms.BlueprintForm.initial_for(blueprint) if blueprint else {"active": True}
        form = forms.BlueprintForm(initial=initial, labels=labels, rule_rows=rows)
    return render(
        request,
        "exams/blueprint_form.html",
        {**NAV, "form": form, "blueprint": blueprint, "counts": selectors.bank_counts(), "labels": labels},
    )


@desk_view
@needs(Cap.TRAIN_MANAGE)
def manage(request: HttpRequest) -> HttpResponse:
    form = forms.ExamForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            try:
                exam = services.exam_create(
                    actor=request.user,
                    blueprint_id=d["blueprint"].pk,
                    title=d["title"],
                    opens_at=d["opens_at"],
                    closes_at=d["closes_at"],
                    assignee_ids=[u.pk for u in d["assignees"]],
                    open_to_profiles=d["open_to_profiles"],
                    kind=d["kind"],
                    course_code=d["course_code"],
                )
            except ValidationFailed as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, _("Exam “%(title)s” created.") % {"title": exam.title})
                return redirect("exams:manage")
        else:
            messages.error(request, _errors(form))
    exams = (
        Exam.objects.select_related("blueprint")
        .prefetch_related("assignees")
        .order_by("-opens_at", "-id")[:100]
    )
    stats = {
        row["exam_id"]: row
        for row in Attempt.objects.filter(exam__in=[e.pk for e in exams])
        .values("exam_id")
        .annotate(
            n=Count("id"),
            passed=Count("id", filter=Q(passed=True)),
            waiting=Count("id", filter=Q(status=Attempt.Status.AWAITING_GRADING)),
        )
    }
    rows = [(e, stats.get(e.pk)) for e in exams]
    return render(request, "exams/manage.html", {**NAV, "form": form, "rows": rows})


# ---- trainers: grading ---------------------------------------------------------------------------------


@require_GET
@desk_view
@needs(Cap.TRAIN_MANAGE)
def grading_queue(request: HttpRequest) -> HttpResponse:
    services.attempts_close_expired()
    answers = selectors.grading_queue(viewer=request.user)
    attempts: dict[int, dict] = {}
    for a in answers:
        row = attempts.setdefault(a.attempt_id, {"attempt": a.attempt, "count": 0})
        row["count"] += 1
    return render(request, "exams/grading_queue.html", {**NAV, "rows": list(attempts.values())})


@desk_view
@needs(Cap.TRAIN_MANAGE)
def grade(request: HttpRequest, attempt_id: int) -> HttpResponse:
    attempt = selectors.attempt_get(viewer=request.user, attempt_id=attempt_id)
    if request.method == "POST":
        try:
            answer_id = int(request.POST.get("answer", ""))
        except ValueError:
            raise NotFound(_("No such answer.")) from None
        count = len(request.POST.getlist("point"))
        services.answer_grade(
            grader=request.user,
            answer_id=answer_id,
            rubric_scores=request.POST.getlist("point")[:count],
            comment=request.POST.get("comment", ""),
        )
        attempt.refresh_from_db()
        if attempt.status == Attempt.Status.GRADED:
            messages.success(
                request,
                _("Attempt graded: %(percent)s %%, %(result)s.")
                % {"percent": attempt.percent, "result": _("passed") if attempt.passed else _("not passed")},
            )
            return redirect("exams:grading")
        messages.success(request, _("Score saved."))
        return redirect("exams:grade", attempt.pk)
    short = []
    for row in selectors.paper_rows(attempt, reveal=True):
        if row["type"] != "short":
            continue
        answer_row = row["answer_row"]
        suggested = (answer_row.suggested or {}) if answer_row else {}
        maxima = grading.rubric_max(attempt.paper[row["position"]])
        given = answer_row.rubric_scores if answer_row and answer_row.rubric_scores else []
        points = []
        for i, (point, worth) in enumerate(zip(row["rubric"], maxima, strict=True)):
            hint = (suggested.get("points") or [{}] * len(maxima))[i] if suggested.get("points") else {}
            points.append(
                {
                    "point": point["point"],
                    "keywords": point["keywords"],
                    "max": worth,
                    "hits": hint.get("hits", []),
                    "value": given[i] if i < len(given) else hint.get("score", ""),
                }
            )
        short.append({**row, "points_detail": points, "suggested": suggested})
    return render(request, "exams/grade.html", {**NAV, "attempt": attempt, "short": short})
