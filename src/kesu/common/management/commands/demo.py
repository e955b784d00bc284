"""`kesu demo`: load the 华启优选 demo organisation (teams, departments, a login for every role) and a
year of complaints.

Up to a few thousand complaints go through the desk's services (kesu.demo.loader), so their timelines,
SLA marks, tasks, approvals and follow-ups are the ones Kesu itself writes; large loads for benchmarks
(``--complaints 1000000``) use bulk inserts (kesu.demo.bulk). ``--print-logins`` prints the demo logins
that exist and exits.
"""

from __future__ import annotations

import datetime as dt
import importlib
import importlib.util

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from kesu.demo import loader

# Each academy app may ship a ``demo`` module with ``load(*, seed, now, progress)`` (and optionally
# ``reset(*, progress)`` and ``finish(*, seed, now, progress)``, run after every app has loaded); they
# run in this order, after the desk's complaints are in.
ACADEMY_DEMO_MODULES = (
    "kesu.competency.demo",
    "kesu.training.demo",
    "kesu.exams.demo",
    "kesu.plans.demo",
    "kesu.effectiveness.demo",
    "kesu.wellbeing.demo",
    "kesu.roleplay.demo",
)


def academy_demo_modules() -> list:
    return [importlib.import_module(name) for name in ACADEMY_DEMO_MODULES if importlib.util.find_spec(name)]


class Command(BaseCommand):
    help = "Load the 华启优选 demo organisation and a year of complaints (deterministic for a seed)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--seed", type=int, default=1, help="Random seed (default 1): the same seed gives the same data."
        )
        parser.add_argument(
            "--complaints", type=int, default=3000, help="How many complaints (default 3000)."
        )
        parser.add_argument(
            "--months", type=int, default=12, help="Spread them over this many months up to now (default 12)."
        )
        parser.add_argument(
            "--print-logins", action="store_true", help="Print the demo logins that exist and exit."
        )
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Delete ALL complaints, customers and the demo logins first, then load.",
        )
        parser.add_argument(
            "--mode",
            choices=("auto", "service", "bulk"),
            default="auto",
            help=f"service: every step through the desk's services; bulk: bulk inserts; auto (default): "
            f"service up to {loader.SERVICE_PATH_MAX:,} complaints, bulk above.",
        )
        parser.add_argument("--now", help="Pretend it is this moment (ISO 8601), for reproducible loads.")

    def handle(self, *args, **opts):
        if opts["print_logins"]:
            users = loader.demo_users()
            if not users:
                self.stdout.write("No demo logins exist yet. `kesu demo` creates them.")
                return
            self.stdout.write(
                f"{loader.ORG_NAME} demo logins (all with the demo password {loader.DEMO_PASSWORD}):"
            )
            self.stdout.write(loader.logins_table(users))
            return

        count, months = opts["complaints"], opts["months"]
        if count < 0 or months < 1:
            raise CommandError("--complaints must be 0 or more and --months 1 or more.")
        now = self._now(opts["now"])
        clash = loader.demo_data_exists()
        if clash and not opts["reset"]:
            raise CommandError(
                f"Demo data already exists ({clash}); nothing was changed. "
                "`kesu demo --reset` deletes ALL complaints, customers and the demo logins, then loads again."
            )
        if opts["reset"]:
            self.stdout.write("Deleting complaints, customers and demo logins ...")
            for module in reversed(academy_demo_modules()):
                if hasattr(module, "reset"):
                    module.reset(progress=self.stdout.write)
            loader.demo_reset(progress=self.stdout.write)

        mode = opts["mode"]
        if mode == "auto":
            mode = "service" if count <= loader.SERVICE_PATH_MAX else "bulk"
        self.stdout.write(
            f"Loading the {loader.ORG_NAME} demo: {count:,} complaints over {months} months "
            f"(seed {opts['seed']}, {mode} path) ..."
        )
        if mode == "service":
            stats = loader.load(
                seed=opts["seed"], complaints=count, months=months, now=now, progress=self.stdout.write
            )
            self.stdout.write(
                f"Loaded {stats.complaints:,} complaints in {stats.seconds:.1f} s "
                f"({stats.complaints / stats.seconds if stats.seconds else 0:.0f}/s; {stats.steps:,} steps, "
                f"{stats.sweeps:,} SLA sweeps on simulated time)."
            )
            if stats.errors:
                self.stderr.write(
                    f"{len(stats.errors)} steps were refused by the desk (their complaints stay where they were):"
                )
                for line in stats.errors[:10]:
                    self.stderr.write(f"  {line}")
        else:
            from kesu.demo import bulk

            stats = bulk.load(
                seed=opts["seed"], complaints=count, months=months, now=now, progress=self.stdout.write
            )
            self.stdout.write(
                f"Loaded {stats.complaints:,} complaints ({stats.customers:,} customers, {stats.events:,} events, "
                f"{stats.deadlines:,} stage deadlines) in {stats.seconds:.1f} s "
                f"({stats.complaints / stats.seconds if stats.seconds else 0:,.0f} complaints/s)."
            )
        by_status = ", ".join(f"{k} {v:,}" for k, v in sorted((stats.status or {}).items()))
        self.stdout.write(f"By status: {by_status}")
        # The academy reads the desk's year back (KPIs → evidence → needs → plans), so it loads after it.
        modules = academy_demo_modules()
        for module in modules:
            module.load(seed=opts["seed"], now=now, progress=self.stdout.write)
        for module in modules:  # e.g. snapshots that need every app's evidence
            if hasattr(module, "finish"):
                module.finish(seed=opts["seed"], now=now, progress=self.stdout.write)
        self.stdout.write("")
        self.stdout.write(f"Logins (password {loader.DEMO_PASSWORD}):")
        self.stdout.write(loader.logins_table(loader.demo_users()))

    @staticmethod
    def _now(raw: str | None) -> dt.datetime:
        if not raw:
            return timezone.now()
        value = parse_datetime(raw)
        if value is None:
            raise CommandError("--now must be an ISO 8601 date and time, e.g. 2026-11-20T18:00:00+08:00.")
        return value if timezone.is_aware(value) else timezone.make_aware(value)
