"""Question validation, response normalisation and scoring — plain Python on question snapshots (dicts),
no database, so the YAML files, the bank's forms, papers and the daily question all share one rule set.

Scoring rules (``points`` is what the question is worth in its paper):
- single / true_false: all the points when right, else 0.
- multiple: all the points only for exactly the correct set of options (no partial credit: choosing a
  wrong option or missing a right one scores 0).
- judgement (情景判断): points × the chosen option's ``score`` (0..1), so a good-but-not-best reply earns
  partial credit.
- short: graded by a trainer per rubric point; each point is worth points × weight / total weight. The
  *suggested* score gives a rubric point its full share when any of its keywords occurs in the answer,
  then subtracts 20 % of the points for each serious phrasing finding of the reply-coaching engine
  (推诿, 指责客户, 过度承诺, 不礼貌, 泄露个人信息 — ``kesu.triage.reply.lint_reply``), floored at 0. It is
  only a suggestion: the trainer's score is what counts.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils.translation import gettext as _

from kesu.common.errors import ValidationFailed

TYPES = ("single", "multiple", "true_false", "judgement", "short")
CHOICE_TYPES = ("single", "multiple", "judgement")
INDUSTRIES = ("finance", "retail", "ecommerce")

# Stable item codes (docs/academy.md) by dimension.
DIMENSIONS: dict[str, tuple[str, ...]] = {
    "knowledge": (
        "know_service",
        "know_process",
        "know_communication",
        "know_emotion",
        "know_law",
        "know_product",
        "know_crisis",
    ),
    "skill": (
        "skill_observation",
        "skill_judgement",
        "skill_communication",
        "skill_adaptability",
        "skill_coordination",
        "skill_learning",
    ),
    "attitude": (
        "att_responsibility",
        "att_empathy",
        "att_patience",
        "att_integrity",
        "att_confidentiality",
        "att_service",
    ),
}
ITEM_CODES: tuple[str, ...] = tuple(code for codes in DIMENSIONS.values() for code in codes)
# Names of the items (docs/academy.md) for when the competency app's current version is not at hand.
ITEM_NAMES: dict[str, str] = {
    "know_service": "客户服务理论",
    "know_process": "投诉处理流程",
    "know_communication": "沟通理论",
    "know_emotion": "情绪管理",
    "know_law": "法律法规",
    "know_product": "产品与业务知识",
    "know_crisis": "危机与舆情管理",
    "skill_observation": "观察能力",
    "skill_judgement": "判断能力",
    "skill_communication": "沟通表达",
    "skill_adaptability": "应变能力",
    "skill_coordination": "协调能力",
    "skill_learning": "学习能力",
    "att_responsibility": "责任心",
    "att_empathy": "同理心",
    "att_patience": "耐心",
    "att_integrity": "诚信",
    "att_confidentiality": "保密意识",
    "att_service": "服务意识",
}
OPTION_KEYS = "ABCDEFGH"
SERIOUS_PHRASING_PENALTY = Decimal("0.2")
CENT = Decimal("0.01")


def q2(value: Decimal | float | int) -> Decimal:
    return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)


def dimension_of(item_code: str) -> str:
    return next((dim for dim, codes in DIMENSIONS.items() if item_code in codes), "")


# ---- validation ----------------------------------------------------------------------------------------


def question_clean(data: dict[str, Any]) -> dict[str, Any]:
    """A question's fields checked and normalised; ValidationFailed (translated) says what is wrong.

    Accepts the YAML format of src/kesu/exams/content/questions/*.yaml and what the bank's form builds.
    """
    code = str(data.get("code") or "").strip()
    label = code or _("(new question)")

    def fail(message: str) -> ValidationFailed:
        return ValidationFailed(_("Question %(code)s: %(problem)s") % {"code": label, "problem": message})

    if not code or len(code) > 40 or not re.fullmatch(r"[A-Za-z0-9_\-.]+", code):
        raise fail(_("the code must be 1–40 letters, digits, '-', '_' or '.'."))
    qtype = data.get("type")
    if qtype not in TYPES:
        raise fail(_("unknown type %(type)r.") % {"type": qtype})
    items = data.get("items") or []
    if isinstance(items, str):
        items = [items]
    items = list(dict.fromkeys(str(i).strip() for i in items if str(i).strip()))
    if not items:
        raise fail(_("tag it with at least one competency item."))
    unknown = [i for i in items if i not in ITEM_CODES]
    if unknown:
        raise fail(_("unknown competency items: %(items)s.") % {"items": ", ".join(unknown)})
    try:
        difficulty = int(data.get("difficulty") or 2)
    except (TypeError, ValueError):
        difficulty = 0
    if difficulty not in (1, 2, 3):
        raise fail(_("difficulty must be 1, 2 or 3."))
    industry = data.get("industry") or ""
    if industry not in ("", *INDUSTRIES):
        raise fail(_("unknown industry %(industry)r.") % {"industry": industry})
    stem = str(data.get("stem") or "").strip()
    if not stem:
        raise fail(_("the question text is empty."))
    if len(stem) > 4000:
        raise fail(_("the question text is longer than 4000 characters."))
    out: dict[str, Any] = {
        "code": code,
        "type": qtype,
        "items": items,
        "difficulty": difficulty,
        "industry": industry,
        "stem": stem,
        "options": [],
        "answer": None,
        "reference_answer": "",
        "rubric": [],
        "explanation": str(data.get("explanation") or "").strip(),
    }
    if qtype in CHOICE_TYPES:
        out["options"] = _clean_options(qtype, data.get("options") or [], fail)
    elif qtype == "true_false":
        answer = data.get("answer")
        if not isinstance(answer, bool):
            raise fail(_("a true/false question needs the answer true or false."))
        out["answer"] = answer
    else:
        reference = str(data.get("reference_answer") or "").strip()
        if not reference:
            raise fail(_("a short-answer question needs a reference answer."))
        out["reference_answer"] = reference
        out["rubric"] = _clean_rubric(data.get("rubric") or [], fail)
    return out


def _clean_options(qtype: str, raw: list, fail) -> list[dict[str, Any]]:
    if not isinstance(raw, list) or len(raw) < 2:
        raise fail(_("a choice question needs at least two options."))
    if len(raw) > len(OPTION_KEYS):
        raise fail(_("at most %(n)d options.") % {"n": len(OPTION_KEYS)})
    options = []
    for index, opt in enumerate(raw):
        if not isinstance(opt, dict):
            raise fail(_("option %(n)d is not well-formed.") % {"n": index + 1})
        text = str(opt.get("text") or "").strip()
        if not text:
            raise fail(_("option %(n)d has no text.") % {"n": index + 1})
        key = str(opt.get("key") or OPTION_KEYS[index]).strip().upper()
        clean: dict[str, Any] = {"key": key, "text": text, "correct": bool(opt.get("correct"))}
        if qtype == "judgement":
            try:
                score = float(opt.get("score", 1.0 if clean["correct"] else 0.0))
            except (TypeError, ValueError):
                score = -1.0
            if not 0.0 <= score <= 1.0:
                raise fail(_("option %(key)s: the score must be between 0 and 1.") % {"key": key})
            clean["score"] = round(score, 2)
            clean["correct"] = clean["score"] >= 1.0
            clean["why"] = str(opt.get("why") or "").strip()
        options.append(clean)
    keys = [o["key"] for o in options]
    if len(set(keys)) != len(keys):
        raise fail(_("two options have the same key."))
    correct = sum(o["correct"] for o in options)
    if qtype == "single" and correct != 1:
        raise fail(_("a single-choice question needs exactly one correct option."))
    if qtype == "multiple" and correct < 1:
        raise fail(_("a multiple-choice question needs at least one correct option."))
    if qtype == "judgement" and correct < 1:
        raise fail(_("a situational-judgement question needs a best reply (an option with score 1)."))
    return options


def _clean_rubric(raw: list, fail) -> list[dict[str, Any]]:
    if not isinstance(raw, list) or not raw:
        raise fail(_("a short-answer question needs at least one rubric point."))
    rubric = []
    for index, point in enumerate(raw):
        if not isinstance(point, dict) or not str(point.get("point") or "").strip():
            raise fail(_("rubric point %(n)d has no description.") % {"n": index + 1})
        keywords = point.get("keywords") or []
        if isinstance(keywords, str):
            keywords = re.split(r"[,，、;；\s]+", keywords)
        keywords = [str(k).strip() for k in keywords if str(k).strip()]
        try:
            weight = float(point.get("weight", 1))
        except (TypeError, ValueError):
            weight = 0.0
        if weight <= 0:
            raise fail(_("rubric point %(n)d needs a weight above 0.") % {"n": index + 1})
        rubric.append({"point": str(point["point"]).strip(), "keywords": keywords, "weight": weight})
    return rubric


# ---- responses -----------------------------------------------------------------------------------------


def response_clean(question: dict[str, Any], raw: Any) -> Any:
    """The learner's raw answer (from a form or JSON) as stored; None for "no answer". Raises
    ValidationFailed for an answer that cannot belong to this question (an unknown option …)."""
    qtype = question["type"]
    keys = [o["key"] for o in question.get("options") or []]
    if raw is None or raw == "" or raw == []:
        return None
    if qtype in ("single", "judgement"):
        if isinstance(raw, list):
            raw = raw[0] if len(raw) == 1 else None
        value = str(raw).strip().upper() if raw is not None else ""
        if value not in keys:
            raise ValidationFailed(_("Choose one of the options."))
        return value
    if qtype == "multiple":
        values = raw if isinstance(raw, list) else [raw]
        chosen = sorted({str(v).strip().upper() for v in values if str(v).strip()})
        if any(v not in keys for v in chosen):
            raise ValidationFailed(_("Choose among the options shown."))
        return chosen or None
    if qtype == "true_false":
        if isinstance(raw, bool):
            return raw
        value = str(raw).strip().lower()
        if value in ("true", "1", "yes", "对", "正确"):
            return True
        if value in ("false", "0", "no", "错", "错误"):
            return False
        raise ValidationFailed(_("Answer true or false."))
    text = str(raw)
    if len(text) > 5000:
        raise ValidationFailed(_("The answer is longer than 5000 characters."))
    return text.strip() or None


def score_auto(question: dict[str, Any], response: Any) -> Decimal:
    """Points earned by a choice / true-false / judgement answer (never called for short answers)."""
    points = Decimal(str(question.get("points", 1)))
    qtype = question["type"]
    if response is None:
        return q2(0)
    if qtype == "single":
        right = next((o["key"] for o in question["options"] if o["correct"]), None)
        return q2(points if response == right else 0)
    if qtype == "multiple":
        right = sorted(o["key"] for o in question["options"] if o["correct"])
        return q2(points if sorted(response) == right else 0)
    if qtype == "true_false":
        return q2(points if response is question["answer"] else 0)
    if qtype == "judgement":
        chosen = next((o for o in question["options"] if o["key"] == response), None)
        return q2(points * Decimal(str(chosen["score"] if chosen else 0)))
    raise ValueError(f"{qtype} answers are graded by a trainer")


def share_of(question: dict[str, Any], response: Any) -> float:
    """0..1: how right an auto-graded answer is (the daily question's feedback)."""
    worth = {**question, "points": 1}
    return float(score_auto(worth, response))


def rubric_max(question: dict[str, Any]) -> list[Decimal]:
    """What each rubric point is worth in this paper."""
    points = Decimal(str(question.get("points", 1)))
    total = sum(Decimal(str(p["weight"])) for p in question["rubric"]) or Decimal(1)
    return [q2(points * Decimal(str(p["weight"])) / total) for p in question["rubric"]]


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "").lower()


def suggest_short(question: dict[str, Any], response: str | None) -> dict[str, Any]:
    """The suggested score of a short answer: rubric keywords found, plus the reply-coaching engine's
    serious phrasing findings (see the module docstring)."""
    from kesu.triage.reply import lint_reply

    text = _fold(response or "")
    maxima = rubric_max(question)
    points_out = []
    for point, worth in zip(question["rubric"], maxima, strict=True):
        hits = [k for k in point["keywords"] if k and _fold(k) in text]
        points_out.append(
            {"point": point["point"], "max": str(worth), "hits": hits, "score": str(worth if hits else q2(0))}
        )
    findings = []
    if response:
        report = lint_reply(response)
        findings = [
            {"code": f.code, "label": f.label, "severity": f.severity, "words": list(f.words)}
            for f in report.findings
            if not f.code.startswith("missing_")
        ]
    serious = sum(1 for f in findings if f["severity"] == "high")
    points = Decimal(str(question.get("points", 1)))
    raw = sum((Decimal(p["score"]) for p in points_out), Decimal(0))
    total = max(Decimal(0), raw - points * SERIOUS_PHRASING_PENALTY * serious)
    return {"points": points_out, "findings": findings, "total": str(q2(total))}


# ---- item scores and levels ----------------------------------------------------------------------------


def level_for_share(share: float) -> float:
    """The competency level (1–5) an exam result is evidence of: linear in the share of the item's
    points earned — 0 % → 1.0, 25 % → 2.0, 50 % → 3.0, 75 % → 4.0, 100 % → 5.0 — rounded to 0.1."""
    share = min(1.0, max(0.0, share))
    return round(1.0 + 4.0 * share, 1)


def evidence_weight(question_count: int) -> float:
    """An item measured by one question is weak evidence: weight 0.25 per question, at most 1.0."""
    return min(1.0, 0.25 * question_count)


def item_scores(paper: list[dict[str, Any]], scores: dict[int, Decimal]) -> dict[str, dict[str, Any]]:
    """Per item code: points earned, points possible, share, level, number of questions. A question
    tagged with several items counts fully for each."""
    out: dict[str, dict[str, Any]] = {}
    for position, question in enumerate(paper):
        earned = scores.get(position, Decimal(0))
        worth = Decimal(str(question.get("points", 1)))
        for code in question["items"]:
            row = out.setdefault(code, {"score": Decimal(0), "max": Decimal(0), "questions": 0})
            row["score"] += earned
            row["max"] += worth
            row["questions"] += 1
    for row in out.values():
        share = float(row["score"] / row["max"]) if row["max"] else 0.0
        row["share"] = round(share, 4)
        row["level"] = level_for_share(share)
        row["score"] = str(q2(row["score"]))
        row["max"] = str(q2(row["max"]))
    return dict(sorted(out.items()))
