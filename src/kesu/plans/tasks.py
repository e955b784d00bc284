"""Daily jobs of the plans app (enqueued by ``kesu worker``'s scheduler once a day). Both are
idempotent: a retraining is assigned once per source_ref and escalated once."""

from __future__ import annotations

from django_tasks import task


@task()
def retraining_daily() -> dict[str, int]:
    """Progress from completed courses, the desk-KPI triggers (escalations caused, low monthly
    satisfaction), then the overdue sweep."""
    from django.conf import settings
    from django.utils import translation

    from kesu.plans import services

    # The texts stored for people (reasons, notifications) are in the organisation's language, not in
    # whatever the worker process happens to have active.
    with translation.override(settings.LANGUAGE_CODE):
        return _daily(services)


def _daily(services) -> dict[str, int]:
    refreshed = services.plans_progress_refresh_all()
    assigned = services.retraining_from_desk()
    escalated = services.retraining_sweep_overdue()
    return {"items_done": refreshed, "desk_retraining": len(assigned), "escalated": escalated}
