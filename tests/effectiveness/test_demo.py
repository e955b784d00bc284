import datetime as dt

import pytest

from kesu.demo import loader
from kesu.effectiveness import demo
from kesu.effectiveness.models import Recognition, SurveyRequest, SurveyResponse
from kesu.training import demo as training_demo
from tests.training.factories import course

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 20, 10, tzinfo=dt.UTC)


def _snapshot():
    return (
        list(
            SurveyRequest.objects.order_by("session_ref", "user__username").values_list(
                "session_ref", "user__username", "held_on"
            )
        ),
        list(
            SurveyResponse.objects.order_by("session_ref", "user__username").values_list(
                "user__username",
                "content",
                "trainer",
                "usefulness",
                "organisation",
                "will_apply",
                "answered_at",
            )
        ),
        list(
            Recognition.objects.order_by("period", "user__username", "kind").values_list(
                "user__username", "kind", "period", "complaint_number"
            )
        ),
    )


def test_demo_is_deterministic_and_reset_removes_it():
    loader.load(seed=2, complaints=80, months=3, now=NOW)
    course("DEMO-1", modules=(("讲授", "lecture", 60),), audience=["handler"])
    training_demo.load(seed=3, now=NOW)

    stats = demo.load(seed=3, now=NOW)
    first = _snapshot()
    assert stats["requests"] == SurveyRequest.objects.count() > 0
    assert 0 < stats["answers"] == SurveyResponse.objects.count() < stats["requests"]
    assert all(r.answered_at < NOW for r in SurveyResponse.objects.all())
    assert stats["recognitions"] == Recognition.objects.count()

    demo.reset()
    assert _snapshot() == ([], [], [])
    demo.load(seed=3, now=NOW)
    assert _snapshot() == first
