"""Generation of a draft plan from the needs analysis: deterministic, by priority, with courses, deadlines
inside the period and mentoring for large skill/attitude gaps."""

import datetime as dt
from decimal import Decimal

import pytest

from kesu.common.errors import NotPermitted, TransitionRefused, ValidationFailed
from kesu.plans import services
from kesu.plans.models import Plan, PlanEvent, PlanItem
from tests.plans.conftest import END, START, courses_for_items, needs

pytestmark = pytest.mark.django_db


def _rows(plan):
    return [
        (i.item_code, i.method, i.course_code, i.current_level, i.target_level, i.planned_start, i.deadline)
        for i in plan.items.order_by("position")
    ]


def test_items_by_priority_with_courses_deadlines_and_mentoring(generate, handler, trainer):
    plan = generate(handler)

    assert plan.status == Plan.Status.DRAFT
    assert (plan.profile_code, plan.model_version) == ("handler", 3)
    assert (plan.period_start, plan.period_end, plan.created_by) == (START, END, trainer)
    # high (largest gap first), then medium, then low; no item without a gap
    assert _rows(plan) == [
        ("att_empathy", "role_play", "EMP-101", Decimal("1.5"), Decimal("4.0"), START, dt.date(2026, 12, 23)),
        ("att_empathy", "mentoring", "", Decimal("1.5"), Decimal("4.0"), START, END),
        (
            "skill_judgement",
            "case_study",
            "JDG-101",
            Decimal("2.5"),
            Decimal("4.0"),
            dt.date(2026, 12, 23),
            dt.date(2027, 1, 14),
        ),
        # EMP-101 is already in the plan: the next best course
        (
            "skill_communication",
            "e_learning",
            "COM-110",
            Decimal("2.8"),
            Decimal("4.0"),
            dt.date(2027, 1, 14),
            dt.date(2027, 2, 6),
        ),
        ("know_law", "e_learning", "LAW-101", Decimal("3.5"), Decimal("4.0"), dt.date(2027, 2, 6), END),
    ]
    first = plan.items.order_by("position").first()
    assert first.objective == "将同理心从 1.5 级提升到 4 级"
    assert (first.course_title, first.item_name, first.assessment, first.trainer) == (
        "共情沟通工作坊",
        "同理心",
        "scenario",
        trainer,
    )
    assert [i.place for i in plan.items.order_by("position")] == [
        "培训室",
        "岗位现场带教",
        "培训室",
        "线上",
        "线上",
    ]
    assert all(START <= i.deadline <= END for i in plan.items.all())
    assert list(PlanEvent.objects.filter(plan=plan).values_list("kind", flat=True)) == ["generated"]


def test_generation_is_deterministic(generate, handler, senior):
    first, second = generate(handler), generate(senior)

    assert _rows(first) == _rows(second)
    assert [i.objective for i in first.items.all()] == [i.objective for i in second.items.all()]


def test_a_double_submit_returns_the_same_draft(generate, handler):
    first = generate(handler)
    again = generate(handler)

    assert again.pk == first.pk
    assert Plan.objects.count() == 1
    assert PlanItem.objects.count() == 5


def test_item_count_is_capped_by_the_settings(generate, handler):
    from kesu.plans.models import AcademySettings

    AcademySettings.objects.update_or_create(pk=1, defaults={"plan_max_items": 2})
    plan = generate(handler)

    assert [i.item_code for i in plan.items.order_by("position")] == [
        "att_empathy",
        "att_empathy",
        "skill_judgement",
    ]


def test_unassessed_item_and_no_course(generate, handler):
    plan = generate(
        handler,
        rows=needs(
            ("know_crisis", "危机与舆情管理", 4, 1.0, 3.0, "high"),
            ("att_patience", "耐心", 4, None, None, "unknown"),
        ),
    )

    item = plan.items.get()  # the unassessed item is to be assessed first, not trained
    assert (item.current_level, item.target_level, item.course_code, item.method) == (
        Decimal("1.0"),
        Decimal("4.0"),
        "",
        "case_study",
    )
    assert item.objective == "将危机与舆情管理从 1 级提升到 4 级"
    # a knowledge gap gets no mentoring however large


def test_only_trainers_generate(generate, handler, supervisor):
    with pytest.raises(NotPermitted):
        generate(handler, by=supervisor)
    assert Plan.objects.count() == 0


def test_nothing_to_plan_without_gaps(generate, handler):
    with pytest.raises(TransitionRefused) as exc:
        generate(handler, rows=needs(("know_process", "投诉处理流程", 4, 4.5, 0, "none")))
    assert exc.value.code == "no_gaps"
    assert Plan.objects.count() == 0


def test_period_must_be_sane(generate, handler):
    with pytest.raises(ValidationFailed):
        generate(handler, start=END, end=START)
    with pytest.raises(ValidationFailed):
        generate(handler, start=START, end=START + dt.timedelta(days=400))
    assert Plan.objects.count() == 0


def test_needs_come_from_the_competency_contract(monkeypatch, handler, trainer):
    from kesu.plans import contracts
    from tests.plans.conftest import STANDARD

    monkeypatch.setattr(contracts, "person_needs", lambda user: contracts.needs_from(STANDARD))
    plan = services.plan_generate(
        user=handler, by=trainer, period_start=START, period_end=END, course_finder=courses_for_items
    )
    assert plan.items.count() == 5


def test_without_a_needs_analysis_generation_is_refused(monkeypatch, handler, trainer):
    from kesu.plans import contracts

    monkeypatch.setattr(contracts, "person_needs", lambda user: None)
    with pytest.raises(TransitionRefused) as exc:
        services.plan_generate(user=handler, by=trainer, period_start=START, period_end=END)
    assert exc.value.code == "no_needs"
