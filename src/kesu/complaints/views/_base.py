"""Shared view plumbing: the login + DomainError guard every desk view wears, safe redirects, the
client address and a small cache-based throttle."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from kesu.common.errors import DomainError, NotFound, NotPermitted
from kesu.common.http import client_ip


def safe_next(request: HttpRequest, fallback: str) -> str:
    """The ``next`` parameter if it points into this site, else ``fallback``."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


def desk_view(view):
    """login_required, and no DomainError ever becomes a 500: NotFound is a 404; on GET NotPermitted is
    a 403; anything else (and NotPermitted on POST) becomes an error message and a redirect back."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except NotFound:
            raise Http404 from None
        except NotPermitted as exc:
            if request.method == "GET":
                raise PermissionDenied(exc.message) from None
            messages.error(request, exc.message)
            return redirect(_back(request))
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect(_back(request))

    return login_required(wrapper)


def _back(request: HttpRequest) -> str:
    home = reverse("desk:home")
    if request.method == "GET":
        return home if request.path != home else reverse("desk:queue")
    referer = request.META.get("HTTP_REFERER", "")
    if referer and url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return referer
    return safe_next(request, home)


def throttled(request: HttpRequest, scope: str, *, limit: int, window_seconds: int) -> bool:
    """Count one attempt for the client's address; True once it made more than ``limit`` attempts in
    the window that started with its first attempt."""
    key = f"kesu:throttle:{scope}:{client_ip(request) or 'unknown'}"
    cache.add(key, 0, window_seconds)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, window_seconds)
        count = 1
    return count > limit
