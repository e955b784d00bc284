"""Drawing a paper from a blueprint.

Invariants:
- Reproducible: the same bank, blueprint and seed give the same paper (candidates are sorted by code
  before ``random.Random(seed).sample``; the seed is stored on the attempt).
- No question appears twice in a paper, even when two rules could both pick it.
- Rules naming one item are served before rules naming a whole dimension, so a broad rule does not use
  up the only questions a narrow rule can take.
- A bank that cannot fill a rule raises ValidationFailed naming the rule, how many it needs and how many
  active questions it could use; nothing is drawn.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from kesu.common.errors import ValidationFailed
from kesu.exams.grading import DIMENSIONS
from kesu.exams.models import Question, QuestionType


@dataclass(frozen=True)
class Rule:
    item_code: str
    dimension: str
    type: str
    difficulty: int | None
    count: int
    points: int


def snapshot(question: Question, *, points: int = 1) -> dict[str, Any]:
    """What an attempt keeps of a question: enough to show it and grade it whatever happens later."""
    return {
        "code": question.code,
        "version": question.version,
        "type": question.type,
        "items": list(question.items),
        "difficulty": question.difficulty,
        "industry": question.industry,
        "stem": question.stem,
        "options": list(question.options),
        "answer": question.answer,
        "reference_answer": question.reference_answer,
        "rubric": list(question.rubric),
        "explanation": question.explanation,
        "points": points,
    }


def seed_for(*parts: object) -> int:
    """A stable 63-bit seed from the attempt's identity (not Python's salted hash())."""
    digest = hashlib.sha256(":".join(str(p) for p in parts).encode()).digest()
    return int.from_bytes(digest[:8], "big") >> 1


def rule_label(rule: Rule) -> str:
    scope = rule.item_code or rule.dimension
    qtype = QuestionType(rule.type).label
    if rule.difficulty:
        return _("%(scope)s · %(type)s · difficulty %(d)s") % {
            "scope": scope,
            "type": qtype,
            "d": rule.difficulty,
        }
    return f"{scope} · {qtype}"


def _matches(question: Question, rule: Rule) -> bool:
    if question.type != rule.type:
        return False
    if rule.difficulty and question.difficulty != rule.difficulty:
        return False
    if rule.item_code:
        return rule.item_code in question.items
    codes = DIMENSIONS.get(rule.dimension, ())
    return any(code in codes for code in question.items)


def draw(rules: Iterable[Rule], *, seed: int, bank: list[Question] | None = None) -> list[dict[str, Any]]:
    """The paper's question snapshots, in the blueprint's rule order."""
    rules = list(rules)
    if not rules:
        raise ValidationFailed(_("This blueprint has no rules: add at least one group of questions."))
    if bank is None:
        # Only what choosing needs; the drawn questions are read in full below.
        bank = list(
            Question.objects.filter(status=Question.Status.ACTIVE)
            .only("pk", "code", "type", "difficulty", "items")
            .order_by("code")
        )
    bank = sorted(bank, key=lambda q: q.code)
    rng = random.Random(seed)
    used: set[str] = set()
    drawn: dict[int, list[Question]] = {}
    order = sorted(range(len(rules)), key=lambda i: (0 if rules[i].item_code else 1, i))
    for index in order:
        rule = rules[index]
        candidates = [q for q in bank if q.code not in used and _matches(q, rule)]
        if len(candidates) < rule.count:
            raise ValidationFailed(
                _(
                    "The question bank cannot fill this blueprint: “%(rule)s” needs %(need)d questions, "
                    "only %(have)d active ones fit."
                )
                % {"rule": rule_label(rule), "need": rule.count, "have": len(candidates)},
                code="bank_insufficient",
            )
        picked = rng.sample(candidates, rule.count)
        used.update(q.code for q in picked)
        drawn[index] = picked
    full = Question.objects.in_bulk([q.pk for picked in drawn.values() for q in picked])
    return [snapshot(full[q.pk], points=rules[i].points) for i in range(len(rules)) for q in drawn[i]]
