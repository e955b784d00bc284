"""/api/v1/exams/: a learner's exam over the API, capabilities, the grading queue."""

import datetime as dt
import json

import pytest

from kesu.common import clock
from kesu.exams.models import Attempt
from tests.api.conftest import ApiClient
from tests.exams import factories as f

pytestmark = pytest.mark.django_db


def put(api, path, data):
    return api.client.put(f"/api/v1{path}", json.dumps(data), content_type="application/json")


@pytest.fixture
def exam(handler, trainer):
    f.single("T-a-0", right="A")
    f.short("T-a-1")
    bp = f.blueprint([("att_integrity", "single", 1, 2), ("att_empathy", "short", 1, 8)], minutes=10)
    return f.exam_for(bp, [handler], trainer=trainer, opens=clock.now() - dt.timedelta(hours=1))


def test_learner_takes_an_exam_over_the_api(handler, trainer, exam):
    api = ApiClient(handler)
    mine = api.get("/exams/mine").json()
    assert [(e["id"], e["can_start"], e["attempts"]) for e in mine] == [(exam.pk, True, [])]

    r = api.post(f"/exams/{exam.pk}/attempts")
    assert r.status_code == 201
    body = r.json()
    assert body["status"] == "started"
    assert [q["type"] for q in body["questions"]] == ["single", "short"]
    # the paper never carries the answers while it runs
    assert all(set(o) == {"key", "text"} for o in body["questions"][0]["options"])
    assert body["questions"][1]["reference_answer"] is None
    attempt_id = body["id"]
    # starting again resumes
    assert api.post(f"/exams/{exam.pk}/attempts").json()["id"] == attempt_id

    assert (
        put(api, f"/exams/attempts/{attempt_id}/answers", {"position": 0, "response": "A"}).status_code == 200
    )
    assert (
        put(api, f"/exams/attempts/{attempt_id}/answers", {"position": 0, "response": "A"}).status_code == 200
    )
    bad = put(api, f"/exams/attempts/{attempt_id}/answers", {"position": 5, "response": "A"})
    assert bad.status_code == 422 and bad.json()["code"] == "validation_failed"

    r = api.post(f"/exams/attempts/{attempt_id}/submit", {"answers": {"1": "抱歉，我理解您，今天给您回复"}})
    assert r.status_code == 200
    assert r.json()["status"] == "awaiting_grading"
    again = api.post(f"/exams/attempts/{attempt_id}/submit", {"answers": {"0": "B"}})
    assert again.json()["questions"][0]["response"] == "A"

    # the trainer grades the short answer
    coach = ApiClient(trainer)
    queue = coach.get("/exams/grading").json()
    assert [(q["attempt_id"], q["position"]) for q in queue] == [(attempt_id, 1)]
    assert queue[0]["suggested"]["total"] == "8.00"
    assert api.get("/exams/grading").status_code == 403
    graded = coach.post(f"/exams/grading/answers/{queue[0]['answer_id']}", {"rubric_scores": ["4", "3"]})
    assert graded.status_code == 200
    result = api.get(f"/exams/attempts/{attempt_id}").json()
    assert (result["status"], result["score"], result["percent"], result["passed"]) == (
        "graded",
        "9.00",
        "90.00",
        True,
    )
    assert result["questions"][0]["options"][0]["correct"] is True
    assert Attempt.objects.get(pk=attempt_id).status == "graded"


def test_api_checks_capabilities_and_visibility(auditor, senior, handler, exam):
    assert ApiClient(auditor).get("/exams/mine").status_code == 403
    r = ApiClient(senior).post(f"/exams/{exam.pk}/attempts")
    assert r.status_code == 404
    body = ApiClient(handler).post(f"/exams/{exam.pk}/attempts").json()
    assert ApiClient(senior).get(f"/exams/attempts/{body['id']}").status_code == 404
    assert (
        put(
            ApiClient(senior), f"/exams/attempts/{body['id']}/answers", {"position": 0, "response": "A"}
        ).status_code
        == 404
    )
    assert Attempt.objects.count() == 1


def test_late_answer_over_the_api_is_409(handler, exam):
    api = ApiClient(handler)
    attempt_id = api.post(f"/exams/{exam.pk}/attempts").json()["id"]
    deadline = Attempt.objects.get(pk=attempt_id).deadline
    with clock.frozen_at(deadline + dt.timedelta(minutes=2)):
        r = put(api, f"/exams/attempts/{attempt_id}/answers", {"position": 0, "response": "A"})
    assert r.status_code == 409 and r.json()["code"] == "time_up"
    assert Attempt.objects.get(pk=attempt_id).close_reason == "timeout"
