"""Small request helpers shared by the desk views and the API."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    # X-Forwarded-For is whatever the client wants it to be, except for the entries our own proxies
    # appended: with KESU_TRUSTED_PROXIES=N the N-th address from the right is the one the outermost
    # trusted proxy saw. Without proxies, REMOTE_ADDR.
    hops = settings.KESU_TRUSTED_PROXIES
    if hops:
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
        if len(forwarded) >= hops:
            return forwarded[-hops]
    return request.META.get("REMOTE_ADDR") or None
