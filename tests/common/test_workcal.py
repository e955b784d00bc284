import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from kesu.common import workcal
from kesu.common.models import HolidayOverride

SH = ZoneInfo("Asia/Shanghai")
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    workcal.invalidate_overrides()
    yield
    workcal.invalidate_overrides()


def at(y, m, d, h=0, mi=0):
    return dt.datetime(y, m, d, h, mi, tzinfo=SH)


def test_working_time_skips_evening_and_weekend():
    # Friday 2026-11-20 17:00 + 2 working hours = Monday 2026-11-23 10:00
    assert workcal.add_working_time(at(2026, 11, 20, 17), dt.timedelta(hours=2)) == at(2026, 11, 23, 10)


def test_before_opening_starts_at_opening():
    assert workcal.add_working_time(at(2026, 11, 23, 6), dt.timedelta(hours=1)) == at(2026, 11, 23, 10)


def test_statutory_holiday_is_skipped():
    # National Day: 2026-10-01 to 10-07 are holidays in the published schedule
    assert not workcal.is_workday(dt.date(2026, 10, 1))
    result = workcal.add_working_time(at(2026, 9, 30, 17), dt.timedelta(hours=2))
    assert result.date() > dt.date(2026, 10, 7)


def test_unknown_year_falls_back_to_weekends_and_warns():
    assert workcal.statutory_schedule_known(2026) is True
    assert workcal.schedule_missing(2027) is True
    # 2027-01-01 is a Friday: without a schedule it counts as a working day
    assert workcal.is_workday(dt.date(2027, 1, 1)) is True
    assert workcal.is_workday(dt.date(2027, 1, 2)) is False


def test_administrator_overrides_win():
    HolidayOverride.objects.create(date=dt.date(2027, 1, 1), is_workday=False, name="元旦")
    HolidayOverride.objects.create(date=dt.date(2027, 1, 2), is_workday=True, name="调休上班")
    workcal.invalidate_overrides()
    assert workcal.schedule_missing(2027) is False
    assert workcal.is_workday(dt.date(2027, 1, 1)) is False
    assert workcal.is_workday(dt.date(2027, 1, 2)) is True
    # a deadline set on 2026-12-31 17:00 with 2 working hours lands on the adjusted Saturday
    assert workcal.add_working_time(at(2026, 12, 31, 17), dt.timedelta(hours=2)) == at(2027, 1, 2, 10)


def test_natural_time():
    assert workcal.add_time(at(2026, 11, 21, 22), 0.5, working=False) == at(2026, 11, 21, 22, 30)
