"""Team trends: supervisors see only aggregated counts of their own department, and nothing to which
fewer than five distinct people contributed (k-anonymity)."""

import datetime as dt

import pytest
from django.urls import reverse

from kesu.common import clock
from kesu.common.errors import NotPermitted
from kesu.wellbeing import selectors, services
from tests.conftest import make_user
from tests.wellbeing.conftest import NOW, client_for

pytestmark = pytest.mark.django_db

THIS_WEEK = dt.date(2026, 11, 16)
LAST_WEEK = dt.date(2026, 11, 9)


def write(user, *, at=NOW, emotion="anxiety", intensity=3, triggers=("deadline",)):
    with clock.frozen_at(at):
        services.diary_entry_create(
            user=user, emotion=emotion, intensity=intensity, triggers=list(triggers), what_happened="私密内容"
        )


@pytest.fixture
def five(team):
    return [make_user(f"h{i}", "handler", team) for i in range(5)]


def week(trends, start):
    return next(w for w in trends.weeks if w.week == start)


def test_four_people_show_nothing_at_all(team, supervisor, five):
    for u in five[:4]:
        write(u)
        write(u, at=NOW - dt.timedelta(days=1))
    t = selectors.team_trends(viewer=supervisor, weeks=4)
    assert t.suppressed is True
    assert t.people == 0
    assert t.triggers == [] and t.hidden_triggers == 0
    assert all(w.suppressed and w.entries == 0 and not w.by_emotion for w in t.weeks)

    page = client_for(supervisor).get(reverse("wellbeing:team")).content.decode()
    assert 'id="trends-suppressed"' in page
    assert "at least 5 different people" in page


def test_five_people_show_counts_and_small_weeks_and_triggers_stay_hidden(team, supervisor, five):
    for i, u in enumerate(five):
        write(
            u,
            intensity=i + 1,
            emotion="anger" if i < 2 else "anxiety",
            triggers=["deadline", "abuse"][: 1 + (i == 0)],
        )
    write(five[0], at=NOW - dt.timedelta(days=7))  # last week: one person only
    t = selectors.team_trends(viewer=supervisor, weeks=4)
    assert (t.suppressed, t.people) == (False, 5)
    now = week(t, THIS_WEEK)
    assert (now.suppressed, now.people, now.entries, now.avg_intensity) == (False, 5, 5, 3.0)
    assert dict(now.by_emotion) == {"anger": 2, "anxiety": 3}
    last = week(t, LAST_WEEK)
    assert (last.suppressed, last.entries, last.people) == (True, 0, 0)
    assert [(c.code, c.count, c.people) for c in t.triggers] == [("deadline", 6, 5)]
    assert t.hidden_triggers == 1  # "abuse": one person


def test_entries_count_where_the_person_worked_when_writing(team, other_team, five):
    for u in five:
        write(u)
    mover = five[0]
    mover.department = other_team
    mover.save()
    t = selectors.team_trends(viewer=make_user("sup", "supervisor", team), weeks=4)
    assert t.people == 5


def test_supervisors_see_their_own_department_only(team, other_team, supervisor, five):
    for u in five:
        write(u)
    with pytest.raises(NotPermitted):
        selectors.team_trends(viewer=supervisor, department_id=other_team.pk)
    assert (
        client_for(supervisor).get(reverse("wellbeing:team"), {"department": other_team.pk}).status_code
        == 403
    )


def test_trainers_may_choose_any_department(team, trainer, five):
    for u in five:
        write(u)
    page = client_for(trainer).get(reverse("wellbeing:team"), {"department": team.pk, "weeks": 12})
    assert page.status_code == 200
    body = page.content.decode()
    assert 'id="team-weeks"' in body and "私密内容" not in body


@pytest.mark.parametrize("role", ["handler", "senior_handler", "liaison", "pr_officer"])
def test_people_without_team_view_get_no_team_trends(team, role, five):
    for u in five:
        write(u)
    viewer = make_user("viewer", role, team)
    with pytest.raises(NotPermitted):
        selectors.team_trends(viewer=viewer)
    assert client_for(viewer).get(reverse("wellbeing:team")).status_code == 403


def test_min_group_is_a_setting(team, supervisor, five, settings):
    settings.KESU_WELLBEING_MIN_GROUP = 6
    for u in five:
        write(u)
    assert selectors.team_trends(viewer=supervisor, weeks=4).suppressed is True
