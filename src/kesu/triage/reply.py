"""Reply coaching: ``lint_reply(text, context)`` → score 0-100, findings and credits.

Every finding is one atomic yes/no check (推诿, 指责客户, 过度承诺, 语言不礼貌, 否定措辞, 未解释的术语,
泄露个人信息, 缺少共情, 缺少担当, 没有下一步或时间) with the words that triggered it, the span of the
first occurrence in the normalised reply, its severity and a suggested rewrite. Credits (共情, 担当,
下一步和时间, 复述诉求, 分步骤, 先开放后封闭提问) add to the score. The words live in
``lexicons/reply.yaml``; personal data is found with phonenumbers (Chinese phone numbers), python-stdnum
(resident identity numbers with their checksum, bank card numbers with the Luhn check). A phrasing word
(推诿, 指责, 过度承诺, 不礼貌, 否定) that the handler reports in order to apologise for it — 对于店员说
“你爱买不买”这句话，我们深表歉意 — is not a finding (``speech.py`` says when words are reported speech).

Score: 100 minus the penalties of the findings (high 25, medium 12, low 5) plus 5 for each of the three
advanced credits (restating, steps, questions), clamped to 0-100. Never raises.
"""

from __future__ import annotations

import functools
import re
from typing import Any

import phonenumbers
from stdnum import luhn
from stdnum.cn import ric

from kesu.triage.matching import Matcher
from kesu.triage.models import Finding, Normalized, ReplyContext, ReplyReport
from kesu.triage.normalize import normalize
from kesu.triage.resources import load_yaml
from kesu.triage.speech import ReportedSpeech

_DIGITS = re.compile(r"\d[\d\s-]{6,}\d")
_ID = re.compile(r"(?<![0-9])[0-9]{17}[0-9x](?![0-9a-z])")
_CARD = re.compile(r"(?<![0-9])[0-9]{16,19}(?![0-9])")


def _mask(number: str) -> str:
    digits = re.sub(r"\D", "", number)
    if len(digits) <= 7:
        return "*" * len(digits)
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]


class ReplyLinter:
    def __init__(self, data: dict[str, Any] | None = None) -> None:
        data = data if data is not None else load_yaml("reply.yaml")
        self.penalties = {str(k): int(v) for k, v in data["penalties"].items()}
        self.credit_bonus = int(data.get("credit_bonus", 5))
        self.checks: list[dict[str, Any]] = []
        for check in data.get("checks", []):
            terms = check.get("terms") or []
            if isinstance(terms, dict):
                words = {str(k).lower(): str(v) for k, v in terms.items()}
            else:
                words = {str(t).lower(): "" for t in terms}
            self.checks.append(
                {
                    "code": check["code"],
                    "label": check["label"],
                    "severity": check["severity"],
                    "suggestion": check.get("suggestion", ""),
                    "matcher": Matcher(words, [(p, "") for p in check.get("patterns") or []]),
                    "exclude_before": tuple(check.get("exclude_before") or ()),
                    "exclude_after": tuple(check.get("exclude_after") or ()),
                    "explained_by": tuple(check.get("explained_by") or ()),
                }
            )
        missing = data["missing"]
        self.min_length = int(missing.get("min_length", 12))
        self.missing = {k: v for k, v in missing.items() if isinstance(v, dict)}
        self.empathy = Matcher({str(t): 1 for t in data["empathy_terms"]})
        ownership = {str(t): 1 for t in data["ownership_terms"]}
        ownership.update({str(t): 0 for t in data.get("ownership_exclude") or []})
        self.ownership = Matcher(ownership, [(str(p), 1) for p in data.get("ownership_patterns") or []])
        self.time = [re.compile(p) for p in data["time_patterns"]]
        self.commitment = Matcher({str(t): 1 for t in data.get("commitment_terms") or []})
        self.credits = data["credits"]
        self.speech = ReportedSpeech(data.get("reported_speech") or {"applies_to": []})
        self.restating = [re.compile(p) for p in self.credits["restating"].get("patterns", [])]
        self.steps = [re.compile(p) for p in self.credits["steps"].get("patterns", [])]
        self.open_q = [re.compile(p) for p in self.credits["questions"]["open"]]
        self.closed_q = [re.compile(p) for p in self.credits["questions"]["closed"]]

    # --- checks on words found ---------------------------------------------------------------------

    def _word_checks(self, text: str) -> list[Finding]:
        findings = []
        found = [(check, list(check["matcher"].find(text))) for check in self.checks]
        # reported speech is looked for only around phrasing words, and only when there are some
        at = [h.start for check, hs in found if check["code"] in self.speech.codes for h in hs]
        reported = self.speech.spans(text, at=at) if at else ()
        for check, check_hits in found:
            hits = []
            for hit in check_hits:
                if check["code"] in self.speech.codes and any(r.covers(hit.start, hit.end) for r in reported):
                    continue  # the handler quotes someone's words to apologise for them
                before = text[max(0, hit.start - 2) : hit.start]
                after = text[hit.end : hit.end + 1]
                if any(before.endswith(x) for x in check["exclude_before"]):
                    continue
                if after and any(after.startswith(x) for x in check["exclude_after"]):
                    continue
                if check["explained_by"]:
                    window = text[hit.end : hit.end + 6]
                    if any(
                        window.lstrip(",，：: ").startswith(x) or x in window[:4]
                        for x in check["explained_by"]
                    ):
                        continue
                hits.append(hit)
            if not hits:
                continue
            hits.sort(key=lambda h: h.start)
            if check["code"] == "jargon":
                for hit in hits:  # one finding per term: each has its own plain-words rewrite
                    findings.append(
                        Finding(
                            "jargon",
                            check["label"],
                            check["severity"],
                            hit.start,
                            hit.end,
                            (hit.text,),
                            f"{hit.text} → {hit.payload}" if hit.payload else "",
                        )
                    )
                continue
            words = tuple(dict.fromkeys(h.text for h in hits))
            findings.append(
                Finding(
                    check["code"],
                    check["label"],
                    check["severity"],
                    hits[0].start,
                    hits[0].end,
                    words,
                    check["suggestion"],
                )
            )
        return findings

    def _personal_data(self, text: str) -> list[Finding]:
        if not _DIGITS.search(text):
            return []
        found: list[tuple[int, int, str, str]] = []
        for m in _ID.finditer(text):
            if ric.is_valid(m.group().upper()):
                found.append((m.start(), m.end(), m.group(), "身份证号"))
        for m in _CARD.finditer(text):
            if any(s <= m.start() < e for s, e, _, _ in found):
                continue
            if luhn.is_valid(m.group()):
                found.append((m.start(), m.end(), m.group(), "银行卡号"))
        for match in phonenumbers.PhoneNumberMatcher(text, "CN", leniency=phonenumbers.Leniency.VALID):
            if any(s <= match.start < e for s, e, _, _ in found):
                continue
            found.append((match.start, match.end, match.raw_string, "电话号码"))
        if not found:
            return []
        found.sort()
        words = tuple(w for _, _, w, _ in found)
        masked = "；".join(f"{kind} {w} → {_mask(w)}" for _, _, w, kind in found)
        return [
            Finding(
                "personal_data",
                "泄露个人信息",
                "high",
                found[0][0],
                found[0][1],
                words,
                f"回复中不要写完整的号码，请脱敏：{masked}",
            )
        ]

    # --- presence checks and credits -------------------------------------------------------------

    def _has_time(self, text: str) -> re.Match[str] | None:
        """The first time expression whose clause also commits to something ("今天下午5点前给您回电"),
        not a time that only describes the past or a rule ("超过七天了", "上周五那笔")."""
        for rx in self.time:
            for m in rx.finditer(text):
                if text[max(0, m.start() - 1) : m.start()] == "上":
                    continue
                left = max(text.rfind(p, 0, m.start()) for p in ",，。!！?？;；")
                rights = [i for i in (text.find(p, m.end()) for p in ",，。!！?？;；") if i >= 0]
                clause = text[left + 1 : min(rights) if rights else len(text)]
                if next(self.commitment.find(clause), None) is not None:
                    return m
        return None

    def lint(self, text: str | bytes | None, context: ReplyContext | None = None) -> ReplyReport:
        norm = normalize(text, max_chars=5000)
        try:
            return self._lint(norm, context or ReplyContext())
        except Exception as exc:  # noqa: BLE001 - never raise while a handler types
            notes = (*norm.notes, f"lint failed: {exc!r}")
            return ReplyReport(score=0, normalized=_with_notes(norm, notes))

    def _lint(self, norm: Normalized, context: ReplyContext) -> ReplyReport:
        text = norm.text
        if not text:
            return ReplyReport(
                score=0,
                findings=(Finding("empty", "回复为空", "high", 0, 0, (), "请先写下对客户的回复。"),),
                normalized=norm,
            )
        findings = self._word_checks(text) + self._personal_data(text)
        credits: list[Finding] = []

        empathy = list(self.empathy.find(text))
        ownership = [h for h in self.ownership.find(text) if h.payload]
        time_match = self._has_time(text)
        presence = {"empathy": empathy, "ownership": ownership}
        long_enough = len(text) >= self.min_length
        for code in ("empathy", "ownership"):
            hits = presence[code]
            if hits:
                credits.append(
                    Finding(
                        code,
                        self.credits[code]["label"],
                        "credit",
                        hits[0].start,
                        hits[0].end,
                        tuple(dict.fromkeys(h.text for h in hits)),
                    )
                )
            elif long_enough:
                spec = self.missing[code]
                severity = spec["severity"]
                if code == "empathy" and context.anger_level is not None and context.anger_level >= 3:
                    severity = "high"  # an angry customer must hear it first
                findings.append(
                    Finding("missing_" + code, spec["label"], severity, 0, 0, (), spec["suggestion"])
                )
        if time_match:
            credits.append(
                Finding(
                    "next_step",
                    self.credits["next_step"]["label"],
                    "credit",
                    time_match.start(),
                    time_match.end(),
                    (time_match.group(),),
                )
            )
        elif long_enough:
            spec = self.missing["next_step"]
            findings.append(
                Finding("missing_next_step", spec["label"], spec["severity"], 0, 0, (), spec["suggestion"])
            )

        restating = self._restating(text, context)
        if restating:
            credits.append(Finding("restating", self.credits["restating"]["label"], "credit", *restating))
        steps = [m for rx in self.steps for m in rx.finditer(text)]
        if (
            steps
            and time_match
            and re.search(r"(然后|接着|其次|再|最后|第二|2[.、)）]|②|二[、是])", text[steps[0].end() :])
        ):
            credits.append(
                Finding(
                    "steps",
                    self.credits["steps"]["label"],
                    "credit",
                    steps[0].start(),
                    steps[0].end(),
                    (steps[0].group(),),
                )
            )
        questions = self._questions(text)
        if questions:
            credits.append(Finding("questions", self.credits["questions"]["label"], "credit", *questions))

        penalty = sum(self.penalties.get(f.severity, 0) for f in findings)
        bonus = self.credit_bonus * sum(1 for c in credits if c.code in ("restating", "steps", "questions"))
        score = max(0, min(100, 100 - penalty + bonus))
        findings.sort(key=lambda f: (f.start, f.code))
        return ReplyReport(score=score, findings=tuple(findings), credits=tuple(credits), normalized=norm)

    def _restating(self, text: str, context: ReplyContext) -> tuple[int, int, tuple[str, ...]] | None:
        for rx in self.restating:
            m = rx.search(text)
            if m:
                return m.start(), m.end(), (m.group(),)
        if context.complaint_text or context.demands:
            words = set(context.demands)
            if context.complaint_text:
                from kesu.triage.engine import get_engine

                analysis = get_engine().analyze(context.complaint_text)
                words |= {cue.text for d in analysis.demands for cue in d.cues if len(cue.text) >= 2}
            for word in sorted(words, key=len, reverse=True):
                pos = text.find(word)
                if pos >= 0:
                    return pos, pos + len(word), (word,)
        return None

    def _questions(self, text: str) -> tuple[int, int, tuple[str, ...]] | None:
        for rx in self.open_q:
            m = rx.search(text)
            if not m:
                continue
            for cx in self.closed_q:
                c = cx.search(text, m.end())
                if c:
                    return m.start(), c.end(), (m.group(), c.group())
        return None


def _with_notes(norm: Normalized, notes: tuple[str, ...]) -> Normalized:
    return Normalized(
        text=norm.text,
        original_length=norm.original_length,
        truncated=norm.truncated,
        degraded=True,
        notes=notes,
        converted_traditional=norm.converted_traditional,
        emoji_cues=norm.emoji_cues,
    )


@functools.cache
def get_linter() -> ReplyLinter:
    return ReplyLinter()


def lint_reply(text: str | bytes | None, context: ReplyContext | None = None) -> ReplyReport:
    """Coach one reply with the process-wide linter."""
    return get_linter().lint(text, context)
