"""/api/v1/effectiveness/ endpoints: L1 surveys (pending, answer), desk KPIs of a person or a team,
the monthly review, recognition. Handlers parse, call services/selectors and render; every endpoint
checks its capability (through the selectors' visibility rules or explicitly)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from kesu.accounts.models import User
from kesu.accounts.roles import Cap, can
from kesu.api.schemas import ErrorOut
from kesu.common.errors import NotPermitted, ValidationFailed
from kesu.complaints.kpis import DeskKpis
from kesu.effectiveness import selectors, services
from kesu.effectiveness.kpis import KPIS

router = Router(tags=["effectiveness"])
ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


def _user(request: HttpRequest) -> User:
    return request.auth  # type: ignore[attr-defined,no-any-return]


# --------------------------------------------------------------------------------------------------
# Schemas


class PendingSurveyOut(Schema):
    session_ref: str
    course_code: str
    title: str
    held_on: dt.date


class SurveyIn(Schema):
    session_ref: str = Field(..., max_length=80)
    content: int
    trainer: int
    usefulness: int
    organisation: int
    will_apply: str = Field("", max_length=2000)


class SurveyOut(Schema):
    session_ref: str
    course_code: str
    content: int
    trainer: int
    usefulness: int
    organisation: int
    overall: float
    will_apply: str
    answered_at: dt.datetime


class KpisOut(Schema):
    counts: dict[str, float]
    rates: dict[str, float | None]


class WindowOut(Schema):
    start: dt.datetime
    end: dt.datetime


class PersonKpisOut(Schema):
    user_id: int
    name: str
    window: WindowOut
    kpis: KpisOut


class TeamKpisOut(Schema):
    department: str | None
    window: WindowOut
    kpis: KpisOut


class ChangeOut(Schema):
    kpi: str
    label: str
    before: float | None
    after: float | None
    before_cases: int
    after_cases: int
    verdict: str


class CourseReviewOut(Schema):
    code: str
    title: str
    people: int
    l1_answers: int
    l1_satisfaction_rate: float | None
    l2_pairs: int
    l2_gain: float | None
    verdict: str
    changes: list[ChangeOut]


class ReviewOut(Schema):
    month: str
    before: WindowOut
    after: WindowOut
    courses: list[CourseReviewOut]


class RecognitionIn(Schema):
    user_id: int
    kind: str
    reason: str = Field(..., max_length=500)
    month: str = Field(..., description="YYYY-MM")
    complaint_number: str = Field("", max_length=20)


class RecognitionOut(Schema):
    id: int
    user_id: int
    kind: str
    reason: str
    complaint_number: str
    month: str
    awarded_by: str


def _kpis(k: DeskKpis) -> dict[str, Any]:
    counts = {
        name: getattr(k, name)
        for name in (
            "registered", "escalated", "repeats", "overdue", "closed", "fcr", "reopened", "rated", "satisfied",
            "handled", "replies", "reply_findings",
        )
    }  # fmt: skip
    return {"counts": counts, "rates": {code: k.value(code) for code in KPIS}}


def _window(start: dt.date | None, end: dt.date | None) -> tuple[dt.datetime, dt.datetime]:
    """[start, end] in local days (default: the previous calendar month)."""
    if start is None or end is None:
        first, nxt = selectors.month_bounds(selectors.previous_month())
        start, end = start or first, end or nxt - dt.timedelta(days=1)
    if end < start:
        raise ValidationFailed(_("The end date must not be before the start date."), details={"field": "end"})
    if (end - start).days > 400:
        raise ValidationFailed(_("Ask for at most 400 days at a time."), details={"field": "end"})
    return selectors.local_midnight(start), selectors.local_midnight(end + dt.timedelta(days=1))


def _month(value: str) -> dt.date:
    try:
        return dt.datetime.strptime(value.strip(), "%Y-%m").date()
    except ValueError:
        raise ValidationFailed(_("Enter a month as YYYY-MM."), details={"field": "month"}) from None


def _change(c: selectors.KpiChange) -> dict[str, Any]:
    return {
        "kpi": c.kpi.code,
        "label": c.label,
        "before": c.before,
        "after": c.after,
        "before_cases": c.before_base,
        "after_cases": c.after_base,
        "verdict": c.verdict,
    }


# --------------------------------------------------------------------------------------------------
# Surveys


@router.get(
    "/surveys/pending", response={200: list[PendingSurveyOut], **ERRORS}, summary="My pending surveys"
)
def surveys_pending(request: HttpRequest):
    user = _user(request)
    if not can(user, Cap.LEARN):
        raise NotPermitted(_("You may not answer training surveys."))
    services.survey_requests_sync(user=user)
    return selectors.pending_surveys(user=user)


@router.post(
    "/surveys",
    response={200: SurveyOut, 201: SurveyOut, **ERRORS},
    summary="Answer a training survey (L1)",
    description="Once per person per session: answering again returns the first answer (200) unchanged.",
)
def survey_answer(request: HttpRequest, data: SurveyIn):
    answer, created = services.survey_answer(
        user=_user(request),
        session_ref=data.session_ref,
        content=data.content,
        trainer=data.trainer,
        usefulness=data.usefulness,
        organisation=data.organisation,
        will_apply=data.will_apply,
    )
    return Status(201 if created else 200, answer)


# --------------------------------------------------------------------------------------------------
# KPIs


@router.get(
    "/kpis/team",
    response={200: TeamKpisOut, **ERRORS},
    summary="Desk KPIs of a team",
    description="Supervisors get their own department; trainers and auditors any department or, without "
    "`department`, the whole organisation. Dates are local days, inclusive (default: last month).",
)
def kpis_team(
    request: HttpRequest,
    department: int | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
):
    dept = selectors.scope_department(viewer=_user(request), department_id=department)
    s, e = _window(start, end)
    k = selectors.team_kpis(department_id=dept.pk if dept else None, start=s, end=e)
    return {"department": dept.code if dept else None, "window": {"start": s, "end": e}, "kpis": _kpis(k)}


@router.get(
    "/kpis/{user_id}",
    response={200: PersonKpisOut, **ERRORS},
    summary="Desk KPIs of a person",
    description="Yourself, a member of your department (supervisors) or anyone (trainers, auditors).",
)
def kpis_person(request: HttpRequest, user_id: int, start: dt.date | None = None, end: dt.date | None = None):
    person = selectors.person_get(viewer=_user(request), user_id=user_id)
    s, e = _window(start, end)
    k = selectors.handler_kpis(user_ids=[person.pk], start=s, end=e)[person.pk]
    return {"user_id": person.pk, "name": str(person), "window": {"start": s, "end": e}, "kpis": _kpis(k)}


# --------------------------------------------------------------------------------------------------
# Monthly review and recognition


@router.get("/review", response={200: ReviewOut, **ERRORS}, summary="Monthly review (trainers)")
def review(request: HttpRequest, month: str = ""):
    if not can(_user(request), Cap.TRAIN_MANAGE):
        raise NotPermitted(_("Only trainers see the monthly review."))
    result = selectors.monthly_review(month=_month(month) if month else selectors.previous_month())
    return {
        "month": result.month.strftime("%Y-%m"),
        "before": {"start": result.before_window.start, "end": result.before_window.end},
        "after": {"start": result.after_window.start, "end": result.after_window.end},
        "courses": [
            {
                "code": c.code,
                "title": c.title,
                "people": c.people,
                "l1_answers": c.l1.answers,
                "l1_satisfaction_rate": c.l1.satisfaction_rate,
                "l2_pairs": c.l2.pairs,
                "l2_gain": c.l2.gain,
                "verdict": c.verdict,
                "changes": [_change(x) for x in c.changes],
            }
            for c in result.courses
        ],
    }


@router.post(
    "/recognitions",
    response={200: RecognitionOut, 201: RecognitionOut, **ERRORS},
    summary="Recognise a person",
)
def recognition_create(request: HttpRequest, data: RecognitionIn):
    rec, created = services.recognition_award(
        actor=_user(request),
        user_id=data.user_id,
        kind=data.kind,
        reason=data.reason,
        period=_month(data.month),
        complaint_number=data.complaint_number,
    )
    body = {
        "id": rec.pk,
        "user_id": rec.user_id,
        "kind": rec.kind,
        "reason": rec.reason,
        "complaint_number": rec.complaint_number,
        "month": rec.period.strftime("%Y-%m"),
        "awarded_by": str(rec.awarded_by) if rec.awarded_by else "",
    }
    return Status(201 if created else 200, body)
