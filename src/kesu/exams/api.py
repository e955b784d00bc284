"""/api/v1/exams/ endpoints."""

from ninja import Router

router = Router(tags=["exams"])
