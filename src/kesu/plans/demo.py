"""Demo plans and retraining, read back from the demo organisation's needs and desk year.

- About six weeks before ``now`` the trainer generates a plan for most handlers from their needs analysis
  as it stood then (``plan_generate`` under the frozen clock, so the plan keeps that model version) and
  approves it; one plan per team stays a draft for the trainer to look at.
- Learners record progress as their deadlines pass: how much gets done follows how diligent the loader
  made each handler (``loader.Profile``), with a seeded random draw.
- Retraining comes from the real triggers, day by day over the last ``DAYS`` days: escalations the
  person caused, monthly satisfaction below target (``retraining_from_desk``), then the overdue sweep;
  some retraining is confirmed done by the trainer before (or after) its due date.
Deterministic for a seed and ``now``; notifications are written with their moment, never e-mailed.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from collections.abc import Callable

from django.utils import timezone

from kesu.accounts.models import User
from kesu.accounts.roles import Role
from kesu.common import clock
from kesu.common.errors import DomainError
from kesu.demo import loader
from kesu.plans import services
from kesu.plans.models import Plan, PlanEvent, PlanItem, Retraining

PLAN_AGE_DAYS = 42
PLAN_DAYS = 90
DAYS = 90  # how far back the retraining triggers are replayed


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def load(*, seed: int, now: dt.datetime, progress: Callable[[str], None]) -> None:
    users = {u.username: u for u in loader.demo_users()}
    trainer = users.get("trainer")
    if trainer is None:
        progress("plans: no demo trainer, nothing to do")
        return
    profiles = {login.username: login.profile for login in loader.ROSTER}
    rng = random.Random(f"plans-{seed}")
    with loader.quiet_side_effects():
        plans = _plans(users, profiles, trainer, rng, now, progress)
        _progress(plans, profiles, rng, now)
        retraining = _retraining(profiles, trainer, rng, now)
    progress(
        f"plans: {len(plans)} plans ({sum(p.status != Plan.Status.DRAFT for p in plans)} approved), "
        f"{retraining} retraining assignments"
    )


def _plans(users, profiles, trainer, rng, now, progress) -> list[Plan]:
    today = timezone.localdate(now)
    start = today - dt.timedelta(days=PLAN_AGE_DAYS)
    end = start + dt.timedelta(days=PLAN_DAYS)
    learners = [
        u for name, u in users.items() if u.role in (Role.HANDLER, Role.SENIOR_HANDLER) and profiles.get(name)
    ]
    plans = []
    drafts_left: set[int] = set()
    for user in sorted(learners, key=lambda u: u.username):
        if rng.random() < 0.15:  # not everyone has a plan yet
            continue
        with clock.frozen_at(_at(start - dt.timedelta(days=2), 15)):
            try:
                plan = services.plan_generate(user=user, by=trainer, period_start=start, period_end=end)
            except DomainError as exc:  # no gap, or no needs analysis for this person
                progress(f"plans: no plan for {user.username}: {exc.message}")
                continue
        plans.append(plan)
        if user.department_id not in drafts_left and user.role == Role.HANDLER and rng.random() < 0.3:
            drafts_left.add(user.department_id)
            continue
        with clock.frozen_at(_at(start - dt.timedelta(days=1), 11)):
            services.plan_approve(plan_id=plan.pk, by=trainer)
    return plans


def _progress(plans: list[Plan], profiles, rng: random.Random, now: dt.datetime) -> None:
    today = timezone.localdate(now)
    for plan in plans:
        plan.refresh_from_db()
        if not plan.is_active:
            continue
        person = plan.person
        diligence = profiles[person.username].diligence if profiles.get(person.username) else 0.5
        steps = []
        for item in plan.items.order_by("position"):
            if item.planned_start and item.planned_start > today:
                continue
            start_day = item.planned_start or plan.period_start
            if item.deadline <= today:
                roll = rng.random()
                if roll < 0.35 + 0.6 * diligence:
                    done_day = item.deadline - dt.timedelta(days=rng.randint(0, 6))
                    steps.append((max(start_day, done_day), item.pk, PlanItem.Status.DONE, ""))
                elif roll < 0.9:
                    steps.append(
                        (
                            start_day + dt.timedelta(days=2),
                            item.pk,
                            PlanItem.Status.IN_PROGRESS,
                            "进度滞后，已和培训师沟通补课时间",
                        )
                    )
            elif rng.random() < 0.3 + 0.5 * diligence:
                steps.append(
                    (min(today, start_day + dt.timedelta(days=3)), item.pk, PlanItem.Status.IN_PROGRESS, "")
                )
        for day, item_id, status, note in sorted(steps):
            plan.refresh_from_db()
            if not plan.is_active:
                break
            with clock.frozen_at(_at(min(day, today), 17)):
                services.plan_item_progress(item_id=item_id, by=person, status=status, note=note)
        services.plan_progress_refresh(person)


def _retraining(profiles, trainer: User, rng: random.Random, now: dt.datetime) -> int:
    today = timezone.localdate(now)
    done_on: dict[dt.date, list[int]] = defaultdict(list)
    seen: set[int] = set()
    for offset in range(DAYS, -1, -1):
        day = today - dt.timedelta(days=offset)
        moment = _at(day, 23) if offset else now
        with clock.frozen_at(moment):
            for r in services.retraining_from_desk(lookback_days=1):
                if r.pk in seen:
                    continue
                seen.add(r.pk)
                prof = profiles.get(r.user.username)
                diligence = prof.diligence if prof else 0.5
                if rng.random() < 0.3 + 0.6 * diligence:
                    done_on[day + dt.timedelta(days=rng.randint(4, 20))].append(r.pk)
            for pk in done_on.pop(day, []):
                services.retraining_complete(retraining_id=pk, by=trainer, note="已完成复训课程并通过考核")
            services.retraining_sweep_overdue()
    return len(seen)


def reset(*, progress: Callable[[str], None]) -> None:
    """Delete the plans and retraining of the demo logins (the users themselves go with the desk's reset)."""
    names = loader.ROSTER_USERNAMES
    PlanEvent.objects.filter(plan__person__username__in=names).delete()
    PlanEvent.objects.filter(retraining__user__username__in=names).delete()
    n_plans, _ = Plan.objects.filter(person__username__in=names).delete()
    n_retraining, _ = Retraining.objects.filter(user__username__in=names).delete()
    progress(f"plans: deleted {n_plans} plan rows and {n_retraining} retraining rows of the demo logins")
