"""ECharts options for the wellbeing pages (plain dicts; kesu.js draws them from |json_script)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from kesu.wellbeing.models import Emotion
from kesu.wellbeing.selectors import Count, SurveyResults, WeekRow


def weekly(weeks: list[WeekRow]) -> dict:
    """Entries per week stacked by emotion, with the average intensity (1–5) on the right axis. Suppressed
    weeks (team trends) have no values at all."""
    labels = [w.week.strftime("%m-%d") for w in weeks]
    series: list[dict] = []
    for code, label in Emotion.choices:
        values = [None if w.suppressed else w.by_emotion.get(code, 0) for w in weeks]
        if any(values):
            series.append({"name": str(label), "type": "bar", "stack": "entries", "data": values})
    series.append(
        {
            "name": _("Average intensity"),
            "type": "line",
            "yAxisIndex": 1,
            "connectNulls": False,
            "data": [w.avg_intensity for w in weeks],
        }
    )
    return {
        "tooltip": {"trigger": "axis"},
        "legend": {"type": "scroll", "bottom": 0},
        "grid": {"left": 40, "right": 40, "top": 30, "bottom": 50},
        "xAxis": {"type": "category", "data": labels},
        "yAxis": [
            {"type": "value", "name": _("Entries"), "minInterval": 1},
            {"type": "value", "name": _("Intensity"), "min": 1, "max": 5, "interval": 1},
        ],
        "series": series,
    }


def ranking(items: list[Count], name: str) -> dict:
    top = list(reversed(items[:8]))
    return {
        "tooltip": {"trigger": "axis", "axisPointer": {"type": "shadow"}},
        "grid": {"left": 120, "right": 30, "top": 10, "bottom": 30},
        "xAxis": {"type": "value", "minInterval": 1},
        "yAxis": {"type": "category", "data": [c.label for c in top]},
        "series": [{"name": name, "type": "bar", "data": [c.count for c in top]}],
    }


def survey_pain(results: SurveyResults) -> dict:
    """Pain index (0–100) per area, one bar series per department."""
    order = [p.area_code for p in results.overall.top]
    labels = {p.area_code: p.label for p in results.overall.top}
    series = []
    for dept in results.departments:
        scores = {p.area_code: p.score for p in dept.top}
        series.append({"name": dept.name, "type": "bar", "data": [scores.get(code) for code in order]})
    return {
        "tooltip": {"trigger": "axis", "axisPointer": {"type": "shadow"}},
        "legend": {"type": "scroll", "bottom": 0},
        "grid": {"left": 40, "right": 20, "top": 30, "bottom": 80},
        "xAxis": {
            "type": "category",
            "data": [labels[c] for c in order],
            "axisLabel": {"interval": 0, "rotate": 30},
        },
        "yAxis": {"type": "value", "min": 0, "max": 100, "name": _("Pain index")},
        "series": series,
    }
