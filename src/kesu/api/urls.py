"""URLconf of the API, included at "api/v1/" by kesu/urls.py. The namespace is the NinjaAPI's
``urls_namespace`` ("api-v1"), which ninja uses to reverse its own URLs (openapi.json for the docs)."""

from django.http import HttpRequest, JsonResponse
from django.urls import re_path
from django.utils.translation import gettext as _

from kesu.api.api import api


def not_found(request: HttpRequest, rest: str = "") -> JsonResponse:
    """Unknown paths under /api/v1/ answer in the API's error shape, not with the HTML 404 page."""
    return JsonResponse(
        {"code": "not_found", "message": _("There is no such API endpoint."), "details": {}}, status=404
    )


_patterns, _ninja_app_name, app_name = api.urls
urlpatterns = [*_patterns, re_path(r"^(?P<rest>.*)$", not_found)]
