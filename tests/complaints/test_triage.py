"""Triage on the desk (complaints/triage.py and the services that use it): analysis stored at intake,
flags on the timeline and high-sensitivity escalation, a failing engine, category confirmation (the
training data), coached replies and the similar-cases index that follows closings without a rebuild."""

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from kesu.common.errors import ConcurrentEdit, NotPermitted, ValidationFailed
from kesu.complaints import selectors, services, triage
from kesu.complaints.models import (
    Complaint,
    ComplaintEvent,
    ComplaintTriage,
    Notification,
    OutboundMessage,
)
from kesu.triage.models import Finding
from tests.complaints.factories import register, to_follow_up

pytestmark = pytest.mark.django_db

REFUND = dict(
    category_code="promise_broken",
    title="退款十天没到账",
    description="退款申请提交十天了还没到账，客服说在处理，请尽快给我退款。",
)
PRIVACY = dict(
    category_code="privacy",
    title="个人信息被泄露",
    description="我在你们平台登记的手机号和家庭住址被泄露了，每天接到骚扰电话，对方能报出我的订单信息。",
)
THREATS = dict(
    category_code="logistics",
    title="快递一周没送到",
    description="快递一周了还没送到，再不处理我就找律师起诉你们，还要发微博曝光！",
)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def _fresh(c):
    return Complaint.objects.select_related("category").get(pk=c.pk)


def close(c, actor, *, satisfaction=5):
    to_follow_up(c, actor)
    services.follow_up_record(
        complaint_id=c.pk,
        actor=actor,
        channel="phone",
        reached=True,
        satisfaction=satisfaction,
        resolved=True,
    )
    services.complaint_transition(complaint_id=c.pk, action="close", actor=actor)
    return _fresh(c)


# ---------------------------------------------------------------- intake


def test_registration_stores_the_analysis(handler):
    c = register(handler, **REFUND)

    row = ComplaintTriage.objects.get(complaint=c)
    assert row.category_code == "refund_return"
    assert 0.5 < row.category_confidence <= 1
    assert row.category_source == "rules"
    assert row.model_version.startswith("rules:")
    assert row.anger_level == 1
    assert row.demands == ["refund", "expedite"]
    assert row.flags == []
    assert row.script
    assert row.degraded is False
    assert row.analysed_at == c.registered_at
    assert row.category_confirmed is False
    assert {cue["text"] for cue in row.cues if cue["for"] == "category"} >= {"退款", "到账"}
    # no flags: no triage event, no escalation, the category chosen at intake stays
    assert not c.events.filter(kind=ComplaintEvent.Kind.TRIAGE).exists()
    assert _fresh(c).escalated is False
    assert _fresh(c).category.code == "promise_broken"


def test_flags_go_on_the_timeline_and_leave_the_severity_alone(handler):
    c = register(handler, severity="low", **THREATS)

    row = ComplaintTriage.objects.get(complaint=c)
    assert row.flags == ["legal_threat", "media"]
    event = c.events.get(kind=ComplaintEvent.Kind.TRIAGE)
    assert event.message == "Sensitivity flags: Legal threat, Media / public opinion"
    assert event.data == {"flags": ["legal_threat", "media"]}
    fresh = _fresh(c)
    assert fresh.severity == "low"
    assert fresh.escalated is False  # legal and media threats are flagged, not escalated


def test_a_privacy_leak_is_escalated_to_the_supervisors(handler, supervisor):
    c = register(handler, severity="medium", **PRIVACY)

    fresh = _fresh(c)
    assert fresh.escalated is True
    assert fresh.severity == "medium"
    escalation = c.events.get(kind=ComplaintEvent.Kind.ESCALATED)
    assert escalation.actor is None
    assert escalation.message == (
        "High-sensitivity complaint (Privacy leak): escalated to the supervisors at intake"
    )
    assert Notification.objects.filter(user=supervisor, complaint=c, kind="escalated").count() == 1
    flags = c.events.get(kind=ComplaintEvent.Kind.TRIAGE)
    assert flags.message == "Sensitivity flags: Privacy leak"


def test_escalating_flags_are_a_setting(handler, supervisor, settings):
    settings.KESU_TRIAGE_ESCALATE_FLAGS = ["media"]
    privacy = register(handler, **PRIVACY)
    threats = register(handler, **THREATS)
    assert _fresh(privacy).escalated is False
    assert _fresh(threats).escalated is True


def test_an_engine_failure_leaves_registration_working(handler, monkeypatch, caplog):
    def broken():
        raise RuntimeError("lexicon file unreadable")

    monkeypatch.setattr(triage, "get_engine", broken)

    c = register(handler, **PRIVACY)

    assert Complaint.objects.filter(pk=c.pk).exists()
    row = ComplaintTriage.objects.get(complaint=c)
    assert row.degraded is True
    assert "RuntimeError" in row.degraded_note and "lexicon file unreadable" in row.degraded_note
    assert row.category_code == "other"
    assert row.flags == []
    assert row.model_version == "unavailable"
    assert _fresh(c).category.code == "privacy"
    assert c.events.filter(kind=ComplaintEvent.Kind.REGISTERED).count() == 1
    assert "the engine failed" in caplog.text


def test_reanalysis_replaces_the_analysis_but_keeps_the_confirmation(handler):
    c = register(handler, **REFUND)
    services.complaint_confirm_category(complaint_id=c.pk, actor=handler, category_code="refund_return")
    ComplaintTriage.objects.filter(complaint=c).update(anger_level=4, flags=["mass"])

    row = services.complaint_analyse(complaint_id=c.pk, actor=handler)

    assert ComplaintTriage.objects.filter(complaint=c).count() == 1
    assert (row.anger_level, row.flags) == (1, [])
    assert row.category_confirmed is True
    assert row.confirmed_category_code == "refund_return"
    assert c.events.filter(kind=ComplaintEvent.Kind.TRIAGE).last().message == "Analysed again"


# ---------------------------------------------------------------- category confirmation


def test_confirming_the_category_records_training_data_without_a_new_version(handler):
    c = register(handler, **REFUND)
    version = _fresh(c).version

    row = services.complaint_confirm_category(
        complaint_id=c.pk, actor=handler, category_code="promise_broken", expected_version=version
    )

    assert (row.category_confirmed, row.confirmed_category_code, row.confirmed_by) == (
        True,
        "promise_broken",
        handler,
    )
    assert row.confirmed_at is not None
    fresh = _fresh(c)
    assert fresh.category.code == "promise_broken"
    assert fresh.version == version
    event = c.events.get(kind=ComplaintEvent.Kind.CATEGORY)
    assert event.actor == handler
    assert event.message == "Category confirmed: 服务承诺未兑现"
    assert event.data["category"] == "promise_broken"
    assert event.data["suggested"] == "refund_return"
    assert list(selectors.triage_training_examples()) == [
        ("退款十天没到账\n退款申请提交十天了还没到账，客服说在处理，请尽快给我退款。", "promise_broken")
    ]


def test_correcting_the_category_changes_the_complaint(handler):
    c = register(handler, **REFUND)
    version = _fresh(c).version

    services.complaint_confirm_category(
        complaint_id=c.pk, actor=handler, category_code="refund_return", expected_version=version
    )

    fresh = _fresh(c)
    assert fresh.category.code == "refund_return"
    assert fresh.version == version + 1
    assert fresh.department_id == c.department_id  # routing stays
    event = c.events.get(kind=ComplaintEvent.Kind.CATEGORY)
    assert event.message == "Category corrected from 服务承诺未兑现 to 退款退货"
    assert event.data["previous"] == "promise_broken"
    row = ComplaintTriage.objects.get(complaint=c)
    assert (row.category_confirmed, row.confirmed_category_code) == (True, "refund_return")


def test_a_stale_version_changes_nothing(handler):
    c = register(handler, **REFUND)
    version = _fresh(c).version

    with pytest.raises(ConcurrentEdit):
        services.complaint_confirm_category(
            complaint_id=c.pk, actor=handler, category_code="refund_return", expected_version=version - 1
        )

    assert _fresh(c).category.code == "promise_broken"
    assert _fresh(c).version == version
    assert ComplaintTriage.objects.get(complaint=c).category_confirmed is False
    assert not c.events.filter(kind=ComplaintEvent.Kind.CATEGORY).exists()


def test_confirmation_refuses_unknown_categories_and_outsiders(handler, liaison):
    c = register(handler, **REFUND)
    with pytest.raises(ValidationFailed):
        services.complaint_confirm_category(complaint_id=c.pk, actor=handler, category_code="nonsense")
    with pytest.raises(NotPermitted):
        services.complaint_confirm_category(complaint_id=c.pk, actor=liaison, category_code="refund_return")
    assert ComplaintTriage.objects.get(complaint=c).category_confirmed is False


def test_confirming_a_complaint_without_analysis_analyses_it(handler):
    c = register(handler, **REFUND)
    ComplaintTriage.objects.filter(complaint=c).delete()
    row = services.complaint_confirm_category(complaint_id=c.pk, actor=handler, category_code="refund_return")
    assert row.category_code == "refund_return"
    assert row.category_confirmed is True


def test_kesu_triage_train_from_desk(handler, tmp_path):
    texts = {
        "refund_return": [
            "退款申请十天没到账",
            "退货寄回去两周了还没退款",
            "申请退款被商家拒绝",
            "退款金额少退了二十元",
        ],
        "logistics": [
            "快递三天没有物流更新",
            "包裹显示签收但我没收到",
            "快递员不送货上门",
            "物流一直停在中转站",
        ],
        "attitude": [
            "客服态度恶劣挂我电话",
            "店员对我大声呵斥",
            "客服爱答不理很不耐烦",
            "工作人员说话阴阳怪气",
        ],
    }
    for code, items in texts.items():
        for i, text in enumerate(items * 2):
            c = register(handler, title=f"{text}{i}", description=f"{text}，请尽快处理。第{i}次反映。")
            services.complaint_confirm_category(complaint_id=c.pk, actor=handler, category_code=code)
    out = tmp_path / "model.npz"

    from io import StringIO

    buf = StringIO()
    call_command("triage", "train", from_desk=True, out=str(out), stdout=buf)

    assert "24 complaints with a confirmed or corrected category on the desk" in buf.getvalue()
    assert f"written to {out}" in buf.getvalue()
    assert out.is_file()


def test_kesu_triage_train_from_desk_says_when_there_is_too_little(handler, tmp_path):
    c = register(handler, **REFUND)
    services.complaint_confirm_category(complaint_id=c.pk, actor=handler, category_code="refund_return")
    with pytest.raises(CommandError):
        call_command("triage", "train", from_desk=True, out=str(tmp_path / "m.npz"))
    assert not (tmp_path / "m.npz").exists()


# ---------------------------------------------------------------- replies


def test_a_reply_is_coached_sent_and_its_findings_kept(handler, django_capture_on_commit_callbacks):
    c = register(handler, email="wangli@example.cn", **REFUND)

    with django_capture_on_commit_callbacks(execute=True):
        msg = services.complaint_reply(complaint_id=c.pk, actor=handler, text="这不归我们管，你去找快递。")

    msg.refresh_from_db()
    assert msg.body == "这不归我们管，你去找快递。"
    assert msg.subject == f"Reply to your complaint {c.number}"
    assert msg.state == OutboundMessage.State.SENT
    assert msg.recipient == "wangli@example.cn"
    event = c.events.filter(kind=ComplaintEvent.Kind.MESSAGE, data__message_id=msg.pk).get()
    assert event.actor == handler
    assert event.data["reply"] is True
    coaching = event.data["coaching"]
    assert coaching["score"] == 39
    assert {f["code"] for f in coaching["findings"]} == {
        "buck_passing",
        "missing_empathy",
        "missing_ownership",
        "missing_next_step",
    }
    buck = next(f for f in coaching["findings"] if f["code"] == "buck_passing")
    assert buck == {
        "code": "buck_passing",
        "severity": "high",
        "words": ["不归我们管", "你去找快递"],
        "start": 1,
        "end": 6,
    }


def test_a_good_reply_has_no_high_findings_and_credits(handler):
    c = register(handler, **REFUND)
    msg = services.complaint_reply(
        complaint_id=c.pk,
        actor=handler,
        text="非常抱歉让您久等了，我理解您的着急。退款我会立即联系财务核实，今天下午5点前给您回电告知结果。",
    )
    assert msg.state == OutboundMessage.State.MANUAL  # no e-mail address: to send by hand
    coaching = c.events.get(data__message_id=msg.pk).data["coaching"]
    assert [f for f in coaching["findings"] if f["severity"] == "high"] == []
    assert {"empathy", "ownership", "next_step", "restating"} <= set(coaching["credits"])


def test_replies_are_refused_to_outsiders_and_empty_text(handler, liaison):
    c = register(handler, **REFUND)
    with pytest.raises(NotPermitted):
        services.complaint_reply(complaint_id=c.pk, actor=liaison, text="您好")
    with pytest.raises(ValidationFailed):
        services.complaint_reply(complaint_id=c.pk, actor=handler, text="   ")
    assert not OutboundMessage.objects.filter(complaint=c, body="您好").exists()


@pytest.mark.parametrize(
    ("text", "code", "expected"),
    [
        (
            "这不归我们管，你去找快递。",
            "buck_passing",
            "我会立即为您处理：我来联系相关部门核实，并在××前给您回复。",
        ),
        (
            "您好，这个功能不能用，请谅解。",
            "negative_phrasing",
            "您好，我们建议您尝试另一种操作方式，请谅解。",
        ),
        ("系统端口异常，我们正在修复。", "jargon", "网络连接临时故障，我们正在修复。"),
        ("我们已处理。", "missing_empathy", "我能理解这件事给您带来的困扰，非常抱歉。我们已处理。"),
        ("好的", "missing_ownership", "好的。这件事由我来跟进到底。"),
        ("请拨打１３８１２３４５６７８联系我。", "personal_data", "请拨打138****5678联系我。"),
        (
            # the quoted words are the clerk's: the fix replaces the clause the handler said, not the apology
            "对于店员说“爱买不买”这句话我们深表歉意，不过说实话，爱买不买。",
            "rudeness",
            "对于店员说“爱买不买”这句话我们深表歉意，不过说实话，请您放心，我来帮您看一下。",
        ),
    ],
)
def test_one_click_rewrites(text, code, expected):
    report = triage.lint(text)
    finding = next(f for f in report.findings if f.code == code)
    assert triage.rewrite(text, finding) == expected


def test_the_words_highlighted_are_the_handlers_not_the_ones_quoted_to_apologise():
    # given a reply typed with full-width marks that reports the words, then says them
    text = "对于店员说＂爱买不买＂这句话我们深表歉意，不过说实话，爱买不买。"
    # when the rudeness finding is located in what was typed
    # then it is the second occurrence; without a code (any word) the first one
    assert triage.locate(text, "爱买不买", code="rudeness") == (27, 31)
    assert triage.locate(text, "爱买不买") == (6, 10)


def test_no_rewrite_invents_a_time_commitment():
    report = triage.lint("我们会处理的。")
    finding = next(f for f in report.findings if f.code == "missing_next_step")
    assert triage.rewrite("我们会处理的。", finding) is None
    assert (
        triage.rewrite("x", Finding("buck_passing", "推诿", "high", 0, 2, ("不存在的词",), "例如：好"))
        is None
    )


# ---------------------------------------------------------------- similar cases


def test_similar_cases_include_a_freshly_closed_complaint_without_a_rebuild(handler, monkeypatch):
    old = register(
        handler, title="退款两周没到账", description="退货已经寄回两周，退款一直没有到账，客服让我等。"
    )
    close(old, handler, satisfaction=4)
    register(handler, title="快递丢件", description="快递显示已签收，但是我根本没有收到包裹。")
    query = register(
        handler, title="退款还没到账", description="申请退款十天了，钱一直没有到账，退款到底什么时候到？"
    )

    first = selectors.complaint_similar(user=handler, complaint=query)
    assert first.ready is True
    assert [s.complaint.number for s in first.items] == [old.number]
    hit = first.items[0]
    assert (hit.visible, hit.complaint.satisfaction, hit.complaint.resolution) == (
        True,
        4,
        "道歉并加急发货，补偿代金券",
    )
    assert [(i.type, str(i.amount)) for i in hit.compensation] == [("voucher", "50.00")]
    assert triage.similar_index_stats()["builds"] == 1

    fresh = register(
        handler, title="退款不到账", description="退款申请通过了，可是退款迟迟没有到账，已经一周。"
    )
    close(fresh, handler)

    second = selectors.complaint_similar(user=handler, complaint=query)
    assert {s.complaint.number for s in second.items} == {old.number, fresh.number}
    stats = triage.similar_index_stats()
    assert stats["builds"] == 1  # added, not rebuilt
    assert stats["added"] == 1
    assert stats["delta"] == 1


def test_similar_cases_leave_out_the_complaint_itself_and_reopened_ones(handler):
    a = register(handler, title="退款没到账", description="退款十天没有到账。")
    close(a, handler)
    b = register(handler, title="退款还没到账", description="退款一周没有到账。")
    assert [s.complaint.number for s in selectors.complaint_similar(user=handler, complaint=a).items] == []

    services.follow_up_record(
        complaint_id=a.pk, actor=handler, channel="phone", reached=True, satisfaction=1, resolved=False
    )
    services.complaint_transition(complaint_id=a.pk, action="reopen", actor=handler, reason="客户不满意")

    assert selectors.complaint_similar(user=handler, complaint=b).items == []


def test_similar_cases_from_another_team_are_shown_but_not_linked(handler):
    from kesu.accounts.models import Department

    a = register(handler, title="退款没到账", description="退款十天没有到账。")
    close(a, handler)
    other = Department.objects.create(code="team2", name="二组", kind=Department.Kind.COMPLAINT_TEAM)
    Complaint.objects.filter(pk=a.pk).update(department=other)
    b = register(handler, title="退款还没到账", description="退款一周没有到账。")

    items = selectors.complaint_similar(user=handler, complaint=b).items
    assert [(s.complaint.number, s.visible) for s in items] == [(a.number, False)]


def test_a_large_desk_builds_the_index_in_the_background(handler, settings, monkeypatch):
    a = register(handler, title="退款没到账", description="退款十天没有到账。")
    close(a, handler)
    settings.KESU_TRIAGE_SIMILAR_SYNC_BUILD = 0
    started = []
    monkeypatch.setattr(
        triage.threading,
        "Thread",
        lambda **kw: type("T", (), {"start": lambda self: started.append(kw["name"])})(),
    )

    result = selectors.complaint_similar(user=handler, complaint=register(handler, **REFUND))

    assert (result.ready, result.items) == (False, [])
    assert started == ["kesu-similar-build"]


def test_lint_summary_is_plain_json():
    summary = triage.lint_summary(triage.lint("这不归我们管"))
    assert json.loads(json.dumps(summary)) == summary
