"""The worker's scheduler: intake pumps while API registrations wait, never more than the limit."""

from types import SimpleNamespace

import pytest

from kesu.common.management.commands.worker import IntakePumps
from kesu.complaints import services, tasks
from kesu.complaints.models import Complaint
from tests.complaints.factories import complaint_input

pytestmark = pytest.mark.django_db


class _Queued:
    """A pump the queue has not run yet."""

    def __init__(self):
        self.id = "queued"
        self.is_finished = False
        self.refreshed = 0

    def refresh(self):
        self.refreshed += 1


def test_a_pump_is_enqueued_only_while_registrations_wait(handler):
    pumps = IntakePumps(limit=2)
    assert pumps.tick() == 0

    services.complaint_register(data=complaint_input(), actor=handler, defer=True)

    # The test backend runs the pump as soon as it is enqueued.
    assert pumps.tick() == 1
    assert Complaint.objects.filter(intake_pending=True).count() == 0
    assert pumps.tick() == 0


def test_no_more_pumps_than_the_limit_are_queued_or_running(handler, monkeypatch):
    queued: list[_Queued] = []

    def enqueue():
        queued.append(_Queued())
        return queued[-1]

    monkeypatch.setattr(tasks, "intake_pump", SimpleNamespace(enqueue=enqueue))
    services.complaint_register(data=complaint_input(), actor=handler, defer=True)
    pumps = IntakePumps(limit=2)

    assert [pumps.tick(), pumps.tick(), pumps.tick()] == [1, 1, 0]
    assert len(queued) == 2
    assert queued[0].refreshed == 2  # each tick asks the queue whether the pump has run

    queued[0].is_finished = True
    assert pumps.tick() == 1
    assert len(queued) == 3


def test_a_pump_the_queue_forgot_no_longer_counts(handler, monkeypatch):
    class Forgotten(_Queued):
        def refresh(self):
            raise LookupError("no such task")

    monkeypatch.setattr(tasks, "intake_pump", SimpleNamespace(enqueue=Forgotten))
    services.complaint_register(data=complaint_input(), actor=handler, defer=True)
    pumps = IntakePumps(limit=1)

    assert [pumps.tick(), pumps.tick()] == [1, 1]
