"""Background work of the exams app (Django Tasks API)."""

from django_tasks import task


@task()
def exam_attempts_close() -> int:
    """Close the attempts whose time ran out (their pages close them too when opened); a daily job of
    `kesu worker` (ExamsConfig.kesu_daily_tasks)."""
    from kesu.exams import services

    return services.attempts_close_expired()
