"""/api/v1/training/ endpoints: the catalogue, a course with its upcoming sessions, enrolment and
cancellation, and the caller's own training record. Handlers parse, call and render; every one checks
the caller's capability (LEARN), the services check the rest."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Router, Schema

from kesu.accounts.models import User
from kesu.accounts.roles import Cap, can
from kesu.api.schemas import ErrorOut
from kesu.common.errors import NotFound, NotPermitted, ValidationFailed
from kesu.training import selectors, services
from kesu.training.models import Course, Track, TrainingSession

router = Router(tags=["training"])

ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


def _learner(request: HttpRequest) -> User:
    user: User = request.auth  # type: ignore[attr-defined]
    if not can(user, Cap.LEARN):
        raise NotPermitted(_("You are not allowed to do this."))
    return user


class ModuleOut(Schema):
    id: int
    order: int
    title: str
    method: str
    minutes: int
    item_codes: list[str]


class CourseOut(Schema):
    code: str
    title: str
    track: str
    scenario: str
    summary: str
    audience: list[str]
    item_codes: list[str]
    target_level: int
    hours: float
    status: str
    version: int


class SessionOut(Schema):
    id: int
    starts_at: dt.datetime
    ends_at: dt.datetime
    room: str
    online_link: str
    trainer: str | None
    capacity: int
    enrolled: int
    waiting: int


class CourseDetailOut(CourseOut):
    assessment: str
    modules: list[ModuleOut]
    sessions: list[SessionOut]
    progress_percent: int


class EnrolmentOut(Schema):
    session_id: int
    status: str
    waiting_position: int | None


class RecordOut(Schema):
    course_code: str
    course_title: str
    completed_on: dt.date
    hours: float
    score: float | None
    source: str


class CertificateOut(Schema):
    title: str
    issued_on: dt.date
    valid_until: dt.date | None
    state: str


class RecordsOut(Schema):
    total_hours: float
    average_score: float | None
    records: list[RecordOut]
    certificates: list[CertificateOut]


def _course(c: Course) -> dict:
    return {
        "code": c.code,
        "title": c.title,
        "track": c.track,
        "scenario": c.scenario,
        "summary": c.summary,
        "audience": c.audience,
        "item_codes": c.item_codes,
        "target_level": c.target_level,
        "hours": float(c.hours),
        "status": c.status,
        "version": c.version,
    }


@router.get("/courses", response={200: list[CourseOut], **ERRORS}, summary="The course catalogue")
def list_courses(request: HttpRequest, track: str = "", item: str = "", q: str = ""):
    user = _learner(request)
    if track and track not in Track.values:
        raise ValidationFailed(_("Unknown track."))
    return [_course(c) for c in selectors.course_list(user=user, track=track, item=item, q=q[:60])]


@router.get("/courses/{code}", response={200: CourseDetailOut, **ERRORS}, summary="One course")
def course_detail(request: HttpRequest, code: str):
    user = _learner(request)
    course = selectors.course_get(user=user, code=code)
    states, pct = selectors.course_progress(user=user, course=course)
    return {
        **_course(course),
        "assessment": course.assessment,
        "modules": [
            {
                "id": s.module.pk,
                "order": s.module.order,
                "title": s.module.title,
                "method": s.module.method,
                "minutes": s.module.minutes,
                "item_codes": s.module.item_codes,
            }
            for s in states
        ],
        "sessions": [
            {
                "id": s.pk,
                "starts_at": s.starts_at,
                "ends_at": s.ends_at,
                "room": s.room,
                "online_link": s.online_link,
                "trainer": str(s.trainer) if s.trainer else None,
                "capacity": s.capacity,
                "enrolled": s.enrolled,
                "waiting": s.waiting,
            }
            for s in selectors.upcoming_sessions(course=course)
        ],
        "progress_percent": pct,
    }


def _session(user: User, pk: int) -> TrainingSession:
    session = get_object_or_404(TrainingSession.objects.select_related("course"), pk=pk)
    if not session.course.is_published and not can(user, Cap.TRAIN_MANAGE):
        raise NotPermitted(_("You are not allowed to do this."))
    return session


@router.post("/sessions/{pk}/enrol", response={200: EnrolmentOut, **ERRORS}, summary="Enrol in a session")
def enrol(request: HttpRequest, pk: int):
    user = _learner(request)
    e = services.enrolment_create(session=_session(user, pk), user=user, by=user)
    return {"session_id": pk, "status": e.status, "waiting_position": selectors.waiting_position(e)}


@router.post("/sessions/{pk}/cancel", response={200: EnrolmentOut, **ERRORS}, summary="Cancel my enrolment")
def cancel(request: HttpRequest, pk: int):
    user = _learner(request)
    e = services.enrolment_cancel(session=_session(user, pk), user=user, by=user)
    if e is None:
        raise NotFound(_("You are not enrolled in this session."))
    return {"session_id": pk, "status": e.status, "waiting_position": None}


@router.get("/records/me", response={200: RecordsOut, **ERRORS}, summary="My training record")
def my_records(request: HttpRequest):
    user = _learner(request)
    data = selectors.person_records(user)
    return {
        "total_hours": float(data.total_hours),
        "average_score": float(data.average_score) if data.average_score is not None else None,
        "records": [
            {
                "course_code": r.course.code,
                "course_title": r.course.title,
                "completed_on": r.completed_on,
                "hours": float(r.hours),
                "score": float(r.score) if r.score is not None else None,
                "source": r.source,
            }
            for r in data.records
        ],
        "certificates": [
            {
                "title": c.certificate.title,
                "issued_on": c.certificate.issued_on,
                "valid_until": c.certificate.valid_until,
                "state": c.state,
            }
            for c in data.certificates
        ],
    }
