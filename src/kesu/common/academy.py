"""The academy's pages as its apps declare them, and what the Academy home page shows one person.

Every academy app lists its pages in ``kesu_nav`` on its AppConfig, one ``Tile`` each: label, URL name,
the capabilities that open the page (any of them; None: every signed-in user), the purpose it serves
(the group it appears in), a one-line description and, optionally, live figures. The Academy home page
(``academy:home``, /academy/) shows the tiles the person's role may open, grouped by purpose; the top
bar's Academy link goes there. Adding a page to the academy is an entry in ``kesu_nav``, never an edit
of a template.

A figure names a selector of the owning app, called as ``selector(user=<the signed-in user>)``. It
returns a number, an aware datetime, or None (nothing to show, and the tile shows no figure). The home
page computes every figure of every tile it shows on each visit, so a figure selector must cost at most
two queries whatever the amount of data (no query per row); tests/common/test_academy_home.py measures
each declared one.

A plain ``(label, url name, capability)`` tuple, the older form of an entry, still works: it becomes a
tile without description, in the group its capability suggests.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import Any

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from kesu.accounts.roles import ROLE_CAPS, Cap

log = logging.getLogger(__name__)

Text = str | Promise


class Purpose:
    """The groups of the home page, by what the person comes to do."""

    LEARN = "learn"  # the learner's own plan, courses, exams, record
    PRACTICE = "practice"  # short, repeated practice: daily question, role-play
    CARE = "care"  # emotion diary, pain-point and training feedback surveys
    TEAM = "team"  # the people a supervisor or trainer looks after, and the effect of training
    MANAGE = "manage"  # the trainers' tools: model, question bank, grading, reviews


# In the order the home page shows them.
PURPOSES: tuple[tuple[str, Text], ...] = (
    (Purpose.LEARN, _("My learning")),
    (Purpose.PRACTICE, _("Practice")),
    (Purpose.CARE, _("Care and feedback")),
    (Purpose.TEAM, _("People and results")),
    (Purpose.MANAGE, _("Academy administration")),
)
_PURPOSE_KEYS = frozenset(key for key, _label in PURPOSES)

# Where an old-style (label, url name, capability) entry goes.
_PURPOSE_OF_CAP = {
    Cap.LEARN: Purpose.LEARN,
    Cap.TRAIN_VIEW_TEAM: Purpose.TEAM,
    Cap.TRAIN_VIEW_ALL: Purpose.TEAM,
    Cap.TRAIN_MANAGE: Purpose.MANAGE,
}


@dataclass(frozen=True)
class Figure:
    """A live figure on a tile: ``selector`` is the dotted path of a selector of the owning app."""

    selector: str
    caption: Text
    # A positive value asks the person to act (answers to grade, overdue retraining): shown in red.
    urgent: bool = False


@dataclass(frozen=True)
class Tile:
    label: Text
    url_name: str
    caps: str | tuple[str, ...] | None
    purpose: str = Purpose.LEARN
    description: Text = ""
    figures: tuple[Figure, ...] = ()
    # Position within the group, lowest first; equal positions keep the order of INSTALLED_APPS.
    order: int = 50


@dataclass(frozen=True)
class _Entry:
    tile: Tile
    url: str
    caps: frozenset[str] | None


@dataclass(frozen=True)
class ShownFigure:
    value: Any
    caption: Text
    alert: bool
    is_moment: bool


@dataclass(frozen=True)
class ShownTile:
    label: Text
    description: Text
    url: str
    url_name: str
    figures: tuple[ShownFigure, ...]


@dataclass(frozen=True)
class Group:
    purpose: str
    label: Text
    tiles: tuple[ShownTile, ...]


def _as_tile(entry: Tile | tuple, app_label: str) -> Tile:
    if isinstance(entry, Tile):
        tile = entry
    else:
        label, url_name, cap = entry
        tile = Tile(label, url_name, cap, purpose=_PURPOSE_OF_CAP.get(cap, Purpose.LEARN))
    if tile.purpose not in _PURPOSE_KEYS:
        raise ImproperlyConfigured(
            f"{app_label}.kesu_nav: {tile.url_name} has purpose {tile.purpose!r}; use one of {sorted(_PURPOSE_KEYS)}."
        )
    return tile


@cache
def entries() -> tuple[_Entry, ...]:
    """Every declared academy page whose URL resolves, in home-page order (purpose, then ``order``, then
    INSTALLED_APPS). An entry whose URL does not resolve is left out rather than shown dead."""
    found = []
    for config in apps.get_app_configs():
        for raw in getattr(config, "kesu_nav", ()):
            tile = _as_tile(raw, config.label)
            try:
                url = reverse(tile.url_name)
            except NoReverseMatch:
                continue
            caps = tile.caps
            found.append(
                _Entry(
                    tile, url, None if caps is None else frozenset([caps] if isinstance(caps, str) else caps)
                )
            )
    rank = {key: i for i, (key, _label) in enumerate(PURPOSES)}
    return tuple(sorted(found, key=lambda e: (rank[e.tile.purpose], e.tile.order)))  # sorted() is stable


def visible(user) -> list[_Entry]:
    """The entries the user's role may open (the same capability table as ``kesu.accounts.roles.can``)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    mine = ROLE_CAPS.get(user.role, frozenset())
    return [e for e in entries() if e.caps is None or e.caps & mine]


@cache
def _selector(path: str) -> Callable[..., Any]:
    return import_string(path)


def _figures(figures: Iterable[Figure], user) -> tuple[ShownFigure, ...]:
    shown = []
    for figure in figures:
        try:
            value = _selector(figure.selector)(user=user)
        except Exception:
            # A figure is a convenience on the way in: one that fails must not lock people out of the
            # whole academy. It is logged (and tests call every declared selector directly).
            log.exception("Academy home: figure %s failed", figure.selector)
            continue
        if value is None:
            continue
        is_number = isinstance(value, int | float | Decimal)
        shown.append(
            ShownFigure(
                value=value,
                caption=figure.caption,
                alert=figure.urgent and is_number and value > 0,
                is_moment=isinstance(value, dt.datetime),
            )
        )
    return tuple(shown)


def home_groups(*, user) -> list[Group]:
    """The tiles the user may open, grouped by purpose, with their live figures."""
    by_purpose: dict[str, list[ShownTile]] = {}
    for e in visible(user):
        by_purpose.setdefault(e.tile.purpose, []).append(
            ShownTile(
                label=e.tile.label,
                description=e.tile.description,
                url=e.url,
                url_name=e.tile.url_name,
                figures=_figures(e.tile.figures, user),
            )
        )
    return [Group(key, label, tuple(by_purpose[key])) for key, label in PURPOSES if key in by_purpose]
