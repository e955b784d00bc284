"""Background work of the exams app (Django Tasks API)."""

from django_tasks import task


@task()
def exam_attempts_close() -> int:
    """Close the attempts whose time ran out (their pages close them too when opened); enqueued by the
    scheduler of `kesu worker` with the SLA sweep."""
    from kesu.exams import services

    return services.attempts_close_expired()
