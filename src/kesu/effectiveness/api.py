"""/api/v1/effectiveness/ endpoints."""

from ninja import Router

router = Router(tags=["effectiveness"])
