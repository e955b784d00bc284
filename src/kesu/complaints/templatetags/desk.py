"""Template helpers of the desk UI. Personal data is shown only through ``pii`` / ``pii_value`` /
``pii_field`` so that every page masks the same way: unmasked for users with the VIEW_PII capability,
masked (kesu.common.masking) for everyone else, with a logged "reveal" where REVEAL_PII allows it."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext as _

from kesu.accounts.roles import Cap, can
from kesu.common import masking
from kesu.complaints.models import CompensationType, Stage
from kesu.complaints.workflow import Status

register = template.Library()

_MASKERS = {
    "phone": masking.mask_phone,
    "email": masking.mask_email,
    "id_number": masking.mask_id_number,
    "name": masking.mask_name,
}
REVEALABLE = ("phone", "email", "id_number")


def _contact_kind(value: str) -> str:
    return "email" if "@" in (value or "") else "phone"


def display_pii(user, value: str | None, kind: str) -> str:
    """The value as ``user`` may see it. ``kind`` is phone, email, id_number, name or contact (either
    a phone number or an e-mail address, e.g. a message recipient)."""
    value = value or ""
    if can(user, Cap.VIEW_PII):
        return value
    if kind == "contact":
        kind = _contact_kind(value)
    return _MASKERS[kind](value)


@register.simple_tag(takes_context=True)
def pii_value(context, value, kind):
    """``{% pii_value message.recipient "contact" %}`` — masked unless the user may see personal data."""
    return display_pii(context.get("user"), value, kind)


@register.simple_tag(takes_context=True)
def pii(context, customer, field):
    """``{% pii complaint.customer "phone" %}``."""
    return display_pii(context.get("user"), getattr(customer, field, ""), field)


@register.inclusion_tag("desk/_pii_field.html", takes_context=True)
def pii_field(context, complaint, field):
    """A personal-data value with, where the user may reveal it, the htmx "reveal" form (reason required)."""
    user = context.get("user")
    raw = getattr(complaint.customer, field, "") or ""
    revealed = (context.get("revealed") or {}).get(field)
    return {
        "complaint": complaint,
        "field": field,
        "display": revealed if revealed is not None else display_pii(user, raw, field),
        "revealed": revealed is not None,
        "can_reveal": bool(raw)
        and revealed is None
        and not can(user, Cap.VIEW_PII)
        and can(user, Cap.REVEAL_PII),
        "csrf_token": context.get("csrf_token"),
    }


@register.filter
def sla_class(complaint) -> str:
    """Row/badge class for a complaint's deadline: overdue (red), warning (amber) or nothing."""
    if getattr(complaint, "is_overdue", False):
        return "overdue"
    if getattr(complaint, "sla_warning", False):
        return "warning"
    return ""


@register.filter
def deadline_state(deadline) -> str:
    """met, met_late, overdue, warned or pending for a StageDeadline."""
    if deadline.met_at is not None:
        return "met_late" if deadline.met_at > deadline.due_at else "met"
    if deadline.overdue_at is not None:
        return "overdue"
    if deadline.warned_at is not None:
        return "warned"
    return "pending"


@register.filter
def status_label(code: str) -> str:
    if not code:
        return ""
    try:
        return str(Status(code).label)
    except ValueError:
        return code


@register.filter
def stage_label(code: str) -> str:
    try:
        return str(Stage(code).label)
    except ValueError:
        return code


@register.filter
def compensation_label(code: str) -> str:
    try:
        return str(CompensationType(code).label)
    except ValueError:
        return code


@register.filter
def compensation_labels(codes) -> str:
    return _(", ").join(compensation_label(c) for c in (codes or []))


@register.filter
def bound_field(form, name):
    """``form|bound_field:"reason"`` — a form's field by a name held in a variable."""
    return form[name]
