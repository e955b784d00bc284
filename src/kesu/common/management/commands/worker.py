"""`kesu worker`: the task worker plus the periodic jobs (intake pump, SLA sweep, daily academy jobs).

With the database backend it runs django-tasks-db's worker; with the Redis backend, RQ's worker. The
scheduler thread enqueues the SLA sweep every KESU_SLA_SWEEP_INTERVAL seconds and, every
KESU_INTAKE_POLL_SECONDS (default 1), the intake pump when API registrations wait for their intake work
and fewer than KESU_INTAKE_PUMPS pumps are queued or running; on a multi-machine set-up exactly one
worker keeps the scheduler (the others run with --no-scheduler) and any worker runs the tasks.

Daily jobs are declared by the apps themselves: an AppConfig's ``kesu_daily_tasks`` lists dotted paths of
tasks (Django Tasks API) that the scheduler enqueues once per local day, from KESU_DAILY_JOBS_HOUR on
(default 02:00), and once at start-up. The tasks are idempotent, so an extra run is harmless.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils import timezone
from django.utils.module_loading import import_string

log = logging.getLogger("kesu.worker")


def daily_task_paths() -> list[str]:
    return [path for config in apps.get_app_configs() for path in getattr(config, "kesu_daily_tasks", ())]


def _enqueue_daily(last_day: dt.date | None) -> dt.date | None:
    now = timezone.localtime()
    if last_day == now.date() or (last_day is not None and now.hour < settings.DAILY_JOBS_HOUR):
        return last_day
    for path in daily_task_paths():
        try:
            import_string(path).enqueue()
        except Exception:  # one broken job must not stop the others
            log.exception("could not enqueue the daily job %s", path)
    return now.date()


class IntakePumps:
    """Keeps up to ``limit`` intake pump tasks queued or running while API registrations are pending."""

    def __init__(self, limit: int):
        self.limit = max(1, limit)
        self.in_flight: list = []

    def tick(self) -> int:
        """Enqueue the pumps that are missing; returns how many it enqueued."""
        from kesu.complaints.selectors import intake_backlog_exists
        from kesu.complaints.tasks import intake_pump

        still = []
        for result in self.in_flight:
            if not result.is_finished:
                try:
                    result.refresh()
                except Exception:  # the queue forgot it (pruned, Redis flushed): it runs no longer
                    log.warning("intake pump %s: no longer known to the queue", result.id)
                    continue
            if not result.is_finished:
                still.append(result)
        self.in_flight = still
        if len(self.in_flight) >= self.limit or not intake_backlog_exists():
            return 0
        # One more at a time: a second pump only starts if the first is still draining a tick later.
        self.in_flight.append(intake_pump.enqueue())
        return 1


def _scheduler(stop: threading.Event, interval: int, poll: float, pumps: IntakePumps) -> None:
    from kesu.complaints.tasks import sla_sweep

    last_day: dt.date | None = None
    next_sweep = 0.0
    while not stop.is_set():
        try:
            pumps.tick()
        except Exception:  # keep scheduling: a transient database error must not stop the loop
            log.exception("could not enqueue the intake pump")
        if time.monotonic() >= next_sweep:
            next_sweep = time.monotonic() + interval
            try:
                sla_sweep.enqueue()
            except Exception:
                log.exception("could not enqueue the SLA sweep")
            try:
                last_day = _enqueue_daily(last_day)
            except Exception:
                log.exception("could not enqueue the daily jobs")
        stop.wait(poll)


class Command(BaseCommand):
    help = "Run the background task worker and the periodic SLA sweep."

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-scheduler", action="store_true", help="Do not enqueue periodic jobs from this worker."
        )
        parser.add_argument("--interval", type=int, default=settings.SLA_SWEEP_INTERVAL_SECONDS)
        parser.add_argument("--intake-poll", type=float, default=settings.INTAKE_POLL_SECONDS)
        parser.add_argument("--intake-pumps", type=int, default=settings.INTAKE_PUMPS)

    def handle(self, *args, **opts):
        stop = threading.Event()
        if not opts["no_scheduler"]:
            threading.Thread(
                target=_scheduler,
                args=(stop, opts["interval"], opts["intake_poll"], IntakePumps(opts["intake_pumps"])),
                daemon=True,
                name="kesu-scheduler",
            ).start()
            self.stdout.write(
                f"Scheduler: SLA sweep every {opts['interval']} s, "
                f"intake backlog checked every {opts['intake_poll']:g} s"
            )
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
