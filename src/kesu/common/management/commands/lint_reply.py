"""`kesu lint-reply`: coach a reply to a complaint (see kesu.triage.cli for the usage)."""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand, CommandError

from kesu.triage import cli


class Command(BaseCommand):
    help = 'Coach a reply: kesu lint-reply [--json] "回复" [--complaint "投诉"]'

    def run_from_argv(self, argv):
        sys.exit(cli.lint_main(argv[2:]))

    def add_arguments(self, parser):
        parser.add_argument("args", nargs="*")
        parser.add_argument("--json", action="store_true")
        parser.add_argument("--complaint", default="")

    def handle(self, *args, **options):
        argv = list(args) + (["--json"] if options["json"] else [])
        if options["complaint"]:
            argv += ["--complaint", options["complaint"]]
        code = cli.lint_main(argv, stdout=self.stdout)
        if code:
            raise CommandError(f"kesu lint-reply exited with {code}")
