"""/api/v1/plans/: my plan, the trainers' list, generation, approval, progress, retraining; caps checked."""

import pytest

from kesu.plans import contracts, services
from kesu.plans.models import Plan
from tests.api.conftest import ApiClient
from tests.conftest import make_user
from tests.plans.conftest import STANDARD, courses_for_items

pytestmark = pytest.mark.django_db


@pytest.fixture
def fake_contracts(monkeypatch):
    monkeypatch.setattr(contracts, "person_needs", lambda user: contracts.needs_from(STANDARD))
    monkeypatch.setattr(
        contracts,
        "courses_for_items",
        lambda codes, finder=None: [contracts.course_row(c) for c in courses_for_items(item_codes=codes)],
    )


def _generate(api, person="handler1"):
    return api.post(
        "/plans/generate", {"person": person, "period_start": "2026-12-01", "period_end": "2027-02-28"}
    )


def test_trainer_generates_and_approves_learner_records_progress(fake_contracts, handler, trainer):
    t, h = ApiClient(trainer), ApiClient(handler)

    r = _generate(t)
    assert r.status_code == 201, r.content
    plan = r.json()
    assert (plan["status"], plan["version"], plan["person"]["username"], plan["model_version"]) == (
        "draft",
        1,
        "handler1",
        3,
    )
    assert [i["item_code"] for i in plan["items"]] == [
        "att_empathy",
        "att_empathy",
        "skill_judgement",
        "skill_communication",
        "know_law",
    ]
    assert h.get("/plans/mine").json() == {"plan": None}  # a draft is not the learner's yet
    assert h.get(f"/plans/{plan['id']}").status_code == 404

    r = t.post(f"/plans/{plan['id']}/approve", {"version": 1})
    assert r.status_code == 200
    assert r.json()["status"] == "approved"

    mine = h.get("/plans/mine").json()["plan"]
    assert (mine["id"], mine["items_total"], mine["items_done"]) == (plan["id"], 5, 0)
    item = mine["items"][0]["id"]
    r = h.post(
        f"/plans/items/{item}/progress",
        {"status": "done", "note": "已完成工作坊", "version": mine["version"]},
    )
    assert r.status_code == 200
    assert (r.json()["status"], r.json()["items_done"], r.json()["items"][0]["progress_note"]) == (
        "in_progress",
        1,
        "已完成工作坊",
    )

    listed = t.get("/plans/").json()
    assert (listed["count"], listed["items"][0]["id"], listed["items"][0]["items_done"]) == (1, plan["id"], 1)


def test_stale_version_answers_409_and_changes_nothing(fake_contracts, handler, trainer):
    t, h = ApiClient(trainer), ApiClient(handler)
    plan = _generate(t).json()
    t.post(f"/plans/{plan['id']}/approve", {"version": 1})
    item = plan["items"][0]["id"]

    r = h.post(f"/plans/items/{item}/progress", {"status": "done", "version": 1})
    assert r.status_code == 409
    assert r.json()["code"] == "concurrent_edit"
    assert Plan.objects.get().version == 2
    assert Plan.objects.get().items.filter(status="done").count() == 0


def test_caps_are_checked(fake_contracts, handler, supervisor, trainer):
    h, s, t = ApiClient(handler), ApiClient(supervisor), ApiClient(trainer)
    assert _generate(h).status_code == 403
    assert _generate(s).status_code == 403
    assert h.get("/plans/").status_code == 403
    assert Plan.objects.count() == 0

    plan = _generate(t).json()
    r = s.post(f"/plans/{plan['id']}/approve", {"version": 1})
    assert r.status_code == 404  # supervisors do not see drafts
    assert Plan.objects.get().status == "draft"
    t.post(f"/plans/{plan['id']}/approve", {"version": 1})
    assert s.get("/plans/").json()["count"] == 1  # the supervisor's own department
    assert s.post(f"/plans/items/{plan['items'][0]['id']}/progress", {"status": "done"}).status_code == 403

    other = make_user("other_super", "supervisor", None)
    assert ApiClient(other).get("/plans/").json()["count"] == 0
    assert _generate(t, person="nobody").status_code == 404


def test_generate_validation(fake_contracts, handler, trainer):
    r = ApiClient(trainer).post(
        "/plans/generate", {"person": "handler1", "period_start": "2027-02-28", "period_end": "2026-12-01"}
    )
    assert r.status_code == 422
    assert r.json()["details"] == {"field": "period_end"}


def test_my_retraining(handler, senior, trainer):
    services.retraining_assign(
        user=handler,
        reason="情景模拟考核未通过",
        kind="roleplay_failed",
        item_codes=["att_empathy"],
        source_ref="rp:1",
    )
    mine = ApiClient(handler).get("/plans/retraining/mine").json()["items"]
    assert [(r["kind"], r["status"], r["source_ref"]) for r in mine] == [
        ("roleplay_failed", "assigned", "rp:1")
    ]
    assert ApiClient(senior).get("/plans/retraining/mine").json()["items"] == []
    assert [r["person"]["username"] for r in ApiClient(trainer).get("/plans/retraining").json()["items"]] == [
        "handler1"
    ]
    assert ApiClient(handler).get("/plans/retraining").status_code == 403
