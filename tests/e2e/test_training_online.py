"""A learner reads an online course in the browser: the Markdown page, "mark as done", the progress
bar, and the course completed once every module is done."""

import re

import pytest

from kesu.accounts.models import Department
from kesu.training.models import ModuleProgress, TrainingRecord
from tests.conftest import make_user
from tests.e2e.test_complaint_flow import login
from tests.training.factories import course

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_learner_reads_an_online_module_and_marks_it_done(page, live_server, reference_data):
    team = Department.objects.get(code="complaints")
    learner = make_user("xue_yuan", "handler", team, display_name="薛园")
    c = course(
        "E2E-1",
        title="首问负责在线课",
        modules=(("什么是首问负责", "online", 5), ("转交而不推诿", "online", 5)),
    )
    first, second = c.modules.all()
    first.body = (
        "## 首问负责\n第一个接到投诉的人**负责到底**。\n\n| 做法 | 说明 |\n|---|---|\n| 登记 | 十分钟内 |"
    )
    first.save()

    login(page, live_server.url, "xue_yuan")
    page.goto(f"{live_server.url}/academy/courses/c/E2E-1/")
    page.get_by_role("link", name="什么是首问负责").click()
    page.wait_for_url(re.compile(rf"/academy/courses/modules/{first.pk}/$"))
    assert page.locator(".kesu-module-body h2").inner_text() == "首问负责"
    assert page.locator(".kesu-module-body strong").inner_text() == "负责到底"
    assert page.locator(".kesu-module-body table td").first.inner_text() == "登记"
    assert "0%" in page.locator("#course-progress").inner_text()

    page.locator("#mark-done").click()
    # marking the first module done leads on to the next one
    page.wait_for_url(re.compile(rf"/academy/courses/modules/{second.pk}/$"))
    assert "50%" in page.locator("#course-progress").inner_text()
    page.locator("#mark-done").click()
    page.wait_for_url(re.compile(rf"/academy/courses/modules/{second.pk}/$"))
    assert page.locator("#module-state").inner_text() == "已完成"
    assert "100%" in page.locator("#course-progress").inner_text()

    assert ModuleProgress.objects.filter(user=learner, completed_at__isnull=False).count() == 2
    assert TrainingRecord.objects.filter(user=learner, course=c, source="online").count() == 1
    page.goto(f"{live_server.url}/academy/courses/records/")
    assert "首问负责在线课" in page.locator("main").inner_text()
