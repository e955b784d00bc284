"""The starter question bank (src/kesu/exams/content/questions/*.yaml) keeps the format the exams app loads.

No database: the files are read with pyyaml and checked question by question, then as a whole bank
(totals, per-item minimums, type and industry mix)."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
import yaml

import kesu.exams
from kesu.competency.content import ITEM_CODES as SHIPPED_ITEM_CODES

QUESTIONS_DIR = Path(kesu.exams.__file__).parent / "content" / "questions"

# The stable competency item codes of docs/academy.md.
ITEM_CODES = set(SHIPPED_ITEM_CODES)
# Items that carry more of the bank.
LARGER_ITEMS = {"know_process", "know_law", "skill_communication", "att_empathy", "know_emotion"}
TYPES = {"single", "multiple", "true_false", "judgement", "short"}
INDUSTRIES = {None, "finance", "retail", "ecommerce"}
OPTION_TYPES = {"single", "multiple", "judgement"}
COMMON_KEYS = {"code", "type", "items", "difficulty", "industry", "stem", "explanation"}
EXTRA_KEYS = {
    "single": {"options"},
    "multiple": {"options"},
    "judgement": {"options"},
    "true_false": {"answer"},
    "short": {"reference_answer", "rubric"},
}
CODE_RE = re.compile(r"^Q-(?P<item>[a-z_]+)-(?P<n>\d{3})$")


def _load(path: Path) -> list[dict]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, list), f"{path.name}: the file must be a YAML list of questions"
    return data


def _all_files() -> list[Path]:
    return sorted(QUESTIONS_DIR.glob("*.yaml"))


def _bank() -> list[tuple[str, dict]]:
    return [(path.stem, q) for path in _all_files() for q in _load(path)]


def _nonempty_text(value) -> bool:
    return isinstance(value, str) and value.strip() != ""


def test_there_is_one_file_per_competency_item():
    assert {p.stem for p in _all_files()} == ITEM_CODES


@pytest.mark.parametrize("path", _all_files(), ids=lambda p: p.stem)
def test_every_question_in_the_file_has_the_loadable_format(path: Path):
    # given the file of one competency item
    questions = _load(path)
    item = path.stem

    for q in questions:
        where = f"{path.name}:{q.get('code')}"
        # then the keys are exactly the common ones plus those of the type
        assert q.get("type") in TYPES, where
        assert set(q) == COMMON_KEYS | EXTRA_KEYS[q["type"]], f"{where}: keys {sorted(q)}"
        # code Q-<item_code>-NNN, the file's item first among 1-2 known items
        m = CODE_RE.match(q["code"])
        assert m and m["item"] == item, where
        assert isinstance(q["items"], list) and 1 <= len(q["items"]) <= 2, where
        assert q["items"][0] == item, where
        assert set(q["items"]) <= ITEM_CODES and len(set(q["items"])) == len(q["items"]), where
        assert q["difficulty"] in (1, 2, 3), where
        assert q["industry"] in INDUSTRIES, where
        assert _nonempty_text(q["stem"]) and _nonempty_text(q["explanation"]), where

        if q["type"] in OPTION_TYPES:
            _check_options(q, where)
        elif q["type"] == "true_false":
            assert isinstance(q["answer"], bool), where
        else:
            _check_short(q, where)


def _check_options(q: dict, where: str) -> None:
    options = q["options"]
    keys = [o.get("key") for o in options]
    if q["type"] == "judgement":
        assert 3 <= len(options) <= 4, where
        assert all(set(o) == {"key", "text", "correct", "score", "why"} for o in options), where
    else:
        assert len(options) == 4, where
        assert all(set(o) == {"key", "text", "correct"} for o in options), where
    assert keys == ["A", "B", "C", "D"][: len(options)], where
    assert all(_nonempty_text(o["text"]) and isinstance(o["correct"], bool) for o in options), where
    texts = [o["text"].strip() for o in options]
    assert len(set(texts)) == len(texts), f"{where}: duplicate option text"
    assert not any("以上都" in t for t in texts), f"{where}: no 'all of the above' options"
    n_correct = sum(o["correct"] for o in options)
    if q["type"] == "multiple":
        assert n_correct >= 2, f"{where}: a multiple-choice question needs at least two correct options"
        assert n_correct < len(options), f"{where}: at least one option must be wrong"
    else:
        assert n_correct == 1, f"{where}: exactly one correct option"
    if q["type"] == "judgement":
        for o in options:
            assert isinstance(o["score"], (int, float)) and 0 <= o["score"] <= 1, where
            assert _nonempty_text(o["why"]), where
        best = next(o for o in options if o["correct"])
        assert best["score"] == 1.0, f"{where}: the correct reply scores 1.0"
        assert all(o["score"] < 1.0 for o in options if not o["correct"]), where


def _check_short(q: dict, where: str) -> None:
    answer = q["reference_answer"]
    assert _nonempty_text(answer), where
    n_chars = len(re.sub(r"\s", "", answer))
    assert 80 <= n_chars <= 200, f"{where}: reference answer has {n_chars} characters, expected 80-200"
    rubric = q["rubric"]
    assert isinstance(rubric, list) and len(rubric) >= 2, where
    for point in rubric:
        assert set(point) == {"point", "keywords", "weight"}, where
        assert _nonempty_text(point["point"]), where
        assert isinstance(point["keywords"], list) and point["keywords"], where
        assert all(_nonempty_text(k) for k in point["keywords"]), f"{where}: keywords must be strings"
        assert isinstance(point["weight"], (int, float)) and point["weight"] > 0, where


def test_question_codes_are_unique_across_the_bank():
    codes = [q["code"] for _item, q in _bank()]
    duplicates = [c for c, n in Counter(codes).items() if n > 1]
    assert duplicates == []


def test_stems_are_not_repeated():
    stems = [q["stem"].strip() for _item, q in _bank()]
    assert [s for s, n in Counter(stems).items() if n > 1] == []


def test_the_bank_holds_enough_questions_per_item():
    per_item = Counter(item for item, _q in _bank())
    assert sum(per_item.values()) >= 220
    for item in ITEM_CODES:
        minimum = 15 if item in LARGER_ITEMS else 10
        assert per_item[item] >= minimum, f"{item}: {per_item[item]} questions, expected >= {minimum}"


def test_every_item_has_a_judgement_and_a_short_question_and_mixed_difficulty():
    for item in ITEM_CODES:
        questions = [q for i, q in _bank() if i == item]
        types = Counter(q["type"] for q in questions)
        assert types["judgement"] >= 1 and types["short"] >= 1, f"{item}: {dict(types)}"
        assert types["single"] >= 1 and types["multiple"] >= 1 and types["true_false"] >= 1, item
        assert len({q["difficulty"] for q in questions}) == 3, f"{item}: needs easy, medium and hard"


def test_the_type_and_industry_mix_is_close_to_the_blueprint():
    # the blueprint asks roughly 40 % single, 15 % multiple, 15 % true/false, 20 % judgement, 10 % short
    questions = [q for _item, q in _bank()]
    total = len(questions)
    share = {t: n / total for t, n in Counter(q["type"] for q in questions).items()}
    assert 0.33 <= share["single"] <= 0.47, share
    assert 0.10 <= share["multiple"] <= 0.20, share
    assert 0.10 <= share["true_false"] <= 0.20, share
    assert 0.15 <= share["judgement"] <= 0.25, share
    assert 0.07 <= share["short"] <= 0.14, share
    # and about a fifth is written for one industry, each of the three represented
    industries = Counter(q["industry"] for q in questions if q["industry"])
    assert 0.15 <= sum(industries.values()) / total <= 0.30, industries
    assert set(industries) == {"finance", "retail", "ecommerce"}


def test_right_answers_are_spread_over_the_option_keys():
    # A learner must not be able to score by always picking the same letter.
    keys = Counter(
        next(o["key"] for o in q["options"] if o["correct"])
        for _item, q in _bank()
        if q["type"] in ("single", "judgement")
    )
    total = sum(keys.values())
    assert set(keys) == {"A", "B", "C", "D"}, keys
    assert max(keys.values()) / total <= 0.35, keys
    # multiple-choice questions do not always leave the same option out
    wrong = Counter(
        next(o["key"] for o in q["options"] if not o["correct"])
        for _item, q in _bank()
        if q["type"] == "multiple"
    )
    assert len(wrong) >= 3 and max(wrong.values()) / sum(wrong.values()) <= 0.5, wrong
    # and the number of right options varies, so counting is no shortcut either
    n_right = Counter(
        sum(o["correct"] for o in q["options"]) for _item, q in _bank() if q["type"] == "multiple"
    )
    assert len(n_right) >= 2 and max(n_right.values()) / sum(n_right.values()) <= 0.8, n_right
    # true/false questions are not all true or all false
    answers = Counter(q["answer"] for _item, q in _bank() if q["type"] == "true_false")
    assert min(answers.values()) / sum(answers.values()) >= 0.35, answers
