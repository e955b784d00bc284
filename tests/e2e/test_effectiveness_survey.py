"""A learner answers the reaction survey of a session in the browser (once); a trainer's training-effect
page draws its before/after chart."""

import datetime as dt
import re

import pytest

from kesu.accounts.models import Department
from kesu.effectiveness import services
from kesu.effectiveness.models import SurveyResponse
from tests.conftest import make_user
from tests.e2e.test_complaint_flow import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_learner_answers_the_survey_and_trainer_sees_the_chart(page, live_server, reference_data):
    team = Department.objects.get(code="complaints")
    learner = make_user("lin_xue", "handler", team, display_name="林雪")
    make_user("peixun", "trainer", None, display_name="培训师")
    services.survey_request(
        session_ref="training-session:41", course_code="E2E-EFF", title="情绪安抚实战", held_on=dt.date(2026, 11, 12),
        user_ids=[learner.pk],
    )  # fmt: skip

    login(page, live_server.url, "lin_xue")
    page.goto(f"{live_server.url}/academy/effect/surveys/")
    page.get_by_role("link", name="填写问卷").click()
    page.wait_for_url(re.compile(r"/academy/effect/surveys/training-session:41/$"))
    for name, value in (("content", "5"), ("trainer", "4"), ("usefulness", "5"), ("organisation", "4")):
        page.locator(f"input[name={name}][value='{value}']").check()
    page.get_by_label("您打算在工作中运用哪些内容？").fill("先共情再解释")
    page.get_by_role("button", name="提交答卷").click()
    page.wait_for_url(re.compile(r"/academy/effect/surveys/$"))
    assert "谢谢，您的反馈已记录。" in page.locator("main").inner_text()
    assert "没有待填写的问卷。" in page.locator("main").inner_text()
    answer = SurveyResponse.objects.get()
    assert (answer.user, str(answer.overall), answer.will_apply) == (learner, "4.50", "先共情再解释")

    page.context.clear_cookies()
    login(page, live_server.url, "peixun")
    page.goto(f"{live_server.url}/academy/effect/")
    assert page.locator("h1").inner_text() == "培训效果"
    page.locator(".echart canvas").first.wait_for()
    assert page.locator(".echart canvas").count() == 1
