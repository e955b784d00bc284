"""The same tasks through the Redis-backed queue (RQ), as a multi-machine deployment runs them.

Needs a Redis server: .ci/run starts one and sets KESU_TEST_REDIS_URL; without it the test is skipped.
"""

import datetime as dt
import os

import pytest

from kesu.complaints.models import Notification

REDIS_URL = os.environ.get("KESU_TEST_REDIS_URL", "")
pytestmark = [
    pytest.mark.skipif(not REDIS_URL, reason="KESU_TEST_REDIS_URL not set (no Redis server)"),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def rq_settings(settings):
    queues = ["default", "mail"]
    settings.RQ_QUEUES = {q: {"URL": REDIS_URL} for q in queues}
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": queues}}
    import django_rq

    for q in queues:
        django_rq.get_queue(q).empty()
    return queues


def test_sla_sweep_runs_through_redis_worker(rq_settings, handler, supervisor):
    import django_rq
    from rq import SimpleWorker

    from kesu.common import clock
    from kesu.complaints.tasks import sla_sweep
    from tests.complaints.factories import register

    with clock.frozen_at(clock.now() - dt.timedelta(days=30)):
        register(handler, severity="critical")  # 30 natural minutes to acknowledge: long overdue now
    result = sla_sweep.enqueue()
    assert result.backend == "default"
    queues = [django_rq.get_queue(q) for q in rq_settings]
    from django_tasks_rq.backend import Job

    worker = SimpleWorker(queues, connection=queues[0].connection, job_class=Job)
    worker.work(burst=True)
    result.refresh()
    assert result.status == "SUCCESSFUL"
    assert result.return_value["overdue"] >= 1
    assert Notification.objects.filter(user=supervisor, kind="escalated").count() == 1
