"""Reading the training app's attendance and records (the real models, not stand-ins)."""

import datetime as dt
from decimal import Decimal

import pytest

from kesu.common import clock
from kesu.effectiveness import selectors, services, sources
from kesu.effectiveness.models import SurveyRequest
from kesu.training.models import Course, Enrolment, TrainingRecord, TrainingSession
from tests.complaints.history import at

pytestmark = pytest.mark.django_db


@pytest.fixture
def held(handler, senior, trainer):
    course = Course.objects.create(
        code="T-EFF-1", title="共情沟通实战", track="advanced", item_codes=["att_empathy"], hours=Decimal("3.0"),
        status="published",
    )  # fmt: skip
    session = TrainingSession.objects.create(
        course=course, starts_at=at(11, 10, 9), ends_at=at(11, 10, 12), trainer=trainer, status="done"
    )
    later = TrainingSession.objects.create(course=course, starts_at=at(12, 10, 9), ends_at=at(12, 10, 12))
    for user, attendance in ((handler, "present"), (senior, "absent")):
        Enrolment.objects.create(
            session=session, user=user, status="enrolled", requested_at=at(11, 1), attendance=attendance
        )
    Enrolment.objects.create(session=later, user=handler, status="enrolled", requested_at=at(11, 1))
    TrainingRecord.objects.create(
        user=handler, course=course, session=session, hours=Decimal("3.0"), completed_on=dt.date(2026, 11, 10),
        source="session", source_ref=f"enrolment:{session.pk}",
    )  # fmt: skip
    return session


def test_attended_sessions_become_survey_requests_once(held, handler, senior):
    with clock.frozen_at(at(11, 20)):
        assert services.survey_requests_sync(user=handler) == 1
        assert services.survey_requests_sync(user=handler) == 0
        assert services.survey_requests_sync(user=senior) == 0  # absent
    req = SurveyRequest.objects.get()
    assert (req.session_ref, req.course_code, req.title, req.held_on) == (
        f"training-session:{held.pk}",
        "T-EFF-1",
        "共情沟通实战",
        dt.date(2026, 11, 10),
    )
    assert sources.session_attendees(session_ref=req.session_ref) == [handler.pk]
    assert sources.session_attendees(session_ref="training-session:x") == []


def test_completions_courses_and_the_review_read_training_records(held, handler):
    done = sources.completions(start=dt.date(2026, 11, 1), end=dt.date(2026, 11, 30))
    assert done == [sources.Completion(handler.pk, "T-EFF-1", dt.date(2026, 11, 10), Decimal("3.0"), None)]
    assert sources.courses(["T-EFF-1"])["T-EFF-1"].item_codes == ("att_empathy",)
    with clock.frozen_at(at(12, 20)):
        review = selectors.monthly_review(month=dt.date(2026, 11, 1))
    assert [(c.title, c.people, c.hours, c.verdict) for c in review.courses] == [
        ("共情沟通实战", 1, Decimal("3.0"), "too_little_data")
    ]
    summary = selectors.performance_summary(
        people=[handler], start=dt.date(2026, 11, 1), end=dt.date(2026, 11, 30)
    )
    assert (summary[0].courses, summary[0].hours) == (1, Decimal("3.0"))


def test_daily_job_asks_last_weeks_attendees_once_and_tells_them(held, handler, senior):
    from kesu.complaints.models import Notification
    from kesu.effectiveness import tasks

    with clock.frozen_at(at(11, 14)):
        tasks.survey_requests_daily.enqueue()
        tasks.survey_requests_daily.enqueue()
    assert list(SurveyRequest.objects.values_list("user__username", "title")) == [
        ("handler1", "共情沟通实战")
    ]
    notes = list(Notification.objects.filter(kind="survey").values_list("user__username", "link"))
    assert notes == [("handler1", "/academy/effect/surveys/")]
    with clock.frozen_at(at(11, 30)):  # more than a week after the session: nothing new
        assert services.survey_requests_recent(days=7) == 0
