import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kesu.common import clock
from kesu.complaints import selectors, services, sla
from kesu.complaints.models import Complaint, Notification, StageDeadline
from tests.complaints.factories import register

SH = ZoneInfo("Asia/Shanghai")
pytestmark = pytest.mark.django_db
MONDAY_9 = dt.datetime(2026, 11, 23, 9, 0, tzinfo=SH)


def test_registration_starts_three_stages_in_working_time(handler):
    with clock.frozen_at(MONDAY_9):
        c = register(handler)  # medium, regular: ack 2 h, first response 8 h, resolve 40 h (working)
    due = {d.stage: d.due_at.astimezone(SH) for d in c.deadlines.all()}
    assert due == {
        "acknowledge": dt.datetime(2026, 11, 23, 11, 0, tzinfo=SH),
        "first_response": dt.datetime(2026, 11, 23, 17, 0, tzinfo=SH),
        # 40 h of 9-hour days: Monday to Thursday (36 h) and 4 h on Friday
        "resolve": dt.datetime(2026, 11, 27, 13, 0, tzinfo=SH),
    }
    c.refresh_from_db()
    assert c.next_due_at.astimezone(SH) == dt.datetime(2026, 11, 23, 11, 0, tzinfo=SH)


def test_warning_then_overdue_then_met(handler, supervisor):
    with clock.frozen_at(MONDAY_9):
        c = register(handler)
    # 80 % of 2 h = 1 h 36 min
    assert sla.sweep(now=MONDAY_9 + dt.timedelta(minutes=95)) == {"warned": 0, "overdue": 0}
    assert sla.sweep(now=MONDAY_9 + dt.timedelta(minutes=97)) == {"warned": 1, "overdue": 0}
    c.refresh_from_db()
    assert (c.sla_warning, c.is_overdue, c.escalated) == (True, False, False)
    assert Notification.objects.filter(user=handler, kind="sla_warning").count() == 1
    # idempotent
    assert sla.sweep(now=MONDAY_9 + dt.timedelta(minutes=100)) == {"warned": 0, "overdue": 0}

    assert sla.sweep(now=MONDAY_9 + dt.timedelta(hours=2, minutes=1)) == {"warned": 0, "overdue": 1}
    c.refresh_from_db()
    assert (c.is_overdue, c.escalated) == (True, True)
    assert Notification.objects.filter(user=supervisor, kind="escalated").count() == 1
    assert list(
        c.events.filter(kind__in=["sla_warning", "sla_overdue", "escalated"]).values_list("kind", flat=True)
    ) == ["sla_warning", "sla_overdue", "escalated"]

    with clock.frozen_at(MONDAY_9 + dt.timedelta(hours=3)):
        services.complaint_transition(complaint_id=c.pk, action="acknowledge", actor=handler)
    c.refresh_from_db()
    assert c.is_overdue is False
    assert c.deadlines.get(stage="acknowledge").met_at is not None


def test_critical_counts_natural_hours(handler):
    saturday_night = dt.datetime(2026, 11, 21, 22, 0, tzinfo=SH)
    with clock.frozen_at(saturday_night):
        c = register(handler, severity="critical")
    assert c.deadlines.get(stage="acknowledge").due_at.astimezone(SH) == saturday_night + dt.timedelta(
        minutes=30
    )
    assert c.deadlines.get(stage="first_response").due_at.astimezone(SH) == saturday_night + dt.timedelta(
        hours=2
    )


def test_special_group_policy_applies(handler):
    with clock.frozen_at(MONDAY_9):
        c = register(handler, special_group="elderly")
    assert c.sla_policy.special_group_only is True
    assert c.deadlines.get(stage="acknowledge").due_at.astimezone(SH) == MONDAY_9 + dt.timedelta(hours=1)


def test_follow_up_stage_starts_on_resolve_and_close_clears_everything(handler):
    from tests.complaints.factories import to_follow_up

    with clock.frozen_at(MONDAY_9):
        c = to_follow_up(register(handler), handler)
    assert set(c.deadlines.filter(met_at__isnull=True).values_list("stage", flat=True)) == {"follow_up"}
    with clock.frozen_at(MONDAY_9 + dt.timedelta(hours=1)):
        services.follow_up_record(
            complaint_id=c.pk, actor=handler, channel="phone", reached=True, satisfaction=5, resolved=True
        )
        services.complaint_transition(complaint_id=c.pk, action="close", actor=handler)
    c.refresh_from_db()
    assert c.next_due_at is None
    assert not c.deadlines.filter(met_at__isnull=True).exists()


def test_sweep_cost_does_not_grow_with_open_complaints(handler):
    with clock.frozen_at(MONDAY_9):
        for _ in range(30):
            register(handler)
    with CaptureQueriesContext(connection) as ctx:
        assert sla.sweep(now=MONDAY_9 + dt.timedelta(minutes=10)) == {"warned": 0, "overdue": 0}
    assert len(ctx.captured_queries) == 2
    assert StageDeadline.objects.filter(met_at__isnull=True).count() == 90


def test_overdue_sorts_first_in_queues(handler):
    with clock.frozen_at(MONDAY_9):
        early = register(handler)
    with clock.frozen_at(MONDAY_9 + dt.timedelta(hours=1)):
        late = register(handler)
    with clock.frozen_at(MONDAY_9 + dt.timedelta(minutes=10)):
        urgent = register(handler, severity="critical")  # natural 30 min: overdue first
    sla.sweep(now=MONDAY_9 + dt.timedelta(minutes=50))
    page = selectors.complaint_queue(user=handler, queue="team")
    numbers = [c.number for c in page.items]
    assert numbers[0] == urgent.number
    assert numbers[1:] == [early.number, late.number]
    assert Complaint.objects.get(pk=urgent.pk).is_overdue is True


def test_queue_keyset_pagination_visits_everything_once(handler):
    with clock.frozen_at(MONDAY_9):
        made = {register(handler).number for _ in range(7)}
    seen, cursor = [], None
    while True:
        page = selectors.complaint_queue(user=handler, queue="team", cursor=cursor, limit=3)
        seen += [c.number for c in page.items]
        cursor = page.next_cursor
        if not cursor:
            break
    assert sorted(seen) == sorted(made)
    assert len(seen) == 7


def test_burst_sweep_in_chunks_marks_everything_once(handler, supervisor):
    with clock.frozen_at(MONDAY_9):
        made = [register(handler) for _ in range(40)]
    later = MONDAY_9 + dt.timedelta(days=14)
    # 40 complaints × 3 stages = 120 deadlines: more than one chunk of 100
    assert sla.sweep(now=later) == {"warned": 120, "overdue": 120}
    assert sla.sweep(now=later) == {"warned": 0, "overdue": 0}
    assert (
        Complaint.objects.filter(pk__in=[c.pk for c in made], is_overdue=True, escalated=True).count() == 40
    )
    assert Notification.objects.filter(user=supervisor, kind="escalated").count() == 40
    assert Notification.objects.filter(user=handler, kind="sla_warning").count() == 120
    first = made[0]
    kinds = list(first.events.filter(kind__in=["sla_warning", "sla_overdue"]).values_list("kind", flat=True))
    assert sorted(kinds) == ["sla_overdue"] * 3 + ["sla_warning"] * 3
