"""Daily jobs of the plans app (enqueued by ``kesu worker``'s scheduler once a day). Both are
idempotent: a retraining is assigned once per source_ref and escalated once."""

from __future__ import annotations

from django_tasks import task


@task()
def retraining_daily() -> dict[str, int]:
    """Desk-KPI triggers (escalations caused, low monthly satisfaction), then the overdue sweep."""
    from kesu.plans import services

    assigned = services.retraining_from_desk()
    escalated = services.retraining_sweep_overdue()
    return {"desk_retraining": len(assigned), "escalated": escalated}
