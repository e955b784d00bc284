"""With the real competency app: a plan generated from a person's evidence, and the plan unchanged when
trainers publish a new version of the competency model afterwards."""

import datetime as dt
from decimal import Decimal

import pytest

from kesu.common import clock
from kesu.competency import selectors as competency
from kesu.competency import services as model_services
from kesu.plans import services
from kesu.plans.models import Plan
from tests.plans.conftest import courses_for_items

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 20, 2, 0, tzinfo=dt.UTC)


def _evidence(user, levels):
    for code, level in levels.items():
        model_services.evidence_record(
            user=user,
            item_code=code,
            level=level,
            source="exam",
            ref="exam-attempt:1",
            observed_on=NOW.date(),
        )


def _frozen_items(plan):
    return list(
        plan.items.order_by("position").values_list(
            "item_code", "item_name", "current_level", "target_level", "objective", "course_code"
        )
    )


def test_plan_from_real_needs_survives_a_new_model_version(handler, trainer):
    with clock.frozen_at(NOW):
        _evidence(handler, {"att_empathy": 1.0, "skill_judgement": 2.0})
        needs = competency.person_needs(user=handler)
        by_code = {g.item_code: g for g in needs.items}
        plan = services.plan_generate(
            user=handler,
            by=trainer,
            period_start=dt.date(2026, 12, 1),
            period_end=dt.date(2027, 2, 28),
            course_finder=courses_for_items,
        )
        services.plan_approve(plan_id=plan.pk, by=trainer)
    empathy = by_code["att_empathy"]
    first = plan.items.order_by("position").first()
    assert plan.model_version == needs.model_number
    assert plan.profile_code == needs.profile.code
    assert (first.item_code, first.item_name, first.current_level, first.target_level) == (
        "att_empathy",
        empathy.name,
        Decimal("1.0"),
        Decimal(empathy.required),
    )
    # only assessed items with a gap are planned (the rest has no evidence yet)
    assert {g.item_code for g in needs.gaps} == {i.item_code for i in plan.items.all()}
    assert "att_empathy" in {g.item_code for g in needs.gaps}
    before = _frozen_items(plan)

    # trainers rename the item and raise every requirement in a new published version
    draft = model_services.model_draft_create(by=trainer)
    item = draft.items.get(code="att_empathy")
    model_services.item_update(
        by=trainer,
        model_id=draft.pk,
        code="att_empathy",
        name="共情与情绪回应",
        description="",
        levels=item.levels,
    )
    for profile in draft.profiles.all():
        model_services.profile_update(
            by=trainer, model_id=draft.pk, code=profile.code, requirements={"att_empathy": 5}
        )
    model_services.model_publish(by=trainer, model_id=draft.pk)
    with clock.frozen_at(NOW):
        later = competency.person_needs(user=handler)
    assert later.model_number == needs.model_number + 1
    assert {g.item_code: g.name for g in later.items}["att_empathy"] == "共情与情绪回应"

    plan.refresh_from_db()
    assert (plan.model_version, plan.status) == (needs.model_number, Plan.Status.APPROVED)
    assert _frozen_items(plan) == before
    # and the plan's page still explains it with the old name and levels
    from django.test import Client

    c = Client()
    c.force_login(handler)
    page = c.get("/academy/plans/").content.decode()
    assert empathy.name in page and "共情与情绪回应" not in page
