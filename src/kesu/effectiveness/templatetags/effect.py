"""Formatting of KPI values on the effectiveness pages."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def pct(value, digits: int = 1):
    """0.953 → "95.3 %"; None → "—"."""
    if value is None or value == "":
        return "—"
    return f"{100 * float(value):.{int(digits)}f} %"


@register.filter
def signed_pct(value):
    if value is None:
        return "—"
    return f"{100 * float(value):+.1f} %"


@register.filter
def kpi_value(value, unit: str):
    """A KPI value in its unit (rates in %, hours and ratios with one or two decimals)."""
    if value is None:
        return "—"
    if unit == "rate":
        return pct(value)
    if unit == "hours":
        return f"{float(value):.1f}"
    return f"{float(value):.2f}"


@register.filter
def verdict_label(verdict: str) -> str:
    return {
        "better": _("Better"),
        "worse": _("Worse"),
        "flat": _("No significant change"),
        "unknown": _("Too little data"),
        "moved": _("Moved the desk"),
        "moved_nothing": _("Moved nothing"),
        "too_little_data": _("Too little data"),
    }.get(verdict, verdict)


@register.filter
def verdict_class(verdict: str) -> str:
    return {
        "better": "text-bg-success",
        "moved": "text-bg-success",
        "worse": "text-bg-danger",
        "moved_nothing": "text-bg-danger",
        "flat": "text-bg-secondary",
    }.get(verdict, "text-bg-light")
