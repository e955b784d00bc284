"""/api/v1/roleplay/ endpoints."""

from ninja import Router

router = Router(tags=["roleplay"])
