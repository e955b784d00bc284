"""Working-time calendar for SLA deadlines.

Invariants:
- A day is a working day if an administrator's HolidayOverride says so; otherwise chinesecalendar's
  statutory schedule decides; for years it does not know (it raises NotImplementedError), Monday to
  Friday are working days. ``schedule_missing(year)`` tells the UI when that fallback is in force.
- Working time runs between KESU_WORKDAY_START and KESU_WORKDAY_END on working days only.
- All inputs and outputs are timezone-aware; computation happens in the configured local time zone.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from functools import lru_cache

import chinese_calendar
from django.conf import settings
from django.utils import timezone

_overrides_lock = threading.Lock()
_overrides: dict[dt.date, bool] = {}
_overrides_loaded_at = 0.0
_OVERRIDE_TTL = 60.0


def invalidate_overrides() -> None:
    global _overrides_loaded_at
    with _overrides_lock:
        _overrides_loaded_at = 0.0
    _statutory_or_fallback.cache_clear()


def _load_overrides() -> dict[dt.date, bool]:
    global _overrides, _overrides_loaded_at
    now = time.monotonic()
    if now - _overrides_loaded_at < _OVERRIDE_TTL:
        return _overrides
    from kesu.common.models import HolidayOverride

    with _overrides_lock:
        _overrides = dict(HolidayOverride.objects.values_list("date", "is_workday"))
        _overrides_loaded_at = now
    return _overrides


@lru_cache(maxsize=4096)
def _statutory_or_fallback(day: dt.date) -> bool:
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        return day.weekday() < 5


def is_workday(day: dt.date) -> bool:
    overrides = _load_overrides()
    if day in overrides:
        return overrides[day]
    return _statutory_or_fallback(day)


def statutory_schedule_known(year: int) -> bool:
    try:
        chinese_calendar.is_workday(dt.date(year, 6, 1))
        chinese_calendar.is_workday(dt.date(year, 12, 31))
    except NotImplementedError:
        return False
    return True


def schedule_missing(year: int) -> bool:
    """True when neither chinesecalendar nor an administrator has provided ``year``'s holidays."""
    if statutory_schedule_known(year):
        return False
    from kesu.common.models import HolidayOverride

    return not HolidayOverride.objects.filter(date__year=year).exists()


def _parse_hm(value: str) -> dt.time:
    h, m = value.split(":")
    return dt.time(int(h), int(m))


def _day_bounds(day: dt.date, tz: dt.tzinfo) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime.combine(day, _parse_hm(settings.KESU_WORKDAY_START), tzinfo=tz)
    end = dt.datetime.combine(day, _parse_hm(settings.KESU_WORKDAY_END), tzinfo=tz)
    return start, end


def add_working_time(start: dt.datetime, duration: dt.timedelta) -> dt.datetime:
    """Return the moment ``duration`` of working time after ``start``."""
    tz = timezone.get_default_timezone()
    cursor = timezone.localtime(start, tz)
    remaining = duration
    # 3660 days is ten years of calendar: far beyond any SLA, it only guards against a calendar with
    # no working days at all.
    for _ in range(3660):
        day = cursor.date()
        if is_workday(day):
            day_start, day_end = _day_bounds(day, tz)
            if cursor < day_start:
                cursor = day_start
            if cursor < day_end:
                available = day_end - cursor
                if remaining <= available:
                    return cursor + remaining
                remaining -= available
        cursor = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0, 0), tzinfo=tz)
    raise ValueError("calendar has no working time within ten years")


def add_time(start: dt.datetime, hours: float, *, working: bool) -> dt.datetime:
    duration = dt.timedelta(hours=hours)
    return add_working_time(start, duration) if working else start + duration
