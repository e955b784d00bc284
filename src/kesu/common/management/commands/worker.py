"""`kesu worker`: the task worker plus the periodic jobs (SLA sweep, daily academy jobs).

With the database backend it runs django-tasks-db's worker; with the Redis backend, RQ's worker. The
scheduler thread enqueues the SLA sweep every KESU_SLA_SWEEP_INTERVAL seconds; on a multi-machine
set-up exactly one worker keeps it (the others run with --no-scheduler).

Daily jobs are declared by the apps themselves: an AppConfig's ``kesu_daily_tasks`` lists dotted paths of
tasks (Django Tasks API) that the scheduler enqueues once per local day, from KESU_DAILY_JOBS_HOUR on
(default 02:00), and once at start-up. The tasks are idempotent, so an extra run is harmless.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading

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


def _scheduler(stop: threading.Event, interval: int) -> None:
    from kesu.complaints.tasks import sla_sweep

    last_day: dt.date | None = None
    while not stop.is_set():
        try:
            sla_sweep.enqueue()
        except Exception:  # keep scheduling: a transient database error must not stop the sweeps
            log.exception("could not enqueue the SLA sweep")
        try:
            last_day = _enqueue_daily(last_day)
        except Exception:
            log.exception("could not enqueue the daily jobs")
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
