"""Category: curated lexicons and rules from day one, a trained linear model when one is installed.

Invariants:
- ``RuleClassifier`` always answers; ``categorize`` uses the model's label only when the model's
  probability reaches the threshold, otherwise the rules' label;
- every result says where it came from (``source``) and the version of what produced it
  (``model_version``: ``rules:<hash of the taxonomy file>`` or the trained model's version);
- the cues are the words that drove the label: the lexicon words found for the rules, the n-grams with
  the largest contribution to the winning class for the model.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from typing import Any

from kesu.triage.matching import Matcher
from kesu.triage.models import CategoryResult, Cue
from kesu.triage.resources import load_yaml, shipped_path


@dataclass(frozen=True, slots=True)
class Category:
    code: str
    label: str


class RuleClassifier:
    def __init__(self, taxonomy: dict[str, Any] | None = None) -> None:
        data = taxonomy if taxonomy is not None else load_yaml("taxonomy.yaml")
        self.min_score = float(data.get("min_score", 1.0))
        self.fallback = str(data.get("fallback", "other"))
        self.categories: list[Category] = []
        self._matchers: list[Matcher] = []
        for entry in data.get("categories", []):
            code = str(entry["code"])
            self.categories.append(Category(code, str(entry.get("label", code))))
            terms = {str(t).lower(): float(w) for t, w in (entry.get("terms") or {}).items()}
            patterns = [(str(p), float(w)) for p, w in (entry.get("patterns") or [])]
            self._matchers.append(Matcher(terms, patterns))
        self.labels = {c.code: c.label for c in self.categories}
        if self.fallback not in self.labels:
            self.labels[self.fallback] = self.fallback
        raw = shipped_path("taxonomy.yaml").read_bytes() if taxonomy is None else repr(data).encode()
        self.version = "rules:" + hashlib.sha256(raw).hexdigest()[:10]

    def scores(self, text: str) -> list[tuple[str, float, list[Cue]]]:
        out = []
        for category, matcher in zip(self.categories, self._matchers, strict=True):
            seen: dict[str, Cue] = {}
            for hit in matcher.find(text):
                if hit.text not in seen:
                    seen[hit.text] = Cue("category", hit.text, hit.start, hit.end, hit.payload)
            total = sum(c.weight for c in seen.values())
            out.append((category.code, total, sorted(seen.values(), key=lambda c: (-c.weight, c.start))))
        return out

    def classify(self, text: str) -> CategoryResult:
        ranked = sorted(self.scores(text), key=lambda s: -s[1])  # stable: ties keep taxonomy order
        top_code, top, cues = ranked[0]
        second = ranked[1][1] if len(ranked) > 1 else 0.0
        score_table = tuple((code, round(score, 2)) for code, score, _ in ranked if score > 0)
        if top < self.min_score:
            return CategoryResult(
                code=self.fallback,
                label=self.labels[self.fallback],
                confidence=0.3,
                cues=tuple(c for c in cues if c.weight > 0)[:5],
                source="rules",
                model_version=self.version,
                scores=score_table,
            )
        # Confidence grows with the evidence (top) and with the margin over the runner-up.
        confidence = (top / (top + max(second, 0.0))) * (1.0 - math.exp(-top / 2.5))
        return CategoryResult(
            code=top_code,
            label=self.labels[top_code],
            confidence=round(min(max(confidence, 0.05), 0.99), 3),
            cues=tuple(c for c in cues if c.weight > 0)[:8],
            source="rules",
            model_version=self.version,
            scores=score_table,
        )
