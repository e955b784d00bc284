"""The pages: who may open what, a learner's exam through the forms, the trainer's pages."""

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.urls import reverse

from kesu.common import clock
from kesu.exams import selectors, services
from kesu.exams.models import Answer, Attempt, Blueprint, Exam, Question
from tests.exams import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def exam(handler, trainer):
    for i in range(3):
        f.single(f"T-s-{i}", right="A")
    bp = f.blueprint([("att_integrity", "single", 3, 1)], minutes=15)
    now = clock.now()
    return f.exam_for(bp, [handler], trainer=trainer, opens=now - dt.timedelta(hours=1))


def _login(client, user):
    client.force_login(user)
    return client


TRAINER_PAGES = [
    "exams:bank",
    "exams:question_new",
    "exams:blueprints",
    "exams:blueprint_new",
    "exams:manage",
    "exams:grading",
]


@pytest.mark.parametrize("name", TRAINER_PAGES)
def test_trainer_pages_are_for_trainers(client, handler, trainer, name):
    assert _login(client, handler).get(reverse(name)).status_code == 403
    assert _login(client, trainer).get(reverse(name)).status_code == 200


def test_learner_pages_need_login_and_learn(client, auditor, handler):
    assert client.get(reverse("exams:mine")).status_code == 302
    assert _login(client, auditor).get(reverse("exams:mine")).status_code == 403
    assert _login(client, handler).get(reverse("exams:mine")).status_code == 200
    assert client.get(reverse("exams:daily")).status_code == 200


def test_academy_home_tiles(client, handler, trainer):
    page = _login(client, handler).get(reverse("academy:home")).content.decode()
    assert reverse("exams:daily") in page and reverse("exams:bank") not in page
    page = _login(client, trainer).get(reverse("academy:home")).content.decode()
    assert reverse("exams:bank") in page and reverse("exams:grading") in page


def test_learner_takes_an_exam_through_the_pages(client, handler, exam):
    _login(client, handler)
    assert exam.title in client.get(reverse("exams:mine")).content.decode()
    resp = client.post(reverse("exams:start", args=[exam.pk]))
    attempt = Attempt.objects.get(user=handler)
    assert resp.url == reverse("exams:take", args=[attempt.pk])
    page = client.get(resp.url).content.decode()
    assert attempt.paper[0]["stem"] in page
    assert '"correct"' not in page and "解析" not in page  # no answers leak into the paper
    # one answer saved as the learner goes (what exam.js sends)
    r = client.post(
        reverse("exams:answer", args=[attempt.pk]),
        data=json.dumps({"position": 0, "response": "A"}),
        content_type="application/json",
    )
    assert r.status_code == 200 and r.json()["position"] == 0
    bad = client.post(
        reverse("exams:answer", args=[attempt.pk]),
        data=json.dumps({"position": 0, "response": "Q"}),
        content_type="application/json",
    )
    assert bad.status_code == 422
    assert Answer.objects.get(attempt=attempt, position=0).response == "A"
    # hand in with the rest in the form; an empty field does not erase the saved answer
    resp = client.post(reverse("exams:submit", args=[attempt.pk]), {"q1": "A", "q2": "B"})
    assert resp.url == reverse("exams:result", args=[attempt.pk])
    attempt.refresh_from_db()
    assert (attempt.status, attempt.score) == ("graded", Decimal("2.00"))
    result = client.get(resp.url).content.decode()
    assert "66.67 %" in result and "T-s-0 解析" in result
    # the take page now leads to the result, and a second submit changes nothing
    assert client.get(reverse("exams:take", args=[attempt.pk])).url == resp.url
    client.post(reverse("exams:submit", args=[attempt.pk]), {"q2": "A"})
    attempt.refresh_from_db()
    assert attempt.score == Decimal("2.00")


def test_late_answer_through_the_page_is_409(client, handler, exam):
    _login(client, handler)
    client.post(reverse("exams:start", args=[exam.pk]))
    attempt = Attempt.objects.get(user=handler)
    with clock.frozen_at(attempt.deadline + dt.timedelta(minutes=1)):
        r = client.post(
            reverse("exams:answer", args=[attempt.pk]),
            data=json.dumps({"position": 0, "response": "A"}),
            content_type="application/json",
        )
    assert r.status_code == 409 and r.json()["code"] == "time_up"
    assert Attempt.objects.get(pk=attempt.pk).status == "graded"
    assert Answer.objects.get(attempt=attempt, position=0).response is None


def test_others_cannot_see_an_attempt(client, handler, exam, senior, supervisor, liaison):
    _login(client, handler).post(reverse("exams:start", args=[exam.pk]))
    attempt = Attempt.objects.get(user=handler)
    client.post(reverse("exams:submit", args=[attempt.pk]), {"q0": "A"})
    url = reverse("exams:result", args=[attempt.pk])
    assert _login(client, senior).get(url).status_code == 404
    assert _login(client, liaison).get(url).status_code == 404
    assert client.get(reverse("exams:take", args=[attempt.pk])).status_code == 404
    assert _login(client, supervisor).get(url).status_code == 200  # same team


def test_trainer_creates_and_edits_a_question(client, trainer):
    _login(client, trainer)
    data = {
        "code": "T-ui-1",
        "type": "judgement",
        "items": ["att_empathy", "skill_communication"],
        "difficulty": "2",
        "stem": "客户说快递丢了，最好的回复？",
        "opt_text_0": "我马上联系物流核实，今天18点前回复您。",
        "opt_score_0": "1",
        "opt_why_0": "担当+时间",
        "opt_text_1": "您去找快递公司吧。",
        "opt_score_1": "0",
        "explanation": "不要推诿。",
    }
    resp = client.post(reverse("exams:question_new"), data)
    assert resp.status_code == 302
    q = Question.objects.get(code="T-ui-1")
    assert q.items == ["att_empathy", "skill_communication"]
    assert [(o["key"], o["score"], o["correct"]) for o in q.options] == [("A", 1.0, True), ("B", 0.0, False)]
    # an invalid edit keeps the question unchanged and says why
    bad = client.post(
        reverse("exams:question_edit", args=[q.pk]), {**data, "opt_score_0": "0.5", "version": "1"}
    )
    assert bad.status_code == 200
    assert (
        "score 1" in bad.content.decode()
        or "最佳" in bad.content.decode()
        or "best reply" in bad.content.decode()
    )
    assert Question.objects.get(pk=q.pk).options[0]["score"] == 1.0
    ok = client.post(
        reverse("exams:question_edit", args=[q.pk]), {**data, "stem": "改后的题干", "version": "1"}
    )
    assert ok.status_code == 302
    assert Question.objects.get(pk=q.pk).stem == "改后的题干"
    listing = client.get(
        reverse("exams:bank"), {"item": "skill_communication", "type": "judgement"}
    ).content.decode()
    assert "T-ui-1" in listing
    client.post(reverse("exams:question_status", args=[q.pk]), {"status": "retired"}, follow=True)
    assert Question.objects.get(pk=q.pk).status == "retired"
    assert "T-ui-1" not in client.get(reverse("exams:bank")).content.decode()


def test_trainer_saves_a_blueprint_and_assigns_an_exam(client, trainer, handler):
    for i in range(4):
        f.single(f"T-b-{i}", "know_law")
    _login(client, trainer)
    resp = client.post(
        reverse("exams:blueprint_new"),
        {
            "title": "法律法规专项",
            "time_limit_minutes": "20",
            "pass_mark": "70",
            "attempts_allowed": "2",
            "active": "on",
            "rule_scope_0": "know_law",
            "rule_type_0": "single",
            "rule_count_0": "3",
            "rule_points_0": "5",
            "rule_scope_1": "",
        },
    )
    assert resp.status_code == 302
    bp = Blueprint.objects.get(title="法律法规专项")
    assert [(r.item_code, r.type, r.count, r.points) for r in bp.rules.all()] == [
        ("know_law", "single", 3, 5)
    ]
    # a blueprint the bank cannot fill is saved, with a warning on the list
    client.post(
        reverse("exams:blueprint_edit", args=[bp.pk]),
        {
            "title": "法律法规专项",
            "time_limit_minutes": "20",
            "pass_mark": "70",
            "attempts_allowed": "2",
            "active": "on",
            "rule_scope_0": "know_law",
            "rule_type_0": "single",
            "rule_count_0": "9",
            "rule_points_0": "5",
        },
    )
    assert selectors.blueprint_problem(bp) != ""
    assert selectors.blueprint_problem(bp) in client.get(reverse("exams:blueprints")).content.decode()
    # and an exam cannot be assigned from it
    now = clock.now()
    form = {
        "blueprint": bp.pk,
        "opens_at": (now).strftime("%Y-%m-%dT%H:%M"),
        "closes_at": (now + dt.timedelta(days=3)).strftime("%Y-%m-%dT%H:%M"),
        "assignees": [handler.pk],
        "kind": "regular",
    }
    client.post(reverse("exams:manage"), form)
    assert Exam.objects.count() == 0
    bp.rules.update(count=3)
    assert client.post(reverse("exams:manage"), form).status_code == 302
    exam = Exam.objects.get()
    assert list(exam.assignees.all()) == [handler]
    assert handler.notifications.filter(kind="exam_assigned").count() == 1


def test_grading_queue_page(client, trainer, handler):
    f.short("T-g-0")
    bp = f.blueprint([("att_empathy", "short", 1, 10)])
    exam = f.exam_for(bp, [handler], trainer=trainer, opens=clock.now() - dt.timedelta(hours=1))
    attempt = services.attempt_start(user=handler, exam_id=exam.pk)
    services.attempt_submit(
        user=handler, attempt_id=attempt.pk, responses={0: "非常抱歉，我理解，今天回复您"}
    )
    _login(client, trainer)
    assert handler.username in client.get(reverse("exams:grading")).content.decode()
    page = client.get(reverse("exams:grade", args=[attempt.pk])).content.decode()
    assert "致歉与共情" in page
    answer = Answer.objects.get(attempt=attempt)
    resp = client.post(
        reverse("exams:grade", args=[attempt.pk]), {"answer": answer.pk, "point": ["5", "4"], "comment": "好"}
    )
    assert resp.url == reverse("exams:grading")
    attempt.refresh_from_db()
    assert (attempt.status, attempt.percent, attempt.passed) == ("graded", Decimal("90.00"), True)


def test_daily_page(client, handler):
    f.single("T-d-0", right="B")
    _login(client, handler)
    page = client.get(reverse("exams:daily")).content.decode()
    assert "T-d-0 题干" in page
    client.post(reverse("exams:daily"), {"type": "single", "response": "A"})
    page = client.get(reverse("exams:daily")).content.decode()
    assert "T-d-0 解析" in page
    assert 'data-role="streak">1<' in page


def test_scores_for_gives_latest_pre_and_post(handler, senior, trainer):
    f.single("T-p-0", right="A")
    bp = f.blueprint([("att_integrity", "single", 1, 1)], attempts=3)
    opens = clock.now() - dt.timedelta(hours=2)
    pre = f.exam_for(bp, [handler, senior], trainer=trainer, opens=opens, kind="pre", course_code="C-1")
    post = f.exam_for(bp, [handler], trainer=trainer, opens=opens, kind="post", course_code="C-1")
    for exam, user, resp in ((pre, handler, "B"), (pre, senior, "A"), (post, handler, "A")):
        a = services.attempt_start(user=user, exam_id=exam.pk)
        services.attempt_submit(user=user, attempt_id=a.pk, responses={0: resp})
    assert selectors.scores_for([handler.pk, senior.pk], "C-1", "pre") == {handler.pk: 0.0, senior.pk: 100.0}
    assert selectors.scores_for([handler.pk, senior.pk], "C-1", "post") == {handler.pk: 100.0}
    assert selectors.scores_for([handler.pk], "C-2", "pre") == {}
