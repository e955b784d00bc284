"""`kesu worker`: the task worker plus the periodic jobs (SLA sweep).

With the database backend it runs django-tasks-db's worker; with the Redis backend, RQ's worker. The
scheduler thread enqueues the SLA sweep every KESU_SLA_SWEEP_INTERVAL seconds; on a multi-machine
set-up exactly one worker keeps it (the others run with --no-scheduler).
"""

from __future__ import annotations

import logging
import threading

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

log = logging.getLogger("kesu.worker")


def _scheduler(stop: threading.Event, interval: int) -> None:
    from kesu.complaints.tasks import sla_sweep
    from kesu.exams.tasks import exam_attempts_close

    while not stop.is_set():
        try:
            sla_sweep.enqueue()
        except Exception:  # keep scheduling: a transient database error must not stop the sweeps
            log.exception("could not enqueue the SLA sweep")
        try:
            exam_attempts_close.enqueue()  # timed-out exam attempts are closed and graded
        except Exception:
            log.exception("could not enqueue the closing of timed-out exam attempts")
        stop.wait(interval)


class Command(BaseCommand):
    help = "Run the background task worker and the periodic SLA sweep."

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-scheduler", action="store_true", help="Do not enqueue periodic jobs from this worker."
        )
        parser.add_argument("--interval", type=int, default=settings.SLA_SWEEP_INTERVAL_SECONDS)

    def handle(self, *args, **opts):
        stop = threading.Event()
        if not opts["no_scheduler"]:
            threading.Thread(
                target=_scheduler, args=(stop, opts["interval"]), daemon=True, name="kesu-scheduler"
            ).start()
            self.stdout.write(f"Scheduler: SLA sweep every {opts['interval']} s")
        try:
            if settings.TASKS_BACKEND == "rq":
                call_command("rqworker", *settings.TASK_QUEUES)
            elif settings.TASKS_BACKEND == "database":
                call_command("db_worker", "--queue-name=*")
            else:
                self.stdout.write("Tasks run inline (KESU_TASKS_BACKEND=immediate); only the scheduler runs.")
                stop.wait()
        finally:
            stop.set()
