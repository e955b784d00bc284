import datetime as dt

import pytest

from kesu.accounts.models import Department
from kesu.common import clock
from kesu.training import selectors, services
from kesu.training.models import TrainingRecord
from tests.conftest import make_user
from tests.training.factories import course

pytestmark = pytest.mark.django_db


def _record(user, c, day):
    return TrainingRecord.objects.create(
        user=user,
        course=c,
        hours=c.hours,
        completed_on=day,
        source="session",
        source_ref=f"t:{user.pk}:{c.pk}:{day}",
    )


def test_courses_for_items_best_match_first_published_only(empty_catalogue):
    course("A-1", item_codes=["know_law"])
    course("A-2", item_codes=["know_law", "att_empathy"])
    course("A-3", item_codes=["know_law", "att_empathy", "know_crisis", "skill_learning"])
    course("A-4", item_codes=["know_law", "att_empathy"], status="draft")
    course("A-5", item_codes=["know_product"])
    course("A-6", item_codes=["know_law", "att_empathy"], track="advanced")

    found = selectors.courses_for_items(item_codes=["know_law", "att_empathy"])
    assert [c.code for c in found] == ["A-2", "A-6", "A-3", "A-1"]
    assert [c.code for c in selectors.courses_for_items(item_codes=["know_law"], track="advanced")] == ["A-6"]
    assert selectors.courses_for_items(item_codes=[]) == []


def test_module_for_micro_returns_short_unfinished_matching_modules(empty_catalogue, handler):
    c = course(
        "M-1",
        item_codes=["att_patience"],
        modules=(("短", "online", 5), ("长", "online", 20), ("又短", "online", 3)),
    )
    course("M-2", item_codes=["know_law"], modules=(("法", "online", 5),))
    short, _long, other = c.modules.all()
    services.module_complete(user=handler, module=other)

    assert selectors.module_for_micro(handler, ["att_patience"]) == [short]


def test_coverage_per_role_and_department(team, handler, senior, supervisor):
    store = Department.objects.get(code="legal")
    liaison = make_user("liaison_x", "liaison", store)
    make_user("trainer_x", "trainer", None)  # trainers teach: not counted either
    make_user("audit_x", "auditor", None)  # does not take part in training: not counted
    c = course("COV-1")
    _record(handler, c, dt.date(2026, 3, 1))
    _record(liaison, c, dt.date(2026, 5, 1))
    _record(senior, c, dt.date(2025, 12, 31))  # last year: not this year's coverage

    with clock.frozen_at(dt.datetime(2026, 11, 23, 8, tzinfo=dt.UTC)):
        cov = selectors.coverage()

    assert (cov.start, cov.end, cov.people, cov.covered) == (dt.date(2026, 1, 1), dt.date(2026, 12, 31), 4, 2)
    assert [(r.key, r.people, r.covered, r.percent) for r in cov.by_role] == [
        ("handler", 1, 1, 100.0),
        ("senior_handler", 1, 0, 0.0),
        ("supervisor", 1, 0, 0.0),
        ("liaison", 1, 1, 100.0),
    ]
    by_dept = {r.key: (r.people, r.covered) for r in cov.by_department}
    assert by_dept == {"complaints": (3, 1), "legal": (1, 1)}
    team_only = selectors.coverage(start=dt.date(2025, 1, 1), end=dt.date(2025, 12, 31), department=team)
    assert (team_only.people, team_only.covered, team_only.percent) == (3, 1, 33.3)
