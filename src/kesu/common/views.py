"""Pages that belong to no single app: the Academy home page, which gathers the academy apps' tiles."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from kesu.common import academy


@login_required
def academy_home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "academy/home.html",
        {"nav_section": "academy", "groups": academy.home_groups(user=request.user)},
    )
