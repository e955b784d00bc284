"""Retraining (复训): idempotent assignment, the desk-KPI triggers on real complaints, the overdue sweep."""

import datetime as dt
from decimal import Decimal

import pytest

from kesu.common import clock
from kesu.common.errors import NotPermitted, ValidationFailed
from kesu.complaints import services as desk
from kesu.complaints.models import Complaint, Notification
from kesu.plans import contracts, services
from kesu.plans.models import AcademySettings, PlanEvent, Retraining
from kesu.plans.tasks import retraining_daily
from tests.complaints.factories import register
from tests.complaints.test_triage import PRIVACY, close
from tests.conftest import make_user
from tests.plans.conftest import FakeCourse

pytestmark = pytest.mark.django_db

NOV_20 = dt.datetime(2026, 11, 20, 10, 0, tzinfo=dt.UTC)  # 18:00 in Shanghai


def _assign(user, ref="exam-attempt:42", **extra):
    values = dict(
        user=user,
        reason="投诉处理流程考试未通过（52分，及格线60分）",
        kind="exam_failed",
        item_codes=["know_process"],
        source_ref=ref,
    )
    values.update(extra)
    return services.retraining_assign(**values)


def _notified():
    return sorted((n.user.username, n.kind, n.link) for n in Notification.objects.filter(complaint=None))


def test_assign_is_idempotent_and_notifies_once(monkeypatch, handler, trainer, admin_user):
    monkeypatch.setattr(
        contracts,
        "courses_for_items",
        lambda codes, finder=None: [
            contracts.course_row(FakeCourse("PRC-101", "投诉闭环流程精讲", "lecture"))
        ],
    )
    with clock.frozen_at(NOV_20):
        first = _assign(handler)
        again = _assign(handler, reason="另一次调用")

    assert again.pk == first.pk
    assert Retraining.objects.count() == 1
    assert (first.status, first.due_on, first.course_code, first.course_title) == (
        "assigned",
        dt.date(2026, 12, 4),
        "PRC-101",
        "投诉闭环流程精讲",
    )
    assert first.reason == "投诉处理流程考试未通过（52分，及格线60分）"
    # the person and the trainers (not the administrator while there is a trainer), once
    assert _notified() == [
        ("handler1", "retraining", "/academy/plans/retraining/"),
        ("trainer1", "retraining", "/academy/plans/retraining/all/"),
    ]
    assert list(PlanEvent.objects.filter(retraining=first).values_list("kind", flat=True)) == ["assigned"]


def test_assign_with_a_course_code_and_due_date_from_settings(handler):
    AcademySettings.objects.update_or_create(pk=1, defaults={"retraining_due_days": 7})
    with clock.frozen_at(NOV_20):
        r = _assign(handler, course="ROLE-201", kind="roleplay_failed")
        explicit = _assign(handler, ref="roleplay:9", due_on=dt.date(2026, 12, 31))
    assert (r.course_code, r.due_on) == ("ROLE-201", dt.date(2026, 11, 27))
    assert explicit.due_on == dt.date(2026, 12, 31)


def test_a_long_reason_is_shortened_an_empty_one_refused(handler):
    r = _assign(handler, reason="考" * 600)
    assert r.reason == "考" * 500
    with pytest.raises(ValidationFailed):
        _assign(handler, ref="exam-attempt:99", reason="  ")
    with pytest.raises(ValidationFailed):
        _assign(handler, ref="exam-attempt:98", kind="late")
    assert Retraining.objects.count() == 1


def test_trainer_confirms_retraining_done(handler, trainer):
    r = _assign(handler)
    with pytest.raises(NotPermitted):
        services.retraining_complete(retraining_id=r.pk, by=handler)
    r.refresh_from_db()
    assert r.status == "assigned"

    services.retraining_complete(retraining_id=r.pk, by=trainer, note="已重考通过")
    services.retraining_complete(retraining_id=r.pk, by=trainer, note="重复点击")
    r.refresh_from_db()
    assert (r.status, r.done_by, r.done_note) == ("done", trainer, "已重考通过")


def test_completed_course_after_assignment_closes_retraining(monkeypatch, handler):
    with clock.frozen_at(NOV_20):
        r = _assign(handler, course="PRC-101")
        old = _assign(handler, ref="exam-attempt:43", course="LAW-101")
    monkeypatch.setattr(
        contracts,
        "completed_courses",
        lambda user: {"PRC-101": NOV_20 + dt.timedelta(days=3), "LAW-101": NOV_20 - dt.timedelta(days=30)},
    )
    assert services.plan_progress_refresh(handler) == 1
    r.refresh_from_db()
    old.refresh_from_db()
    assert (r.status, old.status) == ("done", "assigned")


# ---------------------------------------------------------------- overdue


def test_overdue_retraining_is_escalated_to_the_supervisor_once(handler, supervisor, trainer):
    with clock.frozen_at(NOV_20):
        r = _assign(handler, due_on=dt.date(2026, 11, 25))
    Notification.objects.all().delete()

    with clock.frozen_at(dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)):
        assert services.retraining_sweep_overdue() == 0  # due today: not yet overdue
    with clock.frozen_at(dt.datetime(2026, 11, 26, 1, 0, tzinfo=dt.UTC)):
        assert services.retraining_sweep_overdue() == 1
        assert services.retraining_sweep_overdue() == 0

    r.refresh_from_db()
    assert r.status == "escalated"
    assert r.overdue_at == r.escalated_at == dt.datetime(2026, 11, 26, 1, 0, tzinfo=dt.UTC)
    assert _notified() == [("super1", "retraining_overdue", "/academy/plans/retraining/all/")]
    assert list(PlanEvent.objects.filter(retraining=r).values_list("kind", flat=True)) == [
        "assigned",
        "overdue",
        "escalated",
    ]


def test_overdue_without_a_supervisor_goes_to_the_trainers(liaison, trainer):
    with clock.frozen_at(NOV_20):
        r = _assign(liaison, due_on=dt.date(2026, 11, 21))
    Notification.objects.all().delete()
    with clock.frozen_at(NOV_20 + dt.timedelta(days=3)):
        services.retraining_sweep_overdue()
    r.refresh_from_db()
    assert r.status == "escalated"
    assert _notified() == [("trainer1", "retraining_overdue", "/academy/plans/retraining/all/")]


def test_done_retraining_is_never_overdue(handler, supervisor, trainer):
    with clock.frozen_at(NOV_20):
        r = _assign(handler, due_on=dt.date(2026, 11, 21))
    services.retraining_complete(retraining_id=r.pk, by=trainer)
    with clock.frozen_at(NOV_20 + dt.timedelta(days=3)):
        assert services.retraining_sweep_overdue() == 0
    r.refresh_from_db()
    assert r.status == "done"


# ---------------------------------------------------------------- desk triggers


def test_escalation_caused_by_the_assignee(handler, trainer):
    with clock.frozen_at(NOV_20 - dt.timedelta(hours=5)):
        c = register(handler)
    assert Complaint.objects.get(pk=c.pk).assignee == handler
    with clock.frozen_at(NOV_20 - dt.timedelta(hours=2)):
        desk.complaint_escalate(complaint_id=c.pk, actor=handler, reason="客户要求主管出面")

    with clock.frozen_at(NOV_20):
        services.retraining_from_desk()
        services.retraining_from_desk()

    r = Retraining.objects.get()
    assert (r.user, r.kind, r.source_ref) == (
        handler,
        "escalation_caused",
        f"desk-esc:{handler.pk}:2026-11-20",
    )
    assert r.item_codes == ["know_process", "skill_judgement", "skill_adaptability"]
    assert c.number in r.reason
    assert r.due_on == dt.date(2026, 12, 4)


def test_escalation_of_someone_elses_complaint_or_at_intake_does_not_count(handler, senior, trainer):
    with clock.frozen_at(NOV_20 - dt.timedelta(hours=5)):
        intake = register(handler, **PRIVACY)  # high-sensitivity: escalated at registration
        other = register(handler)
    assert Complaint.objects.get(pk=intake.pk).escalated
    other_assignee = Complaint.objects.get(pk=other.pk).assignee
    with clock.frozen_at(NOV_20 - dt.timedelta(hours=1)):
        desk.complaint_escalate(complaint_id=other.pk, actor=handler, reason="需要法务意见")

    with clock.frozen_at(NOV_20):
        rows = services.retraining_from_desk()
    # only the escalation of "other", charged to whoever had it then
    assert [(r.user, r.kind) for r in rows] == [(other_assignee, "escalation_caused")]
    assert intake.number not in rows[0].reason


def test_escalations_older_than_the_lookback_are_left_alone(handler, trainer):
    with clock.frozen_at(NOV_20 - dt.timedelta(days=10)):
        c = register(handler)
        desk.complaint_escalate(complaint_id=c.pk, actor=handler, reason="客户情绪激动")
    with clock.frozen_at(NOV_20):
        assert services.retraining_from_desk() == []


def _month_of_follow_ups(user, satisfactions, *, day=10):
    for n, sat in enumerate(satisfactions):
        with clock.frozen_at(dt.datetime(2026, 10, day + n, 3, 0, tzinfo=dt.UTC)):
            c = register(user)
            close(c, user, satisfaction=sat)


def test_low_monthly_satisfaction_assigns_retraining_once(team, trainer):
    low = make_user("h_low", "handler", team)
    _month_of_follow_ups(low, [3, 3, 4])  # 3.33 < 4.0
    low.is_active = False
    low.save()
    high = make_user("h_high", "handler", team)
    _month_of_follow_ups(high, [5, 4, 4])
    high.is_active = False
    high.save()
    few = make_user("h_few", "handler", team)
    _month_of_follow_ups(few, [3, 3])  # fewer than 3 follow-ups: not judged
    for u in (low, high):
        u.is_active = True
        u.save()

    with clock.frozen_at(NOV_20):
        first = services.retraining_from_desk()
    with clock.frozen_at(NOV_20 + dt.timedelta(days=1)):
        second = services.retraining_from_desk()

    assert [r.pk for r in first] == [r.pk for r in second]
    r = Retraining.objects.get()
    assert (r.user, r.kind, r.source_ref) == (low, "satisfaction_low", f"desk-sat:{low.pk}:2026-10")
    assert r.reason == "2026-10 满意度 3.33（3 次回访），低于目标 4.00"
    assert r.item_codes == ["att_empathy", "skill_communication", "att_service"]


def test_satisfaction_target_is_a_setting(team, trainer):
    AcademySettings.objects.update_or_create(pk=1, defaults={"satisfaction_target": Decimal("4.50")})
    h = make_user("h_ok", "handler", team)
    _month_of_follow_ups(h, [5, 4, 4])  # 4.33
    with clock.frozen_at(NOV_20):
        services.retraining_from_desk()
    assert Retraining.objects.get().user == h


def test_daily_task_runs_triggers_and_sweep(handler, supervisor, trainer):
    with clock.frozen_at(NOV_20):
        _assign(handler, due_on=dt.date(2026, 11, 1))
        result = retraining_daily.call()
    assert result == {"items_done": 0, "desk_retraining": 0, "escalated": 1}
