"""One error shape for the whole API: ``{"code": ..., "message": ..., "details": {...}}``.

Domain errors keep their own status and code (TransitionRefused/ConcurrentEdit 409, ValidationFailed 422,
NotPermitted 403, NotFound 404); request validation is 422 ``validation_failed`` with the field errors;
a missing or bad credential is 401 ``unauthenticated``; anything unexpected is logged and answered with
500 ``server_error`` — never a stack trace.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from kesu.common.errors import DomainError

logger = logging.getLogger("kesu.api")


def error_response(
    api: NinjaAPI,
    request: HttpRequest,
    *,
    status: int,
    code: str,
    message: str,
    details: dict[str, Any] | None = None,
) -> HttpResponse:
    return api.create_response(
        request, {"code": code, "message": message, "details": details or {}}, status=status
    )


def _field_errors(errors: list[dict[str, Any]]) -> list[dict[str, str]]:
    out = []
    for e in errors:
        loc = [str(p) for p in e.get("loc", ())]
        # loc is (source, param name, ...): ("body", "data", "customer", "phone") → "customer.phone".
        source = loc[0] if loc else ""
        path = loc[1:]
        if source == "body" and len(path) > 1:
            path = path[1:]
        out.append(
            {
                "field": ".".join(path),
                "in": source,
                "message": str(e.get("msg", "")),
                "type": str(e.get("type", "")),
            }
        )
    return out


def install(api: NinjaAPI) -> None:
    @api.exception_handler(DomainError)
    def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
        return error_response(
            api, request, status=exc.status, code=exc.code, message=exc.message, details=exc.details
        )

    @api.exception_handler(ValidationError)
    def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        fields = _field_errors(exc.errors)
        details: dict[str, Any] = {"errors": fields}
        if fields:
            details["field"] = fields[0]["field"]
        return error_response(
            api,
            request,
            status=422,
            code="validation_failed",
            message=_("The request is not valid."),
            details=details,
        )

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        response = error_response(
            api,
            request,
            status=401,
            code="unauthenticated",
            message=_("Authentication required: send 'Authorization: Bearer <token>' or log in."),
        )
        response["WWW-Authenticate"] = "Bearer"
        return response

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        codes = {
            400: "bad_request",
            403: "forbidden",
            404: "not_found",
            405: "method_not_allowed",
            429: "throttled",
        }
        return error_response(
            api, request, status=exc.status_code, code=codes.get(exc.status_code, "error"), message=str(exc)
        )

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return error_response(api, request, status=404, code="not_found", message=_("Not found."))

    @api.exception_handler(RequestDataTooBig)
    def too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
        return error_response(
            api, request, status=413, code="request_too_large", message=_("The request body is too large.")
        )

    @api.exception_handler(Exception)
    def server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
        logger.exception("API error on %s %s", request.method, request.path)
        return error_response(
            api,
            request,
            status=500,
            code="server_error",
            message=_("Something went wrong on our side. The error has been logged."),
        )
