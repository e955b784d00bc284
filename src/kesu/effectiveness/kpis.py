"""The effectiveness app's use of the desk KPIs (defined and computed in kesu.complaints.kpis).

L3 (a person before vs after a course), L4 (a team before vs after a training cycle), the monthly
review, the performance summary and the API read the figures from ``kesu.complaints.kpis.handler_kpis``
/ ``team_kpis``; this module only says which of the desk's KPIs the before/after comparisons show
(``KPIS``), which competency items each is evidence of (``KPI_ITEMS``), and how a change is measured.
"""

from __future__ import annotations

from collections.abc import Iterable

from kesu.complaints.kpis import KPIS as DESK_KPIS
from kesu.complaints.kpis import Kpi

# The desk KPIs compared before and after training, in display order. Average satisfaction and
# compensation above the standard are left to the competency evidence: the satisfaction rate already
# shows satisfaction, and compensation habits are not what a course is expected to move within weeks.
KPIS: dict[str, Kpi] = {
    code: DESK_KPIS[code]
    for code in (
        "satisfaction",
        "fcr",
        "reopen",
        "repeat",
        "escalation",
        "overdue",
        "handling_time",
        "findings",
    )
}

# Which competency items each KPI is evidence of (item codes of docs/academy.md). The monthly review
# compares, for a course, the KPIs whose items the course builds.
KPI_ITEMS: dict[str, tuple[str, ...]] = {
    "satisfaction": ("att_empathy", "skill_communication", "att_service", "know_emotion"),
    "fcr": ("skill_judgement", "know_process", "know_product", "skill_observation"),
    "reopen": ("skill_judgement", "att_responsibility", "know_product"),
    "repeat": ("skill_observation", "att_responsibility", "know_service"),
    "escalation": ("know_emotion", "att_patience", "skill_adaptability", "know_crisis", "know_law"),
    "overdue": ("skill_coordination", "att_responsibility", "know_process"),
    "handling_time": ("know_process", "skill_coordination", "skill_learning"),
    "findings": (
        "skill_communication",
        "att_empathy",
        "att_confidentiality",
        "att_integrity",
        "know_communication",
    ),
}


def kpis_for_items(item_codes: Iterable[str]) -> list[str]:
    """The KPI codes that are evidence of any of ``item_codes``, in ``KPIS`` order."""
    wanted = set(item_codes)
    return [code for code in KPIS if wanted & set(KPI_ITEMS[code])]


def change(before: float | None, after: float | None) -> float | None:
    """Relative change after vs before (0.25 = +25 %); None when either is unknown or before is 0."""
    if before is None or after is None or before == 0:
        return None
    return (after - before) / before
