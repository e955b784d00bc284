"""The effectiveness pages: capabilities, department scope, the survey form and the Excel export."""

import datetime as dt
import io

import pytest
from django.test import Client
from openpyxl import load_workbook

from kesu.accounts.models import Department
from kesu.accounts.roles import Role
from kesu.common import clock
from kesu.effectiveness import services
from kesu.effectiveness.models import Recognition, SurveyResponse
from tests.complaints.history import at, close, new, resolve
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def login(user):
    c = Client(HTTP_ACCEPT_LANGUAGE="en")
    c.force_login(user)
    return c


def test_pages_and_menu_follow_the_capabilities(handler, supervisor, trainer, auditor):
    h, s, t = login(handler), login(supervisor), login(trainer)
    assert h.get("/academy/effect/").status_code == 403
    assert h.get("/academy/effect/performance/").status_code == 403
    assert h.get("/academy/effect/review/").status_code == 403
    assert s.get("/academy/effect/review/").status_code == 403
    assert h.get("/academy/effect/surveys/").status_code == 200
    assert login(auditor).get("/academy/effect/surveys/").status_code == 403
    for url in ("/academy/effect/", "/academy/effect/review/", "/academy/effect/performance/"):
        r = t.get(url)
        assert r.status_code == 200, url
        assert r.context["nav_section"] == "academy"
    page = s.get("/academy/").content.decode()
    assert "/academy/effect/performance/" in page and "/academy/effect/review/" not in page
    assert "/academy/effect/surveys/" in h.get("/academy/").content.decode()


def test_supervisor_sees_only_own_department(team, supervisor, handler):
    other = make_user("legal_h", Role.HANDLER, Department.objects.get(code="legal"))
    s = login(supervisor)
    assert s.get(f"/academy/effect/people/{handler.pk}/").status_code == 200
    assert s.get(f"/academy/effect/people/{other.pk}/").status_code == 403
    # another department is not among the choices: the page says so and stays on the own team
    r = s.get(
        f"/academy/effect/?department={other.department_id}&cycle_start=2026-10-01&cycle_end=2026-10-31&weeks=6"
    )
    assert r.status_code == 200
    assert r.context["results"].department == team
    assert [str(m) for m in r.context["messages"]]
    r = s.get("/academy/effect/performance/")
    assert [row.person for row in r.context["rows"]] == [handler, supervisor]
    # a handler sees their own behaviour page, nobody else's
    h = login(handler)
    assert h.get(f"/academy/effect/people/{handler.pk}/").status_code == 200
    assert h.get(f"/academy/effect/people/{supervisor.pk}/").status_code == 403


def test_overview_shows_targets_for_the_cycle(team, supervisor, handler, trainer):
    c = new(handler, handler, at(9, 10), supervisor)
    resolve(c, handler, at(9, 10, 19))
    close(c, handler, at(9, 11), 3)
    c = new(handler, handler, at(11, 10), supervisor)
    resolve(c, handler, at(11, 10, 15))
    close(c, handler, at(11, 11), 5)
    with clock.frozen_at(at(12, 20)):
        r = login(trainer).get(
            f"/academy/effect/?department={team.pk}&cycle_start=2026-10-01&cycle_end=2026-10-31&weeks=6"
        )
    assert r.status_code == 200
    targets = {t.code: (t.value, t.met) for t in r.context["results"].targets}
    assert targets["satisfaction"] == (1.0, True)
    assert targets["efficiency"][0] == pytest.approx(10 / 6 - 1)  # 10 h before, 6 h after: +66.7 %
    assert targets["efficiency"][1] is True
    assert targets["repeat"] == (None, None)  # no repeat complaints before: no base to compare
    page = r.content.decode()
    assert 'data-option-id="l4-chart"' in page and 'id="l4-chart"' in page


def test_bad_filters_get_a_message_and_the_default(trainer):
    r = login(trainer).get("/academy/effect/?cycle_start=nonsense&cycle_end=2026-10-31&weeks=99")
    assert r.status_code == 200
    assert [str(m) for m in r.context["messages"]]
    r = login(trainer).get("/academy/effect/review/?month=2026-13")
    assert r.status_code == 200
    assert "Enter a month as YYYY-MM." in [str(m) for m in r.context["messages"]]


def test_survey_form_answers_once(handler):
    services.survey_request(
        session_ref="training-session:3", course_code="C-1", title="投诉处理流程", held_on=dt.date(2026, 11, 2),
        user_ids=[handler.pk],
    )  # fmt: skip
    h = login(handler)
    listing = h.get("/academy/effect/surveys/").content.decode()
    assert "/academy/effect/surveys/training-session:3/" in listing
    bad = h.post("/academy/effect/surveys/training-session:3/", {"content": "9", "trainer": "4"})
    assert bad.status_code == 200 and bad.context["form"].errors
    assert SurveyResponse.objects.count() == 0
    data = {
        "content": "5",
        "trainer": "4",
        "usefulness": "5",
        "organisation": "4",
        "will_apply": "<b>先共情</b>",
    }
    assert h.post("/academy/effect/surveys/training-session:3/", data).status_code == 302
    assert h.post("/academy/effect/surveys/training-session:3/", data).status_code == 302
    assert SurveyResponse.objects.get().will_apply == "<b>先共情</b>"
    assert (
        "/academy/effect/surveys/training-session:3/"
        not in h.get("/academy/effect/surveys/").content.decode()
    )
    assert h.get("/academy/effect/surveys/training-session:99/").status_code == 404


def test_recognise_form_and_excel_export(team, supervisor, handler):
    s = login(supervisor)
    with clock.frozen_at(at(11, 30)):
        r = s.post(
            "/academy/effect/recognitions/",
            {"user": handler.pk, "month": "2026-11", "kind": "other", "reason": "=主动带教新人"},
        )
        assert r.status_code == 302
        s.post(
            "/academy/effect/recognitions/",
            {"user": handler.pk, "month": "2026-11", "kind": "other", "reason": "=主动带教新人"},
        )
    assert Recognition.objects.count() == 1
    r = s.post(
        "/academy/effect/recognitions/",
        {"user": handler.pk, "month": "11/2026", "kind": "other", "reason": "x"},
    )
    assert r.status_code == 302 and Recognition.objects.count() == 1

    with clock.frozen_at(at(12, 5)):
        r = s.get("/academy/effect/performance/export.xlsx?month=2026-11")
    assert r.status_code == 200
    ws = load_workbook(io.BytesIO(r.content)).active
    assert ws["A2"].value == "Person"
    rows = {row[0]: row for row in ws.iter_rows(min_row=3, values_only=True)}
    assert rows["handler1"][20] == "Other: =主动带教新人"
    assert set(rows) == {"handler1", "super1"}
