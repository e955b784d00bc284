"""Periodic work of the training app, enqueued daily by `kesu worker`. Idempotent: a certificate is
reminded once, whatever the queue redelivers."""

from __future__ import annotations

from django_tasks import task


@task()
def certificate_reminders() -> int:
    from kesu.training import services

    return services.certificate_reminders_send()
