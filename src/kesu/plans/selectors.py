"""Reads of the plans app, with the visibility rules in one place.

- A learner sees their own plans once approved (a draft is the trainer's work in progress) and their
  own retraining.
- TRAIN_VIEW_TEAM sees the plans and retraining of people in their own department; TRAIN_VIEW_ALL and
  TRAIN_MANAGE see everyone's (TRAIN_MANAGE also drafts; only TRAIN_MANAGE may change anything).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from kesu.accounts.models import User
from kesu.accounts.roles import ROLE_CAPS, Cap, can
from kesu.common import clock
from kesu.common.errors import NotFound, NotPermitted
from kesu.plans.models import Plan, PlanEvent, PlanItem, Retraining

# Items still in the plan (not dropped); spelled positively so that the conditional count needs no
# negation over the join.
_KEPT = Q(items__status__in=[PlanItem.Status.TODO, PlanItem.Status.IN_PROGRESS, PlanItem.Status.DONE])


def _with_progress(qs: QuerySet[Plan]) -> QuerySet[Plan]:
    return qs.annotate(
        items_total=Count("items", filter=_KEPT),
        items_done=Count("items", filter=Q(items__status=PlanItem.Status.DONE)),
    )


def can_view_plans(user: User) -> bool:
    return can(user, Cap.TRAIN_MANAGE) or can(user, Cap.TRAIN_VIEW_ALL) or can(user, Cap.TRAIN_VIEW_TEAM)


def _scope(user: User, qs: QuerySet, *, person_field: str = "person") -> QuerySet:
    if can(user, Cap.TRAIN_MANAGE) or can(user, Cap.TRAIN_VIEW_ALL):
        return qs
    if can(user, Cap.TRAIN_VIEW_TEAM) and user.department_id:
        return qs.filter(**{f"{person_field}__department_id": user.department_id})
    return qs.none()


def plans_visible(
    *, user: User, status: str = "", department_id: int | None = None, person_id: int | None = None
) -> QuerySet[Plan]:
    """Plans the caller may see as a trainer or supervisor, newest first, with ``items_total`` and
    ``items_done``. Drafts only for TRAIN_MANAGE."""
    if not can_view_plans(user):
        raise NotPermitted(_("You may not see other people's training plans."))
    qs = _scope(user, Plan.objects.select_related("person", "person__department", "approved_by"))
    if not can(user, Cap.TRAIN_MANAGE):
        qs = qs.exclude(status=Plan.Status.DRAFT)
    if status:
        qs = qs.filter(status=status)
    if department_id:
        qs = qs.filter(person__department_id=department_id)
    if person_id:
        qs = qs.filter(person_id=person_id)
    return _with_progress(qs).order_by("-created_at", "-id")


def plan_get(*, user: User, plan_id: int) -> Plan:
    plan = _with_progress(
        Plan.objects.select_related("person", "person__department", "created_by", "approved_by")
    )
    plan = plan.filter(pk=plan_id).first()
    if plan is None or not can_see_plan(user, plan):
        raise NotFound(_("Training plan not found."))
    return plan


def can_see_plan(user: User, plan: Plan) -> bool:
    if plan.person_id == user.pk and plan.status != Plan.Status.DRAFT:
        return True
    if can(user, Cap.TRAIN_MANAGE):
        return True
    if plan.status == Plan.Status.DRAFT:
        return False
    if can(user, Cap.TRAIN_VIEW_ALL):
        return True
    return (
        can(user, Cap.TRAIN_VIEW_TEAM)
        and user.department_id is not None
        and (plan.person.department_id == user.department_id)
    )


def plan_items(plan: Plan) -> list[PlanItem]:
    return list(plan.items.select_related("trainer").order_by("position", "id"))


def plan_events(plan: Plan) -> list[PlanEvent]:
    return list(plan.events.select_related("actor").order_by("-at", "-id")[:50])


def plan_mine(*, user: User) -> Plan | None:
    """The person's active (approved or in progress) plan."""
    return (
        _with_progress(
            Plan.objects.filter(person=user, status__in=[Plan.Status.APPROVED, Plan.Status.IN_PROGRESS])
        )
        .order_by("-approved_at", "-id")
        .first()
    )


def plans_past(*, user: User) -> list[Plan]:
    """The person's earlier plans that had been approved (completed or cancelled)."""
    return list(
        _with_progress(
            Plan.objects.filter(
                person=user,
                approved_at__isnull=False,
                status__in=[Plan.Status.COMPLETED, Plan.Status.CANCELLED],
            )
        ).order_by("-approved_at", "-id")
    )


@dataclass(frozen=True)
class PersonRow:
    user: User
    plan: Plan | None  # the latest open plan (draft, approved, in progress)


def learning_roles() -> list[str]:
    return [role for role, caps in ROLE_CAPS.items() if Cap.LEARN in caps and Cap.TRAIN_MANAGE not in caps]


def people_for_planning(*, user: User, department_id: int | None = None) -> list[PersonRow]:
    """Learners the caller may see, each with their latest open plan, by department and name."""
    if not can_view_plans(user):
        raise NotPermitted(_("You may not see other people's training plans."))
    people = User.objects.filter(is_active=True, role__in=learning_roles()).select_related("department")
    if not (can(user, Cap.TRAIN_MANAGE) or can(user, Cap.TRAIN_VIEW_ALL)):
        people = people.filter(department_id=user.department_id) if user.department_id else people.none()
    if department_id:
        people = people.filter(department_id=department_id)
    people_list = list(people.order_by("department__code", "username"))
    open_plans: dict[int, Plan] = {}
    plans = _with_progress(
        Plan.objects.filter(
            person__in=[p.pk for p in people_list],
            status__in=[Plan.Status.DRAFT, Plan.Status.APPROVED, Plan.Status.IN_PROGRESS],
        )
    ).order_by("person_id", "-created_at", "-id")
    show_drafts = can(user, Cap.TRAIN_MANAGE)
    for p in plans:
        if p.status == Plan.Status.DRAFT and not show_drafts:
            continue
        open_plans.setdefault(p.person_id, p)
    return [PersonRow(user=p, plan=open_plans.get(p.pk)) for p in people_list]


def plan_open_item_count(*, user: User) -> int | None:
    """Items still to do or in progress in the person's active plan; None without an active plan."""
    row = Plan.objects.filter(
        person=user, status__in=[Plan.Status.APPROVED, Plan.Status.IN_PROGRESS]
    ).aggregate(
        plans=Count("id", distinct=True),
        open=Count("items", filter=Q(items__status__in=[PlanItem.Status.TODO, PlanItem.Status.IN_PROGRESS])),
    )
    return row["open"] if row["plans"] else None


def retraining_open_count(*, user: User) -> int:
    """The person's own retraining not done yet."""
    return Retraining.objects.filter(user=user).exclude(status=Retraining.Status.DONE).count()


def retraining_overdue_count(*, user: User) -> int:
    """Retraining past its due date and not done, of the people the caller follows (the same scope as
    ``retraining_visible``). Counted from the due date, so it does not wait for the nightly sweep."""
    if not can_view_plans(user):
        return 0
    overdue = Retraining.objects.filter(due_on__lt=timezone.localdate(clock.now())).exclude(
        status=Retraining.Status.DONE
    )
    return _scope(user, overdue, person_field="user").count()


def retraining_mine(*, user: User) -> list[Retraining]:
    return list(Retraining.objects.filter(user=user).order_by("-assigned_at", "-id"))


def retraining_visible(*, user: User, status: str = "") -> QuerySet[Retraining]:
    if not can_view_plans(user):
        raise NotPermitted(_("You may not see other people's retraining."))
    qs = _scope(user, Retraining.objects.select_related("user", "user__department"), person_field="user")
    if status == "open":
        qs = qs.exclude(status=Retraining.Status.DONE)
    elif status:
        qs = qs.filter(status=status)
    return qs.order_by("-assigned_at", "-id")
