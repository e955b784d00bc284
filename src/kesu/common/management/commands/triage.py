"""`kesu triage`: analyse complaint text with the triage engine (see kesu.triage.cli for the usage).

One addition on the Django side: ``kesu triage train --from-desk [--out PATH]`` trains the category
model from the complaints whose category a handler confirmed or corrected on the desk. The engine's
``train`` takes plain examples; this command exports them from the database into a temporary JSONL file
(``{"text", "category"}`` per line) and hands it to the engine's CLI.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile

from django.core.management.base import BaseCommand, CommandError

from kesu.triage import cli

# Options of kesu.triage.cli, declared again only so that call_command() accepts them.
_FLAGS = ("json", "no_model", "from_desk")
_VALUES = ("jsonl", "model", "out", "c", "errors")


def _desk_examples(out) -> str:
    """Write the desk's confirmed complaints to a temporary JSONL file; its path."""
    from kesu.complaints.selectors import triage_training_examples

    fd, path = tempfile.mkstemp(prefix="kesu-desk-examples-", suffix=".jsonl")
    n = 0
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        for text, category in triage_training_examples():
            fh.write(json.dumps({"text": text, "category": category}, ensure_ascii=False) + "\n")
            n += 1
    out.write(f"{n} complaints with a confirmed or corrected category on the desk\n")
    return path


def _run(argv: list[str], out) -> int:
    if argv[:1] == ["train"] and "--from-desk" in argv:
        rest = [a for a in argv[1:] if a != "--from-desk"]
        path = _desk_examples(out)
        try:
            return cli.main(["train", path, *rest], stdout=out)
        finally:
            os.unlink(path)
    return cli.main(argv, stdout=out)


class Command(BaseCommand):
    help = (
        'Analyse complaint text: kesu triage [--json] "文本" | --jsonl FILE | eval FILE | '
        "train FILE --out PATH | train --from-desk [--out PATH]"
    )

    def run_from_argv(self, argv):
        # From the shell the engine's own parser reads the arguments as they are.
        sys.exit(_run(argv[2:], sys.stdout))

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
        code = _run(argv, self.stdout)
        if code:
            raise CommandError(f"kesu triage exited with {code}")
