"""Editing, approval, progress and optimistic concurrency of plans; a plan stays as generated when the
competency model changes afterwards."""

import datetime as dt
from decimal import Decimal

import pytest

from kesu.common import clock
from kesu.common.errors import ConcurrentEdit, NotPermitted, TransitionRefused, ValidationFailed
from kesu.complaints.models import Notification
from kesu.plans import contracts, services
from kesu.plans.models import Plan, PlanEvent, PlanItem
from kesu.plans.services import ItemInput
from tests.conftest import make_user
from tests.plans.conftest import START, needs

pytestmark = pytest.mark.django_db


def _snapshot(plan):
    plan.refresh_from_db()
    return (
        plan.status,
        plan.version,
        list(plan.items.order_by("position").values_list("objective", "status", "deadline", "progress_note")),
        PlanEvent.objects.filter(plan=plan).count(),
    )


def _input(**overrides):
    values = dict(
        objective="每周复盘两个真实投诉案例",
        deadline=dt.date(2027, 1, 20),
        method="case_study",
        assessment="supervisor_rating",
        item_code="skill_judgement",
        current_level="2.5",
        target_level="4",
        planned_start=dt.date(2027, 1, 5),
        place="三楼培训室",
    )
    values.update(overrides)
    return ItemInput(**values)


def test_trainer_edits_a_draft(generate, handler, trainer):
    plan = generate(handler)
    first = plan.items.order_by("position").first()

    services.plan_item_update(item_id=first.pk, by=trainer, data=_input(), expected_version=1)
    added = services.plan_item_add(
        plan_id=plan.pk,
        by=trainer,
        data=_input(objective="模拟演练：群体投诉现场", method="simulation"),
        expected_version=2,
    )
    last = plan.items.order_by("position").last()
    services.plan_item_remove(item_id=plan.items.order_by("position")[1].pk, by=trainer, expected_version=3)

    plan.refresh_from_db()
    first.refresh_from_db()
    assert plan.version == 4
    assert (first.objective, first.item_code, first.current_level, first.target_level, first.place) == (
        "每周复盘两个真实投诉案例",
        "skill_judgement",
        Decimal("2.5"),
        Decimal("4.0"),
        "三楼培训室",
    )
    assert last == added and added.position == 5
    assert plan.items.count() == 5  # one added, one deleted (a draft's item is deleted)
    assert list(PlanEvent.objects.filter(plan=plan).values_list("kind", flat=True)) == [
        "generated",
        "item_changed",
        "item_added",
        "item_removed",
    ]
    assert PlanEvent.objects.filter(plan=plan, kind="item_changed").get().data["fields"] == [
        "objective",
        "item_code",
        "item_name",
        "current_level",
        "course_code",
        "course_title",
        "method",
        "planned_start",
        "deadline",
        "place",
        "trainer",
        "assessment",
    ]  # the target level stays 4


def test_stale_version_is_refused_and_nothing_changes(generate, handler, trainer):
    plan = generate(handler)
    item = plan.items.order_by("position").first()
    services.plan_item_update(item_id=item.pk, by=trainer, data=_input(), expected_version=1)
    before = _snapshot(plan)

    with pytest.raises(ConcurrentEdit):
        services.plan_item_update(
            item_id=item.pk, by=trainer, data=_input(objective="旧页面上的修改"), expected_version=1
        )
    with pytest.raises(ConcurrentEdit):
        services.plan_approve(plan_id=plan.pk, by=trainer, expected_version=1)
    with pytest.raises(ConcurrentEdit):
        services.plan_item_remove(item_id=item.pk, by=trainer, expected_version=1)

    assert _snapshot(plan) == before


def test_bad_item_input_is_refused(generate, handler, trainer):
    plan = generate(handler)
    before = _snapshot(plan)
    for bad in (
        _input(objective="  "),
        _input(current_level="7"),
        _input(method="juggling"),
        _input(planned_start=dt.date(2027, 2, 1)),
        _input(objective="长" * 301),
    ):
        with pytest.raises(ValidationFailed):
            services.plan_item_add(plan_id=plan.pk, by=trainer, data=bad, expected_version=1)
    assert _snapshot(plan) == before


def test_only_trainers_edit_and_approve(generate, handler, supervisor, admin_user):
    plan = generate(handler)
    item = plan.items.first()
    before = _snapshot(plan)

    for who in (handler, supervisor):
        with pytest.raises(NotPermitted):
            services.plan_approve(plan_id=plan.pk, by=who)
        with pytest.raises(NotPermitted):
            services.plan_item_update(item_id=item.pk, by=who, data=_input())
        with pytest.raises(NotPermitted):
            services.plan_item_remove(item_id=item.pk, by=who)
        with pytest.raises(NotPermitted):
            services.plan_cancel(plan_id=plan.pk, by=who)
    assert _snapshot(plan) == before
    assert Notification.objects.count() == 0
    # an administrator holds TRAIN_MANAGE too
    assert services.plan_approve(plan_id=plan.pk, by=admin_user).status == Plan.Status.APPROVED


def test_approval_notifies_the_person_and_their_supervisor(generate, handler, supervisor, trainer, team):
    other_team_supervisor = make_user("super2", "supervisor", None)
    plan = generate(handler)
    with clock.frozen_at(dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.UTC)):
        services.plan_approve(plan_id=plan.pk, by=trainer, expected_version=1)

    plan.refresh_from_db()
    assert (plan.status, plan.approved_by, plan.version) == (Plan.Status.APPROVED, trainer, 2)
    assert plan.approved_at == dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.UTC)
    rows = {(n.user.username, n.kind, n.link) for n in Notification.objects.all()}
    assert rows == {
        ("handler1", "plan_approved", "/academy/plans/"),
        ("super1", "plan_approved", f"/academy/plans/{plan.pk}/"),
    }
    assert other_team_supervisor.notifications.count() == 0

    with pytest.raises(TransitionRefused):
        services.plan_approve(plan_id=plan.pk, by=trainer)
    assert Notification.objects.count() == 2


def test_an_empty_plan_cannot_be_approved(generate, handler, trainer):
    plan = generate(handler, rows=needs(("know_law", "法律法规", 4, 3, 1, "medium")))
    services.plan_item_remove(item_id=plan.items.get().pk, by=trainer)
    with pytest.raises(TransitionRefused):
        services.plan_approve(plan_id=plan.pk, by=trainer)
    plan.refresh_from_db()
    assert plan.status == Plan.Status.DRAFT


def test_approving_a_new_plan_supersedes_the_old_one(generate, handler, trainer):
    old = generate(handler)
    services.plan_approve(plan_id=old.pk, by=trainer)
    new = generate(handler, start=dt.date(2027, 3, 1), end=dt.date(2027, 5, 31))
    services.plan_approve(plan_id=new.pk, by=trainer)

    old.refresh_from_db()
    new.refresh_from_db()
    assert (old.status, new.status) == (Plan.Status.CANCELLED, Plan.Status.APPROVED)


def test_learner_records_progress_until_the_plan_is_completed(generate, handler, trainer):
    plan = generate(
        handler,
        rows=needs(
            ("know_law", "法律法规", 4, 3, 1, "medium"), ("skill_learning", "学习能力", 4, 3, 1, "low")
        ),
    )
    services.plan_approve(plan_id=plan.pk, by=trainer)
    first, second = plan.items.order_by("position")

    services.plan_item_progress(
        item_id=first.pk, by=handler, status="in_progress", note="已学完前两章", expected_version=2
    )
    plan.refresh_from_db()
    assert (plan.status, plan.version) == (Plan.Status.IN_PROGRESS, 3)

    services.plan_item_progress(item_id=first.pk, by=handler, status="done", expected_version=3)
    services.plan_item_remove(item_id=second.pk, by=trainer, expected_version=4)  # approved: kept as dropped
    plan.refresh_from_db()
    second.refresh_from_db()
    assert second.status == PlanItem.Status.DROPPED
    assert plan.status == Plan.Status.COMPLETED
    assert plan.closed_at is not None
    with pytest.raises(TransitionRefused):
        services.plan_item_progress(item_id=first.pk, by=handler, status="todo")


def test_progress_only_on_ones_own_active_plan(generate, handler, senior, trainer):
    plan = generate(handler)
    item = plan.items.first()
    with pytest.raises(TransitionRefused):  # a draft
        services.plan_item_progress(item_id=item.pk, by=handler, status="done")
    services.plan_approve(plan_id=plan.pk, by=trainer)
    before = _snapshot(plan)
    with pytest.raises(NotPermitted):
        services.plan_item_progress(item_id=item.pk, by=senior, status="done")
    with pytest.raises(ValidationFailed):
        services.plan_item_progress(item_id=item.pk, by=handler, status="dropped")
    assert _snapshot(plan) == before


def test_progress_from_completed_courses(monkeypatch, generate, handler, trainer):
    plan = generate(
        handler,
        rows=needs(
            ("know_law", "法律法规", 4, 3, 1, "medium"), ("skill_judgement", "判断能力", 4, 3, 1, "low")
        ),
    )
    services.plan_approve(plan_id=plan.pk, by=trainer)
    monkeypatch.setattr(contracts, "completed_courses", lambda user: {"LAW-101": None})

    assert services.plan_progress_refresh(handler) == 1
    assert services.plan_progress_refresh(handler) == 0

    plan.refresh_from_db()
    assert [(i.course_code, i.status) for i in plan.items.order_by("position")] == [
        ("LAW-101", "done"),
        ("JDG-101", "todo"),
    ]
    assert plan.status == Plan.Status.IN_PROGRESS


def test_a_plan_is_unchanged_when_the_competency_model_changes(monkeypatch, generate, handler, trainer):
    plan = generate(handler)
    services.plan_approve(plan_id=plan.pk, by=trainer)
    before = list(
        plan.items.order_by("position").values_list(
            "objective",
            "item_code",
            "item_name",
            "current_level",
            "target_level",
            "course_code",
            "course_title",
        )
    )

    # model version 4 renames the item, raises the required level; the catalogue renames the course
    monkeypatch.setattr(contracts, "item_labels", lambda: {"att_empathy": "共情能力（新版）"})
    later = needs(("att_empathy", "共情能力（新版）", 5, 3, 2, "high"), model_number=4)
    monkeypatch.setattr(contracts, "person_needs", lambda user: contracts.needs_from(later))
    services.plans_progress_refresh_all()

    plan.refresh_from_db()
    assert plan.model_version == 3
    assert (
        list(
            plan.items.order_by("position").values_list(
                "objective",
                "item_code",
                "item_name",
                "current_level",
                "target_level",
                "course_code",
                "course_title",
            )
        )
        == before
    )
    assert before[0][2:5] == ("同理心", Decimal("1.5"), Decimal("4.0"))
    # still editable and approvable against its own frozen values
    item = plan.items.order_by("position").first()
    services.plan_item_progress(item_id=item.pk, by=handler, status="done")
    item.refresh_from_db()
    assert (item.item_name, item.status) == ("同理心", "done")


def test_generation_for_a_non_learner_is_refused(generate, auditor):
    with pytest.raises(ValidationFailed):
        generate(auditor)
    assert Plan.objects.count() == 0


def test_cancel(generate, handler, trainer):
    plan = generate(handler)
    services.plan_cancel(plan_id=plan.pk, by=trainer, reason="人员调岗")
    plan.refresh_from_db()
    assert (plan.status, plan.period_start) == (Plan.Status.CANCELLED, START)
    assert PlanEvent.objects.filter(plan=plan, kind="status").get().message == "已取消: 人员调岗"
    before = _snapshot(plan)
    with pytest.raises(TransitionRefused):
        services.plan_item_add(plan_id=plan.pk, by=trainer, data=_input())
    assert _snapshot(plan) == before
