"""What plans reads from the other academy apps, through the functions fixed in docs/academy.md only.

``person_needs`` and ``item_labels`` (competency), ``courses_for_items`` and ``completed_courses``
(training) are turned into the plain rows below, so the generator and its tests depend on this module and not on the other
apps' classes. An app that is not installed yet (or a function it does not offer yet) reads as "no
data": no needs, no courses, nothing completed — never as an error on a plans page.
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

PRIORITY_ORDER = {"high": 0, "medium": 1, "low": 2, "unknown": 3, "none": 4}


@dataclass(frozen=True)
class NeedRow:
    code: str
    name: str
    required: Decimal | None
    current: Decimal | None
    gap: Decimal
    priority: str  # high / medium / low / unknown / none
    dim: str = ""

    @property
    def dimension(self) -> str:
        return self.dim or dimension_of(self.code)


@dataclass(frozen=True)
class Needs:
    profile_code: str
    profile_name: str
    model_version: int | None
    rows: tuple[NeedRow, ...]


@dataclass(frozen=True)
class CourseRow:
    code: str
    title: str
    method: str


def dimension_of(code: str) -> str:
    """knowledge / skill / attitude, from the stable item code's prefix (docs/academy.md)."""
    if code.startswith("know_"):
        return "knowledge"
    if code.startswith("skill_"):
        return "skill"
    if code.startswith("att_"):
        return "attitude"
    return ""


def _function(module: str, name: str) -> Callable[..., Any] | None:
    try:
        return getattr(importlib.import_module(module), name, None)
    except ImportError:
        return None


def _get(obj: Any, *names: str, default: Any = None) -> Any:
    for name in names:
        if isinstance(obj, dict) and name in obj:
            return obj[name]
        if hasattr(obj, name):
            return getattr(obj, name)
    return default


def _level(value: Any) -> Decimal | None:
    if value is None:
        return None
    return Decimal(str(round(float(value), 1)))


def needs_from(raw: Any) -> Needs:
    """Rows of a ``kesu.competency.selectors.PersonNeeds``. An unassessed item (no current level, gap
    None, priority ``unknown``) has no gap to plan: it is to be assessed first."""
    rows = []
    for item in raw.items:
        current = _level(item.current)
        rows.append(
            NeedRow(
                code=item.item_code,
                name=item.name,
                required=_level(item.required),
                current=current,
                gap=max(Decimal("0"), _level(item.gap) or Decimal("0")),
                priority=item.priority,
                dim=item.dimension,
            )
        )
    return Needs(
        profile_code=raw.profile.code if raw.profile else "",
        profile_name=raw.profile.name if raw.profile else "",
        model_version=raw.model_number or None,
        rows=tuple(rows),
    )


def person_needs(user: Any) -> Needs | None:
    fn = _function("kesu.competency.selectors", "person_needs")
    return needs_from(fn(user=user)) if fn else None


def item_labels() -> dict[str, str]:
    fn = _function("kesu.competency.selectors", "item_labels")
    return dict(fn()) if fn else {}


def course_row(course: Any) -> CourseRow:
    """A course of the catalogue; its method is the course's own, else its first module's."""
    method = _get(course, "method", default="")
    if not method and hasattr(course, "modules"):
        method = course.modules.order_by("order", "id").values_list("method", flat=True).first() or ""
    return CourseRow(
        code=str(_get(course, "code", default="")),
        title=str(_get(course, "title", "name", default="") or ""),
        method=str(method or ""),
    )


CourseFinder = Callable[..., Iterable[Any]]


def courses_for_items(item_codes: list[str], *, finder: CourseFinder | None = None) -> list[CourseRow]:
    fn = finder or _function("kesu.training.selectors", "courses_for_items")
    if fn is None:
        return []
    return [course_row(c) for c in fn(item_codes=item_codes)]


def completed_courses(user: Any) -> dict[str, dt.datetime | None]:
    """Course code → when the person completed it (None when the catalogue does not say)."""
    fn = _function("kesu.training.selectors", "completed_courses")
    if fn is None:
        return {}
    out: dict[str, dt.datetime | None] = {}
    for entry in fn(user):
        if isinstance(entry, str):
            out[entry] = None
            continue
        course = _get(entry, "course", default=entry)
        code = course if isinstance(course, str) else _get(course, "code")
        if code:
            out[str(code)] = _get(entry, "completed_at", "completed_on", default=None)
    return out
