"""A small question bank and exams for the tests (the starter bank is installed too, but tests draw from
their own item code so that they do not depend on its size)."""

from __future__ import annotations

import datetime as dt

from kesu.common import clock
from kesu.exams import services
from kesu.exams.models import Blueprint, BlueprintRule, Exam, Question

T0 = dt.datetime(2026, 6, 1, 9, 0, tzinfo=dt.UTC)


def single(code: str, item: str = "att_integrity", *, right: str = "A", difficulty: int = 2) -> Question:
    return Question.objects.create(
        code=code,
        type="single",
        items=[item],
        difficulty=difficulty,
        stem=f"{code} 题干",
        options=[{"key": k, "text": f"选项{k}", "correct": k == right} for k in "ABCD"],
        explanation=f"{code} 解析",
    )


def multiple(code: str, item: str = "att_integrity", *, right=("A", "C")) -> Question:
    return Question.objects.create(
        code=code,
        type="multiple",
        items=[item],
        stem=f"{code} 多选",
        options=[{"key": k, "text": f"选项{k}", "correct": k in right} for k in "ABCD"],
    )


def true_false(code: str, item: str = "att_integrity", *, answer: bool = True) -> Question:
    return Question.objects.create(
        code=code, type="true_false", items=[item], stem=f"{code} 判断", answer=answer
    )


def judgement(code: str, item: str = "att_empathy") -> Question:
    return Question.objects.create(
        code=code,
        type="judgement",
        items=[item],
        stem="客户说：“第三次了，还没退款！”最合适的回复是？",
        options=[
            {
                "key": "A",
                "text": "非常抱歉让您等了这么久，我现在就查进度，今天17点前给您回电。",
                "score": 1.0,
                "why": "共情+担当+时间",
                "correct": True,
            },
            {
                "key": "B",
                "text": "抱歉，我帮您催一下。",
                "score": 0.5,
                "why": "有歉意但没有时间承诺",
                "correct": False,
            },
            {"key": "C", "text": "这不归我们管，您去找银行。", "score": 0.0, "why": "推诿", "correct": False},
        ],
    )


def short(code: str, item: str = "att_empathy") -> Question:
    return Question.objects.create(
        code=code,
        type="short",
        items=[item],
        stem="客户情绪激动时，你会如何回应？",
        reference_answer="先致歉共情，再说明处理步骤和时间。",
        rubric=[
            {"point": "致歉与共情", "keywords": ["抱歉", "理解"], "weight": 1},
            {"point": "给出时间承诺", "keywords": ["今天", "小时内"], "weight": 1},
        ],
    )


def blueprint(rules, *, title="测试考试", minutes=30, pass_mark=60, attempts=2, certifies=False) -> Blueprint:
    bp = Blueprint.objects.create(
        title=title,
        time_limit_minutes=minutes,
        pass_mark=pass_mark,
        attempts_allowed=attempts,
        certifies=certifies,
        certificate_valid_months=12 if certifies else None,
    )
    for i, (scope, qtype, count, points) in enumerate(rules):
        BlueprintRule.objects.create(
            blueprint=bp,
            position=i,
            item_code=scope if scope.count("_") else "",
            dimension="" if scope.count("_") else scope,
            type=qtype,
            count=count,
            points=points,
        )
    return bp


def exam_for(bp: Blueprint, users, *, trainer, opens=T0, hours=48, **kw) -> Exam:
    with clock.frozen_at(opens):
        return services.exam_create(
            actor=trainer,
            blueprint_id=bp.pk,
            opens_at=opens,
            closes_at=opens + dt.timedelta(hours=hours),
            assignee_ids=[u.pk for u in users],
            **kw,
        )
