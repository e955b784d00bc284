"""Background work through the Django Tasks API. Tasks take ids, re-read the rows and are idempotent:
a message already sent is not sent again, whatever the queue redelivers."""

from __future__ import annotations

import logging
import time

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django_tasks import task

from kesu.common import clock

log = logging.getLogger(__name__)


@task(queue_name="mail")
def send_outbound_message(message_id: int) -> str:
    from kesu.complaints.models import OutboundMessage

    with transaction.atomic():
        msg = OutboundMessage.objects.select_for_update().filter(pk=message_id).first()
        if msg is None or msg.state != OutboundMessage.State.QUEUED:
            return "skipped"
        try:
            send_mail(msg.subject, msg.body, settings.DEFAULT_FROM_EMAIL, [msg.recipient])
        except Exception as exc:  # the mail server's error is recorded for the handler, not raised at them
            log.warning("sending message %s failed: %s", message_id, exc)
            msg.state, msg.error = OutboundMessage.State.FAILED, str(exc)[:2000]
            msg.save(update_fields=["state", "error"])
            return "failed"
        msg.state, msg.sent_at = OutboundMessage.State.SENT, clock.now()
        msg.save(update_fields=["state", "sent_at"])
    return "sent"


@task(queue_name="mail")
def send_notification_email(notification_id: int) -> str:
    from kesu.complaints.models import Notification

    with transaction.atomic():
        n = (
            Notification.objects.select_for_update()
            .select_related("user", "complaint")
            .filter(pk=notification_id)
            .first()
        )
        if n is None or n.emailed or not n.user.email:
            return "skipped"
        link = (
            f"{settings.KESU_SITE_URL}/desk/c/{n.complaint.number}/"
            if n.complaint_id
            else settings.KESU_SITE_URL
        )
        try:
            send_mail(
                f"[Kesu] {n.message}", f"{n.message}\n\n{link}", settings.DEFAULT_FROM_EMAIL, [n.user.email]
            )
        except Exception as exc:
            log.warning("notification e-mail %s failed: %s", notification_id, exc)
            return "failed"
        n.emailed = True
        n.save(update_fields=["emailed"])
    return "sent"


@task()
def sla_sweep() -> dict[str, int]:
    """The periodic sweep. First it finishes registrations whose intake task was lost (see
    services.INTAKE_STALE_AFTER): their timers must exist before deadlines are checked."""
    from kesu.complaints import services, sla

    finished = services.complaint_intake_finish(
        fold=500, registered_before=clock.now() - services.INTAKE_STALE_AFTER
    )
    return {**sla.sweep(), "intake_finished": finished}


# How long one pump task keeps draining before it returns (the scheduler enqueues another if work is left),
# so that a worker is never held by one task for long.
INTAKE_PUMP_SECONDS = 20.0


@task()
def intake_pump() -> int:
    """Finish the intake work of pending API registrations (services.complaint_intake_finish) in batches
    of INTAKE_BATCH, oldest first, until none is left or INTAKE_PUMP_SECONDS have passed. The worker's
    scheduler enqueues it while pending complaints exist; two pumps never take the same rows (skip
    locked). Returns how many it finished."""
    from kesu.complaints import services

    deadline = time.monotonic() + INTAKE_PUMP_SECONDS
    total = 0
    while time.monotonic() < deadline:
        done = services.complaint_intake_finish(fold=services.INTAKE_BATCH)
        total += done
        if done == 0:
            break
    return total


@task()
def finish_intake(complaint_id: int) -> int:
    """One complaint's intake work, plus the oldest pending others. Kesu no longer enqueues it (the pump
    does the work); it stays so that rows an earlier version queued still run after an upgrade."""
    from kesu.complaints import services

    return services.complaint_intake_finish(complaint_ids=[complaint_id], fold=services.INTAKE_BATCH)
