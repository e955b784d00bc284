"""The complaint page in the browser: the triage panel, and the reply box coached as the handler types
(htmx, debounced) with a one-click rewrite."""

import os
import re

import pytest

from kesu.accounts.models import Department
from tests.complaints.factories import register
from tests.complaints.test_triage import PRIVACY, close
from tests.conftest import make_user
from tests.e2e.test_complaint_flow import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_triage_panel_and_live_reply_coaching(page, live_server, reference_data):
    team = Department.objects.get(code="complaints")
    handler = make_user("zhang_h", "handler", team, display_name="张敏")
    make_user("li_s", "supervisor", team, display_name="李卫东")
    earlier = register(
        handler, title="手机号被泄露", description="我的手机号被泄露了，天天接到骚扰电话，怀疑是你们泄露的。"
    )
    close(earlier, handler, satisfaction=4)
    c = register(
        handler, **{**PRIVACY, "description": PRIVACY["description"] + "再不处理我就找律师起诉你们！！！"}
    )

    login(page, live_server.url, "zhang_h")
    page.goto(f"{live_server.url}/desk/c/{c.number}/")
    panel = page.locator("section.kesu-triage")
    assert "愤怒" in panel.inner_text()
    assert "隐私泄露" in panel.inner_text()
    assert earlier.number in page.locator("#similar-h").locator("xpath=../..").inner_text()

    box = page.locator("#reply-text")
    box.click()
    box.press_sequentially("这不归我们管，你去找快递。", delay=20)
    finding = page.locator("#reply-coaching .kesu-finding.sev-high", has_text="推诿责任")
    finding.wait_for()
    # the customer is angry (level 3): missing empathy is serious too
    assert page.locator("#reply-coaching .kesu-finding.sev-high", has_text="缺少共情表达").count() == 1
    assert page.locator("#reply-coaching mark").first.inner_text() == "不归我们管"
    shots = os.environ.get("KESU_SCREENSHOTS")  # a folder: pictures of the page to look at
    if shots:
        page.screenshot(path=f"{shots}/triage-page.png", full_page=True)
        panel.screenshot(path=f"{shots}/triage-panel.png")
        page.locator("section[aria-labelledby=reply-h]").screenshot(path=f"{shots}/triage-reply.png")

    finding.locator("[data-kesu-rewrite]").click()
    assert box.input_value() == "我会立即为您处理：我来联系相关部门核实，并在××前给您回复。"
    # the reply is coached again: the buck-passing finding is gone
    page.wait_for_function("!document.querySelector('#reply-coaching').innerText.includes('推诿责任')")

    page.locator("[data-kesu-insert='reply-text']").click()
    assert box.input_value().startswith("我能理解您现在非常着急和愤怒")

    page.locator("form[action$='/reply/'] [type=submit]").click()
    page.wait_for_url(re.compile(rf"/desk/c/{c.number}/$"))
    assert c.messages.filter(body__startswith="我能理解您现在非常着急和愤怒").exists()
