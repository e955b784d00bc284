"""`kesu lint-reply`: the spelling used in the docs; the command lives in lint_reply.py."""

from kesu.common.management.commands.lint_reply import Command  # noqa: F401
