"""Writes of the competency app: model versions, evidence, supervisor ratings, desk evidence, snapshots.

Invariants:
- Exactly one model version is published; trainers edit a draft (a copy of the published version) and
  publishing it archives the previous one. Published and archived versions are never edited, so an
  analysis or plan made under version N stays explainable (``NeedsSnapshot`` and plans keep N).
- Evidence is idempotent per (user, source, ref, item_code): ``evidence_record`` updates the row when the
  same observation is recorded again (an exam re-graded, a month's desk KPIs recomputed).
- Desk evidence for a month is a pure function of that month's complaints and the active ``KpiRule``
  rows; ``desk_evidence_refresh`` replaces the month's desk rows, so re-running it is harmless.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kesu.accounts.models import User
from kesu.accounts.roles import Cap, can
from kesu.common import clock
from kesu.common.errors import NotFound, NotPermitted, TransitionRefused, ValidationFailed
from kesu.competency import desk_kpis
from kesu.competency.content import ITEM_CODES
from kesu.competency.models import (
    LEVELS,
    CompetencyItem,
    CompetencyLevel,
    CompetencyModel,
    Dimension,
    Evidence,
    KpiRule,
    NeedsSnapshot,
    RoleProfile,
)


def _require_trainer(user: User) -> None:
    if not can(user, Cap.TRAIN_MANAGE):
        raise NotPermitted(_("Only trainers may change the competency model."))


# --------------------------------------------------------------------------------------------------
# Model versions


@transaction.atomic
def model_draft_create(*, by: User, note: str = "") -> CompetencyModel:
    """A draft copy of the published version (or the existing draft: one draft at a time)."""
    _require_trainer(by)
    existing = CompetencyModel.objects.filter(status=CompetencyModel.Status.DRAFT).first()
    if existing is not None:
        return existing
    source = (
        CompetencyModel.objects.select_for_update().filter(status=CompetencyModel.Status.PUBLISHED).first()
    )
    if source is None:
        raise NotFound(_("There is no published competency model to start from."))
    last = CompetencyModel.objects.order_by("-number").values_list("number", flat=True).first() or 0
    draft = CompetencyModel.objects.create(
        number=last + 1,
        label=source.label,
        status=CompetencyModel.Status.DRAFT,
        note=note[:300],
        created_by=by,
        created_at=clock.now(),
    )
    CompetencyItem.objects.bulk_create(
        CompetencyItem(
            model=draft,
            code=i.code,
            dimension=i.dimension,
            name=i.name,
            description=i.description,
            levels=i.levels,
            order=i.order,
        )
        for i in source.items.all()
    )
    RoleProfile.objects.bulk_create(
        RoleProfile(
            model=draft,
            code=p.code,
            name=p.name,
            description=p.description,
            next_code=p.next_code,
            requirements=p.requirements,
            order=p.order,
        )
        for p in source.profiles.all()
    )
    return draft


def _draft_item(model_id: int, code: str) -> CompetencyItem:
    try:
        item = CompetencyItem.objects.select_related("model").get(model_id=model_id, code=code)
    except CompetencyItem.DoesNotExist:
        raise NotFound(_("No such competency item.")) from None
    if item.model.status != CompetencyModel.Status.DRAFT:
        raise TransitionRefused(_("Only a draft version can be edited; start a new draft first."))
    return item


@transaction.atomic
def item_update(
    *, by: User, model_id: int, code: str, name: str, description: str, levels: dict[str, list[str]]
) -> CompetencyItem:
    _require_trainer(by)
    item = _draft_item(model_id, code)
    name = (name or "").strip()
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = _("Enter a name.")
    elif len(name) > 60:
        errors["name"] = _("At most 60 characters.")
    cleaned: dict[str, list[str]] = {}
    for level in LEVELS:
        lines = [s.strip()[:200] for s in levels.get(str(level), []) if s and s.strip()]
        if not lines:
            errors[f"level_{level}"] = _("Describe at least one behaviour for level %(level)s.") % {
                "level": level
            }
        cleaned[str(level)] = lines
    if errors:
        raise ValidationFailed(_("The item could not be saved."), details=errors)
    item.name, item.description, item.levels = name, (description or "").strip()[:2000], cleaned
    item.save(update_fields=["name", "description", "levels"])
    return item


@transaction.atomic
def item_add(*, by: User, model_id: int, code: str, dimension: str, name: str) -> CompetencyItem:
    """A new item in the draft. Its code is permanent: other apps tag questions and courses with it."""
    _require_trainer(by)
    model = CompetencyModel.objects.filter(pk=model_id, status=CompetencyModel.Status.DRAFT).first()
    if model is None:
        raise TransitionRefused(_("Only a draft version can be edited; start a new draft first."))
    code = (code or "").strip().lower()
    errors = {}
    if not code or not code.replace("_", "").isalnum() or not code.isascii() or len(code) > 40:
        errors["code"] = _("Use lower-case letters, digits and underscores (at most 40).")
    elif model.items.filter(code=code).exists():
        errors["code"] = _("This code is already used.")
    if dimension not in Dimension.values:
        errors["dimension"] = _("Choose a dimension.")
    if not (name or "").strip():
        errors["name"] = _("Enter a name.")
    if errors:
        raise ValidationFailed(_("The item could not be added."), details=errors)
    order = (model.items.order_by("-order").values_list("order", flat=True).first() or 0) + 1
    return CompetencyItem.objects.create(
        model=model,
        code=code,
        dimension=dimension,
        name=name.strip()[:60],
        levels={str(level): [_("To be described")] for level in LEVELS},
        order=order,
    )


@transaction.atomic
def profile_update(
    *, by: User, model_id: int, code: str, requirements: dict[str, int], next_code: str | None = None
) -> RoleProfile:
    _require_trainer(by)
    try:
        profile = RoleProfile.objects.select_related("model").get(model_id=model_id, code=code)
    except RoleProfile.DoesNotExist:
        raise NotFound(_("No such role profile.")) from None
    if profile.model.status != CompetencyModel.Status.DRAFT:
        raise TransitionRefused(_("Only a draft version can be edited; start a new draft first."))
    codes = set(profile.model.items.values_list("code", flat=True))
    errors = {}
    cleaned = {}
    for item_code, raw in requirements.items():
        if item_code not in codes:
            errors[item_code] = _("Unknown item.")
            continue
        try:
            level = int(raw)
        except (TypeError, ValueError):
            level = 0
        if level not in LEVELS:
            errors[item_code] = _("Choose a level from 1 to 5.")
        cleaned[item_code] = level
    if next_code is not None and next_code and not profile.model.profiles.filter(code=next_code).exists():
        errors["next_code"] = _("Unknown role profile.")
    if errors:
        raise ValidationFailed(_("The profile could not be saved."), details=errors)
    profile.requirements = {**profile.requirements, **cleaned}
    fields = ["requirements"]
    if next_code is not None:
        profile.next_code = next_code
        fields.append("next_code")
    profile.save(update_fields=fields)
    return profile


@transaction.atomic
def model_publish(*, by: User, model_id: int, note: str = "") -> CompetencyModel:
    _require_trainer(by)
    model = CompetencyModel.objects.select_for_update().filter(pk=model_id).first()
    if model is None:
        raise NotFound(_("No such competency model version."))
    if model.status != CompetencyModel.Status.DRAFT:
        raise TransitionRefused(_("Only a draft can be published."))
    if not model.items.exists() or not model.profiles.exists():
        raise ValidationFailed(_("A version needs items and role profiles before it can be published."))
    CompetencyModel.objects.filter(status=CompetencyModel.Status.PUBLISHED).update(
        status=CompetencyModel.Status.ARCHIVED
    )
    model.status = CompetencyModel.Status.PUBLISHED
    model.published_at = clock.now()
    model.published_by = by
    if note:
        model.note = note[:300]
    model.save(update_fields=["status", "published_at", "published_by", "note"])
    return model


@transaction.atomic
def model_draft_discard(*, by: User, model_id: int) -> None:
    _require_trainer(by)
    deleted, _detail = CompetencyModel.objects.filter(
        pk=model_id, status=CompetencyModel.Status.DRAFT
    ).delete()
    if not deleted:
        raise TransitionRefused(_("Only a draft can be discarded."))


# --------------------------------------------------------------------------------------------------
# Evidence


def _known_codes() -> set[str]:
    codes = set(CompetencyItem.objects.values_list("code", flat=True).distinct())
    return codes or set(ITEM_CODES)


def evidence_record(
    *,
    user: User,
    item_code: str,
    level: float,
    source: str,
    ref: str,
    observed_on: dt.date,
    weight: float = 1.0,
    note: str = "",
    recorded_by: User | None = None,
) -> Evidence:
    """Record (or update) one observation. Idempotent per (user, source, ref, item_code)."""
    if source not in Evidence.Source.values:
        raise ValidationFailed(_("Unknown evidence source."), details={"source": source})
    if item_code not in _known_codes():
        raise ValidationFailed(_("Unknown competency item."), details={"item_code": item_code})
    try:
        level = float(level)
        weight = float(weight)
    except (TypeError, ValueError):
        raise ValidationFailed(_("Level and weight must be numbers.")) from None
    if not 1 <= level <= 5:
        raise ValidationFailed(_("A level is between 1 and 5."), details={"level": level})
    if weight <= 0:
        raise ValidationFailed(_("The weight must be positive."), details={"weight": weight})
    with transaction.atomic():
        row, _created = Evidence.objects.update_or_create(
            user=user,
            source=source,
            ref=ref[:120],
            item_code=item_code,
            defaults={
                "level": round(level, 2),
                "weight": weight,
                "observed_on": observed_on,
                "note": (note or "")[:300],
                "recorded_by": recorded_by,
                "recorded_at": clock.now(),
            },
        )
        levels_refresh(user_ids=[user.pk], item_codes=[item_code])
    return row


def levels_refresh(*, user_ids: list[int] | None = None, item_codes: list[str] | None = None) -> int:
    """Recompute the kept levels (``CompetencyLevel``) of these people (everyone when None) from their
    evidence as of today; with ``item_codes``, only those items. Returns the rows written."""
    from kesu.accounts.models import User as UserModel
    from kesu.competency.selectors import levels_from_evidence

    today = timezone.localdate(clock.now())
    if user_ids is None:
        user_ids = list(
            UserModel.objects.filter(evidence__isnull=False).distinct().values_list("pk", flat=True)
        )
    written = 0
    for i in range(0, len(user_ids), 500):
        chunk = user_ids[i : i + 500]
        levels = levels_from_evidence(user_ids=chunk, on=today, item_codes=item_codes)
        with transaction.atomic():
            stale = CompetencyLevel.objects.filter(user_id__in=chunk)
            if item_codes is not None:
                stale = stale.filter(item_code__in=item_codes)
            stale.delete()
            rows = [
                CompetencyLevel(user_id=uid, item_code=code, level=level, evidence_count=count, as_of=today)
                for uid, items in levels.items()
                for code, (level, count) in items.items()
                if item_codes is None or code in item_codes
            ]
            CompetencyLevel.objects.bulk_create(rows, batch_size=2000)
            written += len(rows)
    return written


@transaction.atomic
def rating_record(*, by: User, person: User, ratings: dict[str, int], note: str = "") -> list[Evidence]:
    """A supervisor's (or trainer's) rating of a person on some items: evidence of source ``rating``.
    One rating per rater, person and day per item (rating again the same day corrects it)."""
    from kesu.competency.selectors import may_view_person

    if person.pk == by.pk:
        raise NotPermitted(_("You cannot rate yourself."))
    if not (can(by, Cap.TRAIN_MANAGE) or can(by, Cap.TRAIN_VIEW_TEAM)) or not may_view_person(by, person):
        raise NotPermitted(_("You may not rate this person."))
    errors = {}
    for code, level in ratings.items():
        if code not in _known_codes():
            errors[code] = _("Unknown item.")
        elif level not in LEVELS:
            errors[code] = _("Choose a level from 1 to 5.")
    if not ratings:
        errors["ratings"] = _("Rate at least one item.")
    if errors:
        raise ValidationFailed(_("The rating could not be saved."), details=errors)
    today = timezone.localdate(clock.now())
    return [
        evidence_record(
            user=person,
            item_code=code,
            level=level,
            source=Evidence.Source.RATING,
            ref=f"rating:{by.pk}:{today.isoformat()}",
            observed_on=today,
            weight=1.5,
            note=note,
            recorded_by=by,
        )
        for code, level in sorted(ratings.items())
    ]


@transaction.atomic
def kpi_rules_save(*, by: User, rows: list[dict]) -> None:
    """Update, add or delete desk-KPI rules in one go; nothing is saved if any row is invalid."""
    _require_trainer(by)
    errors: dict[str, str] = {}
    codes = _known_codes()
    for n, row in enumerate(rows):
        key = str(row.get("id") or f"new{n}")
        if row.get("delete"):
            continue
        try:
            row["poor_value"] = float(row["poor_value"])
            row["excellent_value"] = float(row["excellent_value"])
            row["weight"] = float(row["weight"])
            row["min_cases"] = int(row["min_cases"])
        except (KeyError, TypeError, ValueError):
            errors[key] = _("Values, weight and minimum cases must be numbers.")
            continue
        if row["poor_value"] == row["excellent_value"]:
            errors[key] = _("The values at level 1 and level 5 must differ.")
        elif row["weight"] <= 0 or row["min_cases"] < 1:
            errors[key] = _("The weight must be positive and the minimum at least 1.")
        if row.get("id") is None:
            if row.get("kpi") not in KpiRule.Kpi.values or row.get("item_code") not in codes:
                errors[key] = _("Choose a KPI and a competency item.")
            elif KpiRule.objects.filter(kpi=row["kpi"], item_code=row["item_code"]).exists():
                errors[key] = _("This KPI already counts for this item.")
    if errors:
        raise ValidationFailed(_("The rules could not be saved."), details=errors)
    for row in rows:
        if row.get("id") is not None:
            qs = KpiRule.objects.filter(pk=row["id"])
            if row.get("delete"):
                qs.delete()
                continue
            qs.update(
                poor_value=row["poor_value"],
                excellent_value=row["excellent_value"],
                weight=row["weight"],
                min_cases=row["min_cases"],
                active=bool(row.get("active")),
            )
        elif not row.get("delete"):
            KpiRule.objects.create(
                kpi=row["kpi"],
                item_code=row["item_code"],
                poor_value=row["poor_value"],
                excellent_value=row["excellent_value"],
                weight=row["weight"],
                min_cases=row["min_cases"],
            )


def _month_bounds(month: dt.date) -> tuple[dt.datetime, dt.datetime]:
    first = month.replace(day=1)
    nxt = (first + dt.timedelta(days=32)).replace(day=1)
    tz = timezone.get_current_timezone()
    return (
        dt.datetime.combine(first, dt.time.min, tzinfo=tz),
        dt.datetime.combine(nxt, dt.time.min, tzinfo=tz),
    )


@transaction.atomic
def desk_evidence_refresh(*, month: dt.date, refresh_levels: bool = True) -> int:
    """Turn one calendar month of desk KPIs into evidence (source ``desk``, ref ``desk:<kpi>:<YYYY-MM>``)
    for every handler with enough cases; replaces that month's desk evidence. Returns rows written."""
    start, end = _month_bounds(month)
    tag = start.strftime("%Y-%m")
    last_day = (end - dt.timedelta(days=1)).date()
    rules = list(KpiRule.objects.filter(active=True))
    month_rows = Evidence.objects.filter(source=Evidence.Source.DESK, ref__endswith=f":{tag}")
    affected = set(month_rows.values_list("user_id", flat=True).distinct())
    month_rows.delete()
    kpis = desk_kpis.handler_months(start=start, end=end)
    now = clock.now()
    rows = []
    for user_id, month_kpis in kpis.items():
        for rule in rules:
            value, cases = desk_kpis.rule_value(month_kpis, rule.kpi)
            if value is None or cases < rule.min_cases:
                continue
            rows.append(
                Evidence(
                    user_id=user_id,
                    item_code=rule.item_code,
                    source=Evidence.Source.DESK,
                    ref=f"desk:{rule.kpi}:{tag}",
                    level=rule.level_for(value),
                    weight=rule.weight,
                    observed_on=last_day,
                    note=f"{rule.kpi}={round(value, 4):g} (n={cases})",
                    recorded_at=now,
                )
            )
    Evidence.objects.bulk_create(rows, batch_size=2000)
    if refresh_levels:  # a caller refreshing several months refreshes the kept levels once at the end
        levels_refresh(user_ids=sorted(set(kpis) | affected))
    return len(rows)


def needs_snapshot_take(*, user: User, on: dt.date | None = None) -> NeedsSnapshot | None:
    """Keep today's analysis of the person (one per day; taken again the same day it is replaced)."""
    from kesu.competency.selectors import person_needs

    needs = person_needs(user=user, on=on)
    if needs.profile is None:
        return None
    on = on or timezone.localdate(clock.now())
    snap, _created = NeedsSnapshot.objects.update_or_create(
        user=user,
        taken_on=on,
        defaults={
            "model_number": needs.model_number,
            "profile_code": needs.profile.code,
            "data": {
                g.item_code: {"required": g.required, "current": g.current, "gap": g.gap} for g in needs.items
            },
        },
    )
    return snap
