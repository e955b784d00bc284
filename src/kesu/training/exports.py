"""The 培训档案 as an Excel workbook (openpyxl) and as a PDF (WeasyPrint from an HTML template, CJK
text in Noto Sans CJK)."""

from __future__ import annotations

import io

from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from kesu.common import clock
from kesu.training.selectors import GapHistory, PersonRecords


def records_xlsx(data: PersonRecords, gaps: GapHistory | None = None) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = _("Courses")[:31]
    bold = Font(bold=True)
    ws.append(
        [
            _("Training record"),
            str(data.person),
            data.person.department.name if data.person.department else "",
        ]
    )
    ws.append([])
    header = [_("Completed on"), _("Code"), _("Course"), _("Track"), _("Hours"), _("Score"), _("Source")]
    ws.append(header)
    for cell in ws[3]:
        cell.font = bold
    for r in data.records:
        ws.append(
            [
                r.completed_on,
                r.course.code,
                r.course.title,
                str(r.course.get_track_display()),
                float(r.hours),
                float(r.score) if r.score is not None else None,
                str(r.get_source_display()),
            ]
        )
        ws.cell(row=ws.max_row, column=1).number_format = "yyyy-mm-dd"
    ws.append([])
    ws.append([_("Total hours"), None, None, None, float(data.total_hours)])
    for col, width in zip("ABCDEFG", (12, 12, 36, 18, 8, 8, 12), strict=True):
        ws.column_dimensions[col].width = width

    cs = wb.create_sheet(_("Certificates")[:31])
    cs.append([_("Certificate"), _("Issued on"), _("Valid until"), _("State")])
    for cell in cs[1]:
        cell.font = bold
    states = {"valid": _("Valid"), "expiring": _("Expires soon"), "expired": _("Expired")}
    for row in data.certificates:
        c = row.certificate
        cs.append([c.title, c.issued_on, c.valid_until, states[row.state]])
    cs.column_dimensions["A"].width = 36
    if gaps is not None:
        gs = wb.create_sheet(_("Competency gaps")[:31])
        gs.append([_("Competency item"), _("Required"), *[d.isoformat() for d in gaps.dates], _("Priority")])
        for cell in gs[1]:
            cell.font = bold
        for row in gaps.rows:
            gs.append([row.name, row.required, *row.gaps, row.priority])
        gs.column_dimensions["A"].width = 30
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def records_pdf(data: PersonRecords, *, gaps: GapHistory | None = None, request=None) -> bytes:
    from weasyprint import HTML

    html = render_to_string(
        "training/records_pdf.html",
        {"data": data, "person": data.person, "gaps": gaps, "printed_at": clock.now()},
    )
    base = request.build_absolute_uri("/") if request is not None else None
    return HTML(string=html, base_url=base).write_pdf()
