"""/api/v1/competency/ endpoints."""

from ninja import Router

router = Router(tags=["competency"])
