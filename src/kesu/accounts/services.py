"""Writes for accounts: users' language, API tokens."""

from __future__ import annotations

import secrets

from django.utils import timezone

from kesu.accounts.models import ApiToken, User


def api_token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """Create a token and return it with the plain key, which is never stored."""
    key = "ks_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name, key_hash=ApiToken.hash_key(key), prefix=key[:8])
    return token, key


def api_token_authenticate(*, key: str) -> User | None:
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=ApiToken.hash_key(key), revoked=False, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    # Touch at most once a minute: a busy integration must not turn every read into a write.
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def user_set_language(*, user: User, language: str) -> None:
    User.objects.filter(pk=user.pk).update(language=language)
    user.language = language
