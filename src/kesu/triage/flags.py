"""Sensitivity flags (隐私泄露, 人身安全/事故, 法律威胁, 监管投诉, 媒体/舆情, 群体性) with their cues.

A flag is raised when the weights of its distinct cues reach the threshold; a word right after a
negator ("没有人受伤") does not count. Flags route complaints to the high-sensitivity workflow, so the
lexicon (``lexicons/flags.yaml``) favours precision: weak words need a second cue.
"""

from __future__ import annotations

from typing import Any

from kesu.triage.matching import Matcher, negated
from kesu.triage.models import Cue, Flag
from kesu.triage.resources import load_yaml


class FlagDetector:
    def __init__(self, data: dict[str, Any] | None = None) -> None:
        data = data if data is not None else load_yaml("flags.yaml")
        self.threshold = float(data.get("threshold", 1.0))
        self.flags: list[tuple[str, str, Matcher]] = []
        for entry in data.get("flags", []):
            terms = {str(t).lower(): float(w) for t, w in (entry.get("terms") or {}).items()}
            patterns = [(str(p), float(w)) for p, w in (entry.get("patterns") or [])]
            self.flags.append(
                (str(entry["code"]), str(entry.get("label", entry["code"])), Matcher(terms, patterns))
            )
        self.labels = {code: label for code, label, _ in self.flags}

    def detect(self, text: str) -> tuple[Flag, ...]:
        found = []
        for code, label, matcher in self.flags:
            seen: dict[str, Cue] = {}
            for hit in matcher.find(text):
                if hit.text in seen or negated(text, hit.start):
                    continue
                seen[hit.text] = Cue("flag", hit.text, hit.start, hit.end, hit.payload)
            if seen and sum(c.weight for c in seen.values()) >= self.threshold:
                found.append(Flag(code, label, tuple(sorted(seen.values(), key=lambda c: c.start))))
        return tuple(found)
