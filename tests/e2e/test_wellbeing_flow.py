"""The emotion diary and the pain-point survey in the browser: a handler logs an entry and sees it with
the charts; a trainer creates a survey from the default template and sends it; the handler answers from
the notification; the trainer reads the results."""

import os
import re

import pytest

from kesu.accounts.models import Department
from kesu.wellbeing.models import DiaryEntry, Survey, SurveyResponse
from tests.conftest import make_user
from tests.e2e.test_complaint_flow import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_diary_entry_and_survey_round_trip(page, live_server, reference_data):
    shots = os.environ.get("KESU_SCREENSHOTS")
    team = Department.objects.get(code="complaints")
    handler = make_user("wb_h", "handler", team, display_name="周敏")
    make_user("wb_t", "trainer", None, display_name="董文清")
    base = live_server.url

    # A handler logs a hard contact.
    login(page, base, "wb_h")
    page.goto(f"{base}/academy/wellbeing/diary/new/")
    page.fill("textarea[name=what_happened]", "客户威胁要发微博曝光，我很紧张")
    page.check("input[name=emotion][value=tense]")
    page.check("input[name=intensity][value='4']")
    page.check("input[name=triggers][value=exposure_threat]")
    page.check("input[name=helpers][value=breathing]")
    page.locator("main form [type=submit]").last.click()
    page.wait_for_url(re.compile(r"/academy/wellbeing/diary/$"))
    assert "客户威胁要发微博曝光" in page.locator("tr.diary-entry").inner_text()
    page.locator(".echart[data-option-id=weekly-chart] canvas").first.wait_for()
    assert "深呼吸" in page.locator("#helpers-list").inner_text()
    entry = DiaryEntry.objects.get()
    assert (entry.user, entry.emotion, entry.intensity) == (handler, "tense", 4)
    if shots:
        page.screenshot(path=f"{shots}/wellbeing-diary.png", full_page=True)

    # A trainer creates the survey from the default template and sends it.
    login(page, base, "wb_t")
    page.goto(f"{base}/academy/wellbeing/surveys/manage/new/")
    page.fill("input[name=cycle]", "2027年第一季度")
    page.check(f"input[name=departments][value='{team.pk}']")
    page.locator("main form [type=submit]").last.click()
    page.wait_for_url(re.compile(r"/surveys/manage/\d+/$"))
    assert page.locator("#question-list > li").count() == 11
    if shots:
        page.screenshot(path=f"{shots}/wellbeing-survey-draft.png", full_page=True)
    page.locator("#send-survey").click()  # the confirm dialog is accepted by the fixture
    page.locator("#survey-state", has_text="进行中").wait_for()
    survey = Survey.objects.get()

    # The handler answers from the notification.
    login(page, base, "wb_h")
    page.goto(f"{base}/desk/notifications/")
    page.locator("main a", has_text="岗位痛点调研").first.click()
    page.wait_for_url(re.compile(rf"/academy/wellbeing/surveys/{survey.pk}/$"))
    for block in page.locator("fieldset.survey-question").all():
        radios = block.locator("input[type=radio][value='4']")
        if radios.count():
            radios.check()
    page.check("input[type=checkbox][value=emotional_pressure]")
    page.check("input[type=checkbox][value=time_pressure]")
    page.locator("main form textarea").first.fill("被客户辱骂后很难马上接下一个电话")
    if shots:
        page.screenshot(path=f"{shots}/wellbeing-survey-answer.png", full_page=True)
    page.locator("main form [type=submit]").last.click()
    page.wait_for_url(re.compile(r"/academy/wellbeing/surveys/$"))
    assert SurveyResponse.objects.filter(survey=survey, user=handler).count() == 1

    # The trainer reads the results.
    login(page, base, "wb_t")
    page.goto(f"{base}/academy/wellbeing/surveys/manage/{survey.pk}/results/")
    page.locator(".echart[data-option-id=pain-chart] canvas").first.wait_for()
    table = page.locator("#results-table").inner_text()
    # One answer: the department is too small to be shown on its own; the overall row is there.
    assert "客诉中心" not in table and "全部部门" in table and "情绪压力大 (87.5)" in table
    assert "被客户辱骂后很难马上接下一个电话" in page.content()
    if shots:
        page.screenshot(path=f"{shots}/wellbeing-results.png", full_page=True)
