import pytest

from kesu.training.models import Enrolment
from tests.training.factories import course, session

pytestmark = pytest.mark.django_db


def test_list_and_detail(api_for, handler):
    course("NH-1", title="入职第一课", item_codes=["know_process"])
    course("DR-1", status="draft")
    api = api_for(handler)

    r = api.get("/training/courses", item="know_process")
    assert r.status_code == 200
    assert [c["code"] for c in r.json() if c["code"] in ("NH-1", "DR-1")] == ["NH-1"]
    d = api.get("/training/courses/NH-1").json()
    assert (d["title"], d["progress_percent"], [m["method"] for m in d["modules"]]) == (
        "入职第一课",
        0,
        ["online"],
    )
    assert api.get("/training/courses/DR-1").status_code == 404
    assert api.get("/training/courses", track="nowhere").status_code == 422


def test_enrol_twice_then_cancel(api_for, handler, senior):
    s = session(course("NH-1"), capacity=1)

    first = api_for(handler).post(f"/training/sessions/{s.pk}/enrol").json()
    again = api_for(handler).post(f"/training/sessions/{s.pk}/enrol").json()
    waiting = api_for(senior).post(f"/training/sessions/{s.pk}/enrol").json()
    assert (first["status"], again["status"], waiting["status"], waiting["waiting_position"]) == (
        "enrolled",
        "enrolled",
        "waiting",
        1,
    )

    r = api_for(handler).post(f"/training/sessions/{s.pk}/cancel")
    assert r.json()["status"] == "cancelled"
    assert Enrolment.objects.get(user=senior).status == "enrolled"


def test_capabilities_are_checked(api_for, auditor, handler):
    s = session(course("NH-1"))

    assert api_for(auditor).get("/training/courses").status_code == 403
    assert api_for(auditor).post(f"/training/sessions/{s.pk}/enrol").status_code == 403
    assert api_for(handler).post(f"/training/sessions/{s.pk}/cancel").status_code == 404
    assert not Enrolment.objects.exists()


def test_my_records(api_for, handler):
    r = api_for(handler).get("/training/records/me")
    assert r.json() == {"total_hours": 0.0, "average_score": None, "records": [], "certificates": []}
