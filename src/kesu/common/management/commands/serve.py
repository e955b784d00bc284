"""`kesu serve`: the production-grade web server (gunicorn) with Kesu's defaults."""

from __future__ import annotations

import os

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve Kesu with gunicorn."

    def add_arguments(self, parser):
        parser.add_argument("--bind", default=os.environ.get("KESU_BIND", "127.0.0.1:8000"))
        parser.add_argument("--workers", type=int, default=int(os.environ.get("KESU_WEB_WORKERS", "2")))
        parser.add_argument("--threads", type=int, default=int(os.environ.get("KESU_WEB_THREADS", "4")))

    def handle(self, *args, **opts):
        argv = [
            "gunicorn",
            "kesu.wsgi:application",
            "--bind",
            opts["bind"],
            "--workers",
            str(opts["workers"]),
            "--threads",
            str(opts["threads"]),
            "--access-logfile",
            "-",
            "--timeout",
            "60",
        ]
        os.execvp("gunicorn", argv)  # noqa: S606 - fixed argv, no shell
