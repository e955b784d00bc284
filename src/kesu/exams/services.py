"""Writes of the exams app.

Invariants:
- **One writer for an attempt's status**: ``_set_status`` alone assigns ``Attempt.status``, following
  ``TRANSITIONS`` (started → submitted → graded | awaiting_grading → graded). Every service that changes
  an attempt first locks its row (``select_for_update``), so two tabs, a double click and the sweep
  serialise: the first closes and grades, the others find it closed and return it unchanged.
- **The server's clock is authoritative**: an answer is accepted until ``deadline + GRACE`` (network
  latency); after that the attempt is closed with reason ``timeout`` (what was saved is graded) and the
  late answer is refused. The deadline is the start plus the blueprint's time limit, capped by the exam's
  closing time. ``attempts_close_expired`` (run by ``kesu worker``) closes abandoned attempts.
- **One answer per question**: ``Answer`` is unique on (attempt, position) and written by upsert; closing
  an attempt creates the missing rows empty, so a graded paper has exactly one answer per question.
- **Grading once**: scores, pass/fail and the effects are written only on the transition into
  ``graded``, in the same transaction: competency evidence per item (``evidence_record``, idempotent on
  ``exam-attempt:<id>``), retraining on failure (``retraining_assign``; not for pre-tests, which people are
  expected to fail before the course), a certificate when a ``certifies`` blueprint is passed
  (``certificate_issue``). Those functions belong to other apps (docs/academy.md); while one of their
  modules is not installed the effect is skipped and noted in ``Attempt.effects``.
- **Questions are versioned**: editing a question that has been answered archives the old content as a
  ``QuestionRevision`` and bumps ``version``; attempts keep their own snapshot either way.
"""

from __future__ import annotations

import datetime as dt
import importlib
import logging
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from kesu.accounts.models import User
from kesu.accounts.roles import Cap, Role, can
from kesu.common import clock
from kesu.common.errors import ConcurrentEdit, NotFound, NotPermitted, TransitionRefused, ValidationFailed
from kesu.exams import grading, papers
from kesu.exams.models import (
    AUTO_GRADED,
    Answer,
    Attempt,
    Blueprint,
    BlueprintRule,
    DailyAnswer,
    Exam,
    Question,
    QuestionRevision,
    QuestionType,
)

log = logging.getLogger(__name__)

GRACE = dt.timedelta(seconds=30)
RETRAINING_DAYS = 14
PROFILES = ("new_handler", "handler", "senior_handler", "supervisor", "pr_officer", "liaison")

S = Attempt.Status
TRANSITIONS: dict[str, frozenset[str]] = {
    S.STARTED: frozenset({S.SUBMITTED}),
    S.SUBMITTED: frozenset({S.GRADED, S.AWAITING_GRADING}),
    S.AWAITING_GRADING: frozenset({S.GRADED}),
    S.GRADED: frozenset(),
}


def _set_status(attempt: Attempt, to: str) -> None:
    """The only place that assigns Attempt.status (the caller holds the row lock and saves)."""
    if to not in TRANSITIONS[attempt.status]:
        raise TransitionRefused(
            _("This attempt cannot go from “%(a)s” to “%(b)s”.")
            % {"a": Attempt.Status(attempt.status).label, "b": Attempt.Status(to).label}
        )
    attempt.status = to


def _require(actor: User, cap: str) -> None:
    if not can(actor, cap):
        raise NotPermitted(_("You are not allowed to do this."))


def profile_of(user: User) -> set[str]:
    """The role profiles (docs/academy.md) a user belongs to for exams open to profiles. A handler is
    also a new handler: the competency app, not the role, tells them apart."""
    return {
        Role.HANDLER: {"handler", "new_handler"},
        Role.SENIOR_HANDLER: {"senior_handler"},
        Role.SUPERVISOR: {"supervisor"},
        Role.PR_OFFICER: {"pr_officer"},
        Role.LIAISON: {"liaison"},
    }.get(user.role, set())


def _contract(module: str, name: str):
    """A function of another academy app, or None while its module is not installed yet."""
    try:
        mod = importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name and module.startswith(exc.name):
            return None
        raise
    return getattr(mod, name, None)


# ---- question bank -------------------------------------------------------------------------------------


def _question_fields(clean: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in clean.items() if k != "code"}


@transaction.atomic
def question_create(*, actor: User, data: dict[str, Any]) -> Question:
    _require(actor, Cap.TRAIN_MANAGE)
    clean = grading.question_clean(data)
    if Question.objects.filter(code=clean["code"]).exists():
        raise ValidationFailed(
            _("A question with the code %(code)s exists already.") % {"code": clean["code"]}
        )
    try:
        with transaction.atomic():
            return Question.objects.create(code=clean["code"], created_by=actor, **_question_fields(clean))
    except IntegrityError:
        raise ValidationFailed(
            _("A question with the code %(code)s exists already.") % {"code": clean["code"]}
        ) from None


@transaction.atomic
def question_update(*, actor: User, question_id: int, data: dict[str, Any], version: int) -> Question:
    """Change a question. ``version`` is the one the editor saw (a stale one is refused). A question
    that has been answered gets a new version; its previous content is kept as a revision."""
    _require(actor, Cap.TRAIN_MANAGE)
    question = Question.objects.select_for_update().filter(pk=question_id).first()
    if question is None:
        raise NotFound(_("No such question."))
    if question.version != version:
        raise ConcurrentEdit(_("Someone else changed this question. Reload the page and try again."))
    clean = grading.question_clean({**data, "code": question.code})
    fields = _question_fields(clean)
    if all(getattr(question, k) == v for k, v in fields.items()):
        return question
    if question.answered:
        QuestionRevision.objects.create(
            question=question,
            version=question.version,
            snapshot=papers.snapshot(question),
            replaced_by=actor,
            replaced_at=clock.now(),
        )
        question.version += 1
        question.answered = False
    for key, value in fields.items():
        setattr(question, key, value)
    question.save()
    return question


@transaction.atomic
def question_set_status(*, actor: User, question_id: int, status: str) -> Question:
    """Retire a question (no new paper or daily question draws it; old attempts keep it) or bring it
    back."""
    _require(actor, Cap.TRAIN_MANAGE)
    if status not in Question.Status.values:
        raise ValidationFailed(_("Unknown status."))
    updated = Question.objects.filter(pk=question_id).update(status=status, updated_at=clock.now())
    if not updated:
        raise NotFound(_("No such question."))
    return Question.objects.get(pk=question_id)


# ---- blueprints and exams ------------------------------------------------------------------------------


def _clean_rules(rules: Iterable[dict[str, Any]]) -> list[papers.Rule]:
    out = []
    for index, raw in enumerate(rules, start=1):
        item = (raw.get("item_code") or "").strip()
        dimension = (raw.get("dimension") or "").strip()
        if bool(item) == bool(dimension):
            raise ValidationFailed(
                _("Rule %(n)d: choose either one competency item or one dimension.") % {"n": index}
            )
        if item and item not in grading.ITEM_CODES:
            raise ValidationFailed(_("Rule %(n)d: unknown competency item.") % {"n": index})
        if dimension and dimension not in grading.DIMENSIONS:
            raise ValidationFailed(_("Rule %(n)d: unknown dimension.") % {"n": index})
        if raw.get("type") not in QuestionType.values:
            raise ValidationFailed(_("Rule %(n)d: choose a question type.") % {"n": index})
        try:
            count = int(raw.get("count") or 0)
            points = int(raw.get("points") or 1)
            difficulty = int(raw["difficulty"]) if raw.get("difficulty") not in (None, "") else None
        except (TypeError, ValueError):
            raise ValidationFailed(_("Rule %(n)d: numbers expected.") % {"n": index}) from None
        if not 1 <= count <= 100:
            raise ValidationFailed(_("Rule %(n)d: between 1 and 100 questions.") % {"n": index})
        if not 1 <= points <= 100:
            raise ValidationFailed(_("Rule %(n)d: between 1 and 100 points a question.") % {"n": index})
        if difficulty not in (None, 1, 2, 3):
            raise ValidationFailed(_("Rule %(n)d: difficulty 1, 2 or 3.") % {"n": index})
        out.append(papers.Rule(item, dimension, raw["type"], difficulty, count, points))
    if not out:
        raise ValidationFailed(_("This blueprint has no rules: add at least one group of questions."))
    return out


@transaction.atomic
def blueprint_save(
    *, actor: User, blueprint_id: int | None = None, fields: dict[str, Any], rules: list[dict[str, Any]]
) -> Blueprint:
    """Create or change a blueprint and replace its rules. Attempts already started keep their paper."""
    _require(actor, Cap.TRAIN_MANAGE)
    title = (fields.get("title") or "").strip()
    if not title:
        raise ValidationFailed(_("Give the blueprint a title."))
    clean_rules = _clean_rules(rules)
    profiles = [p for p in fields.get("audience_profiles") or [] if p]
    if any(p not in PROFILES for p in profiles):
        raise ValidationFailed(_("Unknown role profile."))
    values = {
        "title": title[:120],
        "description": (fields.get("description") or "").strip(),
        "time_limit_minutes": int(fields.get("time_limit_minutes") or 0),
        "pass_mark": int(fields.get("pass_mark") if fields.get("pass_mark") is not None else 60),
        "attempts_allowed": int(fields.get("attempts_allowed") or 0),
        "audience_profiles": profiles,
        "certifies": bool(fields.get("certifies")),
        "certificate_valid_months": fields.get("certificate_valid_months") or None,
        "active": bool(fields.get("active", True)),
    }
    if not 1 <= values["time_limit_minutes"] <= 600:
        raise ValidationFailed(_("The time limit must be 1 to 600 minutes."))
    if not 0 <= values["pass_mark"] <= 100:
        raise ValidationFailed(_("The pass mark must be 0 to 100 %."))
    if not 1 <= values["attempts_allowed"] <= 20:
        raise ValidationFailed(_("Allow 1 to 20 attempts."))
    if blueprint_id is None:
        blueprint = Blueprint.objects.create(created_by=actor, **values)
    else:
        blueprint = Blueprint.objects.select_for_update().filter(pk=blueprint_id).first()
        if blueprint is None:
            raise NotFound(_("No such blueprint."))
        for key, value in values.items():
            setattr(blueprint, key, value)
        blueprint.save()
        blueprint.rules.all().delete()
    BlueprintRule.objects.bulk_create(
        BlueprintRule(
            blueprint=blueprint,
            position=i,
            item_code=r.item_code,
            dimension=r.dimension,
            type=r.type,
            difficulty=r.difficulty,
            count=r.count,
            points=r.points,
        )
        for i, r in enumerate(clean_rules)
    )
    return blueprint


def blueprint_rules(blueprint: Blueprint) -> list[papers.Rule]:
    return [
        papers.Rule(r.item_code, r.dimension, r.type, r.difficulty, r.count, r.points)
        for r in blueprint.rules.order_by("position", "id")
    ]


@transaction.atomic
def exam_create(
    *,
    actor: User,
    blueprint_id: int,
    title: str = "",
    opens_at: dt.datetime,
    closes_at: dt.datetime,
    assignee_ids: Iterable[int] = (),
    open_to_profiles: Iterable[str] = (),
    kind: str = Exam.Kind.REGULAR,
    course_code: str = "",
    notify_assignees: bool = True,
) -> Exam:
    """Offer a blueprint in a window to people and/or role profiles; the assignees are notified."""
    _require(actor, Cap.TRAIN_MANAGE)
    blueprint = Blueprint.objects.filter(pk=blueprint_id, active=True).first()
    if blueprint is None:
        raise ValidationFailed(_("Choose an active blueprint."))
    if closes_at <= opens_at:
        raise ValidationFailed(_("The exam must close after it opens."))
    profiles = sorted({p for p in open_to_profiles if p})
    if any(p not in PROFILES for p in profiles):
        raise ValidationFailed(_("Unknown role profile."))
    users = list(User.objects.filter(pk__in=set(assignee_ids), is_active=True).order_by("pk"))
    if not users and not profiles:
        raise ValidationFailed(_("Assign the exam to at least one person or open it to a role profile."))
    if kind not in Exam.Kind.values:
        raise ValidationFailed(_("Unknown exam kind."))
    course_code = (course_code or "").strip()
    if kind != Exam.Kind.REGULAR and not course_code:
        raise ValidationFailed(_("A pre-test or post-test needs the code of its course."))
    # The bank must be able to fill the paper now, not only when someone starts.
    papers.draw(blueprint_rules(blueprint), seed=0)
    exam = Exam.objects.create(
        blueprint=blueprint,
        title=(title or blueprint.title).strip()[:120],
        opens_at=opens_at,
        closes_at=closes_at,
        open_to_profiles=profiles,
        kind=kind,
        course_code=course_code,
        created_by=actor,
    )
    exam.assignees.set(users)
    if users and notify_assignees:
        from kesu.complaints.services import notify

        notify(
            users=users,
            complaint=None,
            kind="exam_assigned",
            message=_("Exam assigned: %(title)s, open until %(until)s.")
            % {"title": exam.title, "until": closes_at.strftime("%Y-%m-%d %H:%M")},
            link=reverse("exams:mine"),
        )
    return exam


def exam_visible_to(exam: Exam, user: User) -> bool:
    if exam.open_to_profiles and profile_of(user) & set(exam.open_to_profiles):
        return True
    return exam.assignees.filter(pk=user.pk).exists()


# ---- attempts ------------------------------------------------------------------------------------------


@transaction.atomic
def attempt_start(*, user: User, exam_id: int) -> Attempt:
    """Start (or resume) the user's attempt: an attempt still running is returned as it is."""
    _require(user, Cap.LEARN)
    exam = Exam.objects.select_for_update().select_related("blueprint").filter(pk=exam_id).first()
    if exam is None or not exam_visible_to(exam, user):
        raise NotFound(_("No such exam."))
    now = clock.now()
    running = Attempt.objects.filter(exam=exam, user=user, status=S.STARTED).first()
    if running is not None:
        if now <= running.deadline + GRACE:
            return running
        _close_locked(Attempt.objects.select_for_update().get(pk=running.pk), Attempt.CloseReason.TIMEOUT)
    if now < exam.opens_at:
        raise TransitionRefused(_("This exam opens at %(t)s.") % {"t": _local(exam.opens_at)})
    if now >= exam.closes_at:
        raise TransitionRefused(_("This exam closed at %(t)s.") % {"t": _local(exam.closes_at)})
    used = Attempt.objects.filter(exam=exam, user=user).count()
    blueprint = exam.blueprint
    if used >= blueprint.attempts_allowed:
        raise TransitionRefused(
            _("You have used all %(n)d attempts at this exam.") % {"n": blueprint.attempts_allowed}
        )
    number = used + 1
    # From stable values rather than row ids, so that a demo reloaded into another database draws the
    # same papers; it is stored, so each attempt's paper can be drawn again.
    seed = papers.seed_for("attempt", exam.title, exam.opens_at.isoformat(), user.username, number)
    paper = papers.draw(blueprint_rules(blueprint), seed=seed)
    deadline = min(now + dt.timedelta(minutes=blueprint.time_limit_minutes), exam.closes_at)
    attempt = Attempt.objects.create(
        exam=exam,
        user=user,
        number=number,
        seed=seed,
        paper=paper,
        status=S.STARTED,
        started_at=now,
        deadline=deadline,
        max_score=sum((Decimal(q["points"]) for q in paper), Decimal(0)),
        pass_mark=blueprint.pass_mark,
        kind=exam.kind,
        course_code=exam.course_code,
    )
    Question.objects.filter(code__in=[q["code"] for q in paper], answered=False).update(answered=True)
    return attempt


def _local(moment: dt.datetime) -> str:
    from django.utils import timezone

    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def _locked_own(user: User, attempt_id: int) -> Attempt:
    attempt = Attempt.objects.select_for_update().filter(pk=attempt_id, user=user).first()
    if attempt is None:
        raise NotFound(_("No such attempt."))
    return attempt


def _upsert(attempt: Attempt, position: int, response: Any, now: dt.datetime) -> Answer:
    if not 0 <= position < len(attempt.paper):
        raise ValidationFailed(_("This paper has no question %(n)d.") % {"n": position + 1})
    question = attempt.paper[position]
    value = grading.response_clean(question, response)
    answer, _created = Answer.objects.update_or_create(
        attempt=attempt,
        position=position,
        defaults={
            "question_code": question["code"],
            "response": value,
            "saved_at": now,
            "max_score": Decimal(question["points"]),
        },
    )
    return answer


def _upsert_many(attempt: Attempt, responses: dict[int, Any], now: dt.datetime) -> None:
    """The same as _upsert for a whole form: every answer validated first, then one insert and one
    update, so a bad answer leaves all of them unsaved."""
    clean: dict[int, Any] = {}
    for raw_position, response in responses.items():
        try:
            position = int(raw_position)
        except (TypeError, ValueError):
            raise ValidationFailed(_("Malformed answer.")) from None
        if not 0 <= position < len(attempt.paper):
            raise ValidationFailed(_("This paper has no question %(n)d.") % {"n": position + 1})
        clean[position] = grading.response_clean(attempt.paper[position], response)
    existing = {a.position: a for a in attempt.answers.filter(position__in=list(clean))}
    changed, new = [], []
    for position, value in sorted(clean.items()):
        row = existing.get(position)
        if row is None:
            new.append(
                Answer(
                    attempt=attempt,
                    position=position,
                    question_code=attempt.paper[position]["code"],
                    response=value,
                    saved_at=now,
                    max_score=Decimal(attempt.paper[position]["points"]),
                )
            )
        else:
            row.response, row.saved_at = value, now
            changed.append(row)
    Answer.objects.bulk_create(new)
    Answer.objects.bulk_update(changed, ["response", "saved_at"])


class TimeUp(TransitionRefused):
    code = "time_up"


def answer_save(*, user: User, attempt_id: int, position: int, response: Any) -> Answer:
    """Save one answer (idempotent: saving again replaces it). Late answers close the attempt."""
    with transaction.atomic():
        attempt = _locked_own(user, attempt_id)
        if attempt.status != S.STARTED:
            raise TransitionRefused(_("This attempt has been submitted; answers can no longer change."))
        now = clock.now()
        if now <= attempt.deadline + GRACE:
            return _upsert(attempt, position, response, now)
        _close_locked(attempt, Attempt.CloseReason.TIMEOUT)
    # Outside the block: the attempt stays closed (and graded) while the late answer is refused.
    raise TimeUp(_("Time is up: this answer arrived after the deadline and was not saved."))


def attempt_submit(*, user: User, attempt_id: int, responses: dict[int, Any] | None = None) -> Attempt:
    """Hand in the paper, optionally with the final answers (position → response). Submitting again,
    from another tab or after the attempt timed out returns the attempt as it is."""
    with transaction.atomic():
        attempt = _locked_own(user, attempt_id)
        if attempt.status != S.STARTED:
            return attempt
        now = clock.now()
        if now > attempt.deadline + GRACE:
            _close_locked(attempt, Attempt.CloseReason.TIMEOUT)
            return attempt
        _upsert_many(attempt, responses or {}, now)
        _close_locked(attempt, Attempt.CloseReason.SUBMITTED)
        return attempt


def attempts_close_expired(*, limit: int = 500) -> int:
    """Close the attempts whose time (plus grace) is over: what was saved is graded. Returns how many."""
    cutoff = clock.now() - GRACE
    ids = list(
        Attempt.objects.filter(status=S.STARTED, deadline__lt=cutoff)
        .order_by("deadline", "id")[:limit]
        .values_list("pk", flat=True)
    )
    closed = 0
    for pk in ids:
        with transaction.atomic():
            attempt = Attempt.objects.select_for_update().filter(pk=pk, status=S.STARTED).first()
            if attempt is not None and clock.now() > attempt.deadline + GRACE:
                _close_locked(attempt, Attempt.CloseReason.TIMEOUT)
                closed += 1
    return closed


def attempts_close_expired_for(*, user: User) -> None:
    """The same for one person's attempts, before their pages show them."""
    cutoff = clock.now() - GRACE
    for pk in Attempt.objects.filter(user=user, status=S.STARTED, deadline__lt=cutoff).values_list(
        "pk", flat=True
    ):
        with transaction.atomic():
            attempt = Attempt.objects.select_for_update().filter(pk=pk, status=S.STARTED).first()
            if attempt is not None:
                _close_locked(attempt, Attempt.CloseReason.TIMEOUT)


def _close_locked(attempt: Attempt, reason: str) -> None:
    """started → submitted, auto-grade, then → graded or → awaiting_grading. Caller holds the lock."""
    now = clock.now()
    _set_status(attempt, S.SUBMITTED)
    attempt.closed_at = min(now, attempt.deadline + GRACE) if reason == Attempt.CloseReason.TIMEOUT else now
    attempt.close_reason = reason
    existing = {a.position: a for a in attempt.answers.all()}
    missing = [
        Answer(
            attempt=attempt,
            position=i,
            question_code=q["code"],
            response=None,
            saved_at=attempt.closed_at,
            max_score=Decimal(q["points"]),
        )
        for i, q in enumerate(attempt.paper)
        if i not in existing
    ]
    Answer.objects.bulk_create(missing)
    pending = False
    for answer in attempt.answers.all():
        question = attempt.paper[answer.position]
        if question["type"] in AUTO_GRADED:
            answer.score = grading.score_auto(question, answer.response)
            answer.graded_at = now
        elif answer.response:
            answer.suggested = grading.suggest_short(question, answer.response)
            answer.score = None
            pending = True
        else:  # an empty short answer needs no trainer
            answer.score = Decimal(0)
            answer.rubric_scores = ["0.00"] * len(question["rubric"])
            answer.graded_at = now
        answer.save(update_fields=["score", "suggested", "rubric_scores", "graded_at"])
    if pending:
        _set_status(attempt, S.AWAITING_GRADING)
        attempt.save()
    else:
        _finish_locked(attempt)


def _finish_locked(attempt: Attempt) -> None:
    """→ graded: totals, pass/fail, item scores and the effects, once."""
    _set_status(attempt, S.GRADED)
    answers = list(attempt.answers.all())
    scores = {a.position: a.score or Decimal(0) for a in answers}
    total = sum(scores.values(), Decimal(0))
    attempt.score = grading.q2(total)
    attempt.percent = grading.q2(total * 100 / attempt.max_score) if attempt.max_score else grading.q2(0)
    attempt.passed = attempt.percent >= attempt.pass_mark
    attempt.graded_at = clock.now()
    attempt.item_scores = grading.item_scores(attempt.paper, scores)
    attempt.effects = _effects(attempt)
    attempt.save()


def _effects(attempt: Attempt) -> dict[str, Any]:
    ref = f"exam-attempt:{attempt.pk}"
    user = attempt.user
    on = (attempt.closed_at or clock.now()).date()
    blueprint = attempt.exam.blueprint
    effects: dict[str, Any] = {}
    evidence_record = _contract("kesu.competency.services", "evidence_record")
    if evidence_record is None:
        effects["evidence"] = "not_installed"
        log.info("exam attempt %s graded without competency evidence: evidence_record missing", attempt.pk)
    else:
        for code, row in attempt.item_scores.items():
            evidence_record(
                user=user,
                item_code=code,
                level=row["level"],
                source="exam",
                ref=ref,
                observed_on=on,
                weight=grading.evidence_weight(row["questions"]),
                note=_("%(exam)s: %(score)s of %(max)s points")
                % {
                    "exam": attempt.exam.title,
                    "score": row["score"],
                    "max": row["max"],
                },
            )
        effects["evidence"] = sorted(attempt.item_scores)
    if not attempt.passed and attempt.kind != "pre":
        weak = [c for c, r in attempt.item_scores.items() if r["share"] * 100 < attempt.pass_mark]
        retraining_assign = _contract("kesu.plans.services", "retraining_assign")
        if retraining_assign is None:
            effects["retraining"] = "not_installed"
        else:
            courses_for_items = _contract("kesu.training.selectors", "courses_for_items")
            courses = courses_for_items(item_codes=weak) if courses_for_items and weak else []
            retraining_assign(
                user=user,
                reason=_("Failed the exam %(exam)s with %(percent)s %% (pass mark %(mark)d %%).")
                % {"exam": attempt.exam.title, "percent": attempt.percent, "mark": attempt.pass_mark},
                kind="exam_failed",
                item_codes=weak or sorted(attempt.item_scores),
                source_ref=ref,
                course=courses[0] if courses else None,
                due_on=on + dt.timedelta(days=RETRAINING_DAYS),
            )
            effects["retraining"] = ref
    if attempt.passed and blueprint.certifies:
        certificate_issue = _contract("kesu.training.services", "certificate_issue")
        if certificate_issue is None:
            effects["certificate"] = "not_installed"
        else:
            valid_until = None
            if blueprint.certificate_valid_months:
                valid_until = _add_months(on, blueprint.certificate_valid_months)
            certificate_issue(
                user=user, title=blueprint.title, source_ref=ref, issued_on=on, valid_until=valid_until
            )
            effects["certificate"] = ref
    return effects


def _add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, d)
        except ValueError:
            continue
    raise AssertionError("unreachable")


@transaction.atomic
def answer_grade(*, grader: User, answer_id: int, rubric_scores: list[Any], comment: str = "") -> Answer:
    """A trainer's score of a short answer, one value per rubric point (0 .. what the point is worth).
    When it was the attempt's last ungraded answer the attempt is graded (with its effects)."""
    _require(grader, Cap.TRAIN_MANAGE)
    row = Answer.objects.filter(pk=answer_id).values_list("attempt_id", flat=True).first()
    if row is None:
        raise NotFound(_("No such answer."))
    attempt = Attempt.objects.select_for_update().select_related("exam__blueprint", "user").get(pk=row)
    if attempt.user_id == grader.pk:
        raise NotPermitted(_("You cannot grade your own exam."))
    if attempt.status != S.AWAITING_GRADING:
        raise TransitionRefused(_("This attempt is not waiting for grading."))
    answer = attempt.answers.get(pk=answer_id)
    question = attempt.paper[answer.position]
    if question["type"] != QuestionType.SHORT:
        raise ValidationFailed(_("Only short answers are graded by hand."))
    maxima = grading.rubric_max(question)
    if len(rubric_scores) != len(maxima):
        raise ValidationFailed(_("Give a score for every rubric point."))
    values = []
    for index, (raw, worth) in enumerate(zip(rubric_scores, maxima, strict=True), start=1):
        try:
            value = grading.q2(Decimal(str(raw).strip().replace("，", ".").replace(",", ".")))
        except Exception:
            raise ValidationFailed(_("Rubric point %(n)d: enter a number.") % {"n": index}) from None
        if not Decimal(0) <= value <= worth:
            raise ValidationFailed(
                _("Rubric point %(n)d: between 0 and %(max)s points.") % {"n": index, "max": worth}
            )
        values.append(value)
    answer.rubric_scores = [str(v) for v in values]
    answer.score = grading.q2(sum(values, Decimal(0)))
    answer.grader_comment = (comment or "").strip()[:2000]
    answer.graded_by = grader
    answer.graded_at = clock.now()
    answer.save()
    if not attempt.answers.filter(score__isnull=True).exists():
        _finish_locked(attempt)
        from kesu.complaints.services import notify

        notify(
            users=[attempt.user],
            complaint=None,
            kind="exam_graded",
            message=_("Your exam %(title)s has been graded: %(percent)s %%, %(result)s.")
            % {
                "title": attempt.exam.title,
                "percent": attempt.percent,
                "result": _("passed") if attempt.passed else _("not passed"),
            },
            link=reverse("exams:result", args=[attempt.pk]),
        )
    return answer


# ---- daily question ------------------------------------------------------------------------------------


@transaction.atomic
def daily_answer(*, user: User, response: Any) -> DailyAnswer:
    """Answer today's question, once: a second answer (another tab, a double tap) returns the first."""
    _require(user, Cap.LEARN)
    from kesu.exams import selectors

    today = clock.now().date()
    User.objects.select_for_update().filter(pk=user.pk).first()  # one answer per person per day
    existing = DailyAnswer.objects.filter(user=user, day=today).first()
    if existing is not None:
        return existing
    question = selectors.daily_question(user=user, day=today)
    if question is None:
        raise NotFound(_("There is no question for today."))
    snap = papers.snapshot(question)
    value = grading.response_clean(snap, response)
    if value is None:
        raise ValidationFailed(_("Choose an answer first."))
    share = grading.share_of(snap, value)
    Question.objects.filter(pk=question.pk, answered=False).update(answered=True)
    try:
        with transaction.atomic():
            return DailyAnswer.objects.create(
                user=user,
                day=today,
                question=question,
                snapshot=snap,
                response=value,
                correct=share >= 1.0,
                score=share,
                answered_at=clock.now(),
            )
    except IntegrityError:  # the other tab won the race
        return DailyAnswer.objects.get(user=user, day=today)
