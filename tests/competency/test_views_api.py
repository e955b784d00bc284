from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from kesu.accounts.models import Department
from kesu.accounts.roles import Role
from kesu.competency import services
from kesu.competency.models import CompetencyModel, Evidence
from tests.conftest import make_user


@pytest.fixture
def org(team, competency_model):
    old = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    other = Department.objects.create(code="other", name="电商组")
    users = {
        "handler": make_user("h1", Role.HANDLER, team, date_joined=old),
        "peer": make_user("h2", Role.HANDLER, team, date_joined=old),
        "sup": make_user("sup", Role.SUPERVISOR, team, date_joined=old),
        "sup2": make_user("sup2", Role.SUPERVISOR, other, date_joined=old),
        "trainer": make_user("tr", Role.TRAINER, None, date_joined=old),
        "auditor": make_user("au", Role.AUDITOR, None, date_joined=old),
    }
    services.evidence_record(
        user=users["handler"],
        item_code="know_law",
        level=1.5,
        source="exam",
        ref="e:1",
        observed_on=dt.date.today(),
    )
    return users


@pytest.mark.parametrize(
    ("viewer", "status"),
    [("handler", 200), ("peer", 403), ("sup", 200), ("sup2", 403), ("trainer", 200), ("auditor", 200)],
)
def test_person_page_visibility(client, org, viewer, status):
    client.force_login(org[viewer])
    response = client.get(reverse("competency:person", args=["h1"]))
    assert response.status_code == status
    if status == 200:
        assert 'data-option-id="radar-option"' in response.content.decode()


def test_home_team_org_and_model_pages(client, org, team):
    client.force_login(org["handler"])
    assert client.get(reverse("competency:home")).status_code == 200
    assert client.get(reverse("competency:organisation")).status_code == 403
    assert client.get(reverse("competency:team", args=[team.pk])).status_code == 403
    assert client.get(reverse("competency:model")).status_code == 200
    client.force_login(org["sup"])
    page = client.get(reverse("competency:team", args=[team.pk])).content.decode()
    assert 'data-option-id="heatmap-option"' in page
    client.force_login(org["trainer"])
    for name in ("competency:organisation", "competency:people", "competency:kpi_rules"):
        assert client.get(reverse(name)).status_code == 200


def test_trainer_edits_draft_and_publishes_through_the_ui(client, org):
    client.force_login(org["trainer"])
    client.post(reverse("competency:draft_create"))
    draft = CompetencyModel.objects.get(status="draft")
    form = {"name": "法律法规与合规", "description": "四部法律"} | {
        f"level_{i}": f"行为 {i}\n补充" for i in range(1, 6)
    }
    client.post(reverse("competency:item_save", args=[draft.number, "know_law"]), form)
    client.post(reverse("competency:profile_save", args=[draft.number, "handler"]), {"req_know_law": "4"})
    client.post(reverse("competency:publish", args=[draft.number]))
    draft.refresh_from_db()
    assert draft.status == "published"
    item = draft.items.get(code="know_law")
    assert (item.name, item.levels["2"]) == ("法律法规与合规", ["行为 2", "补充"])
    assert draft.profiles.get(code="handler").requirements["know_law"] == 4


def test_handler_cannot_edit_the_model(client, org):
    client.force_login(org["handler"])
    assert client.post(reverse("competency:draft_create")).status_code == 403
    assert not CompetencyModel.objects.filter(status="draft").exists()


def test_supervisor_rates_through_the_page(client, org):
    client.force_login(org["sup"])
    client.post(reverse("competency:rate", args=["h1"]), {"level_att_empathy": "4", "level_know_law": ""})
    assert list(Evidence.objects.filter(source="rating").values_list("item_code", "level")) == [
        ("att_empathy", 4.0)
    ]


def test_api_needs_and_evidence(client, org):
    client.force_login(org["handler"])
    me = client.get("/api/v1/competency/needs/me").json()
    law = next(i for i in me["items"] if i["item_code"] == "know_law")
    assert (law["current"], law["evidence_count"]) == (1.5, 1)
    assert client.get("/api/v1/competency/needs/h2").status_code == 404
    body = {
        "username": "h2",
        "item_code": "know_law",
        "level": 3,
        "source": "exam",
        "ref": "lms:9",
        "observed_on": "2026-11-01",
    }
    assert (
        client.post("/api/v1/competency/evidence", body, content_type="application/json").status_code == 403
    )
    client.force_login(org["trainer"])
    created = client.post("/api/v1/competency/evidence", body, content_type="application/json")
    assert created.status_code == 201
    again = client.post("/api/v1/competency/evidence", body, content_type="application/json")
    assert again.json()["id"] == created.json()["id"]
    bad = client.post("/api/v1/competency/evidence", body | {"level": 9}, content_type="application/json")
    assert bad.status_code == 422
    assert client.get("/api/v1/competency/model").json()["items"][0]["code"] == "know_service"
