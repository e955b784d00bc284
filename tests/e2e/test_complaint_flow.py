"""A customer files a complaint on the public form; handler and supervisor walk it to closed in the
browser, including an approval above the handler's authority."""

import re

import pytest

from kesu.accounts.models import Department
from kesu.complaints.models import CompensationProposal, Complaint
from tests.conftest import make_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PASSWORD = "pw-Kesu-2026"


def login(page, base, username):
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form[action='/accounts/login/'] [type=submit]").click()
    page.wait_for_url(re.compile(r"/desk/"))


def submit(page, number, action):
    page.locator(f"form[action='/desk/c/{number}/{action}/'] [type=submit]").first.click()
    page.wait_for_load_state()


def status_of(number):
    return Complaint.objects.get(number=number).status


def test_public_complaint_to_closed_with_approval(page, live_server):
    base = live_server.url
    team = Department.objects.get(code="complaints")
    make_user("zhang_h", "handler", team, display_name="张敏")
    make_user("li_s", "supervisor", team, display_name="李卫东")

    # 1. The customer, in large-font mode, files the complaint and gets a tracking number.
    page.goto(f"{base}/c/new/?large=1")
    assert "a11y-large" in (page.locator("body").get_attribute("class") or "")
    page.fill("input[name=name]", "陈晓雯")
    page.fill("input[name=phone]", "13912345678")
    page.select_option("select[name=category]", "promise_broken")
    page.fill("input[name=title]", "会员日承诺的赠品一直没寄")
    page.fill(
        "textarea[name=description]",
        "11月11日下单时页面写着赠送电动牙刷，订单已签收十天，赠品始终没有寄出，客服两次说会补发都没有下文。",
    )
    page.fill("input[name=order_ref]", "DD20261111038842")
    page.locator("form[action^='/c/new/'] [type=submit]").click()
    number = page.locator("#tracking-number").inner_text().strip()
    assert re.fullmatch(r"TS-\d{8}-\d{4}", number)
    assert status_of(number) == "registered"

    # 2. The status page shows it with the last four digits, and nothing with wrong digits.
    page.goto(f"{base}/c/status/")
    page.fill("input[name=number]", number)
    page.fill("input[name=phone_last4]", "5678")
    page.locator("form[action^='/c/status/'] [type=submit]").click()
    assert number in page.content()

    # 3. The handler acknowledges, investigates and proposes 600 yuan: above a handler's 200.
    login(page, base, "zhang_h")
    page.goto(f"{base}/desk/c/{number}/")
    assert "139****5678" in page.content()
    assert "13912345678" not in page.content()
    submit(page, number, "acknowledge")
    submit(page, number, "start-investigation")
    assert status_of(number) == "investigating"
    form = page.locator(f"form[action='/desk/c/{number}/findings/']")
    form.locator("textarea[name=root_cause]").fill("赠品库存由品牌方直发，品牌方漏发且未同步物流信息")
    form.locator("select[name=responsibility]").select_option("third_party")
    form.locator("[type=submit]").click()
    page.wait_for_load_state()
    form = page.locator(f"form[action='/desk/c/{number}/propose/']")
    form.locator("textarea[name=solution]").fill("向客户致歉，补寄赠品并退还差价")
    form.locator("select[name=item_type]").first.select_option("refund")
    form.locator("input[name=item_amount]").first.fill("600")
    form.locator("[type=submit]").click()
    page.wait_for_load_state()
    assert status_of(number) == "awaiting_approval"

    # 4. The supervisor finds it in the approvals queue and approves.
    login(page, base, "li_s")
    page.goto(f"{base}/desk/queue/?q=approvals")
    assert number in page.content()
    page.goto(f"{base}/desk/c/{number}/")
    proposal = CompensationProposal.objects.get(complaint__number=number)
    page.locator(
        f"form[action='/desk/c/{number}/proposals/{proposal.pk}/decide/'] input[value=approve]"
    ).locator("xpath=ancestor::form").locator("[type=submit]").click()
    page.wait_for_load_state()
    assert status_of(number) == "resolving"
    proposal.refresh_from_db()
    assert proposal.state == "approved"
    assert proposal.decided_by.username == "li_s"

    # 5. The handler resolves, records a satisfied follow-up and closes.
    login(page, base, "zhang_h")
    page.goto(f"{base}/desk/c/{number}/")
    submit(page, number, "resolve")
    assert status_of(number) == "awaiting_follow_up"
    form = page.locator(f"form[action='/desk/c/{number}/follow-up/']")
    form.locator("input[name=reached][value=yes]").check()
    form.locator("select[name=satisfaction]").select_option("5")
    form.locator("select[name=resolved]").select_option("yes")
    form.locator("textarea[name=comment]").fill("赠品已收到，差价也到账了，谢谢")
    form.locator("[type=submit]").click()
    page.wait_for_load_state()
    submit(page, number, "close")
    assert status_of(number) == "closed"
    assert Complaint.objects.get(number=number).compensation_cost == 600

    # 6. The customer sees it closed.
    page.context.clear_cookies()
    page.goto(f"{base}/c/status/")
    page.fill("input[name=number]", number)
    page.fill("input[name=phone_last4]", "5678")
    page.locator("form[action^='/c/status/'] [type=submit]").click()
    assert page.locator("text=" + number).count() >= 1
