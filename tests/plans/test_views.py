"""The plans pages: who sees what, and the trainer's generate → edit → approve flow through forms."""

import pytest
from django.test import Client

from kesu.plans import contracts
from kesu.plans.models import Plan, Retraining
from kesu.plans.services import retraining_assign
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


def client_for(user):
    c = Client(HTTP_ACCEPT_LANGUAGE="en")
    c.force_login(user)
    return c


def test_generate_edit_approve_through_the_pages(fake_contracts, handler, supervisor, trainer):
    t = client_for(trainer)
    people = t.get("/academy/plans/manage/?tab=people")
    assert people.status_code == 200
    assert f"/academy/plans/generate/{handler.username}/".encode() in people.content

    page = t.get(f"/academy/plans/generate/{handler.username}/")
    assert page.status_code == 200
    assert "同理心".encode() in page.content
    r = t.post(
        f"/academy/plans/generate/{handler.username}/",
        {"period_start": "2026-12-01", "period_end": "2027-02-28"},
    )
    plan = Plan.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/academy/plans/{plan.pk}/"

    item = plan.items.order_by("position").first()
    form = t.get(f"/academy/plans/items/{item.pk}/edit/")
    assert form.status_code == 200
    data = {
        "version": 1,
        "objective": "共情表达：每天练习三句安抚话术",
        "item_code": "att_empathy",
        "current_level": "1.5",
        "target_level": "4",
        "course_code": "EMP-101",
        "course_title": "共情沟通工作坊",
        "method": "role_play",
        "planned_start": "2026-12-01",
        "deadline": "2026-12-20",
        "place": "二楼培训室",
        "trainer": str(trainer.pk),
        "assessment": "scenario",
    }
    assert t.post(f"/academy/plans/items/{item.pk}/edit/", data).status_code == 302
    item.refresh_from_db()
    assert (item.objective, item.deadline.isoformat(), item.place) == (
        "共情表达：每天练习三句安抚话术",
        "2026-12-20",
        "二楼培训室",
    )

    # a stale form is shown again with the error, nothing saved
    stale = t.post(f"/academy/plans/items/{item.pk}/edit/", {**data, "objective": "过期页面的修改"})
    assert stale.status_code == 200
    assert b"Someone else changed this plan" in stale.content
    item.refresh_from_db()
    assert item.objective == "共情表达：每天练习三句安抚话术"

    # bad input: the form comes back with the error and the typed values
    bad = t.post(
        f"/academy/plans/items/{item.pk}/edit/",
        {**data, "version": 2, "deadline": "", "objective": "新的目标"},
    )
    assert bad.status_code == 200 and "新的目标".encode() in bad.content
    assert Plan.objects.get().version == 2

    assert (
        client_for(supervisor).post(f"/academy/plans/{plan.pk}/approve/", {"version": 2}).status_code == 302
    )
    assert Plan.objects.get().status == "draft"
    assert t.post(f"/academy/plans/{plan.pk}/approve/", {"version": 2}).status_code == 302
    assert Plan.objects.get().status == "approved"

    mine = client_for(handler).get("/academy/plans/")
    assert mine.status_code == 200
    assert "共情表达：每天练习三句安抚话术".encode() in mine.content
    prefix = f"i{item.pk}"
    r = client_for(handler).post(
        f"/academy/plans/items/{item.pk}/progress/",
        {f"{prefix}-version": 3, f"{prefix}-status": "in_progress", f"{prefix}-note": "已报名"},
    )
    assert r.status_code == 302 and r["Location"] == "/academy/plans/"
    item.refresh_from_db()
    assert (item.status, item.progress_note) == ("in_progress", "已报名")

    team = client_for(supervisor).get("/academy/plans/manage/")
    assert team.status_code == 200 and plan.title.encode() in team.content


def test_pages_check_caps(fake_contracts, handler, supervisor, auditor, trainer):
    h = client_for(handler)
    assert h.get("/academy/plans/manage/").status_code == 403
    assert h.get(f"/academy/plans/generate/{handler.username}/").status_code == 403
    assert client_for(supervisor).get(f"/academy/plans/generate/{handler.username}/").status_code == 403
    assert client_for(auditor).get("/academy/plans/").status_code == 403  # no learning account
    assert client_for(auditor).get("/academy/plans/manage/").status_code == 200  # reads everything
    assert Client().get("/academy/plans/").status_code == 302  # login first
    r = client_for(supervisor).post(
        f"/academy/plans/generate/{handler.username}/",
        {"period_start": "2026-12-01", "period_end": "2027-02-28"},
    )
    assert r.status_code == 403
    assert Plan.objects.count() == 0


def test_academy_home_tiles(handler, trainer):
    page = client_for(handler).get("/academy/").content.decode()
    assert "My training plan" in page and 'href="/academy/plans/manage/"' not in page
    page = client_for(trainer).get("/academy/").content.decode()
    assert 'href="/academy/plans/manage/"' in page and 'href="/academy/plans/retraining/"' in page


def test_retraining_pages(handler, supervisor, trainer):
    r = retraining_assign(
        user=handler,
        reason="考试未通过",
        kind="exam_failed",
        item_codes=["know_law"],
        source_ref="exam-attempt:7",
    )
    assert "考试未通过".encode() in client_for(handler).get("/academy/plans/retraining/").content
    assert "考试未通过".encode() in client_for(supervisor).get("/academy/plans/retraining/all/").content
    assert client_for(handler).get("/academy/plans/retraining/all/").status_code == 403
    client_for(supervisor).post(f"/academy/plans/retraining/{r.pk}/done/", {"note": "x"})
    assert Retraining.objects.get().status == "assigned"
    client_for(trainer).post(f"/academy/plans/retraining/{r.pk}/done/", {"note": "已重考"})
    assert Retraining.objects.get().status == "done"
