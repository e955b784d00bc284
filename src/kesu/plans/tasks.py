"""Daily jobs of the plans app (enqueued by ``kesu worker``'s scheduler once a day). Both are
idempotent: a retraining is assigned once per source_ref and escalated once."""

from __future__ import annotations

from django_tasks import task


@task()
def retraining_daily() -> dict[str, int]:
    """Progress from completed courses, the desk-KPI triggers (escalations caused, low monthly
    satisfaction), then the overdue sweep."""
    from kesu.plans import services

    refreshed = services.plans_progress_refresh_all()
    assigned = services.retraining_from_desk()
    escalated = services.retraining_sweep_overdue()
    return {"items_done": refreshed, "desk_retraining": len(assigned), "escalated": escalated}
