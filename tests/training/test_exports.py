import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from kesu.training import exports, selectors, services
from kesu.training.models import TrainingRecord
from tests.training.factories import course
from tests.training.test_views import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(handler):
    a = course("NH-1", title="投诉处理流程", hours=Decimal("3.0"))
    b = course("AD-2", title="共情沟通", hours=Decimal("1.5"))
    TrainingRecord.objects.create(
        user=handler,
        course=a,
        hours=a.hours,
        score=Decimal("91"),
        completed_on=dt.date(2026, 4, 2),
        source="session",
        source_ref="x:1",
    )
    TrainingRecord.objects.create(
        user=handler,
        course=b,
        hours=b.hours,
        completed_on=dt.date(2026, 6, 9),
        source="online",
        source_ref="x:2",
    )
    services.certificate_issue(
        user=handler,
        title="上岗证",
        source_ref="cert:1",
        issued_on=dt.date(2026, 4, 2),
        valid_until=dt.date(2027, 4, 2),
    )
    return handler


def test_xlsx_has_the_rows(history):
    wb = load_workbook(io.BytesIO(exports.records_xlsx(selectors.person_records(history))))

    ws = wb.worksheets[0]
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=4, max_row=5)]
    assert [(r[0].date(), r[1], r[2], r[4], r[5]) for r in rows] == [
        (dt.date(2026, 6, 9), "AD-2", "共情沟通", 1.5, None),
        (dt.date(2026, 4, 2), "NH-1", "投诉处理流程", 3.0, 91.0),
    ]
    assert ws.cell(row=7, column=5).value == 4.5
    certs = wb.worksheets[1]
    assert [c.value for c in certs[2]][:2] == ["上岗证", dt.datetime(2026, 4, 2)]


def test_pdf_and_xlsx_downloads(history):
    client = client_for(history)
    pdf = client.get(f"/academy/courses/records/{history.pk}/export.pdf")
    xlsx = client.get(f"/academy/courses/records/{history.pk}/export.xlsx")

    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert xlsx.status_code == 200 and xlsx.content.startswith(b"PK")
