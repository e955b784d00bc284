import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from kesu.common import clock
from kesu.common.errors import NotPermitted, TransitionRefused, ValidationFailed
from kesu.complaints.models import Notification
from kesu.training import services
from kesu.training.models import (
    Certificate,
    CheckIn,
    Course,
    Enrolment,
    ModuleProgress,
    TrainingEvent,
    TrainingRecord,
)
from tests.conftest import make_user
from tests.training.factories import course, session

pytestmark = pytest.mark.django_db


@pytest.fixture
def trainer(db):
    return make_user("trainer1", "trainer", None, display_name="董老师")


def _learners(team, n):
    return [make_user(f"learner{i}", "handler", team, display_name=f"学员{i}") for i in range(1, n + 1)]


# ------------------------------------------------------------------------------------------- enrolment


def test_enrolment_fills_capacity_then_the_waiting_list(team):
    s = session(course(), capacity=2)
    a, b, c = _learners(team, 3)

    results = [services.enrolment_create(session=s, user=u, by=u).status for u in (a, b, c)]

    assert results == ["enrolled", "enrolled", "waiting"]
    assert Enrolment.objects.filter(session=s, status="enrolled").count() == 2


def test_enrolling_twice_is_one_enrolment(team):
    s = session(course(), capacity=2)
    (a,) = _learners(team, 1)

    first = services.enrolment_create(session=s, user=a, by=a)
    second = services.enrolment_create(session=s, user=a, by=a)

    assert first.pk == second.pk
    assert Enrolment.objects.filter(session=s).count() == 1
    assert TrainingEvent.objects.filter(kind="enrolment_enrolled").count() == 1


def test_cancellation_promotes_the_first_waiting_person_and_notifies_them(team):
    s = session(course(), capacity=1)
    a, b, c = _learners(team, 3)
    for u in (a, b, c):
        services.enrolment_create(session=s, user=u, by=u)

    services.enrolment_cancel(session=s, user=a, by=a)

    statuses = dict(Enrolment.objects.filter(session=s).values_list("user__username", "status"))
    assert statuses == {"learner1": "cancelled", "learner2": "enrolled", "learner3": "waiting"}
    notes = list(Notification.objects.filter(kind="training_seat_free").values_list("user__username", "link"))
    assert notes == [("learner2", f"/academy/courses/sessions/{s.pk}/")]


def test_cancelling_a_waiting_place_promotes_nobody(team):
    s = session(course(), capacity=1)
    a, b, c = _learners(team, 3)
    for u in (a, b, c):
        services.enrolment_create(session=s, user=u, by=u)

    services.enrolment_cancel(session=s, user=b, by=b)

    statuses = dict(Enrolment.objects.filter(session=s).values_list("user__username", "status"))
    assert statuses == {"learner1": "enrolled", "learner2": "cancelled", "learner3": "waiting"}
    assert not Notification.objects.filter(kind="training_seat_free").exists()


def test_raising_the_capacity_promotes_from_the_waiting_list(team, trainer):
    s = session(course(), capacity=1)
    a, b = _learners(team, 2)
    for u in (a, b):
        services.enrolment_create(session=s, user=u, by=u)

    services.session_update(
        by=trainer,
        session=s,
        data=services.SessionInput(starts_at=s.starts_at, ends_at=s.ends_at, capacity=2, room="培训室 B"),
    )

    assert Enrolment.objects.get(session=s, user=b).status == "enrolled"


def test_capacity_cannot_drop_below_the_enrolled(team, trainer):
    s = session(course(), capacity=2)
    for u in _learners(team, 2):
        services.enrolment_create(session=s, user=u, by=u)

    with pytest.raises(ValidationFailed):
        services.session_update(
            by=trainer,
            session=s,
            data=services.SessionInput(starts_at=s.starts_at, ends_at=s.ends_at, capacity=1, room="A"),
        )
    s.refresh_from_db()
    assert s.capacity == 2


def test_a_learner_cannot_enrol_someone_else(team):
    s = session(course())
    a, b = _learners(team, 2)

    with pytest.raises(NotPermitted):
        services.enrolment_create(session=s, user=b, by=a)
    assert not Enrolment.objects.exists()


def test_no_enrolment_in_a_started_or_draft_session(team):
    (a,) = _learners(team, 1)
    started = session(course("TC-1"), starts_in=-dt.timedelta(hours=1))
    draft = session(course("TC-2", status="draft"))

    for s in (started, draft):
        with pytest.raises(TransitionRefused):
            services.enrolment_create(session=s, user=a, by=a)
    assert not Enrolment.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_two_people_racing_for_the_last_seat_get_one_seat_and_one_waiting_place(team):
    """Real threads on the same session: the session row lock serialises them (on SQLite the database
    lock does)."""
    import threading
    import time

    from django.db import connection

    s = session(course(), capacity=1)
    a, b = _learners(team, 2)
    barrier = threading.Barrier(2)
    errors = []

    def go(u):
        try:
            barrier.wait()
            for _attempt in range(200):
                try:
                    services.enrolment_create(session=s, user=u, by=u)
                    break
                except Exception as exc:  # SQLite: "database is locked" under contention; retry
                    if "locked" not in str(exc):
                        raise
                    time.sleep(0.02)
            else:
                raise AssertionError("never got the lock")
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=go, args=(u,)) for u in (a, b)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert errors == []
    assert sorted(Enrolment.objects.filter(session=s).values_list("status", flat=True)) == [
        "enrolled",
        "waiting",
    ]


# ------------------------------------------------------------------------------------------ attendance


def _held(c, learners, capacity=5):
    s = session(c, capacity=capacity)
    for u in learners:
        services.enrolment_create(session=s, user=u, by=u)
    return s


def test_attendance_with_a_passing_score_records_the_course(team, trainer):
    c = course(assessment="结业测验", pass_score=80)
    (a,) = _learners(team, 1)
    s = _held(c, [a])

    with clock.frozen_at(s.ends_at + dt.timedelta(minutes=5)):
        services.attendance_mark(by=trainer, session=s, user=a, present=True, score=Decimal("79"))
        assert not TrainingRecord.objects.exists()  # below this course's pass score
        services.attendance_mark(by=trainer, session=s, user=a, present=True, score=Decimal("82"))

    r = TrainingRecord.objects.get()
    assert (r.user, r.course, r.session, r.hours, r.score, r.source) == (
        a,
        c,
        s,
        Decimal("2.0"),
        Decimal("82"),
        "session",
    )
    assert r.completed_on == timezone.localdate(s.ends_at)
    s.refresh_from_db()
    assert s.status == "done"


def test_failing_or_absent_records_nothing_and_a_later_fail_withdraws_the_record(team, trainer):
    c = course(assessment="结业测验")
    a, b = _learners(team, 2)
    s = _held(c, [a, b])

    with clock.frozen_at(s.ends_at):
        services.attendance_mark(by=trainer, session=s, user=a, present=True, score=Decimal("59.5"))
        services.attendance_mark(by=trainer, session=s, user=b, present=False)
        assert not TrainingRecord.objects.exists()
        services.attendance_mark(by=trainer, session=s, user=a, present=True, score=Decimal("75"))
        services.attendance_mark(by=trainer, session=s, user=a, present=True, score=Decimal("75"))
        assert TrainingRecord.objects.count() == 1
        services.attendance_mark(by=trainer, session=s, user=a, present=False)

    assert not TrainingRecord.objects.exists()


def test_attending_a_course_without_assessment_completes_it(team, trainer):
    (a,) = _learners(team, 1)
    s = _held(course(assessment=""), [a])

    with clock.frozen_at(s.starts_at + dt.timedelta(minutes=30)):
        services.attendance_mark(by=trainer, session=s, user=a, present=True)

    assert TrainingRecord.objects.filter(user=a, score__isnull=True).count() == 1


def test_attendance_is_refused_before_the_start_and_for_learners(team, trainer):
    a, b = _learners(team, 2)
    s = _held(course(), [a])

    with pytest.raises(TransitionRefused):
        services.attendance_mark(by=trainer, session=s, user=a, present=True)
    with clock.frozen_at(s.ends_at), pytest.raises(NotPermitted):
        services.attendance_mark(by=b, session=s, user=a, present=True)
    with clock.frozen_at(s.ends_at), pytest.raises(ValidationFailed):
        services.attendance_mark(by=trainer, session=s, user=a, present=True, score=Decimal("101"))
    assert Enrolment.objects.get(user=a).attendance == ""
    assert not TrainingRecord.objects.exists()


# --------------------------------------------------------------------------------------- online modules


def test_completing_every_module_of_an_online_course_completes_the_course(team):
    c = course(modules=(("一", "online", 5), ("二", "online", 10)))
    (a,) = _learners(team, 1)
    m1, m2 = c.modules.all()

    services.module_open(user=a, module=m1)
    services.module_complete(user=a, module=m1)
    assert not TrainingRecord.objects.exists()
    services.module_complete(user=a, module=m2)
    services.module_complete(user=a, module=m2)

    r = TrainingRecord.objects.get()
    assert (r.user, r.course, r.source, r.source_ref) == (a, c, "online", f"online:{a.pk}:{c.pk}")
    assert ModuleProgress.objects.filter(user=a, completed_at__isnull=False).count() == 2


def test_a_mixed_course_is_not_completed_by_its_online_modules(team):
    c = course(modules=(("阅读", "online", 5), ("演练", "role_play", 60)))
    (a,) = _learners(team, 1)

    services.module_complete(user=a, module=c.modules.get(method="online"))

    assert not TrainingRecord.objects.exists()


def test_only_online_modules_are_read(team):
    c = course(modules=(("演练", "role_play", 60),))
    (a,) = _learners(team, 1)

    with pytest.raises(ValidationFailed):
        services.module_open(user=a, module=c.modules.get())
    assert not ModuleProgress.objects.exists()


# --------------------------------------------------------------------------------------------- catalogue


def test_trainer_creates_edits_and_publishes_a_course(trainer):
    data = services.CourseInput(
        code="adv-201",
        title="情绪安抚进阶",
        track="advanced",
        item_codes=("att_empathy",),
        hours=Decimal("3"),
    )
    c = services.course_create(by=trainer, data=data)
    assert (c.code, c.status, c.version) == ("ADV-201", "draft", 1)

    with pytest.raises(TransitionRefused):
        services.course_set_status(by=trainer, course=c, status="published")
    services.module_create(
        by=trainer,
        course=c,
        data=services.ModuleInput(title="共情三句话", method="online", minutes=5, body="先接住情绪。"),
    )
    services.course_set_status(by=trainer, course=c, status="published")
    services.course_update(
        by=trainer, course=c, data=data.__class__(**{**data.__dict__, "title": "情绪安抚（进阶）"})
    )

    c.refresh_from_db()
    assert (c.title, c.status, c.version) == ("情绪安抚（进阶）", "published", 3)


def test_a_learner_cannot_create_courses_and_bad_codes_are_refused(team, trainer):
    (a,) = _learners(team, 1)
    with pytest.raises(NotPermitted):
        services.course_create(by=a, data=services.CourseInput(code="X-1", title="x", track="advanced"))
    with pytest.raises(ValidationFailed):
        services.course_create(
            by=trainer,
            data=services.CourseInput(code="X-1", title="x", track="advanced", item_codes=("know_magic",)),
        )
    with pytest.raises(ValidationFailed):
        services.course_create(
            by=trainer,
            data=services.CourseInput(code="X-1", title="x", track="advanced", scenario="public_opinion"),
        )
    assert not Course.objects.filter(code="X-1").exists()


# ---------------------------------------------------------------------------------------------- mentoring


def test_a_pair_gets_scheduled_check_ins_and_the_mentor_logs_them(team, trainer):
    mentor, mentee, other = _learners(team, 3)
    pair = services.mentoring_pair_create(
        by=trainer,
        mentor=mentor,
        mentee=mentee,
        item_codes=["att_empathy"],
        starts_on=dt.date(2026, 3, 1),
        ends_on=dt.date(2026, 4, 1),
        every_days=14,
    )
    assert list(pair.checkins.values_list("due_on", flat=True)) == [
        dt.date(2026, 3, 15),
        dt.date(2026, 3, 29),
        dt.date(2026, 4, 1),
    ]
    first = pair.checkins.first()
    with pytest.raises(NotPermitted):
        services.checkin_log(by=other, checkin=first, notes="不该由我记录")
    services.checkin_log(by=mentor, checkin=first, notes="复盘了两通电话，练习了致歉话术。")

    first.refresh_from_db()
    assert first.notes == "复盘了两通电话，练习了致歉话术。"
    assert first.done_at is not None
    assert CheckIn.objects.filter(done_at__isnull=True).count() == 2


# -------------------------------------------------------------------------------------------- certificates


def test_certificate_issue_is_idempotent_on_source_ref(team):
    (a,) = _learners(team, 1)
    one = services.certificate_issue(
        user=a,
        title="投诉处理上岗证",
        source_ref="exam-attempt:7",
        issued_on=dt.date(2026, 1, 5),
        valid_until=dt.date(2027, 1, 5),
    )
    two = services.certificate_issue(
        user=a, title="另一个标题", source_ref="exam-attempt:7", issued_on=dt.date(2026, 2, 1)
    )

    assert one.pk == two.pk
    assert Certificate.objects.get().title == "投诉处理上岗证"


def test_renewal_reminder_goes_out_once_30_days_before_expiry(team):
    a, b = _learners(team, 2)
    today = dt.date(2026, 11, 23)
    services.certificate_issue(
        user=a,
        title="上岗证",
        source_ref="c:1",
        issued_on=dt.date(2025, 12, 1),
        valid_until=today + dt.timedelta(days=30),
    )
    services.certificate_issue(
        user=b,
        title="上岗证",
        source_ref="c:2",
        issued_on=dt.date(2025, 12, 1),
        valid_until=today + dt.timedelta(days=31),
    )
    services.certificate_issue(
        user=b,
        title="旧证",
        source_ref="c:3",
        issued_on=dt.date(2024, 1, 1),
        valid_until=today - dt.timedelta(days=1),
    )

    assert services.certificate_reminders_send(today=today) == 1
    assert services.certificate_reminders_send(today=today) == 0
    assert services.certificate_reminders_send(today=today + dt.timedelta(days=1)) == 1

    sent = list(
        Notification.objects.filter(kind="training_certificate_expiring")
        .order_by("id")
        .values_list("user__username", flat=True)
    )
    assert sent == ["learner1", "learner2"]


def test_the_daily_task_sends_the_reminders(team):
    from kesu.training.tasks import certificate_reminders

    (a,) = _learners(team, 1)
    today = timezone.localdate(clock.now())
    services.certificate_issue(
        user=a,
        title="上岗证",
        source_ref="c:9",
        issued_on=today - dt.timedelta(days=300),
        valid_until=today + dt.timedelta(days=5),
    )

    result = certificate_reminders.enqueue()

    assert result.return_value == 1
    assert Notification.objects.filter(user=a, kind="training_certificate_expiring").count() == 1


def test_a_course_may_build_an_item_a_trainer_added_to_the_model(db):
    from kesu.competency.models import CompetencyItem, CompetencyModel
    from kesu.training.services import allowed_item_codes

    assert "know_ai_tools" not in allowed_item_codes()
    model = CompetencyModel.objects.first()
    if model is None:
        from django.utils import timezone

        model = CompetencyModel.objects.create(
            number=99, label="t", status="draft", created_at=timezone.now()
        )
    CompetencyItem.objects.create(model=model, code="know_ai_tools", dimension="knowledge", name="智能工具")
    assert "know_ai_tools" in allowed_item_codes()
    assert "know_law" in allowed_item_codes()
