"""The NinjaAPI instance behind /api/v1/ (mounted in kesu/urls.py).

The interactive docs (/api/v1/docs) are served with Swagger UI from Kesu's own static files: ninja
would load them from a CDN unless "ninja" is an installed app, and Kesu runs on intranets.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.template import engines
from ninja import NinjaAPI
from ninja.openapi.docs import Swagger

from kesu.api import complaints, errors
from kesu.api.auth import AUTH
from kesu.competency import api as competency_api
from kesu.effectiveness import api as effectiveness_api
from kesu.exams import api as exams_api
from kesu.plans import api as plans_api
from kesu.roleplay import api as roleplay_api
from kesu.training import api as training_api
from kesu.wellbeing import api as wellbeing_api

_TEMPLATE = Path(__file__).parent / "templates" / "swagger.html"


class OfflineSwagger(Swagger):
    """Swagger UI from static/vendor/swagger-ui/ (scripts/vendor-swagger-ui.sh), never a CDN."""

    default_settings = {
        "layout": "BaseLayout",
        "deepLinking": True,
        # The default would send the schema to validator.swagger.io for a badge: no outside requests.
        "validatorUrl": None,
        "persistAuthorization": False,
    }

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        settings = {**self.settings, "url": self.get_openapi_url(api, kwargs)}
        template = engines["django"].from_string(_TEMPLATE.read_text(encoding="utf-8"))
        context = {
            "api": api,
            "swagger_settings": json.dumps(settings).replace("<", "\\u003c"),
            "add_csrf": True,
        }
        return HttpResponse(template.render(context, request))


api = NinjaAPI(
    title="Kesu API",
    version="1.0",
    description=(
        "REST API of the Kesu complaint desk. Authenticate with `Authorization: Bearer <token>` "
        "(create one with `kesu api_token <username> --name NAME`) or with a logged-in session "
        "(POST then needs the X-CSRFToken header). Errors are JSON: `{code, message, details}`."
    ),
    urls_namespace="api-v1",
    auth=AUTH,
    docs=OfflineSwagger(),
)
errors.install(api)
api.add_router("/", complaints.router)
# The academy: one router per app, each under its own prefix.
for _prefix, _module in (
    ("competency", competency_api),
    ("training", training_api),
    ("exams", exams_api),
    ("plans", plans_api),
    ("effectiveness", effectiveness_api),
    ("wellbeing", wellbeing_api),
    ("roleplay", roleplay_api),
):
    api.add_router(f"/{_prefix}/", _module.router)
