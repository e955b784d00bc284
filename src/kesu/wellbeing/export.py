"""Excel export of a pain-point survey's results (openpyxl). Answers carry no names."""

from __future__ import annotations

from io import BytesIO

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from kesu.wellbeing import content
from kesu.wellbeing.models import SurveyQuestion
from kesu.wellbeing.selectors import SurveyResults


def _row(ws, values: list, *, bold: bool = False) -> None:
    ws.append([ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v for v in values])
    for cell in ws[ws.max_row]:
        if isinstance(cell.value, str):
            # Answers are typed by people: "=HYPERLINK(...)" must stay text, never become a formula.
            cell.data_type = "s"
        if bold:
            cell.font = Font(bold=True)


def _header(ws, values: list[str]) -> None:
    _row(ws, values, bold=True)


def results_xlsx(results: SurveyResults) -> bytes:
    areas = content.areas()
    groups = [*results.departments, results.overall]
    wb = Workbook()
    ws = wb.active
    ws.title = _("Summary")[:31]
    _row(ws, [results.survey.title])
    _row(ws, [_("Training cycle"), results.survey.cycle])
    _row(ws, [_("Period"), f"{results.survey.opens_on.isoformat()} – {results.survey.closes_on.isoformat()}"])
    _row(ws, [])
    ratings = [q for q in results.questions if q.kind == SurveyQuestion.Kind.RATING]
    _header(
        ws,
        [_("Department"), _("Respondents"), _("Audience")]
        + [f"{q.position}. {areas[q.area].label if q.area in areas else q.area}" for q in ratings],
    )
    for g in groups:
        _row(ws, [g.name, g.respondents, g.audience] + [g.ratings.get(q.pk) for q in ratings])

    ws = wb.create_sheet(_("Pain points")[:31])
    _header(ws, [_("Department"), _("Rank"), _("Pain point"), _("Area code"), _("Pain index (0–100)")])
    for g in groups:
        for rank, p in enumerate(g.top, start=1):
            _row(ws, [g.name, rank, p.label, p.area_code, p.score])

    choice_questions = [q for q in results.questions if q.kind == SurveyQuestion.Kind.CHOICE]
    if choice_questions:
        ws = wb.create_sheet(_("Choices")[:31])
        _header(ws, [_("Question"), _("Option"), *[g.name for g in groups]])
        for q in choice_questions:
            for code in q.options:
                label = areas[code].label if code in areas else code
                _row(
                    ws,
                    [
                        f"{q.position}. {q.text}",
                        label,
                        *[g.choices.get(q.pk, {}).get(code, 0) for g in groups],
                    ],
                )

    ws = wb.create_sheet(_("Written answers")[:31])
    _header(ws, [_("Question"), _("Answer")])
    for q in results.questions:
        for text in results.texts.get(q.pk, []):
            _row(ws, [f"{q.position}. {q.text}", text])
    out = BytesIO()
    wb.save(out)
    return out.getvalue()
