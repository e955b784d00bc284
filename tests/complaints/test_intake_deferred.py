"""Registration with ``defer=True`` (the API): the complaint is stored at once, its intake work (repeat
link, SLA timers, assignment, triage and escalation, acknowledgement) runs afterwards — from the
intake pump task, the SLA sweep task, or the first service that locks the complaint."""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.core import mail

from kesu.common import clock
from kesu.complaints import services, tasks
from kesu.complaints.models import (
    Complaint,
    ComplaintEvent,
    ComplaintTriage,
    DailySequence,
    Notification,
    OutboundMessage,
    StageDeadline,
)
from tests.complaints.factories import complaint_input

pytestmark = pytest.mark.django_db

NOON = dt.datetime(2026, 11, 23, 4, 0, tzinfo=dt.UTC)  # Monday 12:00 in Beijing
PRIVACY = {
    "category_code": "privacy",
    "title": "个人信息被泄露",
    "description": "我在你们平台登记的手机号和家庭住址被泄露了，每天接到骚扰电话，对方能报出我的订单信息。",
}


def _register_later(actor, **overrides):
    """Register with the intake work deferred, as the API does, without running the queued task."""
    return services.complaint_register(data=complaint_input(**overrides), actor=actor, defer=True)


def _kinds(c):
    return list(
        ComplaintEvent.objects.filter(complaint=c).order_by("at", "pk").values_list("kind", flat=True)
    )


def test_deferred_registration_stores_the_complaint_and_leaves_its_intake_work_to_the_pump(
    handler, django_capture_on_commit_callbacks
):
    with clock.frozen_at(NOON), django_capture_on_commit_callbacks() as queued:
        c = _register_later(handler, email="wangli@example.cn")

    c.refresh_from_db()
    assert c.intake_pending is True
    assert (c.assignee, c.next_due_at, c.is_repeat, c.version) == (None, None, False, 1)
    assert _kinds(c) == ["registered"]
    assert StageDeadline.objects.count() == 0
    assert ComplaintTriage.objects.count() == 0
    assert OutboundMessage.objects.count() == 0
    assert queued == []  # nothing is enqueued per registration: the pending flag is the outbox

    with clock.frozen_at(NOON + dt.timedelta(seconds=3)), django_capture_on_commit_callbacks(execute=True):
        assert tasks.intake_pump.call() == 1

    c.refresh_from_db()
    assert c.intake_pending is False
    assert c.assignee == handler
    assert c.version == 1  # the intake work belongs to the registration
    assert _kinds(c) == ["registered", "assigned", "message"]
    deadlines = StageDeadline.objects.filter(complaint=c).order_by("due_at")
    # SLA timers run from the registration, not from when the task ran.
    assert {d.started_at for d in deadlines} == {NOON}
    assert c.next_due_at == deadlines[0].due_at
    assert ComplaintTriage.objects.get(complaint=c).analysed_at == NOON
    assert OutboundMessage.objects.get(complaint=c).state == "sent"
    assert mail.outbox[-1].to == ["wangli@example.cn"]


def test_deferred_and_immediate_registration_write_the_same_intake(handler, supervisor):
    with clock.frozen_at(NOON):
        now = services.complaint_register(data=complaint_input(**PRIVACY), actor=handler)
        later = _register_later(handler, **PRIVACY, phone="13900001111")
    assert services.complaint_intake_finish(complaint_ids=[later.pk]) == 1

    now.refresh_from_db()
    later.refresh_from_db()
    assert _kinds(now) == _kinds(later) == ["registered", "assigned", "triage", "escalated", "message"]
    for field in ("escalated", "sla_warning", "is_overdue", "next_due_at", "version"):
        assert getattr(now, field) == getattr(later, field), field
    assert now.escalated is True
    assert Notification.objects.filter(user=supervisor, kind="escalated").count() == 2


def test_finishing_is_idempotent(handler):
    c = _register_later(handler)

    assert services.complaint_intake_finish(complaint_ids=[c.pk]) == 1
    assert services.complaint_intake_finish(complaint_ids=[c.pk]) == 0
    assert tasks.finish_intake.call(c.pk) == 0

    assert StageDeadline.objects.filter(complaint=c).count() == 3
    assert OutboundMessage.objects.filter(complaint=c).count() == 1
    assert ComplaintTriage.objects.filter(complaint=c).count() == 1
    assert _kinds(c) == ["registered", "assigned", "message"]


def test_the_pump_drains_every_pending_complaint_in_batches(handler, senior, monkeypatch):
    monkeypatch.setattr(services, "INTAKE_BATCH", 2)
    with clock.frozen_at(NOON):
        for i in range(1, 6):
            _register_later(handler, phone=f"1380000000{i}")

    assert tasks.intake_pump.call() == 5

    assert Complaint.objects.filter(intake_pending=True).count() == 0
    assert tasks.intake_pump.call() == 0
    # Least loaded across the batch, exactly as one after the other: handler and senior alternate.
    assignees = [c.assignee for c in Complaint.objects.order_by("pk")]
    assert assignees == [handler, senior, handler, senior, handler]


def test_a_task_queued_by_an_earlier_version_takes_the_oldest_pending_along(handler):
    with clock.frozen_at(NOON):
        first = _register_later(handler, phone="13800000001")
        others = [_register_later(handler, phone=f"1380000000{i}") for i in range(2, 5)]

    assert tasks.finish_intake.call(first.pk) == 4
    assert [tasks.finish_intake.call(o.pk) for o in others] == [0, 0, 0]


def test_a_repeat_within_one_batch_links_to_the_earlier_complaint(handler):
    with clock.frozen_at(NOON):
        a = _register_later(handler, phone="13811112222")
    with clock.frozen_at(NOON + dt.timedelta(hours=1)):
        b = _register_later(handler, phone="13811112222")

    services.complaint_intake_finish(complaint_ids=[a.pk, b.pk])

    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.is_repeat, b.is_repeat) == (False, True)
    assert list(b.earlier_complaints.values_list("number", flat=True)) == [a.number]
    repeat = ComplaintEvent.objects.get(complaint=b, kind="repeat")
    assert repeat.data == {"earlier": [a.number]}


def test_acting_on_a_pending_complaint_finishes_its_intake_first(handler):
    with clock.frozen_at(NOON):
        c = _register_later(handler)
    with clock.frozen_at(NOON + dt.timedelta(minutes=5)):
        services.complaint_transition(complaint_id=c.pk, action="acknowledge", actor=handler)

    c.refresh_from_db()
    assert c.intake_pending is False
    assert c.status == "acknowledged"
    assert c.assignee == handler
    assert _kinds(c)[:4] == ["registered", "assigned", "message", "transition"]
    ack = StageDeadline.objects.get(complaint=c, stage="acknowledge")
    assert ack.met_at == NOON + dt.timedelta(minutes=5)  # the timer existed before it was met
    # The pump finds nothing left to do.
    assert tasks.intake_pump.call() == 0
    assert StageDeadline.objects.filter(complaint=c).count() == 3


def test_the_sweep_task_finishes_registrations_no_pump_took(handler):
    with clock.frozen_at(NOON):
        stale = _register_later(handler, phone="13800000011")
    with clock.frozen_at(NOON + dt.timedelta(minutes=1, seconds=30)):
        fresh = _register_later(handler, phone="13800000012")

    with clock.frozen_at(NOON + dt.timedelta(minutes=2, seconds=10)):
        result = tasks.sla_sweep.call()

    assert result["intake_finished"] == 1
    assert Complaint.objects.get(pk=stale.pk).intake_pending is False
    # Registered 40 s ago: the sweep leaves it to the pump.
    assert Complaint.objects.get(pk=fresh.pk).intake_pending is True


def test_numbers_stay_unique_and_consecutive_across_deferred_and_immediate_registration(handler):
    with clock.frozen_at(NOON):
        numbers = [
            _register_later(handler).number,
            services.complaint_register(data=complaint_input(), actor=handler).number,
            _register_later(handler).number,
        ]
    assert numbers == ["TS-20261123-0001", "TS-20261123-0002", "TS-20261123-0003"]
    assert DailySequence.objects.get().last == 3


def test_a_failed_registration_leaves_a_gap_not_a_duplicate(handler, monkeypatch):
    def boom(*args, **kwargs):
        raise RuntimeError("database went away")

    with clock.frozen_at(NOON):
        first = _register_later(handler).number
        monkeypatch.setattr(services, "_REGISTRATION_ROWS", SimpleNamespace(insert=boom))
        with pytest.raises(RuntimeError):
            _register_later(handler)
        monkeypatch.undo()
        third = _register_later(handler).number

    assert (first, third) == ("TS-20261123-0001", "TS-20261123-0003")
    assert Complaint.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_a_registration_is_one_unit_and_a_raced_retry_gets_the_first(
    handler, monkeypatch
):
    """As the API runs it (autocommit): the new customer, the complaint, the idempotency record and the
    event are one statement on PostgreSQL; a retry that raced past the idempotency lookup is refused
    by the database as a whole and answered with the first complaint."""

    def register():
        return services.complaint_register(
            data=complaint_input(phone="13700004444"), actor=handler, idempotency_key="crm-77", defer=True
        )

    first = register()
    stored = Complaint.objects.select_related("customer").get(pk=first.pk)
    assert stored.customer.phone_normalized == "13700004444"
    assert _kinds(stored) == ["registered"]

    real_prior = services._idempotent_prior
    calls = []

    def missed_once(actor, key):
        calls.append(key)
        return None if len(calls) == 1 else real_prior(actor, key)

    monkeypatch.setattr(services, "_idempotent_prior", missed_once)
    again = register()

    assert again.pk == first.pk and getattr(again, "_replayed", False) is True
    assert Complaint.objects.count() == 1
    assert ComplaintEvent.objects.count() == 1
