"""/api/v1/wellbeing/ endpoints."""

from ninja import Router

router = Router(tags=["wellbeing"])
