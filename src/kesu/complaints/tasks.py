"""Background work through the Django Tasks API. Tasks take ids, re-read the rows and are idempotent:
a message already sent is not sent again, whatever the queue redelivers."""

from __future__ import annotations

import logging

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


@task()
def finish_intake(complaint_id: int) -> int:
    """The intake work of a complaint registered with ``defer=True`` (services.complaint_intake_finish),
    taking along up to INTAKE_FOLD other pending complaints: under a burst of registrations one task
    finishes many in one transaction and the tasks queued for those find nothing left to do."""
    from kesu.complaints import services

    return services.complaint_intake_finish(complaint_ids=[complaint_id], fold=services.INTAKE_FOLD)
