"""Reads of the competency app: the current model, who may see whom, and the needs analysis.

A person's current level on an item is the weighted mean of their evidence on it, each observation's
weight halved every ``HALF_LIFE_DAYS`` of age (recent work counts more; nothing is ever thrown away).
The gap is the role profile's required level minus that; priority follows the gap (``PRIORITY_STEPS``);
an item without evidence has no current level and priority ``unknown`` (assess it before training it).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from django.db import connection
from django.db.models import Q, QuerySet
from django.utils import timezone

from kesu.accounts.models import Department, User
from kesu.accounts.roles import Cap, Role, can
from kesu.common import clock
from kesu.competency.models import CompetencyItem, CompetencyLevel, CompetencyModel, Evidence, RoleProfile

HALF_LIFE_DAYS = 180
NEW_HANDLER_DAYS = 180
# (minimum gap, priority), checked in order.
PRIORITY_STEPS = ((1.5, "high"), (0.75, "medium"), (0.25, "low"))
PRIORITY_ORDER = {"high": 0, "medium": 1, "low": 2, "unknown": 3, "none": 4}

# Which role profile applies to a user's role (a handler in the first months is a new handler).
ROLE_PROFILE: dict[str, str] = {
    Role.HANDLER: "handler",
    Role.SENIOR_HANDLER: "senior_handler",
    Role.SUPERVISOR: "supervisor",
    Role.PR_OFFICER: "pr_officer",
    Role.LIAISON: "liaison",
}


@dataclass(frozen=True)
class EvidenceLine:
    source: str
    level: float
    weight: float  # effective weight (recorded weight × recency)
    observed_on: dt.date
    note: str
    ref: str


@dataclass(frozen=True)
class ItemGap:
    item_code: str
    name: str
    dimension: str
    required: int
    current: float | None
    gap: float | None
    priority: str
    evidence_count: int
    evidence: tuple[EvidenceLine, ...] = ()


@dataclass(frozen=True)
class ProfileInfo:
    code: str
    name: str
    next_code: str


@dataclass(frozen=True)
class PersonNeeds:
    user_id: int
    profile: ProfileInfo | None
    model_number: int
    items: tuple[ItemGap, ...]
    on: dt.date = field(default_factory=lambda: timezone.localdate(clock.now()))

    @property
    def gaps(self) -> list[ItemGap]:
        """Items to work on, most urgent first."""
        return sorted(
            (g for g in self.items if g.priority in ("high", "medium", "low")),
            key=lambda g: (PRIORITY_ORDER[g.priority], -(g.gap or 0), g.item_code),
        )

    @property
    def unassessed(self) -> list[ItemGap]:
        return [g for g in self.items if g.priority == "unknown"]


# --------------------------------------------------------------------------------------------------
# The model


def current_model() -> CompetencyModel | None:
    return CompetencyModel.objects.filter(status=CompetencyModel.Status.PUBLISHED).first()


def draft_model() -> CompetencyModel | None:
    return CompetencyModel.objects.filter(status=CompetencyModel.Status.DRAFT).first()


def model_versions() -> list[CompetencyModel]:
    return list(CompetencyModel.objects.select_related("created_by", "published_by"))


def model_get(*, number: int) -> CompetencyModel | None:
    return CompetencyModel.objects.filter(number=number).first()


def item_labels(model: CompetencyModel | None = None) -> dict[str, str]:
    model = model or current_model()
    if model is None:
        return {}
    return dict(model.items.values_list("code", "name"))


@dataclass(frozen=True)
class _ModelView:
    number: int
    items: tuple[tuple[str, str, str], ...]  # (code, name, dimension) in order
    profiles: dict[str, tuple[str, str, dict[str, int]]]  # code -> (name, next_code, requirements)


@lru_cache(maxsize=4)
def _model_view_cached(model_id: int, number: int, stamp: str) -> _ModelView:
    items = tuple(
        CompetencyItem.objects.filter(model_id=model_id)
        .order_by("order", "id")
        .values_list("code", "name", "dimension")
    )
    profiles = {
        code: (name, next_code, dict(req))
        for code, name, next_code, req in RoleProfile.objects.filter(model_id=model_id).values_list(
            "code", "name", "next_code", "requirements"
        )
    }
    return _ModelView(number=number, items=items, profiles=profiles)


def _model_view(model: CompetencyModel) -> _ModelView:
    """The published version's items and profiles. Callers pass only published versions, which services
    never edit (only drafts are editable), so caching by (id, number, publish time) is safe."""
    return _model_view_cached(
        model.pk, model.number, model.published_at.isoformat() if model.published_at else ""
    )


def profile_code_for(user: User, on: dt.date | None = None) -> str | None:
    code = ROLE_PROFILE.get(user.role)
    if code == "handler":
        on = on or timezone.localdate(clock.now())
        joined = timezone.localdate(user.date_joined) if user.date_joined else on
        if (on - joined).days < NEW_HANDLER_DAYS:
            return "new_handler"
    return code


# --------------------------------------------------------------------------------------------------
# Who may see whom


def may_view_person(viewer: User, person: User) -> bool:
    if viewer.pk == person.pk:
        return can(viewer, Cap.LEARN)
    if can(viewer, Cap.TRAIN_VIEW_ALL):
        return True
    return (
        can(viewer, Cap.TRAIN_VIEW_TEAM)
        and viewer.department_id is not None
        and (viewer.department_id == person.department_id)
    )


def _learners_analysed_by(viewer: User) -> QuerySet[User] | None:
    """People with a role profile whom the viewer analyses as a supervisor or trainer; None when the
    viewer analyses nobody but (perhaps) themself."""
    qs = User.objects.filter(is_active=True, role__in=list(ROLE_PROFILE))
    if can(viewer, Cap.TRAIN_VIEW_ALL):
        return qs
    if can(viewer, Cap.TRAIN_VIEW_TEAM) and viewer.department_id is not None:
        return qs.filter(department_id=viewer.department_id)
    return None


def learners_visible_to(viewer: User, *, department_id: int | None = None) -> list[User]:
    """People with a role profile that the viewer may analyse, optionally of one department."""
    qs = _learners_analysed_by(viewer)
    if qs is None:
        return [viewer] if can(viewer, Cap.LEARN) and viewer.role in ROLE_PROFILE else []
    if department_id is not None:
        qs = qs.filter(department_id=department_id)
    return list(qs.select_related("department").order_by("department__name", "username"))


def departments_visible_to(viewer: User) -> list[Department]:
    if can(viewer, Cap.TRAIN_VIEW_ALL):
        ids = User.objects.filter(is_active=True, role__in=list(ROLE_PROFILE)).values("department_id")
        return list(Department.objects.filter(pk__in=ids).order_by("name"))
    if can(viewer, Cap.TRAIN_VIEW_TEAM) and viewer.department_id:
        return list(Department.objects.filter(pk=viewer.department_id))
    return []


# --------------------------------------------------------------------------------------------------
# Needs analysis


def _priority(gap: float | None) -> str:
    if gap is None:
        return "unknown"
    for step, name in PRIORITY_STEPS:
        if gap >= step:
            return name
    return "none"


def _decay(age_days: int) -> float:
    return 0.5 ** (max(age_days, 0) / HALF_LIFE_DAYS)


def _levels(rows: Iterable[tuple], on: dt.date, keep_lines: bool) -> dict[str, tuple[float, int, list]]:
    """{item_code: (level, count, lines)} from evidence rows (item, source, level, weight, date, note, ref)."""
    sums: dict[str, list] = defaultdict(lambda: [0.0, 0.0, 0, []])
    for item_code, source, level, weight, observed_on, note, ref in rows:
        if observed_on > on:
            continue
        w = weight * _decay((on - observed_on).days)
        acc = sums[item_code]
        acc[0] += w * level
        acc[1] += w
        acc[2] += 1
        if keep_lines:
            acc[3].append(EvidenceLine(source, level, round(w, 3), observed_on, note, ref))
    out = {}
    for code, (num, den, count, lines) in sums.items():
        if den <= 0:
            continue
        lines.sort(key=lambda e: (-e.weight, e.observed_on))
        out[code] = (round(num / den, 2), count, lines)
    return out


def _needs_from(
    user: User, view: _ModelView, levels: dict[str, tuple[float, int, list]], on: dt.date
) -> PersonNeeds:
    profile_code = profile_code_for(user, on)
    prof = view.profiles.get(profile_code) if profile_code else None
    if prof is None:
        return PersonNeeds(user_id=user.pk, profile=None, model_number=view.number, items=(), on=on)
    name, next_code, requirements = prof
    items = []
    for code, item_name, dimension in view.items:
        required = int(requirements.get(code, 0))
        current, count, lines = levels.get(code, (None, 0, []))
        gap = round(required - current, 2) if current is not None else None
        items.append(
            ItemGap(
                item_code=code,
                name=item_name,
                dimension=dimension,
                required=required,
                current=current,
                gap=gap,
                priority=_priority(gap),
                evidence_count=count,
                evidence=tuple(lines[:8]),
            )
        )
    return PersonNeeds(
        user_id=user.pk,
        profile=ProfileInfo(profile_code or "", name, next_code),
        model_number=view.number,
        items=tuple(items),
        on=on,
    )


_EVIDENCE_FIELDS = ("item_code", "source", "level", "weight", "observed_on", "note", "ref")


def person_needs(*, user: User, on: dt.date | None = None) -> PersonNeeds:
    on = on or timezone.localdate(clock.now())
    model = current_model()
    if model is None:
        return PersonNeeds(user_id=user.pk, profile=None, model_number=0, items=(), on=on)
    rows = Evidence.objects.filter(user=user, observed_on__lte=on).values_list(*_EVIDENCE_FIELDS)
    return _needs_from(user, _model_view(model), _levels(rows, on, keep_lines=True), on)


def levels_from_evidence(
    *, user_ids: list[int], on: dt.date, item_codes: list[str] | None = None
) -> dict[int, dict[str, tuple[float, int]]]:
    """{user: {item: (level, count)}} from one grouped pass over the evidence (no per-row objects).

    The database sums weight × level and weight per (person, item, day); recency weights depend only on
    the day, so the result is exactly the per-observation weighted mean that ``person_needs`` computes.
    """
    sums: dict[int, dict[str, list[float]]] = defaultdict(lambda: defaultdict(lambda: [0.0, 0.0, 0]))
    decay_of: dict[str, float] = {}
    table = connection.ops.quote_name(Evidence._meta.db_table)
    items = list(item_codes or [])
    item_sql = f"AND item_code IN ({', '.join(['%s'] * len(items))}) " if items else ""
    with connection.cursor() as cursor:
        for i in range(0, len(user_ids), 900):  # SQLite's parameter limit
            chunk = user_ids[i : i + 900]
            cursor.execute(
                # The day as text: no per-row date conversion (SQLite's adapter would parse each one).
                f"SELECT user_id, item_code, CAST(observed_on AS TEXT), SUM(weight * level), SUM(weight), "  # noqa: S608
                f"COUNT(*) FROM {table} WHERE observed_on <= %s {item_sql}"
                f"AND user_id IN ({', '.join(['%s'] * len(chunk))}) GROUP BY user_id, item_code, observed_on",
                [on, *items, *chunk],
            )
            for user_id, item_code, observed_on, wl, w, n in cursor.fetchall():
                d = decay_of.get(observed_on)
                if d is None:
                    d = decay_of[observed_on] = _decay((on - dt.date.fromisoformat(observed_on)).days)
                acc = sums[user_id][item_code]
                acc[0] += d * wl
                acc[1] += d * w
                acc[2] += n
    return {
        uid: {code: (round(num / den, 2), int(count)) for code, (num, den, count) in items.items() if den > 0}
        for uid, items in sums.items()
    }


def needs_many(*, users: list[User], on: dt.date | None = None, live: bool = False) -> list[PersonNeeds]:
    """The needs of many people. By default from the kept levels (``CompetencyLevel``, refreshed whenever
    evidence is recorded and every night); ``live=True`` computes them from the evidence instead."""
    on = on or timezone.localdate(clock.now())
    model = current_model()
    if model is None or not users:
        return []
    view = _model_view(model)
    ids = [u.pk for u in users]
    if live:
        levels = levels_from_evidence(user_ids=ids, on=on)
    else:
        levels = defaultdict(dict)
        for i in range(0, len(ids), 900):
            for uid, code, level, count in CompetencyLevel.objects.filter(
                user_id__in=ids[i : i + 900]
            ).values_list("user_id", "item_code", "level", "evidence_count"):
                levels[uid][code] = (level, count)
    return [
        _needs_from(u, view, {code: (lv, n, []) for code, (lv, n) in levels.get(u.pk, {}).items()}, on)
        for u in users
    ]


def high_gap_count(*, user: User) -> int | None:
    """How many items of the person's own analysis (the My growth page) have a high-priority gap; None
    for a role without a profile."""
    if profile_code_for(user) is None:  # trainers, auditors: no query for nothing
        return None
    needs = person_needs(user=user)
    if needs.profile is None:
        return None
    return sum(1 for g in needs.items if g.priority == "high")


def people_with_high_gaps_count(*, user: User, on: dt.date | None = None) -> int:
    """How many of the people ``user`` analyses (the needs analysis page) have at least one item with a
    high-priority gap, from the kept levels as that page reads them.

    One counting query: the gap rule is spelled out per role profile as conditions on the kept level
    (level <= required − the high step), which is what ``_needs_from`` + ``_priority`` decide per row."""
    people = _learners_analysed_by(user)
    model = current_model()
    if people is None or model is None:
        return 0
    view = _model_view(model)
    on = on or timezone.localdate(clock.now())
    high = PRIORITY_STEPS[0][0]
    in_model = {code for code, _name, _dim in view.items}
    # profile_code_for: a handler who joined fewer than NEW_HANDLER_DAYS ago is a new handler.
    new_since = timezone.make_aware(
        dt.datetime.combine(on - dt.timedelta(days=NEW_HANDLER_DAYS - 1), dt.time.min)
    )
    who: list[tuple[Q, str]] = []
    for role, code in ROLE_PROFILE.items():
        if code == "handler":
            who.append((Q(user__role=role, user__date_joined__gte=new_since), "new_handler"))
            who.append((Q(user__role=role, user__date_joined__lt=new_since), code))
        else:
            who.append((Q(user__role=role), code))
    condition = Q(pk__in=[])
    for person, code in who:
        profile = view.profiles.get(code)
        if profile is None:
            continue
        by_required: dict[int, list[str]] = defaultdict(list)
        for item_code, required in profile[2].items():
            if item_code in in_model:
                by_required[int(required)].append(item_code)
        for required, codes in by_required.items():
            condition |= person & Q(item_code__in=sorted(codes), level__lte=required - high)
    return (
        CompetencyLevel.objects.filter(user__in=people.values("pk"))
        .filter(condition)
        .values("user_id")
        .distinct()
        .count()
    )


@dataclass(frozen=True)
class GroupNeeds:
    """Needs of a group (a team or the organisation)."""

    people: list[tuple[User, PersonNeeds]]
    items: tuple[tuple[str, str, str], ...]  # (code, name, dimension)
    common_gaps: list[dict]  # per item: people with a gap >= medium, mean gap, mean current

    def heatmap(self) -> dict:
        """ECharts heat map: people × items, value = gap (None where unassessed)."""
        names = [u.display_name or u.username for u, _n in self.people]
        data = []
        for y, (_u, needs) in enumerate(self.people):
            gaps = {g.item_code: g.gap for g in needs.items}
            for x, (code, _name, _dim) in enumerate(self.items):
                gap = gaps.get(code)
                data.append([x, y, gap if gap is not None else "-"])
        return {"x": [name for _c, name, _d in self.items], "y": names, "data": data}


def group_needs(*, users: list[User], on: dt.date | None = None, live: bool = False) -> GroupNeeds:
    model = current_model()
    view = _model_view(model) if model else _ModelView(0, (), {})
    analysed = [
        (u, n) for u, n in zip(users, needs_many(users=users, on=on, live=live), strict=True) if n.profile
    ]
    by_item: dict[str, list[ItemGap]] = defaultdict(list)
    for _u, n in analysed:
        for g in n.items:
            by_item[g.item_code].append(g)
    common: list[dict[str, Any]] = []
    for code, name, dimension in view.items:
        gaps = by_item[code]
        assessed = [g for g in gaps if g.gap is not None]
        needing = [g for g in assessed if g.priority in ("high", "medium")]
        common.append(
            {
                "item_code": code,
                "name": name,
                "dimension": dimension,
                "people": len(analysed),
                "assessed": len(assessed),
                "needing": len(needing),
                "share": round(len(needing) / len(analysed), 3) if analysed else 0.0,
                "mean_gap": round(sum(g.gap or 0.0 for g in assessed) / len(assessed), 2)
                if assessed
                else None,
                "mean_current": round(sum(g.current or 0.0 for g in assessed) / len(assessed), 2)
                if assessed
                else None,
            }
        )
    common.sort(key=lambda r: (-r["needing"], -(r["mean_gap"] or -9), r["item_code"]))
    return GroupNeeds(people=analysed, items=view.items, common_gaps=common)


# --------------------------------------------------------------------------------------------------
# Career paths


@dataclass(frozen=True)
class Readiness:
    current_profile: ProfileInfo
    next_code: str
    next_name: str
    ready_share: float  # share of items at or above the next role's requirement
    gaps: list[ItemGap]  # items still short of the next role, largest first
    unassessed: int


def career_readiness(*, user: User, on: dt.date | None = None) -> Readiness | None:
    needs = person_needs(user=user, on=on)
    if needs.profile is None or not needs.profile.next_code:
        return None
    model = current_model()
    if model is None:
        return None
    view = _model_view(model)
    nxt = view.profiles.get(needs.profile.next_code)
    if nxt is None:
        return None
    name, _next_next, requirements = nxt
    ready, gaps, unassessed = 0, [], 0
    for g in needs.items:
        required = int(requirements.get(g.item_code, 0))
        if g.current is None:
            unassessed += 1
            continue
        gap = round(required - g.current, 2)
        if gap <= 0.25:
            ready += 1
        else:
            gaps.append(
                ItemGap(
                    g.item_code,
                    g.name,
                    g.dimension,
                    required,
                    g.current,
                    gap,
                    _priority(gap),
                    g.evidence_count,
                )
            )
    gaps.sort(key=lambda g: (-(g.gap or 0), g.item_code))
    total = len(needs.items) or 1
    return Readiness(
        current_profile=needs.profile,
        next_code=needs.profile.next_code,
        next_name=name,
        ready_share=round(ready / total, 3),
        gaps=gaps,
        unassessed=unassessed,
    )


def snapshots_for(*, user: User) -> list:
    from kesu.competency.models import NeedsSnapshot

    return list(NeedsSnapshot.objects.filter(user=user).order_by("taken_on"))
