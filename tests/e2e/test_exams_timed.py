"""A learner takes a timed exam in the browser: answers are saved as they go, the paper is handed in and
the result shown; and when the time runs out the page hands the paper in by itself."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from kesu.accounts.models import Department
from kesu.exams import services
from kesu.exams.models import Answer, Attempt, Question
from tests.conftest import make_user
from tests.e2e.test_complaint_flow import login
from tests.exams import factories as f

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _setup(closes_in: dt.timedelta):
    Question.objects.exclude(code__startswith="T-").update(status=Question.Status.RETIRED)
    team = Department.objects.get(code="complaints")
    learner = make_user("wang_l", "handler", team, display_name="王磊")
    trainer = make_user("dong_t", "trainer", None, display_name="董老师")
    f.single("T-e-0", right="A")
    f.true_false("T-e-1", answer=True)
    f.judgement("T-e-2")
    bp = f.blueprint(
        [
            ("att_integrity", "single", 1, 2),
            ("att_integrity", "true_false", 1, 2),
            ("att_empathy", "judgement", 1, 4),
        ],
        title="沟通与情绪管理测评",
        minutes=10,
    )
    now = timezone.now()
    exam = services.exam_create(
        actor=trainer,
        blueprint_id=bp.pk,
        opens_at=now - dt.timedelta(hours=1),
        closes_at=now + closes_in,
        assignee_ids=[learner.pk],
    )
    return learner, exam


def _position(attempt, qtype):
    return next(i for i, q in enumerate(attempt.paper) if q["type"] == qtype)


def test_learner_takes_a_timed_exam(page, live_server, reference_data):
    learner, exam = _setup(dt.timedelta(days=1))
    login(page, live_server.url, "wang_l")
    page.goto(f"{live_server.url}/academy/exams/")
    page.get_by_role("button", name="开始考试").click()  # the confirmation dialog is accepted
    page.wait_for_url(re.compile(r"/academy/exams/a/\d+/$"))
    attempt = Attempt.objects.get(user=learner)
    clock = page.locator("#exam-timer [data-role=clock]")
    assert re.fullmatch(r"(09|10):\d\d", clock.inner_text())

    single, tf, judgement = (_position(attempt, t) for t in ("single", "true_false", "judgement"))
    page.locator(f"#q{single}-A").check()
    page.locator(f"fieldset[data-position='{single}'] [data-role=status]", has_text="已保存").wait_for()
    assert Answer.objects.get(attempt=attempt, position=single).response == "A"
    page.locator(f"#q{tf}-t").check()
    page.locator(f"#q{judgement}-B").check()
    page.locator(f"fieldset[data-position='{judgement}'] [data-role=status]", has_text="已保存").wait_for()

    page.locator("#exam-submit").click()
    page.wait_for_url(re.compile(r"/result/$"))
    score = page.locator("[data-role=score]").inner_text()
    assert "75.00 %" in score and "通过" in score
    attempt.refresh_from_db()
    assert (attempt.status, attempt.passed, attempt.close_reason) == ("graded", True, "submitted")
    assert Answer.objects.filter(attempt=attempt).count() == 3
    # the best reply is shown with the explanation of each option
    assert "共情+担当+时间" in page.content()


def test_the_page_hands_in_when_time_runs_out(page, live_server, reference_data):
    learner, exam = _setup(dt.timedelta(seconds=8))  # the exam closes first: the deadline is capped
    login(page, live_server.url, "wang_l")
    page.goto(f"{live_server.url}/academy/exams/")
    page.get_by_role("button", name="开始考试").click()
    page.wait_for_url(re.compile(r"/academy/exams/a/\d+/$"))
    attempt = Attempt.objects.get(user=learner)
    single = _position(attempt, "single")
    page.locator(f"#q{single}-A").check()
    page.locator(f"fieldset[data-position='{single}'] [data-role=status]", has_text="已保存").wait_for()
    page.wait_for_url(re.compile(r"/result/$"), timeout=20_000)
    attempt.refresh_from_db()
    assert attempt.status == "graded"
    assert attempt.score == 2
    assert "25.00 %" in page.locator("[data-role=score]").inner_text()
