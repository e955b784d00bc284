"""/api/v1/plans/ endpoints."""

from ninja import Router

router = Router(tags=["plans"])
