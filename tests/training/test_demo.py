import datetime as dt

import pytest

from kesu.demo import loader
from kesu.training import demo
from kesu.training.models import (
    Certificate,
    CheckIn,
    Enrolment,
    MentoringPair,
    TrainingRecord,
    TrainingSession,
)
from tests.training.factories import course

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 20, 10, tzinfo=dt.UTC)


def _snapshot():
    return (
        list(
            TrainingSession.objects.order_by("starts_at", "course__code").values_list(
                "course__code", "starts_at", "capacity", "status"
            )
        ),
        list(
            Enrolment.objects.order_by("session__starts_at", "user__username").values_list(
                "user__username", "status", "attendance", "score"
            )
        ),
        list(
            TrainingRecord.objects.order_by("user__username", "course__code", "completed_on").values_list(
                "user__username", "course__code", "completed_on", "score"
            )
        ),
        list(Certificate.objects.order_by("source_ref").values_list("source_ref", "valid_until")),
        list(
            MentoringPair.objects.order_by("mentee__username").values_list(
                "mentor__username", "mentee__username", "starts_on"
            )
        ),
    )


def test_demo_is_deterministic_and_reset_removes_it():
    loader.organisation_setup()
    course("DEMO-1", assessment="测验", modules=(("讲授", "lecture", 60),), audience=["handler"])
    course("DEMO-2", modules=(("一", "online", 5), ("二", "online", 10)))

    stats = demo.load(seed=3, now=NOW)
    first = _snapshot()
    assert stats["sessions"] == 27 and stats["pairs"] >= 3 and stats["certificates"] > 5
    assert TrainingRecord.objects.filter(source="session").exists()
    assert TrainingRecord.objects.filter(source="online").exists()
    assert (
        Enrolment.objects.filter(status="waiting").exists()
        or Enrolment.objects.filter(status="cancelled").exists()
    )
    assert CheckIn.objects.filter(done_at__isnull=True, due_on__lt=NOW.date()).exists()
    assert TrainingSession.objects.filter(starts_at__gt=NOW, status="scheduled").count() == 3

    demo.reset()
    assert _snapshot() == ([], [], [], [], [])
    demo.load(seed=3, now=NOW)
    assert _snapshot() == first
