"""Desk pages other than one complaint: dashboard, queues and their export, staff intake, tasks,
notifications, evidence download. Who may open what, and what personal data each role sees."""

import datetime as dt
import io

import openpyxl
import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kesu.accounts.models import Department
from kesu.accounts.roles import Role
from kesu.complaints import services
from kesu.complaints.models import Complaint, DepartmentTask, Evidence, Notification
from tests.complaints.factories import register
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english_and_clean_cache(settings):
    # The zh-Hans catalogue arrives later; assert on the English source strings.
    settings.LANGUAGE_CODE = "en"
    cache.clear()
    yield
    cache.clear()


def _intake_data(**overrides):
    data = {
        "channel": "phone",
        "category": "promise_broken",
        "severity": "medium",
        "title": "快递三天未送达",
        "description": "客户来电：订单承诺次日达，三天仍未送达。",
        "product": "",
        "order_ref": "DD-1",
        "demand": "",
        "name": "李娜",
        "phone": "13900000002",
        "email": "",
        "id_number": "",
        "tier": "regular",
        "special_group": "",
    }
    data.update(overrides)
    return data


# ---------------------------------------------------------------- login and roots


@pytest.mark.parametrize(
    "name",
    ["desk:home", "desk:queue", "desk:intake", "desk:tasks", "desk:notifications", "desk:queue_export"],
)
def test_desk_pages_send_anonymous_users_to_login(client, name):
    url = reverse(name)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={url}"


def test_root_redirects_to_dashboard(client, handler):
    assert client.get("/")["Location"] == "/accounts/login/?next=/"
    client.force_login(handler)
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/desk/"


# ---------------------------------------------------------------- dashboard


@pytest.mark.parametrize(
    "role", [Role.HANDLER, Role.SUPERVISOR, Role.LIAISON, Role.AUDITOR, Role.TRAINER, Role.ADMIN]
)
def test_dashboard_renders_for_every_role(client, team, role):
    user = make_user("u1", role, team if role in (Role.HANDLER, Role.SUPERVISOR) else None)
    client.force_login(user)
    response = client.get(reverse("desk:home"))
    assert response.status_code == 200
    assert 'data-option-id="flow-chart"' in response.content.decode()
    assert '<script id="flow-chart" type="application/json">' in response.content.decode()


def test_dashboard_counts_and_my_overdue_complaints(client, handler):
    late = register(handler, title="逾期的投诉")
    register(handler, title="正常的投诉")
    Complaint.objects.filter(pk=late.pk).update(is_overdue=True)
    client.force_login(handler)
    response = client.get(reverse("desk:home"))
    cards = {c["queue"]: c["count"] for c in response.context["cards"]}
    assert cards == {"mine": 2, "team": 2, "unassigned": 0, "overdue": 1, "escalated": 0}
    assert [c.number for c in response.context["attention"]] == [late.number]
    chart = response.context["chart"]
    assert chart["series"][0]["data"][-1] == 2  # registered today
    assert len(chart["xAxis"]["data"]) == 30


# ---------------------------------------------------------------- queues


def test_queue_masks_phone_for_handler_and_shows_it_to_supervisor(client, handler, supervisor):
    register(handler, name="王丽", phone="13800000001")
    client.force_login(handler)
    html = client.get(reverse("desk:queue") + "?q=mine").content.decode()
    assert "138****0001" in html
    assert "13800000001" not in html
    assert "王*" in html

    client.force_login(supervisor)
    html = client.get(reverse("desk:queue") + "?q=team").content.decode()
    assert "13800000001" in html
    assert "王丽" in html


def test_queue_highlights_overdue_and_warning_rows(client, handler):
    overdue = register(handler)
    warned = register(handler)
    Complaint.objects.filter(pk=overdue.pk).update(is_overdue=True)
    Complaint.objects.filter(pk=warned.pk).update(sla_warning=True)
    client.force_login(handler)
    response = client.get(reverse("desk:queue") + "?q=mine")
    items = response.context["page"].items
    assert [c.pk for c in items][0] == overdue.pk  # overdue sorts first
    html = response.content.decode()
    assert '<tr class="overdue">' in html
    assert '<tr class="warning">' in html


def test_queue_filters(client, handler):
    high = register(handler, severity="high")
    register(handler, severity="low")
    client.force_login(handler)
    response = client.get(reverse("desk:queue"), {"q": "mine", "severity": "high"})
    assert [c.pk for c in response.context["page"].items] == [high.pk]
    response = client.get(reverse("desk:queue"), {"q": "mine", "search": high.number})
    assert [c.pk for c in response.context["page"].items] == [high.pk]


def test_queue_keyset_pages_and_first_page_link(client, handler):
    created = [register(handler, phone=f"1380000{i:04d}") for i in range(27)]
    client.force_login(handler)
    first = client.get(reverse("desk:queue") + "?q=mine")
    page1 = first.context["page"]
    assert len(page1.items) == 25
    assert page1.next_cursor
    second = client.get(reverse("desk:queue"), {"q": "mine", "cursor": page1.next_cursor})
    page2 = second.context["page"]
    assert len(page2.items) == 2
    assert page2.next_cursor is None
    assert {c.pk for c in page1.items} | {c.pk for c in page2.items} == {c.pk for c in created}
    assert "First page" in second.content.decode()


def test_queue_with_broken_cursor_falls_back_to_first_page(client, handler):
    register(handler)
    client.force_login(handler)
    response = client.get(reverse("desk:queue"), {"q": "mine", "cursor": "garbage!!"})
    assert response.status_code == 200
    assert len(response.context["page"].items) == 1
    assert "That page link is no longer valid; showing the first page." in response.content.decode()


def test_queue_for_liaison_shows_only_complaints_with_their_task(client, handler, liaison):
    with_task = register(handler)
    register(handler)
    services.complaint_transition(complaint_id=with_task.pk, action="acknowledge", actor=handler)
    services.task_open(
        complaint_id=with_task.pk,
        actor=handler,
        department_id=liaison.department_id,
        title="核实合同",
        due_at=dt.datetime.now(dt.UTC) + dt.timedelta(days=2),
    )
    client.force_login(liaison)
    response = client.get(reverse("desk:queue"))
    assert response.context["queue"] == "all"
    assert [c.pk for c in response.context["page"].items] == [with_task.pk]


def test_approvals_queue_lists_pending_proposals_for_supervisor(client, handler, supervisor):
    from kesu.complaints.services import CompensationLine
    from tests.complaints.factories import to_investigating

    c = to_investigating(register(handler), handler)
    services.compensation_propose(
        complaint_id=c.pk,
        actor=handler,
        solution="补偿代金券",
        items=[CompensationLine(type="voucher", amount=300)],
    )
    client.force_login(supervisor)
    response = client.get(reverse("desk:queue") + "?q=approvals")
    assert [p.complaint_id for p in response.context["approvals"]] == [c.pk]
    html = response.content.decode()
    assert reverse("desk:decide", args=[c.number, response.context["approvals"][0].pk]) in html


def test_untrusted_text_is_escaped_in_queue(client, handler):
    register(handler, title="<script>alert(1)</script>")
    client.force_login(handler)
    html = client.get(reverse("desk:queue") + "?q=mine").content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


# ---------------------------------------------------------------- export


def _sheet(response):
    content = b"".join(response.streaming_content)
    wb = openpyxl.load_workbook(io.BytesIO(content))
    return wb.worksheets[0], wb


def test_export_masks_personal_data_for_handler(client, handler):
    c = register(handler, name="王丽", phone="13800000001", title='=HYPERLINK("http://evil","x")')
    client.force_login(handler)
    response = client.get(reverse("desk:queue_export"), {"q": "mine"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"].startswith('attachment; filename="kesu-mine-')
    ws, _wb = _sheet(response)
    rows = list(ws.iter_rows(values_only=True))
    header = rows[0]
    assert header[:3] == ("Number", "Registered at", "Channel")
    row = dict(zip(header, rows[1], strict=True))
    assert row["Number"] == c.number
    assert row["Phone"] == "138****0001"
    assert row["Customer"] == "王*"
    # Untrusted text stays text: no formula is written.
    assert row["Subject"] == '=HYPERLINK("http://evil","x")'
    assert ws.cell(row=2, column=7).data_type == "s"
    assert len(rows) == 2


def test_export_shows_personal_data_to_supervisor_and_follows_filters(client, handler, supervisor):
    register(handler, phone="13800000001", severity="high")
    register(handler, phone="13800000002", severity="low")
    client.force_login(supervisor)
    response = client.get(reverse("desk:queue_export"), {"q": "team", "severity": "high"})
    ws, _wb = _sheet(response)
    rows = list(ws.iter_rows(values_only=True))
    assert len(rows) == 2
    assert rows[1][8] == "13800000001"


def test_export_stops_at_the_row_limit(client, handler, monkeypatch):
    from kesu.complaints.views import desk

    monkeypatch.setattr(desk, "EXPORT_MAX_ROWS", 2)
    for _ in range(3):
        register(handler)
    client.force_login(handler)
    ws, wb = _sheet(client.get(reverse("desk:queue_export"), {"q": "mine"}))
    assert len(list(ws.iter_rows(values_only=True))) == 3  # header + 2
    about = {r[0]: r[1] for r in wb.worksheets[1].iter_rows(values_only=True)}
    assert about["Rows"] == 2
    assert about["Note"] == "Only the first 2 rows were exported; narrow the filters to see the rest."


# ---------------------------------------------------------------- intake


def test_intake_registers_a_complaint(client, handler):
    client.force_login(handler)
    upload = SimpleUploadedFile("photo.png", b"\x89PNG\r\n\x1a\n" + b"0" * 20, content_type="image/png")
    response = client.post(reverse("desk:intake"), {**_intake_data(), "attachments": [upload]}, follow=True)
    c = Complaint.objects.get()
    assert response.redirect_chain == [(reverse("desk:detail", args=[c.number]), 302)]
    assert f"Complaint {c.number} registered." in response.content.decode()
    assert (c.channel, c.title, c.registered_by, c.customer.phone) == (
        "phone",
        "快递三天未送达",
        handler,
        "13900000002",
    )
    assert Evidence.objects.get(complaint=c).original_name == "photo.png"


def test_intake_refuses_text_over_20000_characters_and_creates_nothing(client, handler):
    client.force_login(handler)
    response = client.post(reverse("desk:intake"), _intake_data(description="长" * 20_001))
    assert response.status_code == 422
    assert "Description is too long: 20001 characters, at most 20000." in response.content.decode()
    assert Complaint.objects.count() == 0


def test_intake_refuses_an_exe_attachment_and_creates_nothing(client, handler):
    client.force_login(handler)
    upload = SimpleUploadedFile("setup.exe", b"MZ\x90\x00", content_type="application/octet-stream")
    response = client.post(reverse("desk:intake"), {**_intake_data(), "attachments": [upload]})
    assert response.status_code == 422
    html = response.content.decode()
    assert "Files of type .exe are not accepted." in html
    assert Complaint.objects.count() == 0


def test_intake_offers_only_staff_channels(client, handler):
    client.force_login(handler)
    response = client.post(reverse("desk:intake"), _intake_data(channel="web"))
    assert response.status_code == 422
    assert [v for v, _l in response.context["form"].fields["channel"].choices] == [
        "phone",
        "visit",
        "letter",
        "email",
        "social",
        "app",
    ]
    assert Complaint.objects.count() == 0


def test_intake_shows_invalid_phone_on_the_field(client, handler):
    client.force_login(handler)
    response = client.post(reverse("desk:intake"), _intake_data(phone="12345"))
    assert response.status_code == 422
    assert response.context["form"].errors["phone"] == ["Enter a valid phone number."]


@pytest.mark.parametrize("role", [Role.AUDITOR, Role.LIAISON, Role.TRAINER])
def test_intake_is_refused_to_roles_without_intake(client, role):
    client.force_login(make_user("x", role, None))
    assert client.get(reverse("desk:intake")).status_code == 403
    assert client.post(reverse("desk:intake"), _intake_data()).status_code == 403
    assert Complaint.objects.count() == 0


# ---------------------------------------------------------------- tasks and notifications


def _complaint_with_task(handler, liaison):
    c = register(handler)
    services.complaint_transition(complaint_id=c.pk, action="acknowledge", actor=handler)
    task = services.task_open(
        complaint_id=c.pk,
        actor=handler,
        department_id=liaison.department_id,
        title="核实合同条款",
        due_at=dt.datetime.now(dt.UTC) + dt.timedelta(days=2),
    )
    return c, task


def test_liaison_answers_a_task_inline(client, handler, liaison):
    c, task = _complaint_with_task(handler, liaison)
    client.force_login(liaison)
    page = client.get(reverse("desk:tasks"))
    assert [t.pk for t, can_answer in page.context["rows"] if can_answer] == [task.pk]
    response = client.post(
        reverse("desk:task_answer", args=[task.pk]),
        {"answer": "合同允许退款", "next": "/desk/tasks/"},
        follow=True,
    )
    task.refresh_from_db()
    assert (task.state, task.answer, task.answered_by) == ("done", "合同允许退款", liaison)
    assert f"Answer sent for {c.number}." in response.content.decode()
    done = client.get(reverse("desk:tasks") + "?state=done")
    assert [t.pk for t, _a in done.context["rows"]] == [task.pk]


def test_handler_sees_tasks_but_cannot_answer(client, handler, liaison):
    _c, task = _complaint_with_task(handler, liaison)
    client.force_login(handler)
    page = client.get(reverse("desk:tasks"))
    assert [(t.pk, a) for t, a in page.context["rows"]] == [(task.pk, False)]
    response = client.post(reverse("desk:task_answer", args=[task.pk]), {"answer": "x"}, follow=True)
    assert "Only 法务部 may answer this task." in response.content.decode()
    task.refresh_from_db()
    assert task.state == DepartmentTask.State.OPEN


def test_notifications_list_and_mark_all_read(client, handler, liaison):
    _complaint_with_task(handler, liaison)
    client.force_login(liaison)
    response = client.get(reverse("desk:notifications"))
    assert len(response.context["items"]) == 1
    assert "New task from" in response.content.decode()
    response = client.post(reverse("desk:notifications_read"), follow=True)
    assert "1 notification(s) marked as read." in response.content.decode()
    assert Notification.objects.filter(user=liaison, read_at__isnull=True).count() == 0


# ---------------------------------------------------------------- evidence download


def test_evidence_download_is_permission_checked(client, handler, liaison):
    c = register(handler)
    ev = services.evidence_add(
        complaint_id=c.pk,
        actor=handler,
        note="照片",
        upload=SimpleUploadedFile("a.pdf", b"%PDF-1.4 test", content_type="application/pdf"),
    )
    url = reverse("desk:evidence_download", args=[ev.pk])

    assert client.get(url).status_code == 302  # anonymous → login

    client.force_login(handler)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="a.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == b"%PDF-1.4 test"

    client.force_login(liaison)  # no task of legal on this complaint
    assert client.get(url).status_code == 404

    other_team = Department.objects.create(code="team2", name="二组", kind=Department.Kind.COMPLAINT_TEAM)
    client.force_login(make_user("h2", Role.HANDLER, other_team))
    assert client.get(url).status_code == 404


def test_media_is_not_served_publicly(client, handler):
    c = register(handler)
    ev = services.evidence_add(
        complaint_id=c.pk,
        actor=handler,
        upload=SimpleUploadedFile("a.pdf", b"%PDF-1.4 test", content_type="application/pdf"),
    )
    assert client.get("/media/" + ev.file.name).status_code == 404


def test_intake_by_someone_outside_the_receiving_team_stays_on_the_form(client, team):
    other_team = Department.objects.create(code="team2", name="二组", kind=Department.Kind.COMPLAINT_TEAM)
    outsider = make_user("h2", Role.HANDLER, other_team)
    client.force_login(outsider)
    response = client.post(reverse("desk:intake"), _intake_data(), follow=True)
    c = Complaint.objects.get()
    assert c.department == team  # routed to the first complaint team
    assert response.redirect_chain == [(reverse("desk:intake"), 302)]
    assert f"Complaint {c.number} registered." in response.content.decode()


def test_liaison_gets_a_hint_on_the_complaint_page(client, handler, liaison):
    c, _task = _complaint_with_task(handler, liaison)
    client.force_login(liaison)
    html = client.get(reverse("desk:detail", args=[c.number])).content.decode()
    assert "Answer your department's task in the list of department tasks." in html
    assert reverse("desk:task_answer", args=[_task.pk]) in html
