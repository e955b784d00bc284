"""/api/v1/competency/: the competency model, needs analyses, evidence and ratings.

Reads follow the same visibility as the pages (yourself; your department with TRAIN_VIEW_TEAM; everyone
with TRAIN_VIEW_ALL); a person you may not see answers 404. Evidence from other systems (e.g. an
external LMS) is recorded by trainers' tokens and is idempotent per (user, source, ref, item).
"""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Router, Schema, Status

from kesu.accounts.models import Department, User
from kesu.accounts.roles import Cap, can
from kesu.common.errors import NotFound, NotPermitted
from kesu.competency import selectors, services

router = Router(tags=["competency"])


class ItemOut(Schema):
    code: str
    dimension: str
    name: str
    description: str
    levels: dict[str, list[str]]


class ProfileOut(Schema):
    code: str
    name: str
    next_code: str
    requirements: dict[str, int]


class ModelOut(Schema):
    number: int
    label: str
    status: str
    items: list[ItemOut]
    profiles: list[ProfileOut]


class EvidenceLineOut(Schema):
    source: str
    level: float
    weight: float
    observed_on: dt.date
    note: str


class ItemGapOut(Schema):
    item_code: str
    name: str
    dimension: str
    required: int
    current: float | None
    gap: float | None
    priority: str
    evidence_count: int
    evidence: list[EvidenceLineOut]


class NeedsOut(Schema):
    username: str
    profile: str | None
    model_number: int
    on: dt.date
    items: list[ItemGapOut]


class EvidenceIn(Schema):
    username: str
    item_code: str
    level: float
    source: str
    ref: str
    observed_on: dt.date
    weight: float = 1.0
    note: str = ""


class EvidenceOut(Schema):
    id: int
    item_code: str
    level: float
    source: str
    ref: str


class RatingIn(Schema):
    ratings: dict[str, int]
    note: str = ""


class GapShareOut(Schema):
    item_code: str
    name: str
    people: int
    assessed: int
    needing: int
    share: float
    mean_gap: float | None


def _user(request: HttpRequest) -> User:
    return request.auth  # type: ignore[attr-defined,no-any-return]


def _person(request: HttpRequest, username: str) -> User:
    person = User.objects.filter(username=username, is_active=True).first()
    if person is None or not selectors.may_view_person(_user(request), person):
        raise NotFound("No such person.")
    return person


def _needs_out(person: User) -> dict:
    needs = selectors.person_needs(user=person)
    return {
        "username": person.username,
        "profile": needs.profile.code if needs.profile else None,
        "model_number": needs.model_number,
        "on": needs.on,
        "items": [{**g.__dict__, "evidence": [e.__dict__ for e in g.evidence]} for g in needs.items],
    }


@router.get("/model", response=ModelOut, summary="The published competency model")
def model(request: HttpRequest):
    m = selectors.current_model()
    if m is None:
        raise NotFound("No competency model is published.")
    return {
        "number": m.number,
        "label": m.label,
        "status": m.status,
        "items": list(m.items.values("code", "dimension", "name", "description", "levels")),
        "profiles": list(m.profiles.values("code", "name", "next_code", "requirements")),
    }


@router.get("/needs/me", response=NeedsOut, summary="My needs analysis")
def my_needs(request: HttpRequest):
    return _needs_out(_person(request, _user(request).username))


@router.get("/needs/{username}", response=NeedsOut, summary="A person's needs analysis")
def person_needs(request: HttpRequest, username: str):
    return _needs_out(_person(request, username))


@router.get("/teams/{department_id}/gaps", response=list[GapShareOut], summary="A team's most common gaps")
def team_gaps(request: HttpRequest, department_id: int):
    viewer = _user(request)
    dept = Department.objects.filter(pk=department_id).first()
    if dept is None or not (
        can(viewer, Cap.TRAIN_VIEW_ALL)
        or (can(viewer, Cap.TRAIN_VIEW_TEAM) and viewer.department_id == dept.pk)
    ):
        raise NotFound("No such team.")
    group = selectors.group_needs(users=selectors.learners_visible_to(viewer, department_id=dept.pk))
    return group.common_gaps


@router.post("/evidence", response={201: EvidenceOut}, summary="Record evidence (trainers, integrations)")
def evidence(request: HttpRequest, payload: EvidenceIn):
    if not can(_user(request), Cap.TRAIN_MANAGE):
        raise NotPermitted("Only trainers may record evidence.")
    person = User.objects.filter(username=payload.username, is_active=True).first()
    if person is None:
        raise NotFound("No such person.")
    row = services.evidence_record(
        user=person,
        item_code=payload.item_code,
        level=payload.level,
        source=payload.source,
        ref=payload.ref,
        observed_on=payload.observed_on,
        weight=payload.weight,
        note=payload.note,
        recorded_by=_user(request),
    )
    return Status(201, row)


@router.post("/ratings/{username}", response={201: list[EvidenceOut]}, summary="Rate a person on some items")
def rate(request: HttpRequest, username: str, payload: RatingIn):
    person = _person(request, username)
    rows = services.rating_record(
        by=_user(request), person=person, ratings=payload.ratings, note=payload.note
    )
    return Status(201, rows)
