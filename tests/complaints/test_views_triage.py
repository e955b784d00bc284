"""The triage panel on the complaint page: analysis, category confirmation, similar cases, and the reply
box with live coaching (htmx) and one-click rewrites."""

import html

import pytest
from django.core.cache import cache
from django.urls import reverse

from kesu.complaints import services
from kesu.complaints.models import Complaint, ComplaintEvent, ComplaintTriage, OutboundMessage
from tests.complaints.factories import register
from tests.complaints.test_triage import PRIVACY, REFUND, close

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english_and_clean_cache(settings):
    settings.LANGUAGE_CODE = "en"
    cache.clear()


def _url(name, c):
    return reverse(f"desk:{name}", args=[c.number])


def test_the_page_shows_anger_flags_script_demands_and_similar_cases(client, handler, supervisor):
    earlier = register(
        handler, title="手机号被泄露", description="我的手机号被泄露了，天天接到骚扰电话，怀疑是你们泄露的。"
    )
    close(earlier, handler, satisfaction=4)
    c = register(
        handler,
        title="个人信息被泄露",
        description=PRIVACY["description"] + "再不处理我就找律师起诉你们！！！",
        category_code="privacy",
    )
    client.force_login(handler)

    body = client.get(_url("detail", c)).content.decode()

    row = ComplaintTriage.objects.get(complaint=c)
    assert row.anger_level == 3
    assert "3 · Angry" in body
    assert 'aria-label="Anger level 3 of 4"' in body
    assert "Privacy leak" in body and "Legal threat" in body
    assert '<span class="kesu-cue">泄露</span>' in body
    assert html.escape(row.script) in body
    assert "Deeper need:" in body and "Safety" in body
    # category: the suggestion equals the registered category, so one button confirms it
    assert "隐私与数据安全" in body and "Confirm category" in body
    # similar closed case, linked, with its solution, compensation and satisfaction
    assert "Similar closed cases" in body
    assert f'href="/desk/c/{earlier.number}/"' in body
    assert "道歉并加急发货，补偿代金券" in body
    assert "Voucher 50.00" in body
    assert "4/5" in body
    # the reply box lints as the handler types
    assert f'hx-post="{_url("reply_lint", c)}"' in body
    assert 'hx-trigger="keyup changed delay:400ms' in body


def test_a_suggestion_that_differs_offers_change_and_keep(client, handler):
    c = register(handler, **REFUND)
    client.force_login(handler)
    body = client.get(_url("detail", c)).content.decode()
    assert "Change to 退款退货" in body
    assert "Keep 服务承诺未兑现" in body
    assert "Registered as <strong>服务承诺未兑现</strong>." in body


def test_confirm_and_correct_from_the_page(client, handler):
    c = register(handler, **REFUND)
    client.force_login(handler)
    stale_version = Complaint.objects.get(pk=c.pk).version
    Complaint.objects.filter(pk=c.pk).update(version=stale_version + 1)  # someone else's change meanwhile
    version = stale_version + 1

    stale = client.post(
        _url("triage_confirm", c), {"category": "refund_return", "version": stale_version}, follow=True
    )
    assert "changed by someone else" in stale.content.decode()
    assert Complaint.objects.get(pk=c.pk).category.code == "promise_broken"

    response = client.post(
        _url("triage_confirm", c), {"category": "refund_return", "version": version}, follow=True
    )
    body = response.content.decode()
    assert "Category corrected to 退款退货." in body
    assert "Confirmed" in body
    assert Complaint.objects.get(pk=c.pk).category.code == "refund_return"
    assert ComplaintTriage.objects.get(complaint=c).confirmed_by == handler


def test_a_complaint_without_analysis_can_be_analysed(client, handler):
    c = register(handler, **REFUND)
    ComplaintTriage.objects.filter(complaint=c).delete()
    client.force_login(handler)
    assert "This complaint has not been analysed yet." in client.get(_url("detail", c)).content.decode()

    response = client.post(_url("triage_analyse", c), follow=True)

    assert "Complaint analysed." in response.content.decode()
    assert ComplaintTriage.objects.get(complaint=c).category_code == "refund_return"


def test_lint_endpoint_returns_findings_inline_with_a_rewrite(client, handler):
    c = register(handler, **REFUND)
    client.force_login(handler)

    response = client.post(
        _url("reply_lint", c), {"text": "这不归我们管，你去找快递。"}, HTTP_HX_REQUEST="true"
    )

    assert response.status_code == 200
    body = response.content.decode()
    assert "<html" not in body  # a fragment for htmx
    assert "Score 39/100" in body
    assert "Passing the buck" in body
    assert 'class="badge kesu-sev sev-high">High<' in body
    assert "<mark>不归我们管</mark>" in body
    assert 'data-kesu-linted="这不归我们管，你去找快递。"' in body
    assert 'data-kesu-rewrite="我会立即为您处理：我来联系相关部门核实，并在××前给您回复。"' in body
    assert "No empathy" in body and "No next step or time" in body


def test_lint_endpoint_has_nothing_critical_for_a_good_reply(client, handler):
    c = register(handler, **REFUND)
    client.force_login(handler)
    text = "非常抱歉让您久等了，我理解您的着急。退款我会立即联系财务核实，今天下午5点前给您回电告知结果。"

    body = client.post(_url("reply_lint", c), {"text": text}).content.decode()

    assert "sev-high" not in body
    assert "Nothing to improve." in body
    assert "Score 100/100" in body
    assert "✓ Empathy" in body and "✓ Restates the customer&#x27;s demand" in body


def test_lint_endpoint_with_an_empty_box_and_for_outsiders(client, handler, liaison):
    c = register(handler, **REFUND)
    client.force_login(handler)
    assert (
        "Coaching appears here as you type"
        in client.post(_url("reply_lint", c), {"text": "  "}).content.decode()
    )
    assert client.get(_url("reply_lint", c)).status_code == 405
    client.force_login(liaison)
    assert client.post(_url("reply_lint", c), {"text": "您好"}).status_code == 404


def test_sending_a_reply_from_the_page(client, handler):
    c = register(handler, **REFUND)
    client.force_login(handler)

    response = client.post(_url("reply", c), {"text": "非常抱歉，我今天下午5点前给您回电。"}, follow=True)

    assert "Reply recorded. The customer has no e-mail address" in response.content.decode()
    msg = OutboundMessage.objects.get(complaint=c, body="非常抱歉，我今天下午5点前给您回电。")
    assert msg.state == OutboundMessage.State.MANUAL
    assert (
        c.events.get(kind=ComplaintEvent.Kind.MESSAGE, data__message_id=msg.pk).data["coaching"]["score"]
        >= 80
    )


def test_an_empty_reply_re_renders_the_box(client, handler):
    c = register(handler, **REFUND)
    client.force_login(handler)
    response = client.post(_url("reply", c), {"text": ""})
    assert response.status_code == 422
    assert 'id="reply-text"' in response.content.decode()


def test_readers_see_the_panel_but_no_reply_box_or_buttons(client, handler, auditor):
    c = register(handler, **REFUND)
    client.force_login(auditor)
    body = client.get(_url("detail", c)).content.decode()
    assert "Triage" in body and "Similar closed cases" in body
    assert 'id="reply-text"' not in body
    assert "Change to" not in body


def test_the_page_works_while_the_similar_index_is_being_built(client, handler, settings, monkeypatch):
    from kesu.complaints import triage

    c = register(handler, **REFUND)
    close(register(handler, **REFUND), handler)
    settings.KESU_TRIAGE_SIMILAR_SYNC_BUILD = 0
    monkeypatch.setattr(
        triage.threading, "Thread", lambda **kw: type("T", (), {"start": lambda self: None})()
    )
    client.force_login(handler)
    assert "being prepared" in client.get(_url("detail", c)).content.decode()
    services.complaint_add_note(complaint_id=c.pk, actor=handler, text="仍可正常办理")
