"""Daily jobs of the effectiveness app (enqueued by `kesu worker`, see AppConfig.kesu_daily_tasks)."""

from __future__ import annotations

from django_tasks import task


@task()
def survey_requests_daily() -> int:
    """Ask the people who attended a session in the last week for its L1 survey (idempotent)."""
    from kesu.effectiveness import services

    return services.survey_requests_recent(days=7)
