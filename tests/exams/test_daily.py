"""每日一题: one question per person and day, deterministic, answered once, streaks."""

import datetime as dt

import pytest

from kesu.common import clock
from kesu.common.errors import ValidationFailed
from kesu.exams import selectors, services
from kesu.exams.models import DailyAnswer
from tests.conftest import make_user
from tests.exams import factories as f

pytestmark = pytest.mark.django_db
DAY = dt.datetime(2026, 6, 10, 8, 0, tzinfo=dt.UTC)


@pytest.fixture
def bank():
    for i in range(6):
        f.single(f"T-d-{i}", "know_law" if i < 3 else "att_patience", right="A")
    f.short("T-d-short")  # never a daily question: it needs a trainer


def test_same_person_same_day_same_question(handler, bank):
    first = selectors.daily_question(user=handler, day=DAY.date())
    assert first is not None and first.type != "short"
    assert selectors.daily_question(user=handler, day=DAY.date()) == first
    days = {
        selectors.daily_question(user=handler, day=DAY.date() + dt.timedelta(days=n)).code for n in range(10)
    }
    assert len(days) > 1


def test_gaps_focus_the_question(handler, bank, monkeypatch):
    monkeypatch.setattr(selectors, "largest_gaps", lambda *, user, n=3: ["att_patience"])
    for n in range(10):
        q = selectors.daily_question(user=handler, day=DAY.date() + dt.timedelta(days=n))
        assert q.items == ["att_patience"]


def test_answer_once_with_feedback_and_streak(handler, bank):
    for n in range(3):
        at = DAY + dt.timedelta(days=n)
        with clock.frozen_at(at):
            answer = services.daily_answer(user=handler, response="A")
            again = services.daily_answer(user=handler, response="B")
        assert again.pk == answer.pk
        assert (answer.correct, answer.score, answer.response) == (True, 1.0, "A")
    assert DailyAnswer.objects.filter(user=handler).count() == 3
    assert selectors.daily_streak(user=handler, today=(DAY + dt.timedelta(days=2)).date()) == 3
    # still 3 the next morning before answering, 0 after a missed day
    assert selectors.daily_streak(user=handler, today=(DAY + dt.timedelta(days=3)).date()) == 3
    assert selectors.daily_streak(user=handler, today=(DAY + dt.timedelta(days=4)).date()) == 0


def test_no_answer_is_refused(handler, bank):
    with clock.frozen_at(DAY), pytest.raises(ValidationFailed):
        services.daily_answer(user=handler, response="")
    assert DailyAnswer.objects.count() == 0


def test_earlier_questions_are_not_repeated_while_others_remain(handler, bank):
    seen = []
    for n in range(6):
        with clock.frozen_at(DAY + dt.timedelta(days=n)):
            seen.append(services.daily_answer(user=handler, response="A").question.code)
    assert sorted(seen) == [f"T-d-{i}" for i in range(6)]


def test_people_get_their_own_question(bank, team):
    users = [make_user(f"h{i}", "handler", team) for i in range(6)]
    codes = {selectors.daily_question(user=u, day=DAY.date()).code for u in users}
    assert len(codes) > 1
