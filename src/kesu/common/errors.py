"""Domain errors. Services raise these; views turn them into messages and the API into JSON with a
machine-readable ``code`` and an HTTP status. No other exception type is meant to reach a user."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    status = 400
    code = "invalid"

    def __init__(self, message: str, *, code: str | None = None, details: dict[str, Any] | None = None):
        super().__init__(message)
        self.message = str(message)
        if code:
            self.code = code
        self.details = details or {}


class ValidationFailed(DomainError):
    status = 422
    code = "validation_failed"


class NotPermitted(DomainError):
    status = 403
    code = "forbidden"


class NotFound(DomainError):
    status = 404
    code = "not_found"


class TransitionRefused(DomainError):
    """An action that the complaint's current state (or a guard) does not allow."""

    status = 409
    code = "transition_refused"


class ConcurrentEdit(DomainError):
    """Someone else changed the complaint since the caller read it."""

    status = 409
    code = "concurrent_edit"
