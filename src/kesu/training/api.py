"""/api/v1/training/ endpoints."""

from ninja import Router

router = Router(tags=["training"])
