"""/api/v1/wellbeing/: own diary CRUD and trends, team trends, surveys for me and answering."""

import datetime as dt

import pytest

from kesu.wellbeing import services
from kesu.wellbeing.models import DiaryEntry, SurveyResponse
from tests.conftest import make_user
from tests.wellbeing.conftest import NOW

pytestmark = pytest.mark.django_db

BODY = {
    "emotion": "anxiety",
    "intensity": 4,
    "triggers": ["deadline"],
    "helpers": ["break"],
    "what_happened": "三个工单同时预警",
    "helped_note": "",
}


def test_diary_crud_through_the_api(handler, api):
    a = api(handler)
    r = a.post("/wellbeing/diary/entries", BODY)
    assert r.status_code == 201, r.content
    entry = r.json()
    assert (entry["emotion"], entry["intensity"], entry["triggers"]) == ("anxiety", 4, ["deadline"])
    eid = entry["id"]

    listing = a.get("/wellbeing/diary/entries").json()
    assert listing["count"] == 1 and listing["items"][0]["what_happened"] == "三个工单同时预警"

    r = a.put(f"/wellbeing/diary/entries/{eid}", {**BODY, "intensity": 2, "emotion": "calm"})
    assert r.status_code == 200 and (r.json()["intensity"], r.json()["emotion"]) == (2, "calm")

    trends = a.get("/wellbeing/diary/trends", weeks=4).json()
    assert trends["entries"] == 1 and trends["triggers"] == [
        {"code": "deadline", "label": "Deadline pressure", "count": 1}
    ]
    assert [w["week"] for w in trends["weeks"]][-1] == "2026-11-16"

    assert a.delete(f"/wellbeing/diary/entries/{eid}").status_code == 204
    assert not DiaryEntry.objects.exists()


def test_bad_entries_get_a_clear_error(handler, api):
    r = api(handler).post("/wellbeing/diary/entries", {**BODY, "intensity": 9})
    assert r.status_code == 422
    assert r.json()["code"] == "validation_failed"
    assert r.json()["message"] == "Intensity is a number from 1 to 5."
    r = api(handler).get("/wellbeing/diary/trends", weeks=5)
    assert r.status_code == 422
    assert not DiaryEntry.objects.exists()


@pytest.mark.parametrize("who", ["colleague", "supervisor", "trainer", "admin"])
def test_nobody_else_reads_or_changes_an_entry_through_the_api(
    handler, team, trainer, supervisor, admin_user, api, who
):
    reader = {
        "colleague": make_user("h9", "handler", team),
        "supervisor": supervisor,
        "trainer": trainer,
        "admin": admin_user,
    }[who]
    e = services.diary_entry_create(user=handler, emotion="anger", intensity=5, what_happened="私密")
    a = api(reader)
    assert a.get(f"/wellbeing/diary/entries/{e.pk}").status_code == 404
    assert a.put(f"/wellbeing/diary/entries/{e.pk}", BODY).status_code == 404
    assert a.delete(f"/wellbeing/diary/entries/{e.pk}").status_code == 404
    assert a.get("/wellbeing/diary/entries").json() == {"count": 0, "items": []}
    e.refresh_from_db()
    assert (e.emotion, e.what_happened) == ("anger", "私密")


def test_the_diary_api_needs_learn_and_a_login(auditor, api, client):
    assert api(auditor).get("/wellbeing/diary/entries").status_code == 403
    assert client.get("/api/v1/wellbeing/diary/entries").status_code == 401


def test_team_trends_api_is_anonymised_and_scoped(team, supervisor, handler, api):
    services.diary_entry_create(user=handler, emotion="anger", intensity=5)
    r = api(supervisor).get("/wellbeing/diary/team-trends", weeks=4)
    assert r.status_code == 200
    body = r.json()
    assert (body["suppressed"], body["people"], body["min_group"], body["triggers"]) == (True, 0, 5, [])
    assert all(w["entries"] is None and w["suppressed"] for w in body["weeks"])
    assert api(handler).get("/wellbeing/diary/team-trends").status_code == 403
    other = api(supervisor).get("/wellbeing/diary/team-trends", department_id=team.pk + 1000)
    assert other.status_code == 403


def test_surveys_for_me_and_answering_through_the_api(trainer, team, handler, api):
    survey = services.survey_create(
        actor=trainer, title="痛点调研", cycle="2027Q1", opens_on=NOW.date(),
        closes_on=NOW.date() + dt.timedelta(days=5), template_code="default", department_ids=[team.pk],
    )  # fmt: skip
    a = api(handler)
    assert a.get("/wellbeing/surveys").json() == []
    services.survey_send(actor=trainer, survey_id=survey.pk)
    [item] = a.get("/wellbeing/surveys").json()
    assert (item["id"], item["open"], item["answered_at"]) == (survey.pk, True, None)

    detail = a.get(f"/wellbeing/surveys/{survey.pk}").json()
    assert len(detail["questions"]) == 11
    choice = next(q for q in detail["questions"] if q["kind"] == "choice")
    assert choice["max_choices"] == 3 and choice["options"][0] == {
        "code": "emotional_pressure",
        "label": "情绪压力大",
    }
    answers = {}
    for q in detail["questions"]:
        if q["kind"] == "rating":
            answers[q["id"]] = 3
        elif q["kind"] == "choice":
            answers[q["id"]] = ["authority"]
    r = a.put(f"/wellbeing/surveys/{survey.pk}/answers", {"answers": answers})
    assert r.status_code == 200, r.content
    assert r.json()["answers"][str(choice["id"])] == ["authority"]
    r = a.put(f"/wellbeing/surveys/{survey.pk}/answers", {"answers": answers})  # a retry
    assert r.status_code == 200
    assert SurveyResponse.objects.filter(user=handler).count() == 1

    missing = {k: v for k, v in answers.items() if k != choice["id"]}
    r = a.put(f"/wellbeing/surveys/{survey.pk}/answers", {"answers": missing})
    assert r.status_code == 422 and r.json()["message"] == "Question 9 needs an answer."

    services.survey_close(actor=trainer, survey_id=survey.pk)
    r = a.put(f"/wellbeing/surveys/{survey.pk}/answers", {"answers": answers})
    assert r.status_code == 409


def test_a_survey_outside_my_audience_is_not_found(trainer, other_team, handler, api):
    survey = services.survey_create(
        actor=trainer, title="法务调研", cycle="2027Q1", opens_on=NOW.date(),
        closes_on=NOW.date(), template_code="default", department_ids=[other_team.pk],
    )  # fmt: skip
    make_user("legal9", "liaison", other_team)
    services.survey_send(actor=trainer, survey_id=survey.pk)
    assert api(handler).get(f"/wellbeing/surveys/{survey.pk}").status_code == 404
    assert api(handler).put(f"/wellbeing/surveys/{survey.pk}/answers", {"answers": {}}).status_code == 404


def test_a_retried_create_with_the_same_key_returns_the_first_entry(handler, api):
    a = api(handler)
    first = a.post("/wellbeing/diary/entries", {**BODY, "request_key": "r-1"})
    again = a.post("/wellbeing/diary/entries", {**BODY, "request_key": "r-1"})
    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"]
    assert DiaryEntry.objects.count() == 1
