"""In the browser: a trainer opens a handler's needs analysis, generates a training plan from it, edits an
item and approves the plan; the handler then sees it as their plan."""

import datetime as dt
import os
import re

import pytest

from kesu.accounts.models import Department
from kesu.competency import services as competency
from kesu.plans.models import Plan
from tests.conftest import make_user
from tests.e2e.test_complaint_flow import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_trainer_generates_edits_and_approves_a_plan(page, live_server, reference_data):
    team = Department.objects.get(code="complaints")
    handler = make_user("liu_h", "handler", team, display_name="刘佳琪")
    make_user("xie_s", "supervisor", team, display_name="谢振华")
    make_user("dong_t", "trainer", None, display_name="董文清")
    today = dt.date.today()
    for code, level in {"att_empathy": 1.0, "skill_communication": 1.5, "know_law": 2.0}.items():
        competency.evidence_record(
            user=handler, item_code=code, level=level, source="exam", ref="exam-attempt:1", observed_on=today
        )

    login(page, live_server.url, "dong_t")
    page.goto(f"{live_server.url}/academy/people/liu_h/")
    page.locator("[data-testid=generate-plan]").click()
    page.wait_for_url(re.compile(r"/academy/plans/generate/liu_h/$"))
    page.locator("main form.card [type=submit]").click()
    page.wait_for_url(re.compile(r"/academy/plans/\d+/$"))
    plan = Plan.objects.get(person=handler)
    assert plan.status == "draft"
    assert "计划草稿已生成" in page.locator(".kesu-messages").inner_text()
    first = plan.items.order_by("position").first()
    row = page.locator(f"#item-{first.pk}")
    assert first.item_code == "att_empathy"  # the largest gap comes first
    assert first.item_name in row.inner_text()

    row.get_by_role("link", name="编辑").click()
    page.wait_for_url(re.compile(rf"/academy/plans/items/{first.pk}/edit/$"))
    page.fill("input[name=objective]", "每天练习三句共情回应，周五与带教师傅复盘")
    page.fill("input[name=place]", "三楼培训室")
    page.select_option("select[name=method]", "role_play")
    page.locator("main form.card [type=submit]").click()
    page.wait_for_url(re.compile(rf"/academy/plans/{plan.pk}/$"))
    assert "每天练习三句共情回应" in page.locator(f"#item-{first.pk}").inner_text()

    page.locator("form[action$='/approve/'] [type=submit]").click()  # the confirmation is accepted
    page.wait_for_url(re.compile(rf"/academy/plans/{plan.pk}/$"))
    assert "计划已批准" in page.locator(".kesu-messages").inner_text()
    plan.refresh_from_db()
    assert (plan.status, plan.approved_by.username) == ("approved", "dong_t")
    shots = os.environ.get("KESU_SCREENSHOTS")
    if shots:
        page.screenshot(path=f"{shots}/plans-detail.png", full_page=True)

    login(page, live_server.url, "liu_h")
    page.goto(f"{live_server.url}/academy/plans/")
    item = page.locator(f"#item-{first.pk}")
    assert "每天练习三句共情回应" in item.inner_text()
    item.locator("select").select_option("in_progress")
    item.locator("input[type=text]").fill("已预约角色扮演练习")
    item.get_by_role("button", name="保存进度").click()
    page.wait_for_url(re.compile(r"/academy/plans/$"))
    assert "进度已保存" in page.locator(".kesu-messages").inner_text()
    plan.refresh_from_db()
    assert plan.status == "in_progress"
