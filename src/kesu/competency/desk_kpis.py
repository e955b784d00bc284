"""The competency app's use of the desk KPIs (kesu.complaints.kpis, where they are defined): which
desk KPI each ``KpiRule`` code stands for, a handler's month of them, and the "categories handled worst"
ranking of the team and organisation pages.

The figures are the desk's; nothing here counts complaints. A month's value of a rule is the desk KPI's
value for the handler over that calendar month, and the number of cases it rests on is the KPI's base
(rated complaints for satisfaction, closed complaints for FCR and reopen, complaints registered in the
month for escalation, repeat and overdue, compensated complaints for compensation above the standard,
replies for reply findings).
"""

from __future__ import annotations

import datetime as dt

from kesu.complaints import kpis as desk
from kesu.complaints.kpis import DeskKpis
from kesu.complaints.models import Category

# KpiRule.kpi (stored in trainers' rows, so never renamed) → the desk KPI it reads.
RULE_KPIS: dict[str, str] = {
    "satisfaction": "avg_satisfaction",
    "fcr_rate": "fcr",
    "escalation_rate": "escalation",
    "reopen_rate": "reopen",
    "repeat_rate": "repeat",
    "overdue_rate": "overdue",
    "reply_findings": "findings",
    "comp_above_rate": "comp_above",
}


def rule_value(kpis: DeskKpis, rule_kpi: str) -> tuple[float | None, int]:
    """The value of a ``KpiRule`` KPI and the number of cases behind it."""
    code = RULE_KPIS[rule_kpi]
    return kpis.value(code), kpis.cases(code)


def handler_months(*, start: dt.datetime, end: dt.datetime) -> dict[int, DeskKpis]:
    """The desk KPIs of everyone with a complaint or a reply in ``[start, end)``."""
    return desk.handler_kpis(start=start, end=end)


def category_quality(*, start: dt.datetime, end: dt.datetime, department_id: int | None = None) -> list[dict]:
    """Complaint categories handled worst (组织层面需求): per category the registered and closed counts,
    average satisfaction, reopen, overdue and escalation rates (desk definitions), worst first."""
    figures = desk.category_kpis(start=start, end=end, department_id=department_id)
    names = dict(Category.objects.filter(pk__in=list(figures)).values_list("pk", "name"))
    out = []
    for category_id, k in figures.items():
        sat = k.avg_satisfaction
        reopen, overdue, esc = k.reopen_rate, k.overdue_rate, k.escalation_rate
        # Badness in [0, 1]: dissatisfaction weighs most, then reopen, overdue and escalation; an
        # unknown satisfaction counts as middling, an unknown rate as nothing wrong.
        badness = (
            0.4 * ((5 - sat) / 4 if sat is not None else 0.5)
            + 0.25 * (reopen or 0)
            + 0.2 * (overdue or 0)
            + 0.15 * (esc or 0)
        )
        out.append(
            {
                "category_id": category_id,
                "name": names.get(category_id, ""),
                "registered": k.registered,
                "closed": k.closed,
                "satisfaction": round(sat, 2) if sat is not None else None,
                "reopen_rate": _round(reopen),
                "overdue_rate": _round(overdue),
                "escalation_rate": _round(esc),
                "badness": round(badness, 3),
            }
        )
    out.sort(key=lambda r: (-r["badness"], r["name"]))
    return out


def _round(rate: float | None) -> float | None:
    return round(rate, 3) if rate is not None else None
