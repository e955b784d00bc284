"""The plans demo on a small desk load: plans for most handlers from their needs, progress, retraining from
the real triggers; deterministic for a seed; reset removes it."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from kesu.competency import demo as competency_demo
from kesu.demo import loader
from kesu.plans import demo
from kesu.plans.models import Plan, PlanItem, Retraining

NOW = dt.datetime(2026, 11, 20, 17, 30, tzinfo=ZoneInfo("Asia/Shanghai"))

pytestmark = pytest.mark.django_db


def _state():
    plans = [
        (
            p.person.username,
            p.status,
            p.model_version,
            [(i.item_code, i.status, i.deadline) for i in p.items.order_by("position")],
        )
        for p in Plan.objects.select_related("person").order_by("person__username", "id")
    ]
    retraining = list(
        Retraining.objects.order_by("source_ref").values_list(
            "user__username", "kind", "status", "source_ref", "due_on"
        )
    )
    return plans, retraining


def test_demo_plans_and_retraining():
    loader.load(seed=3, complaints=200, months=3, now=NOW, strict=True)
    competency_demo.load(seed=3, now=NOW, progress=lambda m: None)

    demo.load(seed=3, now=NOW, progress=lambda m: None)
    first = _state()
    plans, retraining = first

    handlers = [u for u in loader.demo_users() if u.role == "handler"]
    assert len(plans) >= len(handlers) // 2
    assert {s for _u, s, _v, _i in plans} >= {"approved", "in_progress"}
    assert any(s == "draft" for _u, s, _v, _i in plans)
    assert PlanItem.objects.filter(status="done").exists()
    # every item's deadline lies in its plan's period
    for p in Plan.objects.all():
        assert all(p.period_start <= i.deadline <= p.period_end for i in p.items.all())
    assert {k for _u, k, _s, _r, _d in retraining} >= {"satisfaction_low"}
    assert all(r.startswith(("desk-sat:", "desk-esc:")) for _u, _k, _s, r, _d in retraining)

    demo.reset(progress=lambda m: None)
    assert (Plan.objects.count(), Retraining.objects.count()) == (0, 0)
    demo.load(seed=3, now=NOW, progress=lambda m: None)
    assert _state() == first
