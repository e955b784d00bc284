"""Authentication for the API: bearer tokens for integrations, the Django session for the UI.

Both are accepted on every endpoint. A request with a valid ``Authorization: Bearer`` token is never
checked for CSRF (a token cannot be sent by a foreign page); a request authenticated by its session
cookie is, for unsafe methods, exactly as Django's CsrfViewMiddleware would.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import translation
from ninja.security import HttpBearer, SessionAuth
from ninja.utils import check_csrf

from kesu.accounts.services import api_token_authenticate
from kesu.common.errors import DomainError


class CsrfFailed(DomainError):
    status = 403
    code = "csrf_failed"


class BearerToken(HttpBearer):
    """``Authorization: Bearer ks_…`` — an ApiToken created with ``kesu api_token``."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        if not token:
            return None
        user = api_token_authenticate(key=token.strip())
        if user is not None and user.language and "accept-language" not in request.headers:
            # What UserLanguageMiddleware does for a session: the user's own language for messages.
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language  # type: ignore[attr-defined]
        return user


class Session(SessionAuth):
    """Django session login (the UI's own pages calling the API).

    ninja's SessionAuth checks CSRF before it knows whether there is a session at all, so an anonymous
    POST would answer "CSRF failed" instead of "unauthenticated". Check the session first."""

    def _get_key(self, request: HttpRequest) -> str | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if self.csrf and not getattr(request, "_ninja_csrf_exempt", False) and check_csrf(request):
            raise CsrfFailed(
                "CSRF check failed: send the csrftoken cookie's value in the X-CSRFToken header."
            )
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_active:
            return user
        return None


bearer = BearerToken()
session = Session(csrf=True)
AUTH = [bearer, session]
