"""Reads of the exams app: the learner's exams, attempts they (or their trainers) may see, the grading
queue, the question bank with filters, L2 scores for the effectiveness app and the daily question."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from kesu.accounts.models import User
from kesu.accounts.roles import Cap, can
from kesu.common import clock
from kesu.common.errors import DomainError, NotFound, NotPermitted
from kesu.exams import grading, papers
from kesu.exams.models import AUTO_GRADED, Answer, Attempt, Blueprint, DailyAnswer, Exam, Question
from kesu.exams.services import GRACE, _contract, profile_of

log = logging.getLogger(__name__)


# ---- the learner's exams -------------------------------------------------------------------------------


@dataclass
class ExamRow:
    exam: Exam
    attempts: list[Attempt]
    running: Attempt | None
    can_start: bool
    why_not: str
    best: Attempt | None


def exams_for(*, user: User) -> QuerySet[Exam]:
    mine = profile_of(user)
    # JSON "contains" is not portable to SQLite; exams are few, so match the profiles in Python.
    open_ids = [
        pk
        for pk, profiles in Exam.objects.values_list("pk", "open_to_profiles")
        if mine & set(profiles or [])
    ]
    return (
        Exam.objects.filter(Q(assignees=user) | Q(pk__in=open_ids))
        .distinct()
        .select_related("blueprint")
        .order_by("-opens_at", "-id")
    )


def my_exams(*, user: User) -> list[ExamRow]:
    now = clock.now()
    exams = list(exams_for(user=user))
    attempts: dict[int, list[Attempt]] = {}
    for a in Attempt.objects.filter(user=user, exam__in=exams).order_by("number"):
        attempts.setdefault(a.exam_id, []).append(a)
    rows = []
    for exam in exams:
        mine = attempts.get(exam.pk, [])
        running = next(
            (a for a in mine if a.status == Attempt.Status.STARTED and now <= a.deadline + GRACE), None
        )
        why = ""
        if running is None:
            if now < exam.opens_at:
                why = _("Not open yet")
            elif now >= exam.closes_at:
                why = _("Closed")
            elif len(mine) >= exam.blueprint.attempts_allowed:
                why = _("No attempts left")
        graded = [a for a in mine if a.status == Attempt.Status.GRADED]
        best = max(graded, key=lambda a: (a.percent or 0, -a.number), default=None)
        rows.append(ExamRow(exam, mine, running, running is None and not why, why, best))
    return rows


def exams_waiting_count(*, user: User) -> int:
    """Exams open now that wait for the person: not attempted yet, or with an attempt still running."""
    now = clock.now()
    attempts = Attempt.objects.filter(user=user)
    running = attempts.filter(status=Attempt.Status.STARTED, deadline__gte=now - GRACE)
    return (
        exams_for(user=user)
        .filter(opens_at__lte=now, closes_at__gt=now)
        .filter(~Q(pk__in=attempts.values("exam_id")) | Q(pk__in=running.values("exam_id")))
        .values("pk")
        .count()
    )


def attempt_visible(*, viewer: User, attempt: Attempt) -> bool:
    if attempt.user_id == viewer.pk:
        return True
    if can(viewer, Cap.TRAIN_MANAGE) or can(viewer, Cap.TRAIN_VIEW_ALL):
        return True
    return (
        can(viewer, Cap.TRAIN_VIEW_TEAM)
        and viewer.department_id is not None
        and attempt.user.department_id == viewer.department_id
    )


def attempt_get(*, viewer: User, attempt_id: int) -> Attempt:
    attempt = Attempt.objects.select_related("exam__blueprint", "user").filter(pk=attempt_id).first()
    if attempt is None or not attempt_visible(viewer=viewer, attempt=attempt):
        raise NotFound(_("No such attempt."))
    return attempt


def paper_rows(attempt: Attempt, *, reveal: bool) -> list[dict[str, Any]]:
    """The paper with each answer; ``reveal`` adds correct answers, explanations and scores (only once
    the attempt is closed)."""
    answers = {a.position: a for a in attempt.answers.all()}
    rows = []
    for position, q in enumerate(attempt.paper):
        a = answers.get(position)
        response = a.response if a else None
        chosen = response if isinstance(response, list) else [response] if response is not None else []
        row: dict[str, Any] = {
            "position": position,
            "number": position + 1,
            "type": q["type"],
            "stem": q["stem"],
            "points": q["points"],
            "options": [
                {"key": o["key"], "text": o["text"], "chosen": o["key"] in chosen} for o in q["options"]
            ],
            "response": response,
            "response_text": response if q["type"] == "short" else "",
        }
        if reveal:
            row.update(
                {
                    "options": [
                        {**o, "chosen": o["key"] in chosen, "score_pct": int(round(o.get("score", 0) * 100))}
                        for o in q["options"]
                    ],
                    "answer": q.get("answer"),
                    "reference_answer": q.get("reference_answer", ""),
                    "rubric": q.get("rubric", []),
                    "explanation": q.get("explanation", ""),
                    "score": a.score if a else None,
                    "answer_row": a,
                    "version": q.get("version"),
                    "code": q["code"],
                }
            )
        rows.append(row)
    return rows


# ---- trainers -----------------------------------------------------------------------------------------


def _ungraded() -> QuerySet[Answer]:
    return Answer.objects.filter(attempt__status=Attempt.Status.AWAITING_GRADING, score__isnull=True)


def grading_queue(*, viewer: User) -> list[Answer]:
    if not can(viewer, Cap.TRAIN_MANAGE):
        raise NotPermitted(_("You are not allowed to do this."))
    return list(
        _ungraded()
        .select_related("attempt__exam", "attempt__user")
        .order_by("attempt__closed_at", "attempt_id", "position")
    )


def grading_count(*, user: User) -> int:
    """How many answers wait in the grading queue."""
    if not can(user, Cap.TRAIN_MANAGE):
        raise NotPermitted(_("You are not allowed to do this."))
    return _ungraded().count()


@dataclass(frozen=True)
class QuestionFilter:
    q: str = ""
    type: str = ""
    item: str = ""
    difficulty: int | None = None
    industry: str = ""
    status: str = Question.Status.ACTIVE


def questions(*, viewer: User, filters: QuestionFilter) -> list[Question]:
    if not can(viewer, Cap.TRAIN_MANAGE):
        raise NotPermitted(_("You are not allowed to do this."))
    qs = Question.objects.all().order_by("code")
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.type:
        qs = qs.filter(type=filters.type)
    if filters.difficulty:
        qs = qs.filter(difficulty=filters.difficulty)
    if filters.industry:
        qs = qs.filter(industry="" if filters.industry == "none" else filters.industry)
    if filters.q:
        qs = qs.filter(Q(stem__icontains=filters.q) | Q(code__icontains=filters.q))
    rows = list(qs)
    if filters.item:
        rows = [q for q in rows if filters.item in q.items]
    return rows


def bank_counts() -> dict[str, dict[str, int]]:
    """Active questions per item code and type (what blueprints can draw from)."""
    out: dict[str, dict[str, int]] = {}
    for items, qtype in Question.objects.filter(status=Question.Status.ACTIVE).values_list("items", "type"):
        for code in items:
            out.setdefault(code, {}).setdefault(qtype, 0)
            out[code][qtype] += 1
    return out


def blueprint_problem(blueprint: Blueprint) -> str:
    """Why the bank cannot fill this blueprint now, or ""."""
    from kesu.exams.services import blueprint_rules

    try:
        papers.draw(blueprint_rules(blueprint), seed=0)
    except DomainError as exc:
        return exc.message
    return ""


def blueprints() -> QuerySet[Blueprint]:
    return (
        Blueprint.objects.annotate(exam_count=Count("exams"))
        .prefetch_related("rules")
        .order_by("-active", "title", "id")
    )


# ---- effectiveness (L2) -------------------------------------------------------------------------------


def scores_for(user_ids: list[int], course_code: str, kind: str) -> dict[int, float]:
    """L2 (Kirkpatrick) scores: per user, the percent of their latest graded ``kind`` ("pre" or "post")
    attempt for the course ``course_code``. Users without such an attempt are absent."""
    out: dict[int, float] = {}
    rows = (
        Attempt.objects.filter(
            user_id__in=list(user_ids), course_code=course_code, kind=kind, status=Attempt.Status.GRADED
        )
        .order_by("user_id", "-closed_at", "-id")
        .values_list("user_id", "percent")
    )
    for user_id, percent in rows:
        if user_id not in out:
            out[user_id] = float(percent or Decimal(0))
    return out


# ---- daily question (micro-learning) ------------------------------------------------------------------


def largest_gaps(*, user: User, n: int = 3) -> list[str]:
    """The item codes of the person's largest gaps (kesu.competency.selectors.person_needs), at most n;
    [] when the competency app cannot tell (not installed, no profile)."""
    person_needs = _contract("kesu.competency.selectors", "person_needs")
    if person_needs is None:
        return []
    try:
        needs = person_needs(user=user)
    except DomainError:
        return []
    # PersonNeeds.gaps: the items to work on, most urgent first (priority, then size of the gap).
    return [g.item_code for g in needs.gaps if g.item_code in grading.ITEM_CODES][:n]


def daily_question(*, user: User, day: dt.date) -> Question | None:
    """Today's question for this person: drawn deterministically (person and day) among the active
    auto-graded questions on their largest gaps — all items when there are none or none fit — leaving
    out those answered on earlier days while others remain."""
    answered = DailyAnswer.objects.filter(user=user, day=day).select_related("question").first()
    if answered is not None:
        return answered.question
    gaps = set(largest_gaps(user=user))
    pool = list(
        Question.objects.filter(status=Question.Status.ACTIVE, type__in=AUTO_GRADED)
        .order_by("code")
        .values_list("pk", "items")
    )
    focused = [row for row in pool if gaps & set(row[1])]
    pool = focused or pool
    seen = set(DailyAnswer.objects.filter(user=user, day__lt=day).values_list("question_id", flat=True))
    fresh = [pk for pk, _items in pool if pk not in seen] or [pk for pk, _items in pool]
    if not fresh:
        return None
    return Question.objects.get(pk=fresh[papers.seed_for("daily", user.pk, day.isoformat()) % len(fresh)])


def daily_streak(*, user: User, today: dt.date | None = None) -> int:
    """Consecutive days answered, up to today (or yesterday while today is still open)."""
    # The daily page's notion of today (views.daily).
    today = today or clock.now().date()
    days = set(
        DailyAnswer.objects.filter(
            user=user, day__gt=today - dt.timedelta(days=400), day__lte=today
        ).values_list("day", flat=True)
    )
    day = today if today in days else today - dt.timedelta(days=1)
    streak = 0
    while day in days:
        streak += 1
        day -= dt.timedelta(days=1)
    return streak


def micro_modules(*, user: User, item_codes: list[str]) -> list[dict[str, Any]]:
    """Five-minute modules on those items from the training app, when it offers them:
    [{title, course, minutes, url}]."""
    module_for_micro = _contract("kesu.training.selectors", "module_for_micro")
    if module_for_micro is None:
        return []
    out = []
    for module in list(module_for_micro(user, item_codes) or [])[:5]:
        try:
            url = reverse("training:module_read", args=[module.pk])
        except NoReverseMatch:
            url = ""
        course = getattr(module, "course", None)
        out.append(
            {
                "title": str(getattr(module, "title", module)),
                "course": str(getattr(course, "title", "") or ""),
                "minutes": getattr(module, "minutes", None),
                "url": url,
            }
        )
    return out


def item_label_map() -> dict[str, str]:
    item_labels = _contract("kesu.competency.selectors", "item_labels")
    labels = {}
    if item_labels is not None:
        try:
            labels = dict(item_labels())
        except DomainError:
            labels = {}
    return {code: labels.get(code) or grading.ITEM_NAMES[code] for code in grading.ITEM_CODES}
