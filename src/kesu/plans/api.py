"""/api/v1/plans/ endpoints: the learner's plan and retraining, the trainers' plan list, generation,
approval and progress. Handlers parse, call services/selectors and render; every write that changes a
plan takes the plan's ``version`` (a stale one answers 409 ``concurrent_edit``)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from kesu.accounts.models import User
from kesu.accounts.roles import Cap, can
from kesu.common.errors import NotFound, NotPermitted
from kesu.plans import selectors, services
from kesu.plans.models import Plan, PlanItem, Retraining

router = Router(tags=["plans"])


class ErrorOut(Schema):
    code: str
    message: str
    details: dict[str, Any] = {}


ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


class PersonOut(Schema):
    id: int
    username: str
    name: str
    department: str | None

    @staticmethod
    def of(u: User) -> PersonOut:
        return PersonOut(
            id=u.pk, username=u.username, name=str(u), department=u.department.code if u.department else None
        )


class PlanItemOut(Schema):
    id: int
    objective: str
    item_code: str
    item_name: str
    current_level: Decimal | None
    target_level: Decimal | None
    course_code: str
    course_title: str
    method: str
    planned_start: dt.date | None
    deadline: dt.date
    place: str
    trainer: str | None
    assessment: str
    status: str
    progress_note: str

    @staticmethod
    def of(i: PlanItem) -> PlanItemOut:
        return PlanItemOut(
            id=i.pk,
            objective=i.objective,
            item_code=i.item_code,
            item_name=i.item_name,
            current_level=i.current_level,
            target_level=i.target_level,
            course_code=i.course_code,
            course_title=i.course_title,
            method=i.method,
            planned_start=i.planned_start,
            deadline=i.deadline,
            place=i.place,
            trainer=i.trainer.username if i.trainer else None,
            assessment=i.assessment,
            status=i.status,
            progress_note=i.progress_note,
        )


class PlanSummaryOut(Schema):
    id: int
    person: PersonOut
    title: str
    status: str
    period_start: dt.date
    period_end: dt.date
    profile_code: str
    profile_name: str
    model_version: int | None
    version: int
    items_total: int
    items_done: int
    approved_at: dt.datetime | None

    @staticmethod
    def of(p: Plan) -> dict[str, Any]:
        return {
            "id": p.pk,
            "person": PersonOut.of(p.person),
            "title": p.title,
            "status": p.status,
            "period_start": p.period_start,
            "period_end": p.period_end,
            "profile_code": p.profile_code,
            "profile_name": p.profile_name,
            "model_version": p.model_version,
            "version": p.version,
            "items_total": getattr(p, "items_total", 0),
            "items_done": getattr(p, "items_done", 0),
            "approved_at": p.approved_at,
        }


class PlanOut(PlanSummaryOut):
    items: list[PlanItemOut]

    @staticmethod
    def full(p: Plan) -> PlanOut:
        return PlanOut(**PlanSummaryOut.of(p), items=[PlanItemOut.of(i) for i in selectors.plan_items(p)])


class MyPlanOut(Schema):
    plan: PlanOut | None


class PlanListOut(Schema):
    count: int
    items: list[PlanSummaryOut]


class PlanQuery(Schema):
    status: str = ""
    department: int | None = None
    person: int | None = None
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0)


class GenerateIn(Schema):
    person: str = Field(..., description="Username of the person")
    period_start: dt.date
    period_end: dt.date


class VersionIn(Schema):
    version: int | None = None


class ProgressIn(Schema):
    status: str = Field(..., description="todo, in_progress or done")
    note: str = ""
    version: int | None = None


class RetrainingOut(Schema):
    id: int
    person: PersonOut
    kind: str
    reason: str
    item_codes: list[str]
    course_code: str
    course_title: str
    due_on: dt.date
    status: str
    source_ref: str
    assigned_at: dt.datetime
    done_at: dt.datetime | None

    @staticmethod
    def of(r: Retraining) -> RetrainingOut:
        return RetrainingOut(
            id=r.pk,
            person=PersonOut.of(r.user),
            kind=r.kind,
            reason=r.reason,
            item_codes=list(r.item_codes),
            course_code=r.course_code,
            course_title=r.course_title,
            due_on=r.due_on,
            status=r.status,
            source_ref=r.source_ref,
            assigned_at=r.assigned_at,
            done_at=r.done_at,
        )


class RetrainingListOut(Schema):
    items: list[RetrainingOut]


def _user(request: HttpRequest) -> User:
    return request.auth  # type: ignore[attr-defined,no-any-return]


def _learner(request: HttpRequest) -> User:
    user = _user(request)
    if not can(user, Cap.LEARN):
        raise NotPermitted(_("You have no learning account."))
    return user


@router.get("/mine", response={200: MyPlanOut, **ERRORS}, summary="My active training plan")
def plan_mine(request: HttpRequest):
    user = _learner(request)
    services.plan_progress_refresh(user)
    plan = selectors.plan_mine(user=user)
    if plan is not None:
        plan = selectors.plan_get(user=user, plan_id=plan.pk)
    return MyPlanOut(plan=PlanOut.full(plan) if plan else None)


@router.get("/", response={200: PlanListOut, **ERRORS}, summary="Training plans (trainers, supervisors)")
def plan_list(request: HttpRequest, q: Query[PlanQuery]):
    status = q.status if q.status in Plan.Status.values else ""
    qs = selectors.plans_visible(
        user=_user(request), status=status, department_id=q.department, person_id=q.person
    )
    rows = list(qs[q.offset : q.offset + q.limit])
    return PlanListOut(count=qs.count(), items=[PlanSummaryOut(**PlanSummaryOut.of(p)) for p in rows])


@router.get("/retraining/mine", response={200: RetrainingListOut, **ERRORS}, summary="My retraining")
def retraining_mine(request: HttpRequest):
    user = _learner(request)
    services.plan_progress_refresh(user)
    return RetrainingListOut(items=[RetrainingOut.of(r) for r in selectors.retraining_mine(user=user)])


@router.get(
    "/retraining", response={200: RetrainingListOut, **ERRORS}, summary="Retraining of the team / all"
)
def retraining_list(request: HttpRequest, status: str = "open"):
    qs = selectors.retraining_visible(user=_user(request), status=status)
    return RetrainingListOut(items=[RetrainingOut.of(r) for r in qs[:500]])


@router.get("/{int:plan_id}", response={200: PlanOut, **ERRORS}, summary="One training plan")
def plan_detail(request: HttpRequest, plan_id: int):
    return PlanOut.full(selectors.plan_get(user=_user(request), plan_id=plan_id))


@router.post(
    "/generate",
    response={201: PlanOut, **ERRORS},
    summary="Generate a draft plan from the person's needs analysis (trainers)",
    description="A second call for the same person and period while the draft is unchanged returns it.",
)
def plan_generate(request: HttpRequest, data: GenerateIn):
    by = _user(request)
    if not can(by, Cap.TRAIN_MANAGE):
        raise NotPermitted(_("Only trainers may generate training plans."))
    person = User.objects.filter(username=data.person, is_active=True).first()
    if person is None:
        raise NotFound(_("Person not found."), details={"field": "person"})
    plan = services.plan_generate(
        user=person, by=by, period_start=data.period_start, period_end=data.period_end
    )
    return Status(201, PlanOut.full(selectors.plan_get(user=by, plan_id=plan.pk)))


@router.post(
    "/{int:plan_id}/approve", response={200: PlanOut, **ERRORS}, summary="Approve a draft plan (trainers)"
)
def plan_approve(request: HttpRequest, plan_id: int, data: VersionIn):
    user = _user(request)
    selectors.plan_get(user=user, plan_id=plan_id)
    services.plan_approve(plan_id=plan_id, by=user, expected_version=data.version)
    return PlanOut.full(selectors.plan_get(user=user, plan_id=plan_id))


@router.post(
    "/items/{int:item_id}/progress",
    response={200: PlanOut, **ERRORS},
    summary="Record progress on a plan item (the learner, or a trainer)",
)
def item_progress(request: HttpRequest, item_id: int, data: ProgressIn):
    user = _user(request)
    item = PlanItem.objects.filter(pk=item_id).select_related("plan").first()
    if item is None or not selectors.can_see_plan(user, item.plan):
        raise NotFound(_("Plan item not found."))
    services.plan_item_progress(
        item_id=item_id, by=user, status=data.status, note=data.note, expected_version=data.version
    )
    return PlanOut.full(selectors.plan_get(user=user, plan_id=item.plan_id))
