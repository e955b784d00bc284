"""Writes of the plans app: personal training plans and retraining (复训).

Invariants:
- ``Plan.status`` is written by ``_plan_set_status`` only, called by the services below; the lifecycle is
  draft → approved → in_progress → completed, and any open plan may be cancelled. Approving a plan
  supersedes (cancels) the person's other approved plan, so a person has at most one active plan.
- Every write to a plan or one of its items locks the plan row, checks the caller's ``expected_version``
  (a stale one raises ConcurrentEdit and writes nothing), bumps ``Plan.version`` and leaves a PlanEvent
  in the same transaction.
- Plan items freeze the item name, levels and course title they were generated from: a later change of
  the competency model or the catalogue never rewrites a plan.
- Generation is deterministic: the same needs, catalogue and period give the same plan.
- ``retraining_assign`` is idempotent on ``source_ref`` (a second call returns the first row and notifies
  nobody). ``Retraining.status`` moves assigned → done, or assigned → overdue → escalated (→ done); the
  overdue sweep notifies the person's supervisor once, because it only picks rows not yet escalated.
- Notifications go through ``kesu.complaints.services.notify`` (rows now, e-mails after commit).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kesu.accounts.models import User
from kesu.accounts.roles import ROLE_CAPS, Cap, can
from kesu.common import clock
from kesu.common.errors import ConcurrentEdit, NotFound, NotPermitted, TransitionRefused, ValidationFailed
from kesu.plans import contracts
from kesu.plans.contracts import CourseFinder, Needs
from kesu.plans.models import AcademySettings, Assessment, Method, Plan, PlanEvent, PlanItem, Retraining

OBJECTIVE_MAX = 300
NOTE_MAX = 500
PERIOD_MAX_DAYS = 366

# Competency items a desk-KPI retraining works on (codes from docs/academy.md).
DESK_ITEMS = {
    Retraining.Kind.ESCALATION_CAUSED: ["know_process", "skill_judgement", "skill_adaptability"],
    Retraining.Kind.SATISFACTION_LOW: ["att_empathy", "skill_communication", "att_service"],
}

# How each method is assessed by default, and where it takes place.
_ASSESSMENT = {
    Method.LECTURE: Assessment.EXAM,
    Method.E_LEARNING: Assessment.EXAM,
    Method.CASE_STUDY: Assessment.EXAM,
    Method.GROUP_DISCUSSION: Assessment.SUPERVISOR_RATING,
    Method.ROLE_PLAY: Assessment.SCENARIO,
    Method.SIMULATION: Assessment.SCENARIO,
    Method.MENTORING: Assessment.MENTOR_REVIEW,
}


# --------------------------------------------------------------------------------------------------
# Helpers


def _roles_with(cap: str) -> list[str]:
    return [role for role, caps in ROLE_CAPS.items() if cap in caps]


def trainers() -> list[User]:
    """Who hears about retraining: the trainers; administrators only where there is no trainer."""
    users = list(User.objects.filter(is_active=True, role__in=_roles_with(Cap.TRAIN_MANAGE)).order_by("id"))
    staff = [u for u in users if not can(u, Cap.ADMINISTER)]
    return staff or users


def supervisors_of(person: User) -> list[User]:
    if person.department_id is None:
        return []
    return list(
        User.objects.filter(
            is_active=True, department_id=person.department_id, role__in=_roles_with(Cap.SUPERVISE)
        )
        .exclude(pk=person.pk)
        .order_by("id")
    )


def _notify(users: list[User], *, kind: str, message: str, link: str) -> None:
    from kesu.complaints.services import notify

    notify(users=users, complaint=None, kind=kind, message=message, link=link)


def _event(
    *,
    plan: Plan | None = None,
    retraining: Retraining | None = None,
    actor: User | None,
    kind: str,
    message: str = "",
    **data: Any,
) -> PlanEvent:
    return PlanEvent.objects.create(
        plan=plan,
        retraining=retraining,
        at=clock.now(),
        actor=actor,
        kind=kind,
        message=message[:500],
        data=data,
    )


def _require(user: User, cap: str, message: str) -> None:
    if not can(user, cap):
        raise NotPermitted(message)


def _require_manage(user: User) -> None:
    _require(user, Cap.TRAIN_MANAGE, _("Only trainers may change training plans."))


def _lock_plan(plan_id: int) -> Plan:
    try:
        return Plan.objects.select_for_update().select_related("person").get(pk=plan_id)
    except Plan.DoesNotExist:
        raise NotFound(_("Training plan not found.")) from None


def _check_version(plan: Plan, expected_version: int | None) -> None:
    if expected_version is not None and expected_version != plan.version:
        raise ConcurrentEdit(
            _("Someone else changed this plan in the meantime. Reload the page and try again."),
            details={"version": plan.version},
        )


def _bump(plan: Plan, *fields: str) -> None:
    plan.version += 1
    plan.save(update_fields=[*fields, "version"])


def _plan_set_status(plan: Plan, status: str, *, actor: User | None, message: str = "") -> None:
    previous = plan.status
    plan.status = status
    fields = ["status"]
    if status in (Plan.Status.COMPLETED, Plan.Status.CANCELLED):
        plan.closed_at = clock.now()
        fields.append("closed_at")
    plan.save(update_fields=fields)
    label = str(Plan.Status(status).label)
    _event(
        plan=plan,
        actor=actor,
        kind="status",
        message=f"{label}: {message}" if message else label,
        **{"from": previous, "to": status},
    )


def _sync_status(plan: Plan, *, actor: User | None) -> None:
    """An active plan starts when an item does and is completed when every kept item is done."""
    if not plan.is_active:
        return
    statuses = [s for s in plan.items.values_list("status", flat=True) if s != PlanItem.Status.DROPPED]
    if statuses and all(s == PlanItem.Status.DONE for s in statuses):
        _plan_set_status(plan, Plan.Status.COMPLETED, actor=actor, message=_("Every item is done."))
    elif plan.status == Plan.Status.APPROVED and any(s != PlanItem.Status.TODO for s in statuses):
        _plan_set_status(plan, Plan.Status.IN_PROGRESS, actor=actor)


def plan_link(plan: Plan) -> str:
    return reverse("plans:detail", args=[plan.pk])


def _text(value: str, *, field: str, label: str, max_chars: int, required: bool) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationFailed(_("%(label)s is required.") % {"label": label}, details={"field": field})
    if len(value) > max_chars:
        raise ValidationFailed(
            _("%(label)s is too long (at most %(max)s characters).") % {"label": label, "max": max_chars},
            details={"field": field},
        )
    return value


def _check_period(period_start: dt.date, period_end: dt.date) -> None:
    if period_end <= period_start:
        raise ValidationFailed(
            _("The plan must end after it starts."), details={"field": "period_end"}, code="invalid_period"
        )
    if (period_end - period_start).days > PERIOD_MAX_DAYS:
        raise ValidationFailed(
            _("A plan covers at most a year."), details={"field": "period_end"}, code="invalid_period"
        )


# --------------------------------------------------------------------------------------------------
# Generation


@dataclass(frozen=True)
class _Draft:
    objective: str
    item_code: str
    item_name: str
    current: Decimal | None
    target: Decimal | None
    course_code: str
    course_title: str
    method: str
    mentoring: bool


def _method_of(raw: str) -> str:
    code = (raw or "").strip().lower().replace("-", "_").replace(" ", "_")
    aliases = {
        "simulation_drill": Method.SIMULATION,
        "elearning": Method.E_LEARNING,
        "online": Method.E_LEARNING,
    }
    code = aliases.get(code, code)
    return code if code in Method.values else Method.LECTURE


def _fmt_level(value: Decimal | None) -> str:
    if value is None:
        return "?"
    return f"{value.normalize():f}" if value == value.to_integral() else f"{value:f}"


def _drafts(needs: Needs, *, finder: CourseFinder | None, settings: AcademySettings) -> list[_Draft]:
    gaps = [r for r in needs.rows if r.gap > 0 and r.priority in ("high", "medium", "low")]
    # Highest priority first, then the largest gap; the code breaks ties so the order is always the same.
    gaps.sort(key=lambda r: (contracts.PRIORITY_ORDER.get(r.priority, 9), -r.gap, r.code))
    gaps = gaps[: settings.plan_max_items]
    labels = contracts.item_labels()
    used: set[str] = set()
    out: list[_Draft] = []
    for row in gaps:
        name = row.name or labels.get(row.code, row.code)
        courses = contracts.courses_for_items([row.code], finder=finder)
        course = next((c for c in courses if c.code not in used), None)
        if course is not None:
            used.add(course.code)
        values = {"item": name, "current": _fmt_level(row.current), "target": _fmt_level(row.required)}
        out.append(
            _Draft(
                objective=_("Raise %(item)s from level %(current)s to %(target)s") % values,
                item_code=row.code,
                item_name=name,
                current=row.current,
                target=row.required,
                course_code=course.code if course else "",
                course_title=course.title if course else "",
                method=_method_of(course.method) if course else Method.CASE_STUDY,
                mentoring=False,
            )
        )
        if row.dimension in ("skill", "attitude") and row.gap >= settings.mentoring_min_gap:
            out.append(
                _Draft(
                    objective=_(
                        "Mentoring (师傅带教) on %(item)s: weekly check-ins with a senior colleague on real cases"
                    )
                    % values,
                    item_code=row.code,
                    item_name=name,
                    current=row.current,
                    target=row.required,
                    course_code="",
                    course_title="",
                    method=Method.MENTORING,
                    mentoring=True,
                )
            )
    return out


def _default_place(method: str) -> str:
    if method == Method.E_LEARNING:
        return _("Online")
    if method == Method.MENTORING:
        return _("On the job, at the desk")
    return _("Training room")


def plan_generate(
    *,
    user: User,
    by: User,
    period_start: dt.date,
    period_end: dt.date,
    needs: Any = None,
    course_finder: CourseFinder | None = None,
) -> Plan:
    """A draft plan from the person's needs analysis: items with a gap by priority, a course for each,
    deadlines spread over the period (highest priority first), mentoring for large skill/attitude gaps.

    ``needs`` (a PersonNeeds or anything of that shape) and ``course_finder`` (a ``courses_for_items``)
    default to the competency and training apps'. A second call for the same person and period while
    that draft is still a draft returns it (a double submit creates nothing)."""
    _require_manage(by)
    _check_period(period_start, period_end)
    if not user.is_active or not can(user, Cap.LEARN):
        raise ValidationFailed(
            _("%(person)s has no learning account.") % {"person": user}, code="not_a_learner"
        )
    parsed = contracts.needs_from(needs) if needs is not None else contracts.person_needs(user)
    if parsed is None:
        raise TransitionRefused(
            _("The needs analysis is not available yet: a plan cannot be generated."), code="no_needs"
        )
    settings = AcademySettings.get()
    drafts = _drafts(parsed, finder=course_finder, settings=settings)
    if not drafts:
        raise TransitionRefused(
            _("%(person)s has no competency gap: there is nothing to plan.") % {"person": user},
            code="no_gaps",
        )
    with transaction.atomic():
        # Serialise generation per person: lock the person's row.
        User.objects.select_for_update().filter(pk=user.pk).first()
        existing = Plan.objects.filter(
            person=user, status=Plan.Status.DRAFT, period_start=period_start, period_end=period_end
        ).first()
        if existing is not None:
            return existing
        plan = Plan.objects.create(
            person=user,
            title=_("Training plan %(start)s – %(end)s") % {"start": period_start, "end": period_end},
            profile_code=parsed.profile_code,
            profile_name=parsed.profile_name[:80],
            model_version=parsed.model_version,
            period_start=period_start,
            period_end=period_end,
            created_by=by,
            created_at=clock.now(),
        )
        PlanItem.objects.bulk_create(_items(plan, drafts, trainer=by))
        _event(
            plan=plan,
            actor=by,
            kind="generated",
            message=_("Generated from the needs analysis (%(count)s items)") % {"count": len(drafts)},
            profile=parsed.profile_code,
            model_version=parsed.model_version,
        )
    return plan


def _items(plan: Plan, drafts: list[_Draft], *, trainer: User) -> list[PlanItem]:
    """Deadlines: the main items split the period into equal slices in priority order; mentoring runs
    alongside its item for the whole period."""
    main = [d for d in drafts if not d.mentoring]
    days = (plan.period_end - plan.period_start).days
    out = []
    slot = 0
    start = plan.period_start
    for position, d in enumerate(drafts):
        if d.mentoring:
            planned_start, deadline = plan.period_start, plan.period_end
        else:
            slot += 1
            deadline = plan.period_start + dt.timedelta(days=round(days * slot / len(main)))
            planned_start, start = start, deadline
        out.append(
            PlanItem(
                plan=plan,
                position=position,
                objective=d.objective[:OBJECTIVE_MAX],
                item_code=d.item_code,
                item_name=d.item_name[:80],
                current_level=d.current,
                target_level=d.target,
                course_code=d.course_code,
                course_title=d.course_title[:200],
                method=d.method,
                planned_start=planned_start,
                deadline=deadline,
                place=_default_place(d.method),
                trainer=trainer,
                assessment=_ASSESSMENT[Method(d.method)],
            )
        )
    return out


# --------------------------------------------------------------------------------------------------
# Editing


@dataclass(frozen=True)
class ItemInput:
    objective: str
    deadline: dt.date
    method: str
    assessment: str
    item_code: str = ""
    item_name: str = ""
    current_level: Any = None
    target_level: Any = None
    course_code: str = ""
    course_title: str = ""
    planned_start: dt.date | None = None
    place: str = ""
    trainer_id: int | None = None


def _level_value(value: Any, *, field: str) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        level = Decimal(str(value)).quantize(Decimal("0.1"))
    except (InvalidOperation, ValueError):
        level = Decimal("-1")
    if not Decimal("1") <= level <= Decimal("5"):
        raise ValidationFailed(_("Levels go from 1 to 5."), details={"field": field}, code="invalid_level")
    return level


def _clean_item(data: ItemInput) -> dict[str, Any]:
    values: dict[str, Any] = {
        "objective": _text(
            data.objective, field="objective", label=_("Objective"), max_chars=OBJECTIVE_MAX, required=True
        ),
        "item_code": _text(
            data.item_code, field="item_code", label=_("Competency item"), max_chars=40, required=False
        ),
        "item_name": _text(
            data.item_name, field="item_name", label=_("Competency item"), max_chars=80, required=False
        ),
        "course_code": _text(
            data.course_code, field="course_code", label=_("Course code"), max_chars=60, required=False
        ),
        "course_title": _text(
            data.course_title, field="course_title", label=_("Course"), max_chars=200, required=False
        ),
        "place": _text(data.place, field="place", label=_("Place"), max_chars=120, required=False),
        "current_level": _level_value(data.current_level, field="current_level"),
        "target_level": _level_value(data.target_level, field="target_level"),
        "planned_start": data.planned_start,
        "deadline": data.deadline,
    }
    if data.method not in Method.values:
        raise ValidationFailed(_("Choose a training method."), details={"field": "method"})
    if data.assessment not in Assessment.values:
        raise ValidationFailed(_("Choose an assessment."), details={"field": "assessment"})
    values["method"], values["assessment"] = data.method, data.assessment
    if data.deadline is None:
        raise ValidationFailed(_("Deadline is required."), details={"field": "deadline"})
    if data.planned_start and data.planned_start > data.deadline:
        raise ValidationFailed(
            _("The planned start must not be after the deadline."), details={"field": "planned_start"}
        )
    trainer = None
    if data.trainer_id:
        trainer = User.objects.filter(pk=data.trainer_id, is_active=True).first()
        if trainer is None:
            raise ValidationFailed(_("That trainer does not exist."), details={"field": "trainer"})
    values["trainer"] = trainer
    if values["item_code"] and not values["item_name"]:
        values["item_name"] = contracts.item_labels().get(values["item_code"], values["item_code"])
    return values


def _editable(plan: Plan) -> None:
    if not plan.is_open:
        raise TransitionRefused(
            _("A %(status)s plan can no longer be changed.") % {"status": plan.get_status_display()},
            code="plan_closed",
        )


def plan_item_add(
    *, plan_id: int, by: User, data: ItemInput, expected_version: int | None = None
) -> PlanItem:
    _require_manage(by)
    values = _clean_item(data)
    with transaction.atomic():
        plan = _lock_plan(plan_id)
        _check_version(plan, expected_version)
        _editable(plan)
        last = plan.items.order_by("-position").values_list("position", flat=True).first()
        item = PlanItem.objects.create(plan=plan, position=(last or 0) + 1, **values)
        _bump(plan)
        _event(plan=plan, actor=by, kind="item_added", message=item.objective, item=item.pk)
    return item


_TRACKED = (
    "objective",
    "item_code",
    "item_name",
    "current_level",
    "target_level",
    "course_code",
    "course_title",
    "method",
    "planned_start",
    "deadline",
    "place",
    "trainer",
    "assessment",
)


def plan_item_update(
    *, item_id: int, by: User, data: ItemInput, expected_version: int | None = None
) -> PlanItem:
    _require_manage(by)
    values = _clean_item(data)
    with transaction.atomic():
        plan_id = PlanItem.objects.filter(pk=item_id).values_list("plan_id", flat=True).first()
        if plan_id is None:
            raise NotFound(_("Plan item not found."))
        plan = _lock_plan(plan_id)
        _check_version(plan, expected_version)
        _editable(plan)
        item = plan.items.get(pk=item_id)
        changed = [f for f in _TRACKED if getattr(item, f) != values[f]]
        if not changed:
            return item
        for f in changed:
            setattr(item, f, values[f])
        item.save()
        _bump(plan)
        _event(plan=plan, actor=by, kind="item_changed", message=item.objective, item=item.pk, fields=changed)
    return item


def plan_item_remove(*, item_id: int, by: User, expected_version: int | None = None) -> Plan:
    """A draft's item is deleted; an approved plan keeps it as dropped, so the history stays."""
    _require_manage(by)
    with transaction.atomic():
        plan_id = PlanItem.objects.filter(pk=item_id).values_list("plan_id", flat=True).first()
        if plan_id is None:
            raise NotFound(_("Plan item not found."))
        plan = _lock_plan(plan_id)
        _check_version(plan, expected_version)
        _editable(plan)
        item = plan.items.get(pk=item_id)
        if plan.status == Plan.Status.DRAFT:
            item.delete()
            kind = "item_removed"
        else:
            item.status = PlanItem.Status.DROPPED
            item.save(update_fields=["status"])
            kind = "item_dropped"
        _bump(plan)
        _event(plan=plan, actor=by, kind=kind, message=item.objective, item=item_id)
        _sync_status(plan, actor=by)
    return plan


# --------------------------------------------------------------------------------------------------
# Approval, cancellation, progress


def plan_approve(*, plan_id: int, by: User, expected_version: int | None = None) -> Plan:
    _require(by, Cap.TRAIN_MANAGE, _("Only trainers may approve training plans."))
    with transaction.atomic():
        plan = _lock_plan(plan_id)
        _check_version(plan, expected_version)
        if plan.status != Plan.Status.DRAFT:
            raise TransitionRefused(
                _("Only a draft can be approved; this plan is %(status)s.")
                % {"status": plan.get_status_display()},
                code="not_a_draft",
            )
        if not plan.items.exclude(status=PlanItem.Status.DROPPED).exists():
            raise TransitionRefused(_("A plan without items cannot be approved."), code="empty_plan")
        for older in (
            Plan.objects.select_for_update()
            .filter(person_id=plan.person_id, status__in=[Plan.Status.APPROVED, Plan.Status.IN_PROGRESS])
            .exclude(pk=plan.pk)
        ):
            _plan_set_status(
                older,
                Plan.Status.CANCELLED,
                actor=by,
                message=_("Superseded by %(title)s") % {"title": plan.title},
            )
            _bump(older)
        plan.approved_by, plan.approved_at = by, clock.now()
        _plan_set_status(plan, Plan.Status.APPROVED, actor=by)
        _bump(plan, "approved_by", "approved_at")
        person = plan.person
        values = {"person": person, "title": plan.title, "trainer": by}
        _notify(
            [person],
            kind="plan_approved",
            message=_("Your training plan was approved by %(trainer)s: %(title)s") % values,
            link=reverse("plans:mine"),
        )
        _notify(
            supervisors_of(person),
            kind="plan_approved",
            message=_("Training plan of %(person)s approved: %(title)s") % values,
            link=plan_link(plan),
        )
    return plan


def plan_cancel(*, plan_id: int, by: User, reason: str = "", expected_version: int | None = None) -> Plan:
    _require_manage(by)
    reason = _text(reason, field="reason", label=_("Reason"), max_chars=NOTE_MAX, required=False)
    with transaction.atomic():
        plan = _lock_plan(plan_id)
        _check_version(plan, expected_version)
        _editable(plan)
        _plan_set_status(plan, Plan.Status.CANCELLED, actor=by, message=reason)
        _bump(plan)
    return plan


def plan_item_progress(
    *, item_id: int, by: User, status: str, note: str = "", expected_version: int | None = None
) -> PlanItem:
    """The learner (on their own active plan) or a trainer records progress on one item."""
    if status not in (PlanItem.Status.TODO, PlanItem.Status.IN_PROGRESS, PlanItem.Status.DONE):
        raise ValidationFailed(_("Choose to do, in progress or done."), details={"field": "status"})
    note = _text(note, field="note", label=_("Progress note"), max_chars=NOTE_MAX, required=False)
    with transaction.atomic():
        plan_id = PlanItem.objects.filter(pk=item_id).values_list("plan_id", flat=True).first()
        if plan_id is None:
            raise NotFound(_("Plan item not found."))
        plan = _lock_plan(plan_id)
        own = plan.person_id == by.pk and can(by, Cap.LEARN)
        if not (own or can(by, Cap.TRAIN_MANAGE)):
            raise NotPermitted(_("You may only record progress on your own training plan."))
        _check_version(plan, expected_version)
        if not plan.is_active:
            raise TransitionRefused(
                _("Progress is recorded on an approved plan; this plan is %(status)s.")
                % {"status": plan.get_status_display()},
                code="plan_not_active",
            )
        item = plan.items.get(pk=item_id)
        if item.status == PlanItem.Status.DROPPED:
            raise TransitionRefused(_("This item was dropped from the plan."), code="item_dropped")
        if item.status == status and item.progress_note == note:
            return item
        previous = item.status
        item.status, item.progress_note = status, note
        item.done_at = clock.now() if status == PlanItem.Status.DONE else None
        item.save(update_fields=["status", "progress_note", "done_at"])
        _bump(plan)
        _event(
            plan=plan,
            actor=by,
            kind="progress",
            message=note,
            item=item.pk,
            **{"from": previous, "to": status},
        )
        _sync_status(plan, actor=by)
    return item


def plan_progress_refresh(user: User) -> int:
    """Mark done the items (and retraining) whose course the person has completed; returns how many.

    Retraining counts as done only for a completion after it was assigned (it asks to take the course
    again), so a catalogue that does not say when a course was completed never closes retraining."""
    completed = contracts.completed_courses(user)
    if not completed:
        return 0
    changed = 0
    with transaction.atomic():
        for plan in Plan.objects.select_for_update().filter(
            person=user, status__in=[Plan.Status.APPROVED, Plan.Status.IN_PROGRESS]
        ):
            items = list(
                plan.items.filter(course_code__in=list(completed)).exclude(
                    status__in=[PlanItem.Status.DONE, PlanItem.Status.DROPPED]
                )
            )
            for item in items:
                item.status, item.done_at = PlanItem.Status.DONE, clock.now()
                item.save(update_fields=["status", "done_at"])
                _event(
                    plan=plan,
                    actor=None,
                    kind="progress",
                    message=_("Course completed: %(course)s")
                    % {"course": item.course_title or item.course_code},
                    item=item.pk,
                    to=PlanItem.Status.DONE,
                )
            if items:
                changed += len(items)
                _bump(plan)
                _sync_status(plan, actor=None)
        for r in (
            Retraining.objects.select_for_update()
            .filter(user=user, course_code__in=list(completed))
            .exclude(status=Retraining.Status.DONE)
        ):
            at = completed.get(r.course_code)
            if isinstance(at, dt.date) and not isinstance(at, dt.datetime):
                at = timezone.make_aware(dt.datetime.combine(at, dt.time(23, 59)))
            if at is None or at < r.assigned_at:
                continue
            _retraining_done(r, by=None, note=_("Course completed"))
            changed += 1
    return changed


def plans_progress_refresh_all() -> int:
    """``plan_progress_refresh`` for everyone with an active plan or open retraining (the daily job)."""
    ids = set(
        Plan.objects.filter(status__in=[Plan.Status.APPROVED, Plan.Status.IN_PROGRESS]).values_list(
            "person_id", flat=True
        )
    )
    ids |= set(
        Retraining.objects.exclude(status=Retraining.Status.DONE)
        .exclude(course_code="")
        .values_list("user_id", flat=True)
    )
    return sum(plan_progress_refresh(u) for u in User.objects.filter(pk__in=ids).order_by("id"))


# --------------------------------------------------------------------------------------------------
# Retraining


def _today() -> dt.date:
    return timezone.localdate(clock.now())


def retraining_assign(
    *,
    user: User,
    reason: str,
    kind: str,
    item_codes: list[str],
    source_ref: str,
    course: Any = None,
    due_on: dt.date | None = None,
) -> Retraining:
    """Assign retraining (复训); idempotent on ``source_ref``: a second call returns the first row.

    ``course`` is a course (or its code); without one, the best course for the items is chosen. Notifies
    the person and the trainers after the row is in."""
    if kind not in Retraining.Kind.values:
        raise ValidationFailed(_("Unknown kind of retraining."), details={"field": "kind"})
    source_ref = _text(source_ref, field="source_ref", label=_("Source"), max_chars=100, required=True)
    # Callers are other apps' services: a long generated reason is shortened rather than refused, so a
    # graded exam or a finished role-play never fails over its retraining note.
    reason = _text(
        (reason or "")[:NOTE_MAX], field="reason", label=_("Reason"), max_chars=NOTE_MAX, required=True
    )
    existing = Retraining.objects.filter(source_ref=source_ref).first()
    if existing is not None:
        return existing
    codes = [str(c) for c in item_codes][:20]
    if course is None and codes:
        found = contracts.courses_for_items(codes)
        row = found[0] if found else None
    elif isinstance(course, str):
        row = contracts.CourseRow(code=course, title="", method="")
    else:
        row = contracts.course_row(course) if course is not None else None
    due = due_on or _today() + dt.timedelta(days=AcademySettings.get().retraining_due_days)
    try:
        with transaction.atomic():
            r = Retraining.objects.create(
                user=user,
                kind=kind,
                reason=reason,
                item_codes=codes,
                course_code=row.code[:60] if row else "",
                course_title=row.title[:200] if row else "",
                due_on=due,
                source_ref=source_ref,
                assigned_at=clock.now(),
            )
            _event(retraining=r, actor=None, kind="assigned", message=reason, source_ref=source_ref)
            values = {"kind": r.get_kind_display(), "person": user, "due": due.isoformat()}
            _notify(
                [user],
                kind="retraining",
                message=_("Retraining assigned (%(kind)s), due %(due)s") % values,
                link=reverse("plans:retraining"),
            )
            _notify(
                [t for t in trainers() if t.pk != user.pk],
                kind="retraining",
                message=_("Retraining assigned to %(person)s (%(kind)s), due %(due)s") % values,
                link=reverse("plans:retraining_all"),
            )
    except IntegrityError:  # a concurrent call with the same source_ref won
        return Retraining.objects.get(source_ref=source_ref)
    return r


def _retraining_done(r: Retraining, *, by: User | None, note: str) -> None:
    previous = r.status
    r.status, r.done_at, r.done_by, r.done_note = Retraining.Status.DONE, clock.now(), by, note[:NOTE_MAX]
    r.save(update_fields=["status", "done_at", "done_by", "done_note"])
    _event(retraining=r, actor=by, kind="done", message=note, **{"from": previous})


def retraining_complete(*, retraining_id: int, by: User, note: str = "") -> Retraining:
    """A trainer confirms the retraining was done (repeating it changes nothing)."""
    _require(by, Cap.TRAIN_MANAGE, _("Only trainers may confirm retraining."))
    note = _text(note, field="note", label=_("Note"), max_chars=NOTE_MAX, required=False)
    with transaction.atomic():
        r = Retraining.objects.select_for_update().filter(pk=retraining_id).first()
        if r is None:
            raise NotFound(_("Retraining not found."))
        if r.status != Retraining.Status.DONE:
            _retraining_done(r, by=by, note=note)
    return r


def retraining_sweep_overdue() -> int:
    """Mark retraining past its due date overdue and tell the person's supervisor once (escalated).

    Without a supervisor in the person's department the trainers are told instead; with nobody to tell
    the row stays overdue and the next sweep tries again."""
    today = _today()
    count = 0
    ids = list(
        Retraining.objects.filter(
            Q(status=Retraining.Status.ASSIGNED, due_on__lt=today) | Q(status=Retraining.Status.OVERDUE)
        )
        .order_by("due_on", "id")
        .values_list("pk", flat=True)
    )
    for pk in ids:
        with transaction.atomic():
            r = Retraining.objects.select_for_update().select_related("user").filter(pk=pk).first()
            if r is None or r.status not in (Retraining.Status.ASSIGNED, Retraining.Status.OVERDUE):
                continue
            if r.status == Retraining.Status.ASSIGNED:
                if r.due_on >= today:
                    continue
                r.status, r.overdue_at = Retraining.Status.OVERDUE, clock.now()
                r.save(update_fields=["status", "overdue_at"])
                _event(retraining=r, actor=None, kind="overdue", due_on=r.due_on.isoformat())
            recipients = supervisors_of(r.user) or [t for t in trainers() if t.pk != r.user_id]
            if not recipients:
                continue
            values = {"person": r.user, "kind": r.get_kind_display(), "due": r.due_on.isoformat()}
            _notify(
                recipients,
                kind="retraining_overdue",
                message=_("Retraining of %(person)s is overdue (%(kind)s, due %(due)s)") % values,
                link=reverse("plans:retraining_all"),
            )
            r.status, r.escalated_at = Retraining.Status.ESCALATED, clock.now()
            r.save(update_fields=["status", "escalated_at"])
            _event(retraining=r, actor=None, kind="escalated", to=[u.pk for u in recipients])
            count += 1
    return count


# --------------------------------------------------------------------------------------------------
# Desk KPIs → retraining


def _escalations_caused(since: dt.datetime, until: dt.datetime) -> dict[tuple[int, dt.date], list[str]]:
    """(person id, local day) → complaint numbers escalated while the person was the assignee.

    An escalation at intake (the triage's high-sensitivity flags, at the moment of registration) is the
    complaint's nature, not the handler's doing, and is left out."""
    from kesu.complaints.models import ComplaintEvent

    out: dict[tuple[int, dt.date], list[str]] = defaultdict(list)
    events = (
        ComplaintEvent.objects.filter(kind=ComplaintEvent.Kind.ESCALATED, at__gte=since, at__lt=until)
        .select_related("complaint")
        .order_by("at", "id")
    )
    for ev in events:
        if ev.at <= ev.complaint.registered_at:
            continue
        assigned = (
            ComplaintEvent.objects.filter(complaint_id=ev.complaint_id, kind=ComplaintEvent.Kind.ASSIGNED)
            .filter(Q(at__lt=ev.at) | Q(at=ev.at, id__lt=ev.id))
            .order_by("-at", "-id")
            .values_list("data", flat=True)
            .first()
        )
        person_id = (assigned or {}).get("assignee")
        if person_id:
            out[(int(person_id), timezone.localdate(ev.at))].append(ev.complaint.number)
    return out


def _month_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime(day.year, day.month, 1))


def retraining_from_desk(*, lookback_days: int = 3) -> list[Retraining]:
    """The daily desk-KPI triggers. Each assigns a retraining once (its source_ref says what for), so a
    lookback longer than a day only makes a missed day harmless.

    (a) escalations the person caused: one retraining per person and day with escalations;
    (b) average satisfaction in the last full month below the target, over at least the configured
        number of rated complaints: one per person and month. The figure is the desk's
        (``kesu.complaints.kpis``: the complaints the person closed in the month, each rated by its last
        reached follow-up), the same one the competency evidence and the effectiveness pages show."""
    from kesu.complaints import kpis as desk_kpis

    now = clock.now()
    settings = AcademySettings.get()
    created: list[Retraining] = []
    people: dict[int, User] = {}

    def person(pk: int) -> User | None:
        if pk not in people:
            people[pk] = User.objects.filter(pk=pk, is_active=True).first()  # type: ignore[assignment]
        return people[pk]

    for (pk, day), numbers in sorted(
        _escalations_caused(now - dt.timedelta(days=lookback_days), now).items()
    ):
        user = person(pk)
        if user is None or not can(user, Cap.LEARN):
            continue
        created.append(
            retraining_assign(
                user=user,
                kind=Retraining.Kind.ESCALATION_CAUSED,
                reason=_("Complaints escalated on %(day)s while you handled them: %(numbers)s")
                % {"day": day.isoformat(), "numbers": "、".join(numbers)},
                item_codes=DESK_ITEMS[Retraining.Kind.ESCALATION_CAUSED],
                source_ref=f"desk-esc:{pk}:{day.isoformat()}",
            )
        )

    this_month = _month_start(timezone.localdate(now))
    last_month = _month_start((this_month - dt.timedelta(days=1)).date())
    target = settings.satisfaction_target
    month = desk_kpis.handler_kpis(start=last_month, end=this_month)
    for pk, figures in month.items():
        if figures.avg_satisfaction is None or figures.rated < settings.satisfaction_min_follow_ups:
            continue
        avg = Decimal(str(figures.avg_satisfaction)).quantize(Decimal("0.01"))
        if avg >= target:
            continue
        user = person(pk)
        if user is None or not can(user, Cap.LEARN):
            continue
        tag = f"{last_month:%Y-%m}"
        created.append(
            retraining_assign(
                user=user,
                kind=Retraining.Kind.SATISFACTION_LOW,
                reason=_("Satisfaction in %(month)s was %(avg)s over %(n)s follow-ups (target %(target)s)")
                % {"month": tag, "avg": avg, "n": figures.rated, "target": target},
                item_codes=DESK_ITEMS[Retraining.Kind.SATISFACTION_LOW],
                source_ref=f"desk-sat:{user.pk}:{tag}",
            )
        )
    return created
