"""The wellbeing app's settings, each overridable in Django settings (tests use the ``settings`` fixture).

KESU_WELLBEING_STREAK_ENTRIES   heavy entries that make a streak (default 3)
KESU_WELLBEING_STREAK_DAYS      ... within this many days (default 7)
KESU_WELLBEING_HEAVY_INTENSITY  an entry is heavy from this intensity on (default 4, scale 1–5)
KESU_WELLBEING_MIN_GROUP        team trends show a figure only when at least this many distinct people
                                contributed to it (k-anonymity; default 5, never below 2)
"""

from __future__ import annotations

from django.conf import settings


def streak_entries() -> int:
    return max(1, int(getattr(settings, "KESU_WELLBEING_STREAK_ENTRIES", 3)))


def streak_days() -> int:
    return max(1, int(getattr(settings, "KESU_WELLBEING_STREAK_DAYS", 7)))


def heavy_intensity() -> int:
    return min(5, max(1, int(getattr(settings, "KESU_WELLBEING_HEAVY_INTENSITY", 4))))


def min_group() -> int:
    return max(2, int(getattr(settings, "KESU_WELLBEING_MIN_GROUP", 5)))
