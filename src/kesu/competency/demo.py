"""The demo organisation's competency picture, read back from its year on the desk.

- Handlers get plausible hiring dates (the newcomers joined a few months ago, so their role profile is
  "new handler"); everyone else joined years ago.
- Each month of the year turns into desk evidence through the shipped KPI rules (the same
  ``desk_evidence_refresh`` the nightly job runs), so a rushed handler's low satisfaction shows up as a
  gap in empathy and service, a slow one's overdue rate as a gap in responsibility and coordination.
- Each team's supervisor rates their people every quarter on the items a supervisor sees day to day,
  consistent with how the demo's loader makes each handler work (``Profile``), with a little noise.
- ``finish`` runs after every academy app has loaded (exam and role-play evidence included) and keeps a
  month-end snapshot of everyone's needs, so records show gaps over time.
Deterministic for a seed and ``now``.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone

from kesu.accounts.roles import Role
from kesu.competency import services
from kesu.competency.models import Evidence
from kesu.competency.selectors import ROLE_PROFILE
from kesu.demo import loader


def _months(now: dt.datetime, n: int = 12) -> list[dt.date]:
    first = timezone.localdate(now).replace(day=1)
    out = []
    for _ in range(n):
        out.append(first)
        first = (first - dt.timedelta(days=1)).replace(day=1)
    return list(reversed(out))


def _rating_levels(profile: loader.Profile, rng: random.Random) -> dict[str, float]:
    def clamp(x: float) -> int:
        return int(min(5, max(1, round(x + rng.uniform(-0.4, 0.4)))))

    care, diligence, pace, esc = profile.care, profile.diligence, profile.pace, profile.escalate
    return {
        "att_empathy": clamp(3.2 + 2.2 * care),
        "att_service": clamp(3.3 + 2.0 * care),
        "att_patience": clamp(3.6 + 1.2 * care - 0.6 * (esc - 1)),
        "att_responsibility": clamp(1.8 + 3.0 * diligence),
        "skill_observation": clamp(1.9 + 2.6 * diligence),
        "skill_coordination": clamp(4.6 - 3.5 * pace),
        "skill_communication": clamp(3.1 + 1.8 * care),
        "know_emotion": clamp(3.4 + 1.2 * care - 0.5 * (esc - 1)),
    }


def load(*, seed: int, now: dt.datetime, progress: Callable[[str], None]) -> None:
    org_users = {u.username: u for u in loader.demo_users()}
    profiles = {login.username: login.profile for login in loader.ROSTER}
    rng = random.Random(f"competency-{seed}")
    with transaction.atomic():
        for login in loader.ROSTER:
            user = org_users.get(login.username)
            if user is None or login.role not in ROLE_PROFILE:
                continue
            if login.profile is loader.NEWCOMER:
                joined = now - dt.timedelta(days=120 + rng.randint(0, 40))
            else:
                joined = now - dt.timedelta(days=400 + rng.randint(0, 1800))
            user.date_joined = joined
            user.save(update_fields=["date_joined"])
    written = 0
    for month in _months(now):
        written += services.desk_evidence_refresh(month=month, refresh_levels=False)
    services.levels_refresh()
    progress(f"Competency: {written:,} observations from twelve months of desk KPIs.")
    ratings = 0
    supervisors = {u.department_id: u for u in org_users.values() if u.role == Role.SUPERVISOR}
    quarter_ends = [m for m in _months(now) if m.month in (3, 6, 9, 12)]
    with transaction.atomic():
        for username, user in org_users.items():
            profile = profiles.get(username)
            sup = supervisors.get(user.department_id)
            if profile is None or sup is None or user.role not in (Role.HANDLER, Role.SENIOR_HANDLER):
                continue
            for q in quarter_ends:
                on = (q + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
                if on > timezone.localdate(now):
                    continue
                for code, level in _rating_levels(profile, rng).items():
                    services.evidence_record(
                        user=user,
                        item_code=code,
                        level=level,
                        source=Evidence.Source.RATING,
                        ref=f"rating:{sup.pk}:{on.isoformat()}",
                        observed_on=on,
                        weight=1.5,
                        note="季度评定",
                        recorded_by=sup,
                    )
                    ratings += 1
    progress(f"Competency: {ratings:,} supervisor ratings.")


def finish(*, seed: int, now: dt.datetime, progress: Callable[[str], None]) -> None:
    users = [u for u in loader.demo_users() if u.role in ROLE_PROFILE]
    taken = 0
    today = timezone.localdate(now)
    for month in _months(now):
        end = (month + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
        on = min(end, today)
        for user in users:
            taken += services.needs_snapshot_take(user=user, on=on) is not None
    progress(f"Competency: {taken:,} monthly needs snapshots.")
