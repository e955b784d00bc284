"""Writes for accounts: users' language, API tokens."""

from __future__ import annotations

import secrets

from django.utils import timezone

from kesu.accounts.models import ApiToken, User
from kesu.common.prepared import PreparedRead

# Every API request runs this read: one row, the token's id and last use followed by the whole user.
_USER_FIELDS = [f.attname for f in User._meta.concrete_fields]
_TOKEN_READ: PreparedRead[ApiToken] = PreparedRead(
    lambda key_hash: ApiToken.objects.filter(
        key_hash=key_hash, revoked=False, user__is_active=True
    ).values_list("pk", "last_used_at", *(f"user__{name}" for name in _USER_FIELDS)),
    key_hash=str,
)


def api_token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """Create a token and return it with the plain key, which is never stored."""
    key = "ks_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name, key_hash=ApiToken.hash_key(key), prefix=key[:8])
    return token, key


def api_token_authenticate(*, key: str) -> User | None:
    """The active user of an unrevoked token, or None. Checked against the database on every request, so
    revoking a token or deactivating its user takes effect at once in every process."""
    rows = _TOKEN_READ.rows(key_hash=ApiToken.hash_key(key))
    if not rows:
        return None
    token_id, last_used_at, *user_values = rows[0]
    now = timezone.now()
    # Touch at most once a minute: a busy integration must not turn every read into a write.
    if last_used_at is None or (now - last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token_id).update(last_used_at=now)
    return User.from_db("default", _USER_FIELDS, user_values)


def user_set_language(*, user: User, language: str) -> None:
    User.objects.filter(pk=user.pk).update(language=language)
    user.language = language
