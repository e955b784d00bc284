"""Demands (诉求) and the deeper needs behind them (需求分层: 被尊重, 安全感, 公平, 时间/效率).

The surface demand comes from explicit words ("退款", "道歉", "给个说法"). The deeper need comes from
the words that reveal it ("当着其他顾客的面" → respect, "孩子差点" → safety); when none does, each
demand's usual need is assumed. The category and flags add what they imply (a safety flag always means
the customer needs to feel safe; an attitude complaint is about respect).
"""

from __future__ import annotations

from typing import Any

from kesu.triage.matching import Matcher, negated
from kesu.triage.models import Cue, Demand
from kesu.triage.resources import load_yaml

_CATEGORY_NEEDS = {
    "attitude": "respect",
    "safety": "safety",
    "privacy": "safety",
    "special_needs": "respect",
    "promise_broken": "fairness",
    "logistics": "time",
}
_FLAG_NEEDS = {"safety": "safety", "privacy_leak": "safety"}


class DemandDetector:
    def __init__(self, data: dict[str, Any] | None = None) -> None:
        data = data if data is not None else load_yaml("demands.yaml")
        self.demands: list[tuple[str, str, tuple[str, ...], Matcher]] = []
        for entry in data.get("demands", []):
            terms = {str(t).lower(): 1.0 for t in entry.get("terms") or []}
            patterns = [(str(p), 1.0) for p in entry.get("patterns") or []]
            self.demands.append(
                (
                    str(entry["code"]),
                    str(entry["label"]),
                    tuple(entry.get("needs") or ()),
                    Matcher(terms, patterns),
                )
            )
        self.need_labels = {str(k): str(v) for k, v in (data.get("need_labels") or {}).items()}
        self._need_matchers = {
            str(code): Matcher({str(t).lower(): 1.0 for t in spec.get("terms") or []})
            for code, spec in (data.get("needs") or {}).items()
        }

    def detect(
        self, text: str, *, category: str = "", flags: tuple[str, ...] = ()
    ) -> tuple[tuple[Demand, ...], tuple[str, ...]]:
        revealed: dict[str, list[Cue]] = {}
        for need, matcher in self._need_matchers.items():
            for hit in matcher.find(text):
                if not negated(text, hit.start):
                    revealed.setdefault(need, []).append(Cue("need", hit.text, hit.start, hit.end, 1.0))
        demands = []
        for code, label, default_needs, matcher in self.demands:
            cues: dict[str, Cue] = {}
            for hit in matcher.find(text):
                if hit.text not in cues and not negated(text, hit.start):
                    cues[hit.text] = Cue("demand", hit.text, hit.start, hit.end, 1.0)
            if not cues:
                continue
            needs = tuple(n for n in default_needs if n in revealed) or default_needs
            demands.append(Demand(code, label, tuple(cues.values()), needs))
        all_needs: list[str] = []
        for need in (
            [*revealed]
            + [n for d in demands for n in d.underlying_needs]
            + [_CATEGORY_NEEDS.get(category, "")]
            + [_FLAG_NEEDS.get(f, "") for f in flags]
        ):
            if need and need not in all_needs:
                all_needs.append(need)
        return tuple(demands), tuple(all_needs)
