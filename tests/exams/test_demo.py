"""The exams demo: deterministic, scores follow the desk profiles, some fail, reset removes it."""

import datetime as dt

import pytest

from kesu.demo import loader
from kesu.exams import demo
from kesu.exams.models import Attempt, Blueprint, DailyAnswer, Exam, Question

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 11, 20, 10, 0, tzinfo=dt.UTC)


def _summary():
    return sorted(
        Attempt.objects.values_list("user__username", "exam__title", "number", "status", "percent", "passed")
    )


def test_demo_load_is_deterministic_and_follows_profiles():
    Question.objects.update(status="active")  # the starter bank, retired for the other tests
    loader.organisation_setup()
    stats = demo.load(seed=3, now=NOW)
    assert stats["blueprints"] == 5
    assert {"上岗认证考试", "法律法规专项", "沟通与情绪管理测评"} <= set(
        Blueprint.objects.values_list("title", flat=True)
    )
    assert stats["attempts"] > 100 and stats["failed"] > 5
    assert stats["daily"] > 50

    # handler1 is a star, handler4 a newcomer, the rushed handler9 is weak on empathy
    def mean(username):
        values = [
            float(p)
            for p in Attempt.objects.filter(user__username=username, status="graded").values_list(
                "percent", flat=True
            )
        ]
        return sum(values) / len(values)

    assert mean("handler1") > mean("handler4") + 10
    assert mean("handler1") > mean("handler9") + 10
    assert not Attempt.objects.filter(started_at__gt=NOW).exists()
    assert Exam.objects.filter(opens_at__lte=NOW, closes_at__gt=NOW).count() == 1
    first = _summary()
    demo.reset()
    assert Attempt.objects.count() == 0 and Exam.objects.count() == 0 and DailyAnswer.objects.count() == 0
    demo.load(seed=3, now=NOW)
    assert _summary() == first
