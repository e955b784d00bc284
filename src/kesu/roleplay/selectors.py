"""Reads of the role-play simulator."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from kesu.accounts.models import User
from kesu.accounts.roles import Cap, can
from kesu.common import clock
from kesu.common.errors import NotFound
from kesu.roleplay.models import (
    ClassroomProposal,
    DrillRun,
    Mode,
    RolePlaySession,
    Scenario,
    SessionStatus,
)


def library(
    *,
    industry: str = "",
    category: str = "",
    difficulty: str = "",
    item: str = "",
    include_inactive: bool = False,
) -> QuerySet[Scenario]:
    qs = Scenario.objects.select_related("current").filter(current__isnull=False)
    if not include_inactive:
        qs = qs.filter(active=True)
    if industry:
        qs = qs.filter(industry=industry)
    if category:
        qs = qs.filter(category=category)
    if difficulty.isdigit():
        qs = qs.filter(difficulty=int(difficulty))
    scenarios = qs.order_by("industry", "difficulty", "code")
    if item:
        # JSON containment differs between SQLite and PostgreSQL; the library is small.
        return [s for s in scenarios if item in (s.items or [])]  # type: ignore[return-value]
    return scenarios


def scenario_get(code: str, *, user: User) -> Scenario:
    s = Scenario.objects.select_related("current").filter(code=code).first()
    if s is None or s.current is None or (not s.active and not can(user, Cap.TRAIN_MANAGE)):
        raise NotFound("No such scenario.")
    return s


def session_for(session_id: int, *, user: User) -> RolePlaySession:
    """A session its owner may open; trainers and the owner's supervisor may read it too."""
    s = (
        RolePlaySession.objects.select_related("version__scenario", "user__department")
        .filter(pk=session_id)
        .first()
    )
    if s is None:
        raise NotFound("No such role-play session.")
    if s.user_id == user.pk or can(user, Cap.TRAIN_VIEW_ALL):
        return s
    if can(user, Cap.TRAIN_VIEW_TEAM) and user.department_id and user.department_id == s.user.department_id:
        return s
    raise NotFound("No such role-play session.")


def my_sessions(user: User, limit: int = 20) -> list[RolePlaySession]:
    return list(
        RolePlaySession.objects.filter(user=user)
        .exclude(mode="classroom")
        .select_related("version__scenario")
        .order_by("-started_at", "-id")[:limit]
    )


def practice_count_this_month(*, user: User) -> int:
    """Practice sessions the person finished (resolved or escalated, not abandoned) this calendar month."""
    now = timezone.localtime(clock.now())
    month_start = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    return RolePlaySession.objects.filter(
        user=user,
        mode=Mode.PRACTICE,
        status__in=[SessionStatus.RESOLVED, SessionStatus.ESCALATED],
        started_at__gte=month_start,
    ).count()


def results(viewer: User, *, mode: str = "", limit: int = 200) -> list[RolePlaySession]:
    qs = RolePlaySession.objects.exclude(status="active").exclude(mode="classroom")
    if not can(viewer, Cap.TRAIN_VIEW_ALL):
        if not can(viewer, Cap.TRAIN_VIEW_TEAM) or not viewer.department_id:
            return []
        qs = qs.filter(user__department_id=viewer.department_id)
    if mode:
        qs = qs.filter(mode=mode)
    return list(qs.select_related("user", "version__scenario").order_by("-ended_at", "-id")[:limit])


def classroom_board(session: RolePlaySession) -> list[dict]:
    turn_number = session.turn_count + 1
    rows = (
        ClassroomProposal.objects.filter(session=session, turn_number=turn_number)
        .annotate(n=Count("votes", filter=Q(votes__turn_number=turn_number)))
        .select_related("author")
        .order_by("-n", "created_at", "id")
    )
    return [{"id": p.pk, "text": p.text, "votes": p.n, "author": p.author} for p in rows]


def drill_for(run_id: int, *, user: User) -> DrillRun:
    run = DrillRun.objects.select_related("version__scenario", "started_by").filter(pk=run_id).first()
    if run is None or not (run.participants.filter(pk=user.pk).exists() or can(user, Cap.TRAIN_VIEW_ALL)):
        raise NotFound("No such crisis drill.")
    return run
