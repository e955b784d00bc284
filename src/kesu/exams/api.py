"""/api/v1/exams/ endpoints: the learner's exams, starting an attempt, saving answers, submitting, the
result; for trainers the grading queue and grading a short answer. Handlers parse, call a service or a
selector and render; capabilities are checked here (LEARN, TRAIN_MANAGE) and again by the services.
An attempt the caller may not see answers 404. Correct answers appear only once an attempt is closed.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from kesu.accounts.models import User
from kesu.accounts.roles import Cap, can
from kesu.common.errors import NotFound, NotPermitted
from kesu.exams import selectors, services
from kesu.exams.models import Attempt

router = Router(tags=["exams"])


class ErrorOut(Schema):
    code: str
    message: str
    details: dict[str, Any] = {}


ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


class AttemptBrief(Schema):
    id: int
    number: int
    status: str
    started_at: dt.datetime
    deadline: dt.datetime
    percent: Decimal | None = None
    passed: bool | None = None


class ExamOut(Schema):
    id: int
    title: str
    kind: str
    course_code: str
    opens_at: dt.datetime
    closes_at: dt.datetime
    time_limit_minutes: int
    pass_mark: int
    attempts_allowed: int
    can_start: bool
    why_not: str
    running_attempt: int | None = None
    attempts: list[AttemptBrief]


class QuestionOut(Schema):
    position: int
    type: str
    stem: str
    points: int
    options: list[dict[str, Any]]
    response: Any = None
    # Only once the attempt is closed:
    score: Decimal | None = None
    answer: bool | None = None
    reference_answer: str | None = None
    explanation: str | None = None


class AttemptOut(AttemptBrief):
    exam_id: int
    exam_title: str
    closed_at: dt.datetime | None = None
    close_reason: str = ""
    score: Decimal | None = None
    max_score: Decimal
    pass_mark: int
    item_scores: dict[str, Any] = {}
    questions: list[QuestionOut]


class AnswerIn(Schema):
    position: int
    response: Any = None


class AnswerOut(Schema):
    position: int
    saved_at: dt.datetime


class SubmitIn(Schema):
    # position → response; optional final answers sent with the submission
    answers: dict[int, Any] = {}


class GradeIn(Schema):
    rubric_scores: list[str]
    comment: str = ""


class QueueItemOut(Schema):
    answer_id: int
    attempt_id: int
    exam_title: str
    learner: str
    position: int
    stem: str
    response: str | None
    rubric: list[dict[str, Any]]
    suggested: dict[str, Any]


def _user(request: HttpRequest) -> User:
    return request.auth  # type: ignore[attr-defined,no-any-return]


def _learner(request: HttpRequest) -> User:
    user = _user(request)
    if not can(user, Cap.LEARN):
        raise NotPermitted(_("You are not allowed to do this."))
    return user


def _brief(a: Attempt) -> dict[str, Any]:
    return {
        "id": a.pk,
        "number": a.number,
        "status": a.status,
        "started_at": a.started_at,
        "deadline": a.deadline,
        "percent": a.percent,
        "passed": a.passed,
    }


def _attempt_out(attempt: Attempt) -> dict[str, Any]:
    closed = attempt.status != Attempt.Status.STARTED
    questions = []
    for row in selectors.paper_rows(attempt, reveal=closed):
        q = {
            "position": row["position"],
            "type": row["type"],
            "stem": row["stem"],
            "points": row["points"],
            "options": [
                {k: v for k, v in o.items() if closed or k in ("key", "text")} for o in row["options"]
            ],
            "response": row["response"],
        }
        if closed:
            q.update(
                score=row["score"],
                answer=row["answer"],
                reference_answer=row["reference_answer"],
                explanation=row["explanation"],
            )
        questions.append(q)
    return {
        **_brief(attempt),
        "exam_id": attempt.exam_id,
        "exam_title": attempt.exam.title,
        "closed_at": attempt.closed_at,
        "close_reason": attempt.close_reason,
        "score": attempt.score,
        "max_score": attempt.max_score,
        "pass_mark": attempt.pass_mark,
        "item_scores": attempt.item_scores,
        "questions": questions,
    }


@router.get("/mine", response={200: list[ExamOut], **ERRORS}, summary="My exams")
def my_exams(request: HttpRequest):
    user = _learner(request)
    services.attempts_close_expired_for(user=user)
    out = []
    for row in selectors.my_exams(user=user):
        bp = row.exam.blueprint
        out.append(
            {
                "id": row.exam.pk,
                "title": row.exam.title,
                "kind": row.exam.kind,
                "course_code": row.exam.course_code,
                "opens_at": row.exam.opens_at,
                "closes_at": row.exam.closes_at,
                "time_limit_minutes": bp.time_limit_minutes,
                "pass_mark": bp.pass_mark,
                "attempts_allowed": bp.attempts_allowed,
                "can_start": row.can_start,
                "why_not": row.why_not,
                "running_attempt": row.running.pk if row.running else None,
                "attempts": [_brief(a) for a in row.attempts],
            }
        )
    return out


@router.post(
    "/{int:exam_id}/attempts",
    response={201: AttemptOut, **ERRORS},
    summary="Start an attempt (or resume the one running)",
)
def start(request: HttpRequest, exam_id: int):
    attempt = services.attempt_start(user=_learner(request), exam_id=exam_id)
    return Status(201, _attempt_out(attempt))


@router.get(
    "/attempts/{int:attempt_id}", response={200: AttemptOut, **ERRORS}, summary="An attempt and its result"
)
def attempt_detail(request: HttpRequest, attempt_id: int):
    user = _user(request)
    services.attempts_close_expired_for(user=user)
    attempt = selectors.attempt_get(viewer=user, attempt_id=attempt_id)
    if attempt.status == Attempt.Status.STARTED and attempt.user_id != user.pk:
        raise NotFound(_("This attempt is still in progress."))
    return _attempt_out(attempt)


@router.put(
    "/attempts/{int:attempt_id}/answers",
    response={200: AnswerOut, **ERRORS},
    summary="Save one answer (idempotent; 409 time_up after the deadline)",
)
def save_answer(request: HttpRequest, attempt_id: int, data: AnswerIn):
    answer = services.answer_save(
        user=_learner(request), attempt_id=attempt_id, position=data.position, response=data.response
    )
    return {"position": answer.position, "saved_at": answer.saved_at}


@router.post(
    "/attempts/{int:attempt_id}/submit",
    response={200: AttemptOut, **ERRORS},
    summary="Hand in (idempotent: again, from another tab or after time-out returns the attempt)",
)
def submit(request: HttpRequest, attempt_id: int, data: SubmitIn):
    attempt = services.attempt_submit(user=_learner(request), attempt_id=attempt_id, responses=data.answers)
    attempt = selectors.attempt_get(viewer=_user(request), attempt_id=attempt.pk)
    return _attempt_out(attempt)


@router.get(
    "/grading", response={200: list[QueueItemOut], **ERRORS}, summary="Short answers waiting for a trainer"
)
def grading_queue(request: HttpRequest):
    out = []
    for a in selectors.grading_queue(viewer=_user(request)):
        q = a.attempt.paper[a.position]
        out.append(
            {
                "answer_id": a.pk,
                "attempt_id": a.attempt_id,
                "exam_title": a.attempt.exam.title,
                "learner": a.attempt.user.display_name or a.attempt.user.username,
                "position": a.position,
                "stem": q["stem"],
                "response": a.response,
                "rubric": q["rubric"],
                "suggested": a.suggested,
            }
        )
    return out


@router.post(
    "/grading/answers/{int:answer_id}",
    response={200: AttemptOut, **ERRORS},
    summary="Grade a short answer: one score per rubric point",
)
def grade(request: HttpRequest, answer_id: int, data: GradeIn):
    answer = services.answer_grade(
        grader=_user(request), answer_id=answer_id, rubric_scores=data.rubric_scores, comment=data.comment
    )
    return _attempt_out(selectors.attempt_get(viewer=_user(request), attempt_id=answer.attempt_id))
