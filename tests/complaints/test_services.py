"""Service rules of the closed loop: every transition, guard and refusal."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from kesu.common import clock
from kesu.common.errors import ConcurrentEdit, NotPermitted, TransitionRefused, ValidationFailed
from kesu.complaints import services
from kesu.complaints.models import (
    CompensationProposal,
    Complaint,
    ComplaintEvent,
    Customer,
    Department,
    DepartmentTask,
    Evidence,
    Notification,
    OutboundMessage,
    PiiAccessLog,
)
from kesu.complaints.services import CompensationLine
from tests.complaints.factories import complaint_input, register, to_follow_up, to_investigating, to_resolving

pytestmark = pytest.mark.django_db


def _status(c):
    return Complaint.objects.get(pk=c.pk).status


# ---------------------------------------------------------------- registration


def test_register_numbers_per_day_and_assigns_least_loaded(handler, senior):
    with clock.frozen_at(dt.datetime(2026, 11, 22, 10, 0, tzinfo=dt.UTC)):
        a = register(handler)
        b = register(handler)
        c = register(handler)
    assert [a.number, b.number, c.number] == ["TS-20261122-0001", "TS-20261122-0002", "TS-20261122-0003"]
    # handler and senior alternate as their loads even out (ties break on id: handler first)
    assert [a.assignee, b.assignee, c.assignee] == [handler, senior, handler]


def test_register_writes_event_and_emails_acknowledgement(handler, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        c = register(handler, email="wangli@example.cn")
    assert list(c.events.values_list("kind", flat=True))[:1] == ["registered"]
    msg = OutboundMessage.objects.get(complaint=c)
    assert msg.state == "sent"
    assert mail.outbox[-1].to == ["wangli@example.cn"]
    assert c.number in mail.outbox[-1].subject


def test_register_without_email_records_message_to_send_by_hand(handler):
    c = register(handler, email="")
    msg = OutboundMessage.objects.get(complaint=c)
    assert msg.state == "manual"
    assert msg.recipient == c.customer.phone
    services.outbound_message_mark_sent(message_id=msg.pk, actor=handler)
    assert OutboundMessage.objects.get(pk=msg.pk).state == "sent_manually"


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"description": "x" * 20001}, "text_too_long"),
        ({"description": "   "}, "validation_failed"),
        ({"phone": "12345"}, "validation_failed"),
        ({"phone": "", "email": ""}, "validation_failed"),
        ({"email": "not-an-email"}, "validation_failed"),
        ({"category_code": "nope"}, "validation_failed"),
        ({"channel": "pigeon"}, "validation_failed"),
        ({"severity": "apocalyptic"}, "validation_failed"),
    ],
)
def test_register_refuses_bad_input_and_writes_nothing(handler, overrides, code):
    with pytest.raises(ValidationFailed) as exc:
        register(handler, **overrides)
    assert exc.value.code == code
    assert Complaint.objects.count() == 0
    assert Customer.objects.count() == 0


def test_register_refuses_bad_files(handler):
    exe = SimpleUploadedFile("invoice.exe", b"MZ\x90\x00", content_type="application/octet-stream")
    with pytest.raises(ValidationFailed) as exc:
        register(handler, attachments=[exe])
    assert exc.value.code == "file_type_not_allowed"
    fake_png = SimpleUploadedFile("photo.png", b"GIF89a....", content_type="image/png")
    with pytest.raises(ValidationFailed) as exc:
        register(handler, attachments=[fake_png])
    assert exc.value.code == "file_type_mismatch"
    assert Complaint.objects.count() == 0


def test_register_refuses_file_over_limit(handler, settings):
    settings.KESU_MAX_UPLOAD_BYTES = 1000
    big = SimpleUploadedFile("scan.pdf", b"%PDF-" + b"0" * 1000, content_type="application/pdf")
    with pytest.raises(ValidationFailed) as exc:
        register(handler, attachments=[big])
    assert exc.value.code == "file_too_large"
    assert Complaint.objects.count() == 0


def test_register_keeps_valid_attachment(handler):
    pdf = SimpleUploadedFile("receipt.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    c = register(handler, attachments=[pdf])
    ev = Evidence.objects.get(complaint=c)
    assert ev.original_name == "receipt.pdf"
    assert ev.from_customer is True


def test_register_validates_chinese_resident_id(handler):
    from tests.complaints.factories import CustomerInput

    bad = CustomerInput(name="李强", phone="13900001111", id_number="110105194912310021")
    with pytest.raises(ValidationFailed):
        services.complaint_register(data=complaint_input(customer=bad), actor=handler)
    good = CustomerInput(name="李强", phone="13900001111", id_number="11010519491231002X")
    c = services.complaint_register(data=complaint_input(customer=good), actor=handler)
    assert c.customer.id_number == "11010519491231002X"


def test_idempotency_key_returns_original(handler):
    data = complaint_input(phone="13911112222")
    a = services.complaint_register(data=data, actor=handler, idempotency_key="abc-1")
    b = services.complaint_register(data=data, actor=handler, idempotency_key="abc-1")
    assert a.pk == b.pk
    assert Complaint.objects.count() == 1
    with pytest.raises(ValidationFailed) as exc:
        services.complaint_register(
            data=complaint_input(phone="13911112222", title="另一件事"),
            actor=handler,
            idempotency_key="abc-1",
        )
    assert exc.value.code == "idempotency_key_reused"


def test_repeat_complaint_within_window_is_flagged_and_linked(handler):
    t0 = dt.datetime(2026, 10, 1, 10, tzinfo=dt.UTC)
    with clock.frozen_at(t0):
        first = register(handler, phone="13700001234")
    with clock.frozen_at(t0 + dt.timedelta(days=10)):
        second = register(handler, phone="+86 137 0000 1234")
    with clock.frozen_at(t0 + dt.timedelta(days=45)):
        third = register(handler, phone="13700001234")
    second.refresh_from_db()
    third.refresh_from_db()
    assert second.is_repeat is True
    assert list(second.earlier_complaints.all()) == [first]
    assert second.customer_id == first.customer_id
    # 35 days after the second: outside the 30-day window
    assert third.is_repeat is False


def test_intake_requires_capability(liaison):
    with pytest.raises(NotPermitted):
        register(liaison)


# ---------------------------------------------------------------- transitions and guards


def test_invalid_transition_is_refused_with_reason_and_changes_nothing(handler):
    c = register(handler)
    before = Complaint.objects.get(pk=c.pk).version
    with translation.override("en"), pytest.raises(TransitionRefused) as exc:
        services.complaint_transition(complaint_id=c.pk, action="close", actor=handler)
    assert exc.value.message == "Cannot close a complaint that is registered."
    with translation.override("zh-hans"), pytest.raises(TransitionRefused) as exc:
        services.complaint_transition(complaint_id=c.pk, action="close", actor=handler)
    assert "已登记" in exc.value.message
    after = Complaint.objects.get(pk=c.pk)
    assert (after.status, after.version) == ("registered", before)


def test_internal_transitions_cannot_be_called_directly(handler):
    c = to_investigating(register(handler), handler)
    with pytest.raises(TransitionRefused):
        services.complaint_transition(complaint_id=c.pk, action="start_resolution", actor=handler)
    assert _status(c) == "investigating"


def test_stale_version_is_refused(handler):
    c = register(handler)
    stale = c.version
    services.complaint_transition(
        complaint_id=c.pk, action="acknowledge", actor=handler, expected_version=stale
    )
    with pytest.raises(ConcurrentEdit):
        services.complaint_transition(
            complaint_id=c.pk, action="start_investigation", actor=handler, expected_version=stale
        )
    assert _status(c) == "acknowledged"


def test_other_team_cannot_touch(handler):
    other_team = Department.objects.create(
        code="fin", name="金融客诉组", kind="complaint_team", handles_categories=["other"]
    )
    from tests.conftest import make_user

    outsider = make_user("h_fin", "handler", other_team)
    c = register(handler)
    with pytest.raises(NotPermitted):
        services.complaint_transition(complaint_id=c.pk, action="acknowledge", actor=outsider)
    assert _status(c) == "registered"


def test_solution_needs_findings(handler):
    c = register(handler)
    services.complaint_transition(complaint_id=c.pk, action="acknowledge", actor=handler)
    services.complaint_transition(complaint_id=c.pk, action="start_investigation", actor=handler)
    with pytest.raises(TransitionRefused) as exc:
        services.compensation_propose(complaint_id=c.pk, actor=handler, solution="道歉", items=[])
    assert exc.value.code == "findings_required"
    assert CompensationProposal.objects.count() == 0
    assert _status(c) == "investigating"


def test_within_authority_goes_straight_to_resolving(handler):
    c = to_resolving(register(handler), handler, amount=150)
    assert c.status == "resolving"
    assert c.compensation_cost == Decimal("150.00")
    p = CompensationProposal.objects.get(complaint=c)
    assert (p.state, p.decided_by) == ("approved", handler)


def test_above_authority_waits_for_supervisor_and_approval_is_recorded(handler, supervisor):
    c = to_investigating(register(handler, severity="high"), handler)
    p = services.compensation_propose(
        complaint_id=c.pk,
        actor=handler,
        solution="退还差价并补偿",
        items=[CompensationLine(type="refund", amount=1600)],
    )
    assert (p.state, p.approver_role) == ("pending", "supervisor")
    assert _status(c) == "awaiting_approval"
    assert Notification.objects.filter(user=supervisor, kind="approval_request").count() == 1
    # the handler cannot approve it, even someone else's
    with pytest.raises(NotPermitted):
        services.proposal_decide(proposal_id=p.pk, actor=handler, approve=True)
    services.proposal_decide(proposal_id=p.pk, actor=supervisor, approve=True, reason="金额合理")
    c.refresh_from_db()
    assert c.status == "resolving"
    assert c.compensation_cost == Decimal("1600.00")
    p.refresh_from_db()
    assert (p.state, p.decided_by, p.decision_reason) == ("approved", supervisor, "金额合理")
    assert c.events.filter(kind="approval").count() == 1


def test_senior_handler_level_goes_to_senior(handler, senior):
    c = to_investigating(register(handler, severity="medium"), handler)
    p = services.compensation_propose(
        complaint_id=c.pk,
        actor=handler,
        solution="减免服务费",
        items=[CompensationLine(type="fee_waiver", amount=500)],
    )
    assert p.approver_role == "senior_handler"


def test_rejection_needs_reason_and_returns_to_investigation(handler, supervisor):
    c = to_investigating(register(handler), handler)
    p = services.compensation_propose(
        complaint_id=c.pk,
        actor=handler,
        solution="全额退款",
        items=[CompensationLine(type="refund", amount=700)],
    )
    with pytest.raises(ValidationFailed):
        services.proposal_decide(proposal_id=p.pk, actor=supervisor, approve=False, reason="")
    assert _status(c) == "awaiting_approval"
    services.proposal_decide(
        proposal_id=p.pk, actor=supervisor, approve=False, reason="责任在物流方，应先向物流追偿"
    )
    c.refresh_from_db()
    assert c.status == "investigating"
    assert c.compensation_cost == Decimal("0")
    with pytest.raises(TransitionRefused):
        services.proposal_decide(proposal_id=p.pk, actor=supervisor, approve=True)


def test_compensation_outside_standard_is_refused(handler):
    c = to_investigating(register(handler, severity="low"), handler)
    with pytest.raises(ValidationFailed) as exc:
        services.compensation_propose(
            complaint_id=c.pk,
            actor=handler,
            solution="换新",
            items=[CompensationLine(type="replacement", amount=50)],
        )
    assert exc.value.code == "compensation_not_in_standard"
    with pytest.raises(ValidationFailed) as exc:
        services.compensation_propose(
            complaint_id=c.pk,
            actor=handler,
            solution="券",
            items=[CompensationLine(type="voucher", amount=150)],
        )
    assert exc.value.code == "compensation_above_standard"
    with pytest.raises(ValidationFailed):
        services.compensation_propose(
            complaint_id=c.pk,
            actor=handler,
            solution="券",
            items=[CompensationLine(type="voucher", amount="abc")],
        )
    assert CompensationProposal.objects.count() == 0


def test_above_all_limits_is_refused(handler):
    c = to_investigating(register(handler, severity="critical"), handler)
    with pytest.raises(ValidationFailed) as exc:
        services.compensation_propose(
            complaint_id=c.pk,
            actor=handler,
            solution="赔偿",
            items=[CompensationLine(type="refund", amount=60000)],
        )
    assert exc.value.code in ("above_all_limits", "compensation_above_standard")
    assert _status(c) == "investigating"


def test_resolve_blocked_by_open_task_until_answered(handler, liaison):
    c = to_investigating(register(handler), handler)
    task = services.task_open(
        complaint_id=c.pk,
        actor=handler,
        department_id=liaison.department_id,
        title="评估是否构成违约",
        due_at=clock.now() + dt.timedelta(days=2),
    )
    assert Notification.objects.filter(user=liaison, kind="task").count() == 1
    services.compensation_propose(
        complaint_id=c.pk, actor=handler, solution="道歉", items=[CompensationLine(type="written_apology")]
    )
    with pytest.raises(TransitionRefused) as exc:
        services.complaint_transition(complaint_id=c.pk, action="resolve", actor=handler)
    assert exc.value.code == "blocking_tasks_open"
    assert _status(c) == "resolving"
    services.task_answer(task_id=task.pk, actor=liaison, answer="不构成违约，建议致歉")
    assert DepartmentTask.objects.get(pk=task.pk).state == "done"
    services.complaint_transition(complaint_id=c.pk, action="resolve", actor=handler)
    assert _status(c) == "awaiting_follow_up"


def test_only_the_department_answers_its_task(handler, liaison):
    c = to_investigating(register(handler), handler)
    quality = Department.objects.get(code="quality")
    task = services.task_open(
        complaint_id=c.pk,
        actor=handler,
        department_id=quality.pk,
        title="抽检同批次",
        due_at=clock.now() + dt.timedelta(days=1),
    )
    with pytest.raises(NotPermitted):
        services.task_answer(task_id=task.pk, actor=liaison, answer="ok")
    assert DepartmentTask.objects.get(pk=task.pk).state == "open"


def test_task_deadline_must_be_future(handler, liaison):
    c = to_investigating(register(handler), handler)
    with pytest.raises(ValidationFailed):
        services.task_open(
            complaint_id=c.pk,
            actor=handler,
            department_id=liaison.department_id,
            title="x",
            due_at=clock.now() - dt.timedelta(hours=1),
        )


def test_close_needs_follow_up_or_three_failed_attempts(handler):
    c = to_follow_up(register(handler), handler)
    with pytest.raises(TransitionRefused) as exc:
        services.complaint_transition(complaint_id=c.pk, action="close", actor=handler)
    assert exc.value.code == "follow_up_required"
    for _ in range(2):
        services.follow_up_record(complaint_id=c.pk, actor=handler, channel="phone", reached=False)
    with pytest.raises(TransitionRefused):
        services.complaint_transition(complaint_id=c.pk, action="close", actor=handler)
    services.follow_up_record(complaint_id=c.pk, actor=handler, channel="phone", reached=False)
    services.complaint_transition(complaint_id=c.pk, action="close", actor=handler)
    assert _status(c) == "closed"


def test_follow_up_validates(handler):
    c = to_follow_up(register(handler), handler)
    with pytest.raises(ValidationFailed):
        services.follow_up_record(
            complaint_id=c.pk, actor=handler, channel="phone", reached=True, satisfaction=6, resolved=True
        )
    with pytest.raises(ValidationFailed):
        services.follow_up_record(
            complaint_id=c.pk, actor=handler, channel="phone", reached=True, satisfaction=4
        )
    assert c.follow_ups.count() == 0


def test_unsatisfied_customer_blocks_handler_close_and_allows_reopen(handler, supervisor):
    c = to_follow_up(register(handler), handler)
    services.follow_up_record(
        complaint_id=c.pk,
        actor=handler,
        channel="phone",
        reached=True,
        satisfaction=2,
        resolved=False,
        comment="东西到了但是坏的",
    )
    assert Notification.objects.filter(user=supervisor, kind="unsatisfied").count() == 1
    with pytest.raises(TransitionRefused) as exc:
        services.complaint_transition(complaint_id=c.pk, action="close", actor=handler)
    assert exc.value.code == "customer_unsatisfied"
    with pytest.raises(ValidationFailed):
        services.complaint_transition(complaint_id=c.pk, action="reopen", actor=handler, reason="")
    services.complaint_transition(
        complaint_id=c.pk, action="reopen", actor=handler, reason="客户反映商品仍有问题"
    )
    c.refresh_from_db()
    assert (c.status, c.reopen_count) == ("investigating", 1)
    # the resolve stage runs again
    assert c.deadlines.get(stage="resolve").met_at is None


def test_supervisor_may_close_despite_dissatisfaction(handler, supervisor):
    c = to_follow_up(register(handler), handler)
    services.follow_up_record(
        complaint_id=c.pk, actor=handler, channel="phone", reached=True, satisfaction=1, resolved=True
    )
    services.complaint_transition(
        complaint_id=c.pk, action="close", actor=supervisor, reason="已按标准处理，客户诉求超出政策"
    )
    assert _status(c) == "closed"


def test_reopen_after_close_within_window_only(handler):
    c = to_follow_up(register(handler), handler)
    services.follow_up_record(
        complaint_id=c.pk, actor=handler, channel="phone", reached=True, satisfaction=4, resolved=True
    )
    services.complaint_transition(complaint_id=c.pk, action="close", actor=handler)
    # a satisfied follow-up is not a reason to reopen
    with pytest.raises(TransitionRefused):
        services.complaint_transition(complaint_id=c.pk, action="reopen", actor=handler, reason="客户来电")
    services.follow_up_record(
        complaint_id=c.pk, actor=handler, channel="phone", reached=True, satisfaction=2, resolved=False
    )
    later = clock.now() + dt.timedelta(days=16)
    with clock.frozen_at(later), pytest.raises(TransitionRefused) as exc:
        services.complaint_transition(
            complaint_id=c.pk, action="reopen", actor=handler, reason="客户再次来电"
        )
    assert exc.value.code == "reopen_window_passed"
    services.complaint_transition(complaint_id=c.pk, action="reopen", actor=handler, reason="客户再次来电")
    c.refresh_from_db()
    assert (c.status, c.closed_at, c.first_contact_resolution) == ("investigating", None, False)


def test_escalation_flag_notifies_supervisor_and_is_not_repeated(handler, supervisor):
    c = register(handler)
    services.complaint_escalate(complaint_id=c.pk, actor=handler, reason="客户要求找领导")
    c.refresh_from_db()
    assert c.escalated is True
    assert Notification.objects.filter(user=supervisor, kind="escalated").count() == 1
    with pytest.raises(TransitionRefused):
        services.complaint_escalate(complaint_id=c.pk, actor=handler, reason="again")


def test_assign_by_supervisor_and_refused_for_handler(handler, senior, supervisor):
    c = register(handler)
    assert c.assignee == handler
    with pytest.raises(NotPermitted):
        services.complaint_assign(complaint_id=c.pk, assignee_id=senior.pk, actor=handler)
    services.complaint_assign(complaint_id=c.pk, assignee_id=senior.pk, actor=supervisor)
    assert Complaint.objects.get(pk=c.pk).assignee == senior


def test_findings_validation(handler):
    c = to_investigating(register(handler), handler)
    with pytest.raises(ValidationFailed):
        services.complaint_record_findings(
            complaint_id=c.pk, actor=handler, root_cause="x", responsibility="aliens"
        )


def test_timeline_is_append_only(handler):
    c = register(handler)
    ev = ComplaintEvent.objects.filter(complaint=c).first()
    ev.message = "tampered"
    with pytest.raises(ValueError):
        ev.save()


# ---------------------------------------------------------------- privacy


def test_reveal_is_logged_and_refused_for_auditor(handler, auditor):
    c = register(handler, phone="13812345678")
    value = services.pii_reveal(
        complaint_id=c.pk, actor=handler, field="phone", reason="回访需要拨打电话", ip="10.0.0.8"
    )
    assert value == "13812345678"
    log = PiiAccessLog.objects.get()
    assert (log.user, log.complaint_id, log.field, log.reason, log.ip) == (
        handler,
        c.pk,
        "phone",
        "回访需要拨打电话",
        "10.0.0.8",
    )
    with pytest.raises(NotPermitted):
        services.pii_reveal(complaint_id=c.pk, actor=auditor, field="phone", reason="检查")
    with pytest.raises(ValidationFailed):
        services.pii_reveal(complaint_id=c.pk, actor=handler, field="phone", reason="")
    assert PiiAccessLog.objects.count() == 1


def test_masking():
    from kesu.common.masking import mask_email, mask_id_number, mask_phone

    assert mask_phone("13812345678") == "138****5678"
    assert mask_email("wangli@example.cn") == "wa***@example.cn"
    assert mask_id_number("11010519491231002X") == "110***********002X"


def test_approval_request_goes_up_when_the_team_has_no_one_at_that_level(handler, supervisor):
    # 500 yuan needs a senior handler; the team has none, so its supervisor is asked
    c = to_investigating(register(handler), handler)
    p = services.compensation_propose(
        complaint_id=c.pk,
        actor=handler,
        solution="减免",
        items=[CompensationLine(type="fee_waiver", amount=500)],
    )
    assert p.approver_role == "senior_handler"
    assert Notification.objects.filter(user=supervisor, kind="approval_request").count() == 1
    services.proposal_decide(proposal_id=p.pk, actor=supervisor, approve=True)
    assert _status(c) == "resolving"


def test_failed_registration_leaves_no_attachment_on_disk(handler, settings, monkeypatch):
    pdf = SimpleUploadedFile("receipt.pdf", b"%PDF-1.4 test", content_type="application/pdf")

    def boom(*args, **kwargs):
        raise RuntimeError("disk full while linking repeats")

    monkeypatch.setattr(services, "_earlier_complaints", boom)
    with pytest.raises(RuntimeError):
        register(handler, attachments=[pdf])
    assert Complaint.objects.count() == 0
    assert Evidence.objects.count() == 0
    stored = [p for p in (settings.MEDIA_ROOT).rglob("*") if p.is_file()]
    assert stored == []
