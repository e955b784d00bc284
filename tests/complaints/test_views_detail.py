"""The complaint page and its actions: visibility, masking and reveal, optimistic locking, refusals
shown as messages, the approval flow and the whole loop driven through the UI."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.urls import reverse

from kesu.accounts.models import Department
from kesu.accounts.roles import Role
from kesu.complaints import services
from kesu.complaints.models import (
    CompensationProposal,
    Complaint,
    ComplaintEvent,
    DepartmentTask,
    OutboundMessage,
    PiiAccessLog,
)
from tests.complaints.factories import register, to_follow_up, to_investigating
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english_and_clean_cache(settings):
    settings.LANGUAGE_CODE = "en"
    cache.clear()


def _url(name, c, *args):
    return reverse(f"desk:{name}", args=[c.number, *args])


def _fresh(c):
    return Complaint.objects.get(pk=c.pk)


# ---------------------------------------------------------------- visibility


def test_detail_is_404_for_complaints_the_user_may_not_see(client, handler, liaison):
    c = register(handler)
    other_team = Department.objects.create(code="team2", name="二组", kind=Department.Kind.COMPLAINT_TEAM)
    client.force_login(make_user("h2", Role.HANDLER, other_team))
    assert client.get(_url("detail", c)).status_code == 404
    client.force_login(liaison)
    assert client.get(_url("detail", c)).status_code == 404
    client.force_login(handler)
    assert client.get(reverse("desk:detail", args=["TS-19990101-0001"])).status_code == 404


def test_detail_requires_login(client, handler):
    c = register(handler)
    response = client.get(_url("detail", c))
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={_url('detail', c)}"


def test_auditor_reads_but_gets_no_actions(client, handler, auditor):
    c = register(handler)
    client.force_login(auditor)
    response = client.get(_url("detail", c))
    assert response.status_code == 200
    html = response.content.decode()
    assert "You can read this complaint but not work on it." in html
    assert _url("acknowledge", c) not in html
    response = client.post(_url("acknowledge", c), {"version": c.version}, follow=True)
    assert f"You may not work on complaint {c.number}." in response.content.decode()
    assert _fresh(c).status == "registered"


# ---------------------------------------------------------------- masking and reveal


def test_detail_masks_personal_data_for_handler(client, handler):
    c = register(handler, name="王丽", phone="13800000001")
    client.force_login(handler)
    html = client.get(_url("detail", c)).content.decode()
    assert "138****0001" in html
    assert "13800000001" not in html  # not even in the acknowledgement message's recipient
    assert _url("reveal", c) in html


def test_detail_shows_personal_data_to_supervisor(client, handler, supervisor):
    c = register(handler, name="王丽", phone="13800000001")
    client.force_login(supervisor)
    html = client.get(_url("detail", c)).content.decode()
    assert "13800000001" in html
    assert "王丽" in html
    assert _url("reveal", c) not in html


def test_reveal_with_htmx_shows_the_value_and_logs_it(client, handler):
    c = register(handler, phone="13800000001")
    client.force_login(handler)
    response = client.post(
        _url("reveal", c), {"field": "phone", "reason": "回电客户"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "13800000001" in html
    assert "<html" not in html  # a fragment swapped in place
    log = PiiAccessLog.objects.get()
    assert (log.user, log.complaint_id, log.field, log.reason, log.ip) == (
        handler,
        c.pk,
        "phone",
        "回电客户",
        "127.0.0.1",
    )


def test_reveal_needs_a_reason(client, handler):
    c = register(handler, phone="13800000001")
    client.force_login(handler)
    response = client.post(_url("reveal", c), {"field": "phone", "reason": ""}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "Give the reason why you need to see it." in html
    assert "13800000001" not in html
    assert PiiAccessLog.objects.count() == 0


def test_reveal_without_htmx_renders_the_page_with_the_value(client, handler):
    c = register(handler, phone="13800000001")
    client.force_login(handler)
    response = client.post(_url("reveal", c), {"field": "phone", "reason": "回电客户"})
    assert response.status_code == 200
    assert "13800000001" in response.content.decode()
    assert PiiAccessLog.objects.count() == 1


def test_reveal_is_refused_to_auditor(client, handler, auditor):
    c = register(handler, phone="13800000001")
    client.force_login(auditor)
    response = client.post(_url("reveal", c), {"field": "phone", "reason": "好奇"}, HTTP_HX_REQUEST="true")
    assert "You may not see this customer&#x27;s personal data." in response.content.decode()
    assert "13800000001" not in response.content.decode()
    assert PiiAccessLog.objects.count() == 0


# ---------------------------------------------------------------- actions and refusals


def test_acknowledge_moves_the_complaint_and_redirects(client, handler):
    c = register(handler)
    client.force_login(handler)
    response = client.post(_url("acknowledge", c), {"version": c.version})
    assert response.status_code == 302
    assert response["Location"] == _url("detail", c)
    assert _fresh(c).status == "acknowledged"


def test_stale_version_shows_the_conflict_and_changes_nothing(client, handler):
    c = register(handler)
    stale = c.version
    services.complaint_add_note(complaint_id=c.pk, actor=handler, text="先记一笔")
    services.complaint_escalate(
        complaint_id=c.pk, actor=handler, reason="客户威胁投诉12315"
    )  # bumps the version
    before = _fresh(c)
    events_before = ComplaintEvent.objects.filter(complaint=c).count()
    client.force_login(handler)
    response = client.post(_url("acknowledge", c), {"version": stale}, follow=True)
    html = response.content.decode()
    assert (
        f"Complaint {c.number} was changed by someone else while you were working on it. "
        "Reload it to see the change, then try again."
    ) in html
    after = _fresh(c)
    assert (after.status, after.version) == ("registered", before.version)
    assert ComplaintEvent.objects.filter(complaint=c).count() == events_before
    # The fresh state is on the page: the escalation made meanwhile, and the current version in the forms.
    assert f'name="version" value="{before.version}"' in html
    assert "Escalated" in html


def test_refused_transition_is_a_message_not_an_error_page(client, handler):
    c = register(handler)
    client.force_login(handler)
    response = client.post(_url("resolve", c), {"version": c.version}, follow=True)
    assert response.status_code == 200
    assert "Cannot mark resolved a complaint that is registered." in response.content.decode()
    assert _fresh(c).status == "registered"


def test_missing_version_is_refused(client, handler):
    c = register(handler)
    client.force_login(handler)
    response = client.post(_url("acknowledge", c), {})
    assert response.status_code == 422
    assert _fresh(c).status == "registered"


def test_findings_form_errors_keep_the_input(client, handler):
    c = register(handler)
    services.complaint_transition(complaint_id=c.pk, action="acknowledge", actor=handler)
    services.complaint_transition(complaint_id=c.pk, action="start_investigation", actor=handler)
    c = _fresh(c)
    client.force_login(handler)
    response = client.post(
        _url("findings", c),
        {"version": c.version, "root_cause": "", "responsibility": "staff", "underlying_need": "被尊重"},
    )
    assert response.status_code == 422
    form = response.context["forms"]["findings"]
    assert list(form.errors) == ["root_cause"]
    assert 'value="被尊重"' in response.content.decode()
    assert _fresh(c).root_cause == ""


def test_oversized_note_is_refused_with_a_clear_message(client, handler):
    c = register(handler)
    client.force_login(handler)
    response = client.post(_url("note", c), {"version": c.version, "text": "字" * 5001})
    assert response.status_code == 422
    assert "Note is too long: 5001 characters, at most 5000." in response.content.decode()
    assert not ComplaintEvent.objects.filter(complaint=c, kind="note").exists()


def test_detail_shows_only_actions_the_status_allows(client, handler):
    c = register(handler)
    client.force_login(handler)
    html = client.get(_url("detail", c)).content.decode()
    assert _url("acknowledge", c) in html
    for name in ("start_investigation", "resolve", "close", "propose", "findings", "reopen", "follow_up"):
        assert _url(name, c) not in html, name
    rights = client.get(_url("detail", c)).context["rights"]
    assert rights["escalate"] and rights["note"] and not rights["assign"] and not rights["take"]


def test_handler_takes_an_unassigned_complaint(client, handler, senior):
    c = register(handler)
    Complaint.objects.filter(pk=c.pk).update(assignee=None)
    client.force_login(senior)
    assert client.get(_url("detail", c)).context["rights"]["take"] is True
    client.post(_url("assign", c), {"version": _fresh(c).version, "take": "1"})
    assert _fresh(c).assignee == senior


def test_supervisor_assigns_to_a_team_member(client, handler, senior, supervisor):
    c = register(handler)
    client.force_login(supervisor)
    page = client.get(_url("detail", c))
    assert page.context["rights"]["assign"] is True
    response = client.post(
        _url("assign", c), {"version": _fresh(c).version, "assignee": str(senior.pk)}, follow=True
    )
    assert "Complaint assigned." in response.content.decode()
    assert _fresh(c).assignee == senior


def test_handler_cannot_assign_to_others(client, handler, senior):
    c = register(handler)
    client.force_login(handler)
    response = client.post(
        _url("assign", c), {"version": _fresh(c).version, "assignee": str(senior.pk)}, follow=True
    )
    assert _fresh(c).assignee == handler
    assert response.status_code == 200


def test_department_task_open_and_cancel(client, handler, liaison):
    c = register(handler)
    services.complaint_transition(complaint_id=c.pk, action="acknowledge", actor=handler)
    c = _fresh(c)
    client.force_login(handler)
    due = (dt.datetime.now() + dt.timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        _url("task_open", c),
        {
            "version": c.version,
            "department": str(liaison.department_id),
            "title": "核实合同",
            "owner": str(liaison.pk),
            "due_at": due,
            "blocking": "on",
        },
        follow=True,
    )
    assert "Department task opened." in response.content.decode()
    task = DepartmentTask.objects.get()
    assert (task.title, task.owner, task.blocking, task.state) == ("核实合同", liaison, True, "open")
    response = client.post(
        _url("task_cancel", c, task.pk), {"version": _fresh(c).version, "reason": "客户撤回"}, follow=True
    )
    assert "Task cancelled." in response.content.decode()
    task.refresh_from_db()
    assert task.state == "cancelled"


def test_task_deadline_in_the_past_is_refused_on_the_field(client, handler, liaison):
    c = register(handler)
    services.complaint_transition(complaint_id=c.pk, action="acknowledge", actor=handler)
    c = _fresh(c)
    client.force_login(handler)
    response = client.post(
        _url("task_open", c),
        {
            "version": c.version,
            "department": str(liaison.department_id),
            "title": "核实合同",
            "due_at": "2020-01-01T10:00",
        },
    )
    assert response.status_code == 422
    assert response.context["forms"]["task_open"].errors["due_at"] == ["The deadline must be in the future."]
    assert DepartmentTask.objects.count() == 0


def test_evidence_with_disallowed_file_is_refused(client, handler):
    from django.core.files.uploadedfile import SimpleUploadedFile

    c = register(handler)
    client.force_login(handler)
    upload = SimpleUploadedFile("run.exe", b"MZ\x90\x00", content_type="application/octet-stream")
    response = client.post(_url("evidence", c), {"version": c.version, "note": "", "file": upload})
    assert response.status_code == 422
    assert "Files of type .exe are not accepted." in response.content.decode()
    assert c.evidence.count() == 0


def test_mark_manual_message_as_sent(client, handler):
    c = register(handler, email="")
    msg = OutboundMessage.objects.get(complaint=c)
    assert msg.state == "manual"
    client.force_login(handler)
    response = client.post(_url("message_sent", c, msg.pk), follow=True)
    assert "Message marked as sent." in response.content.decode()
    msg.refresh_from_db()
    assert msg.state == "sent_manually"


# ---------------------------------------------------------------- approvals through the UI


def _propose(client, c, amount, solution="道歉并补偿代金券"):
    return client.post(
        _url("propose", c),
        {
            "version": _fresh(c).version,
            "solution": solution,
            "item_type": ["voucher", "written_apology", "", ""],
            "item_amount": [str(amount), "", "", ""],
            "item_note": ["", "书面致歉", "", ""],
        },
        follow=True,
    )


def test_proposal_within_authority_moves_to_resolving(client, handler):
    c = to_investigating(register(handler), handler)
    client.force_login(handler)
    response = _propose(client, c, 50)
    assert "Solution agreed (50.00 yuan)" in response.content.decode()
    assert _fresh(c).status == "resolving"
    p = CompensationProposal.objects.get()
    assert [(i.type, i.amount, i.note) for i in p.items.order_by("id")] == [
        ("voucher", Decimal("50.00"), ""),
        ("written_apology", Decimal("0.00"), "书面致歉"),
    ]


def test_proposal_page_shows_tier_and_authority(client, handler):
    c = to_investigating(register(handler), handler)
    client.force_login(handler)
    response = client.get(_url("detail", c))
    assert response.context["authority_limit"] == Decimal("200")
    assert response.context["tier"].severity == "medium"
    html = response.content.decode()
    assert "Up to 800.00 yuan in total; suggested 100.00 yuan." in html
    assert "up to 200.00 yuan without approval" in html


def test_approval_flow_handler_proposes_above_limit_supervisor_approves(client, handler, supervisor):
    c = to_investigating(register(handler), handler)
    client.force_login(handler)
    response = _propose(client, c, 300)
    assert (
        "300.00 yuan is above your authority: the proposal now awaits approval." in response.content.decode()
    )
    assert _fresh(c).status == "awaiting_approval"
    proposal = CompensationProposal.objects.get()
    assert proposal.state == "pending"
    # The proposer cannot decide it.
    assert response.context["rights"]["decide"] is False

    client.force_login(supervisor)
    queue = client.get(reverse("desk:queue") + "?q=approvals")
    assert [p.pk for p in queue.context["approvals"]] == [proposal.pk]
    page = client.get(_url("detail", c))
    assert page.context["rights"]["decide"] is True
    response = client.post(
        _url("decide", c, proposal.pk),
        {"decision": "approve", "next": "/desk/queue/?q=approvals"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == "/desk/queue/?q=approvals"
    assert f"Approved: {c.number}." in response.content.decode()
    after = _fresh(c)
    assert (after.status, after.compensation_cost) == ("resolving", Decimal("300.00"))
    proposal.refresh_from_db()
    assert (proposal.state, proposal.decided_by) == ("approved", supervisor)


def test_reject_needs_a_reason(client, handler, supervisor):
    c = to_investigating(register(handler), handler)
    client.force_login(handler)
    _propose(client, c, 300)
    proposal = CompensationProposal.objects.get()
    client.force_login(supervisor)
    response = client.post(_url("decide", c, proposal.pk), {"decision": "reject", "reason": ""}, follow=True)
    assert "Give the reason for rejecting." in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.state == "pending"
    response = client.post(
        _url("decide", c, proposal.pk), {"decision": "reject", "reason": "金额过高"}, follow=True
    )
    proposal.refresh_from_db()
    assert (proposal.state, proposal.decision_reason) == ("rejected", "金额过高")
    assert _fresh(c).status == "investigating"


def test_compensation_line_without_type_is_refused(client, handler):
    c = to_investigating(register(handler), handler)
    client.force_login(handler)
    response = client.post(
        _url("propose", c),
        {
            "version": c.version,
            "solution": "补偿",
            "item_type": [""],
            "item_amount": ["50"],
            "item_note": [""],
        },
    )
    assert response.status_code == 422
    assert "Choose a compensation type for every line with an amount or a note." in response.content.decode()
    assert CompensationProposal.objects.count() == 0


def test_compensation_outside_the_standard_is_refused(client, handler):
    c = to_investigating(register(handler), handler)
    client.force_login(handler)
    response = client.post(
        _url("propose", c),
        {
            "version": c.version,
            "solution": "补偿",
            "item_type": ["replacement"],
            "item_amount": ["50"],
            "item_note": [""],
        },
    )
    assert response.status_code == 422
    assert "does not allow: Replacement" in response.content.decode()
    assert CompensationProposal.objects.count() == 0


# ---------------------------------------------------------------- the whole loop


def test_whole_loop_through_the_ui(client, handler):
    c = register(handler)
    client.force_login(handler)

    def post(name, data=None, *args):
        r = client.post(_url(name, c, *args), {"version": _fresh(c).version, **(data or {})}, follow=True)
        assert r.status_code == 200
        return r

    post("acknowledge")
    post("start_investigation")
    post("findings", {"root_cause": "仓库漏发", "responsibility": "staff", "underlying_need": "尽快收到货"})
    post("note", {"text": "已致电客户说明情况"})
    _propose(client, c, 50)
    post("resolve")
    assert _fresh(c).status == "awaiting_follow_up"
    r = post(
        "follow_up",
        {"channel": "phone", "reached": "yes", "satisfaction": "5", "resolved": "yes", "comment": "满意"},
    )
    assert "Follow-up recorded." in r.content.decode()
    r = post("close")
    assert "Complaint closed." in r.content.decode()
    final = _fresh(c)
    assert (final.status, final.satisfaction) == ("closed", 5)
    html = r.content.decode()
    assert "Awaiting follow-up" in html and "Closed" in html  # timeline from → to labels
    kinds = list(ComplaintEvent.objects.filter(complaint=c).values_list("kind", flat=True))
    assert kinds.count("transition") == 5


def test_unsatisfied_follow_up_then_reopen(client, handler):
    c = to_follow_up(register(handler), handler)
    client.force_login(handler)
    client.post(
        _url("follow_up", c),
        {
            "version": _fresh(c).version,
            "channel": "phone",
            "reached": "yes",
            "satisfaction": "1",
            "resolved": "no",
        },
    )
    response = client.post(_url("reopen", c), {"version": _fresh(c).version, "reason": ""})
    assert response.status_code == 422
    assert _fresh(c).status == "awaiting_follow_up"
    response = client.post(
        _url("reopen", c), {"version": _fresh(c).version, "reason": "客户仍未收到货"}, follow=True
    )
    assert "Complaint reopened." in response.content.decode()
    assert (_fresh(c).status, _fresh(c).reopen_count) == ("investigating", 1)


def test_escalate_through_the_ui(client, handler):
    c = register(handler)
    client.force_login(handler)
    response = client.post(
        _url("escalate", c), {"version": c.version, "reason": "客户要求找领导"}, follow=True
    )
    assert "Complaint escalated to the supervisors." in response.content.decode()
    assert _fresh(c).escalated is True
    assert response.context["rights"]["escalate"] is False


def test_untrusted_text_is_escaped_on_the_detail_page(client, handler):
    c = register(handler, title="<img src=x onerror=alert(1)>", description="<script>alert(2)</script>")
    client.force_login(handler)
    html = client.get(_url("detail", c)).content.decode()
    assert "<img src=x" not in html
    assert "<script>alert(2)</script>" not in html
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in html


def test_proposer_sees_who_must_approve(client, handler):
    c = to_investigating(register(handler), handler)
    client.force_login(handler)
    response = _propose(client, c, 300)
    assert (
        "A proposal of 300.00 yuan is waiting for approval by a senior handler." in response.content.decode()
    )


def test_action_panels_render_no_template_source(client, handler):
    from tests.complaints.factories import register as _register

    c = _register(handler)
    client.force_login(handler)
    body = client.get(f"/desk/c/{c.number}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "{#" not in body and "#}" not in body and "{%" not in body
    assert f'action="/desk/c/{c.number}/note/"' in body
