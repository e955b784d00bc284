"""`kesu api_token <username> --name NAME`: create an API token for a user and print it once.

Only a hash is stored, so the printed key cannot be shown again; create a new token if it is lost.
`--revoke PREFIX` revokes the user's token whose key starts with PREFIX (8 characters), `--list` shows them.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from kesu.accounts.models import ApiToken, User
from kesu.accounts.services import api_token_create


class Command(BaseCommand):
    help = "Create an API token for a user (printed once), list or revoke a user's tokens."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="", help="What the token is for, e.g. the integration's name.")
        parser.add_argument(
            "--list", action="store_true", help="List the user's tokens instead of creating one."
        )
        parser.add_argument(
            "--revoke",
            metavar="PREFIX",
            help="Revoke the user's token whose key starts with PREFIX (its first 8 characters).",
        )

    def handle(self, *args, **opts):
        user = User.objects.filter(username=opts["username"]).first()
        if user is None:
            raise CommandError(f"No user named {opts['username']!r}.")
        tokens = ApiToken.objects.filter(user=user).order_by("created_at")
        if opts["list"]:
            for t in tokens:
                state = "revoked" if t.revoked else "active"
                used = t.last_used_at.isoformat() if t.last_used_at else "never used"
                self.stdout.write(f"{t.prefix}…  {t.name}  {state}  created {t.created_at:%Y-%m-%d}  {used}")
            return
        if opts["revoke"]:
            prefix = opts["revoke"][:8]
            if len(prefix) < 8:
                raise CommandError(
                    "Give the token's first 8 characters (as --list shows them) or the whole key."
                )
            n = tokens.filter(prefix=prefix, revoked=False).update(revoked=True)
            if not n:
                raise CommandError(f"No active token of {user.username} starts with {prefix!r}.")
            self.stdout.write(f"Revoked {n} token(s).")
            return
        name = opts["name"].strip()
        if not name:
            raise CommandError("Give the token a name with --name (e.g. --name crm-sync).")
        if not user.is_active:
            raise CommandError(f"User {user.username} is not active.")
        _token, key = api_token_create(user=user, name=name[:80])
        self.stderr.write(
            f"API token {name!r} for {user.username} (role {user.role}). It is shown only this once:"
        )
        self.stdout.write(key)
