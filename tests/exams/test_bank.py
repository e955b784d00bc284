"""The question bank: validation, versioning of answered questions, retiring, the starter content."""

import datetime as dt

import pytest
import yaml

from kesu.common import clock
from kesu.common.errors import ConcurrentEdit, NotPermitted, ValidationFailed
from kesu.exams import content, grading, services
from kesu.exams.models import Question, QuestionRevision
from tests.exams import factories as f

pytestmark = pytest.mark.django_db

SINGLE = {
    "code": "T-new-1",
    "type": "single",
    "items": ["know_law"],
    "difficulty": 1,
    "stem": "七日无理由退货适用于哪类商品？",
    "options": [{"text": "网购的普通商品", "correct": True}, {"text": "定制商品", "correct": False}],
    "explanation": "定制商品不适用。",
}


def test_trainer_creates_a_question(trainer):
    q = services.question_create(actor=trainer, data=SINGLE)
    assert (q.code, q.type, q.items, q.version, q.status) == ("T-new-1", "single", ["know_law"], 1, "active")
    assert [o["key"] for o in q.options] == ["A", "B"]


def test_learner_may_not_create(handler):
    with pytest.raises(NotPermitted):
        services.question_create(actor=handler, data=SINGLE)
    assert not Question.objects.filter(code="T-new-1").exists()


@pytest.mark.parametrize(
    "change",
    [
        {"options": [{"text": "a", "correct": True}, {"text": "b", "correct": True}]},
        {"items": ["no_such_item"]},
        {"items": []},
        {"difficulty": 4},
        {"stem": "  "},
        {"type": "essay"},
        {"code": "bad code!"},
        {"type": "true_false"},
        {"type": "short", "reference_answer": "x", "rubric": []},
        {"type": "judgement", "options": [{"text": "a", "score": 0.5}, {"text": "b", "score": 0}]},
    ],
)
def test_invalid_questions_are_refused(trainer, change):
    with pytest.raises(ValidationFailed):
        services.question_create(actor=trainer, data={**SINGLE, **change})
    assert not Question.objects.filter(code=SINGLE["code"]).exists()


def test_duplicate_code_is_refused(trainer):
    services.question_create(actor=trainer, data=SINGLE)
    with pytest.raises(ValidationFailed):
        services.question_create(actor=trainer, data={**SINGLE, "stem": "另一题"})
    assert Question.objects.get(code="T-new-1").stem == SINGLE["stem"]


def test_editing_an_unanswered_question_keeps_its_version(trainer):
    q = services.question_create(actor=trainer, data=SINGLE)
    q = services.question_update(
        actor=trainer, question_id=q.pk, data={**SINGLE, "stem": "改过的题干"}, version=1
    )
    assert (q.version, q.stem) == (1, "改过的题干")
    assert QuestionRevision.objects.count() == 0


def test_editing_an_answered_question_makes_a_new_version_and_old_attempts_keep_theirs(trainer, handler):
    q = f.single("T-v-0", right="A")
    bp = f.blueprint([("att_integrity", "single", 1, 1)])
    exam = f.exam_for(bp, [handler], trainer=trainer)
    with clock.frozen_at(f.T0 + dt.timedelta(hours=1)):
        attempt = services.attempt_start(user=handler, exam_id=exam.pk)
    data = {
        **services.papers.snapshot(q),
        "stem": "新题干",
        "options": [{**o, "correct": o["key"] == "B"} for o in q.options],
    }
    q = services.question_update(actor=trainer, question_id=q.pk, data=data, version=1)
    assert (q.version, q.stem, q.answered) == (2, "新题干", False)
    rev = QuestionRevision.objects.get(question=q)
    assert (rev.version, rev.snapshot["stem"]) == (1, "T-v-0 题干")
    # the attempt still shows and grades what was asked
    with clock.frozen_at(f.T0 + dt.timedelta(hours=1, minutes=1)):
        done = services.attempt_submit(user=handler, attempt_id=attempt.pk, responses={0: "A"})
    assert done.paper[0]["stem"] == "T-v-0 题干"
    assert done.paper[0]["version"] == 1
    assert done.passed is True
    # a stale editor is refused
    with pytest.raises(ConcurrentEdit):
        services.question_update(actor=trainer, question_id=q.pk, data={**data, "stem": "x"}, version=1)
    assert Question.objects.get(pk=q.pk).stem == "新题干"


def test_retire_and_restore(trainer):
    q = f.single("T-r-0")
    assert services.question_set_status(actor=trainer, question_id=q.pk, status="retired").status == "retired"
    assert services.question_set_status(actor=trainer, question_id=q.pk, status="active").status == "active"
    with pytest.raises(ValidationFailed):
        services.question_set_status(actor=trainer, question_id=q.pk, status="deleted")


def test_content_install_is_idempotent_and_never_overwrites(tmp_path, monkeypatch):
    from django.apps import apps

    folder = tmp_path / "questions"
    folder.mkdir()
    items = [
        {
            **SINGLE,
            "code": "T-yaml-1",
            "options": [
                {"key": "A", "text": "对", "correct": True},
                {"key": "B", "text": "错", "correct": False},
            ],
        },
        {
            "code": "T-yaml-2",
            "type": "true_false",
            "items": ["know_law"],
            "difficulty": 2,
            "industry": None,
            "stem": "判断",
            "answer": False,
        },
    ]
    (folder / "know_law.yaml").write_text(yaml.safe_dump(items, allow_unicode=True), encoding="utf-8")
    monkeypatch.setattr(content, "QUESTIONS_DIR", folder)
    assert content.install(apps) == 2
    Question.objects.filter(code="T-yaml-1").update(stem="培训师改过")
    assert content.install(apps) == 0
    assert Question.objects.get(code="T-yaml-1").stem == "培训师改过"
    assert Question.objects.get(code="T-yaml-2").answer is False


def test_content_install_names_a_broken_file(tmp_path, monkeypatch):
    from django.apps import apps

    folder = tmp_path / "questions"
    folder.mkdir()
    (folder / "know_law.yaml").write_text(yaml.safe_dump([{**SINGLE, "items": ["nope"]}]), encoding="utf-8")
    monkeypatch.setattr(content, "QUESTIONS_DIR", folder)
    with pytest.raises(ValueError, match="know_law.yaml"):
        content.install(apps)


def test_shipped_questions_are_valid_and_installed():
    shipped = content.questions()
    for q in shipped:
        assert grading.question_clean(q) == q
    assert Question.objects.filter(code__in=[q["code"] for q in shipped]).count() == len(shipped)
