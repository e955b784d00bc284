import datetime as dt

import pytest
from django.test import RequestFactory

from kesu.common import clock, workcal
from kesu.common.context_processors import kesu
from kesu.common.models import HolidayOverride

pytestmark = pytest.mark.django_db


def _ctx(user):
    request = RequestFactory().get("/")
    request.user = user
    return kesu(request)


def test_december_warning_for_administrators_when_next_year_unknown(admin_user, handler):
    workcal.invalidate_overrides()
    with clock.frozen_at(dt.datetime(2026, 12, 1, 9, tzinfo=dt.UTC)):
        assert "2027" in str(_ctx(admin_user)["calendar_warning"])
        assert _ctx(handler)["calendar_warning"] is None
    with clock.frozen_at(dt.datetime(2026, 11, 30, 9, tzinfo=dt.UTC)):
        assert _ctx(admin_user)["calendar_warning"] is None


def test_warning_disappears_once_holidays_are_entered(admin_user):
    HolidayOverride.objects.create(date=dt.date(2027, 2, 6), is_workday=False, name="春节")
    with clock.frozen_at(dt.datetime(2026, 12, 1, 9, tzinfo=dt.UTC)):
        assert _ctx(admin_user)["calendar_warning"] is None
