"""The performance summary (绩效汇总) as an Excel workbook."""

from __future__ import annotations

import datetime as dt
import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from kesu.accounts.models import Department
from kesu.effectiveness.selectors import PerformanceRow


def _text(value: str) -> str:
    # Names and reasons are typed by people: keep them as text (never a formula) and drop control bytes.
    value = ILLEGAL_CHARACTERS_RE.sub("", value)
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


def _pct(value: float | None) -> float | None:
    return None if value is None else round(100 * value, 1)


def performance_xlsx(rows: list[PerformanceRow], *, month: dt.date, department: Department | None) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = _("Performance")
    ws.append([_("Performance summary %(month)s — %(team)s") % {
        "month": month.strftime("%Y-%m"), "team": department.name if department else _("Whole organisation")
    }])  # fmt: skip
    ws["A1"].font = Font(bold=True, size=13)
    headers = [
        _("Person"),
        _("Department"),
        _("Complaints registered"),
        _("Complaints closed"),
        _("Satisfaction rate (%)"),
        _("Average satisfaction"),
        _("First-contact resolution (%)"),
        _("Reopen rate (%)"),
        _("Repeat-complaint rate (%)"),
        _("Escalations"),
        _("Overdue rate (%)"),
        _("Average handling time (h)"),
        _("Replies"),
        _("Coaching findings per reply"),
        _("Courses completed"),
        _("Training hours"),
        _("Average course score"),
        _("Exams graded"),
        _("Exams passed"),
        _("Average exam score (%)"),
        _("Recognition"),
        _("Retraining"),
    ]
    ws.append(headers)
    for cell in ws[2]:
        cell.font = Font(bold=True)
    for r in rows:
        k = r.kpis
        ws.append(
            [
                _text(str(r.person)),
                _text(r.person.department.name) if r.person.department else "",
                k.registered,
                k.closed,
                _pct(k.satisfaction_rate),
                round(k.avg_satisfaction, 2) if k.avg_satisfaction is not None else None,
                _pct(k.fcr_rate),
                _pct(k.reopen_rate),
                _pct(k.repeat_rate),
                k.escalated,
                _pct(k.overdue_rate),
                round(k.avg_handling_hours, 1) if k.avg_handling_hours is not None else None,
                k.replies,
                round(k.findings_per_reply, 2) if k.findings_per_reply is not None else None,
                r.courses,
                float(r.hours),
                r.avg_course_score,
                r.exams.attempts if r.exams else 0,
                r.exams.passed if r.exams else 0,
                round(r.exams.avg_percent, 1) if r.exams and r.exams.avg_percent is not None else None,
                _text("; ".join(f"{x.get_kind_display()}: {x.reason}" for x in r.recognitions)),
                _text("; ".join(f"{x.kind_label} ({x.status_label})" for x in r.retrainings)),
            ]
        )
    ws.column_dimensions["A"].width = 16
    ws.column_dimensions["B"].width = 16
    ws.column_dimensions["U"].width = 40
    ws.column_dimensions["V"].width = 30
    ws.freeze_panes = "B3"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
