"""/api/v1/effectiveness/: surveys, KPIs of a person or a team, monthly review, recognition."""

import datetime as dt

import pytest

from kesu.accounts.models import Department
from kesu.accounts.roles import Role
from kesu.common import clock
from kesu.effectiveness import services, sources
from kesu.effectiveness.models import Recognition, SurveyResponse
from tests.api.conftest import ApiClient
from tests.complaints.history import at, close, new, resolve
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def test_pending_and_answer_once(handler, auditor):
    services.survey_request(
        session_ref="training-session:5", course_code="C-1", title="情绪管理", held_on=dt.date(2026, 11, 2),
        user_ids=[handler.pk],
    )  # fmt: skip
    api = ApiClient(handler)
    r = api.get("/effectiveness/surveys/pending")
    assert r.status_code == 200
    assert r.json() == [
        {
            "session_ref": "training-session:5",
            "course_code": "C-1",
            "title": "情绪管理",
            "held_on": "2026-11-02",
        }
    ]
    body = {
        "session_ref": "training-session:5",
        "content": 5,
        "trainer": 5,
        "usefulness": 4,
        "organisation": 4,
    }
    bad = api.post("/effectiveness/surveys", {**body, "trainer": 0})
    assert bad.status_code == 422 and bad.json()["code"] == "validation_failed"
    first = api.post("/effectiveness/surveys", body)
    assert first.status_code == 201
    assert first.json()["overall"] == 4.5
    again = api.post("/effectiveness/surveys", {**body, "content": 1})
    assert again.status_code == 200 and again.json()["content"] == 5
    assert SurveyResponse.objects.count() == 1
    assert api.get("/effectiveness/surveys/pending").json() == []
    assert (
        api.post("/effectiveness/surveys", {**body, "session_ref": "training-session:6"}).status_code == 404
    )
    assert ApiClient(auditor).get("/effectiveness/surveys/pending").status_code == 403


def test_kpis_of_a_person_and_a_team(team, handler, supervisor):
    c = new(handler, handler, at(11, 3), supervisor)
    resolve(c, handler, at(11, 3, 13))
    close(c, handler, at(11, 4), 5)
    other = make_user("legal_h", Role.HANDLER, Department.objects.get(code="legal"))

    me = ApiClient(handler).get(f"/effectiveness/kpis/{handler.pk}", start="2026-11-01", end="2026-11-30")
    assert me.status_code == 200
    data = me.json()
    assert data["kpis"]["counts"]["closed"] == 1
    assert data["kpis"]["rates"]["satisfaction"] == 1.0
    assert data["kpis"]["rates"]["handling_time"] == 4.0
    assert data["window"]["start"].startswith("2026-11-01T00:00:00")
    assert ApiClient(handler).get(f"/effectiveness/kpis/{supervisor.pk}").status_code == 403
    sup = ApiClient(supervisor)
    assert sup.get(f"/effectiveness/kpis/{handler.pk}").status_code == 200
    assert sup.get(f"/effectiveness/kpis/{other.pk}").status_code == 403
    t = sup.get("/effectiveness/kpis/team", start="2026-11-01", end="2026-11-30")
    assert t.status_code == 200 and t.json()["department"] == "complaints"
    assert t.json()["kpis"]["counts"]["registered"] == 1
    assert sup.get("/effectiveness/kpis/team", department=other.department_id).status_code == 403
    assert ApiClient(handler).get("/effectiveness/kpis/team").status_code == 403
    backwards = sup.get(f"/effectiveness/kpis/{handler.pk}", start="2026-11-30", end="2026-11-01")
    assert backwards.status_code == 422


def test_review_is_for_trainers(supervisor, trainer, monkeypatch):
    monkeypatch.setattr(sources, "completions", lambda *, start, end, user_ids=None: [])
    assert ApiClient(supervisor).get("/effectiveness/review").status_code == 403
    with clock.frozen_at(at(12, 5)):
        r = ApiClient(trainer).get("/effectiveness/review", month="2026-11")
    assert r.status_code == 200
    assert r.json()["month"] == "2026-11" and r.json()["courses"] == []
    assert ApiClient(trainer).get("/effectiveness/review", month="Nov").status_code == 422


def test_recognition_via_the_api(supervisor, handler):
    api = ApiClient(supervisor)
    body = {"user_id": handler.pk, "kind": "high_satisfaction", "reason": "本月满意度98%", "month": "2026-11"}
    with clock.frozen_at(at(11, 30)):
        first = api.post("/effectiveness/recognitions", body)
        again = api.post("/effectiveness/recognitions", body)
    assert first.status_code == 201 and again.status_code == 200
    assert first.json()["id"] == again.json()["id"]
    assert first.json()["awarded_by"] == "super1"
    assert (
        ApiClient(handler).post("/effectiveness/recognitions", {**body, "user_id": supervisor.pk}).status_code
        == 403
    )
    assert Recognition.objects.count() == 1
