"""The high-priority-gap counts on the Academy home page's tiles agree with the pages they open: the
needs analysis list (kept levels, one counting query) and My growth (the person's own analysis)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kesu.accounts.models import Department
from kesu.accounts.roles import Role
from kesu.competency import selectors, services
from kesu.competency.models import RoleProfile
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def _joined(days_ago: int) -> dt.datetime:
    day = timezone.localdate() - dt.timedelta(days=days_ago)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(12)))


def _level(user, code: str, level: float) -> None:
    services.evidence_record(
        user=user, item_code=code, level=level, source="rating", ref="t:1", observed_on=timezone.localdate()
    )


def _high_on_the_page(viewer) -> int:
    client = Client()
    client.force_login(viewer)
    return sum(1 for row in client.get(reverse("competency:people")).context["rows"] if row["high"])


def test_people_with_high_gaps_matches_the_needs_analysis_list(team, supervisor):
    req = {p.code: p.requirements for p in RoleProfile.objects.filter(model__status="published")}
    # know_law asks more of a handler than of a new handler: the same level is a high gap for one only.
    assert req["handler"]["know_law"] - req["new_handler"]["know_law"] >= 1
    legal = Department.objects.get(code="legal")
    veteran = make_user("veteran", Role.HANDLER, team, date_joined=_joined(180))  # a handler
    fresh = make_user("fresh", Role.HANDLER, team, date_joined=_joined(179))  # still a new handler
    edge = make_user("edge", Role.SENIOR_HANDLER, team, date_joined=_joined(400))
    near = make_user("near", Role.SENIOR_HANDLER, team, date_joined=_joined(400))
    outsider = make_user("outsider", Role.HANDLER, legal, date_joined=_joined(400))
    make_user("unassessed", Role.HANDLER, team, date_joined=_joined(400))
    trainer = make_user("trainer1", Role.TRAINER, None)
    law = req["handler"]["know_law"] - 1.5
    _level(veteran, "know_law", law)
    _level(fresh, "know_law", law)
    senior = req["senior_handler"]
    _level(edge, "att_integrity", senior["att_integrity"] - 1.5)  # exactly the high step
    _level(edge, "att_service", senior["att_service"] - 1.5)  # a second one: still one person
    _level(near, "att_integrity", senior["att_integrity"] - 1.49)  # just short of it
    _level(outsider, "know_law", law)

    assert selectors.profile_code_for(fresh) == "new_handler"
    assert selectors.profile_code_for(veteran) == "handler"
    assert selectors.people_with_high_gaps_count(user=supervisor) == 2  # veteran, edge
    assert selectors.people_with_high_gaps_count(user=trainer) == 3  # and the outsider
    assert _high_on_the_page(supervisor) == 2
    assert _high_on_the_page(trainer) == 3


def test_a_learner_without_a_team_role_analyses_nobody(handler):
    _level(handler, "know_law", 1)

    assert selectors.people_with_high_gaps_count(user=handler) == 0


def test_own_high_gap_count_is_my_growths(handler):
    req = RoleProfile.objects.get(model__status="published", code="new_handler").requirements
    _level(handler, "att_patience", req["att_patience"] - 2)
    _level(handler, "att_service", req["att_service"] - 1)

    needs = selectors.person_needs(user=handler)

    assert selectors.high_gap_count(user=handler) == 1
    assert [g.item_code for g in needs.items if g.priority == "high"] == ["att_patience"]


def test_no_own_count_without_a_role_profile(db):
    assert selectors.high_gap_count(user=make_user("t", Role.TRAINER, None)) is None
