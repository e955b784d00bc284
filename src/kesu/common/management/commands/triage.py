"""`kesu triage`: analyse complaint text with the triage engine (see kesu.triage.cli for the usage)."""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand, CommandError

from kesu.triage import cli

# Options of kesu.triage.cli, declared again only so that call_command() accepts them.
_FLAGS = ("json", "no_model")
_VALUES = ("jsonl", "model", "out", "c", "errors")


class Command(BaseCommand):
    help = 'Analyse complaint text: kesu triage [--json] "文本" | --jsonl FILE | eval FILE | train FILE --out PATH'

    def run_from_argv(self, argv):
        # From the shell the engine's own parser reads the arguments as they are.
        sys.exit(cli.main(argv[2:]))

    def add_arguments(self, parser):
        parser.add_argument("args", nargs="*")
        for name in _FLAGS:
            parser.add_argument("--" + name.replace("_", "-"), action="store_true", dest=name)
        for name in _VALUES:
            parser.add_argument("--" + name, dest=name)

    def handle(self, *args, **options):
        argv = list(args)
        argv += ["--" + n.replace("_", "-") for n in _FLAGS if options.get(n)]
        for name in _VALUES:
            if options.get(name) is not None:
                argv += ["--" + name, str(options[name])]
        code = cli.main(argv, stdout=self.stdout)
        if code:
            raise CommandError(f"kesu triage exited with {code}")
