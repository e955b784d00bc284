"""Monthly review: per course completed in the month, L1, L2 gain and the KPIs its items relate to,
with the "moved nothing" flag. The training and exams data come from stand-ins for their apps."""

from decimal import Decimal

import pytest

from kesu.accounts.roles import Role
from kesu.common import clock
from kesu.effectiveness import selectors, services, sources
from tests.complaints.history import at, close, new, resolve
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def cohort(team, supervisor, monkeypatch):
    """Three handlers who completed two courses in October 2026 (two of them a third one). Before
    (September) every customer was unsatisfied (2); after (November) every one was satisfied (5);
    handling took 4 h both times."""
    people = [make_user(f"rv{i}", Role.HANDLER, team) for i in range(3)]
    for p in people:
        c = new(p, p, at(9, 10), supervisor)
        resolve(c, p, at(9, 10, 13))
        close(c, p, at(9, 11), 2, closer=supervisor)
        c = new(p, p, at(11, 10), supervisor)
        resolve(c, p, at(11, 10, 13))
        close(c, p, at(11, 11), 5)
    ids = [p.pk for p in people]
    done = [sources.Completion(u, "C-EMPATHY", at(10, 15).date(), Decimal("3.0"), None) for u in ids]
    done += [sources.Completion(u, "C-SLA", at(10, 20).date(), Decimal("2.0"), None) for u in ids]
    done += [sources.Completion(u, "C-LAW", at(10, 21).date(), Decimal("1.5"), None) for u in ids[:2]]
    monkeypatch.setattr(sources, "completions", lambda *, start, end, user_ids=None: done)
    monkeypatch.setattr(
        sources,
        "courses",
        lambda codes: {
            "C-EMPATHY": sources.CourseInfo("C-EMPATHY", "共情沟通", ("att_empathy",)),
            "C-SLA": sources.CourseInfo("C-SLA", "时效与协同", ("skill_coordination",)),
            "C-LAW": sources.CourseInfo("C-LAW", "消费者权益保护法", ("know_law",)),
        },
    )
    scores = {"pre": {ids[0]: 50.0, ids[1]: 60.0, ids[2]: 70.0}, "post": {ids[0]: 80.0, ids[1]: 70.0}}
    monkeypatch.setattr(
        sources,
        "exam_scores",
        lambda *, user_ids, course_code, kind: scores[kind] if course_code == "C-EMPATHY" else {},
    )
    services.survey_request(
        session_ref="training-session:1", course_code="C-EMPATHY", title="共情沟通", held_on=at(10, 15).date(),
        user_ids=ids,
    )  # fmt: skip
    services.survey_answer(
        user=people[0], session_ref="training-session:1", content=5, trainer=5, usefulness=4, organisation=4
    )
    services.survey_answer(
        user=people[1], session_ref="training-session:1", content=3, trainer=3, usefulness=3, organisation=3
    )
    return people


def test_monthly_review_flags_the_course_that_moved_nothing(cohort):
    with clock.frozen_at(at(12, 20)):
        review = selectors.monthly_review(month=at(10, 1).date(), min_base=1)

    by_code = {c.code: c for c in review.courses}
    assert [c.code for c in review.courses] == ["C-SLA", "C-EMPATHY", "C-LAW"]  # moved nothing first
    assert [c.code for c in review.moved_nothing] == ["C-SLA"]
    assert review.before_window.start == at(8, 20, 0)
    assert review.after_window.end == at(12, 13, 0)

    empathy = by_code["C-EMPATHY"]
    assert (empathy.verdict, empathy.people, empathy.hours) == ("moved", 3, Decimal("9.0"))
    sat = {c.kpi.code: c for c in empathy.changes}["satisfaction"]
    assert (sat.before, sat.after, sat.verdict) == (0.0, 1.0, "better")
    assert [c.kpi.code for c in empathy.changes] == ["satisfaction", "findings"]
    assert (empathy.l1.answers, empathy.l1.satisfied) == (2, 1)
    assert (empathy.l2.pairs, empathy.l2.avg_pre, empathy.l2.avg_post, empathy.l2.gain) == (
        2,
        55.0,
        75.0,
        20.0,
    )

    sla = by_code["C-SLA"]
    assert sla.verdict == "moved_nothing"
    assert [(c.kpi.code, c.before, c.after, c.verdict) for c in sla.changes] == [
        ("overdue", 0.0, 0.0, "flat"),
        ("handling_time", 4.0, 4.0, "flat"),
    ]
    assert by_code["C-LAW"].verdict == "too_little_data"  # two people only


def test_without_enough_cases_nothing_is_flagged(cohort):
    with clock.frozen_at(at(12, 20)):
        review = selectors.monthly_review(month=at(10, 1).date())  # default: 10 cases per side

    assert {c.code: c.verdict for c in review.courses} == {
        "C-EMPATHY": "too_little_data",
        "C-SLA": "too_little_data",
        "C-LAW": "too_little_data",
    }
    assert review.moved_nothing == []


def test_a_month_without_completions_is_empty(monkeypatch):
    monkeypatch.setattr(sources, "completions", lambda *, start, end, user_ids=None: [])
    review = selectors.monthly_review(month=at(10, 1).date())
    assert review.courses == []
