"""Anger level 0-4 with its cues and the matching soothing script (情绪识别 + 安抚话术).

The level is a thresholded sum of cue weights (``lexicons/anger.yaml``): anger and disgust words,
milder dissatisfaction, insults, intensifiers, repeated contact, threats, sarcasm, runs of ! and ?,
emoji, and the phrases agents write in phone notes ("情绪激动"). Each kind's contribution is capped so
that one long rant of intensifiers cannot outweigh an insult. Floors and ceilings from the lexicon
settle the level when an explicit statement of the customer's state is present.
"""

from __future__ import annotations

import re
from typing import Any

from kesu.triage.matching import Matcher
from kesu.triage.models import ANGER_LABELS, AngerResult, Cue
from kesu.triage.resources import load_yaml

_RUNS = re.compile(r"!+|\?+")


class AngerDetector:
    def __init__(self, data: dict[str, Any] | None = None) -> None:
        data = data if data is not None else load_yaml("anger.yaml")
        self.thresholds = [float(t) for t in data["thresholds"]]
        self.labels = tuple(data.get("labels") or ANGER_LABELS)
        self.kinds: list[tuple[str, Matcher, float]] = []
        for kind, spec in (data.get("kinds") or {}).items():
            terms = {str(t).lower(): float(w) for t, w in (spec.get("terms") or {}).items()}
            patterns = [(str(p), float(w)) for p, w in (spec.get("patterns") or [])]
            self.kinds.append((str(kind), Matcher(terms, patterns), float(spec.get("weight_cap", 99))))
        self.floors = {str(k): int(v) for k, v in (data.get("floors") or {}).items()}
        self.ceilings = {str(k): int(v) for k, v in (data.get("ceilings") or {}).items()}
        self._floor_matcher = Matcher(self.floors)
        self._ceiling_matcher = Matcher(self.ceilings)
        self.punct = {str(k): float(v) for k, v in (data.get("punctuation") or {}).items()}
        self.insult_floor = int(data.get("insult_floor", 3))
        self.base = float(data.get("base", 0.0))
        self.flag_weights = {str(k): float(v) for k, v in (data.get("flag_weights") or {}).items()}
        self.flag_cap = float(data.get("flag_cap", 2.0))
        self.scripts = {int(k): str(v) for k, v in (data.get("scripts") or {}).items()}

    def _punctuation(self, text: str) -> tuple[float, list[Cue], int]:
        runs = []
        longest = 0
        for m in _RUNS.finditer(text):
            n = m.end() - m.start()
            longest = max(longest, n)
            if m.group()[0] == "!":
                w = (
                    self.punct["exclaim_1"]
                    if n == 1
                    else self.punct["exclaim_2"]
                    if n == 2
                    else self.punct["exclaim_3"]
                )
            else:
                w = 0.0 if n == 1 else self.punct["question_2"] if n == 2 else self.punct["question_3"]
            if w > 0:
                runs.append(Cue("punctuation", m.group(), m.start(), m.end(), w))
        if not runs:
            return 0.0, [], longest
        runs.sort(key=lambda c: -c.weight)
        total = runs[0].weight
        for cue in runs[1:]:
            total += self.punct["extra_run"] if len(cue.text) >= 3 else cue.weight * 0.6
        return min(total, self.punct["cap"]), runs[:6], longest

    def detect(self, text: str, extra_cues: tuple[Cue, ...] = (), flags: tuple[str, ...] = ()) -> AngerResult:
        cues: list[Cue] = []
        score = self.base if text else 0.0
        flag_score = sum(self.flag_weights.get(f, 0.0) for f in flags)
        if flag_score:
            score += min(flag_score, self.flag_cap)
            cues.extend(Cue("flag", f, -1, -1, self.flag_weights[f]) for f in flags if f in self.flag_weights)
        insult = False
        # A word inside a longer cue of another kind ("差" in "太差", "烦" in "不耐烦") is not counted
        # twice: the longest cue at a place wins.
        hits = [(kind, hit) for kind, matcher, _ in self.kinds for hit in matcher.find(text)]
        hits.sort(key=lambda kh: (-(kh[1].end - kh[1].start), kh[1].start))
        kept: dict[str, dict[str, Cue]] = {}
        taken: list[tuple[int, int]] = []
        for kind, hit in hits:
            if any(s <= hit.start and hit.end <= e for s, e in taken):
                continue
            taken.append((hit.start, hit.end))
            kept.setdefault(kind, {}).setdefault(
                hit.text, Cue(kind, hit.text, hit.start, hit.end, hit.payload)
            )
        for kind, _, cap in self.kinds:
            seen = kept.get(kind)
            if not seen:
                continue
            total = sum(c.weight for c in seen.values())
            total = max(total, cap) if cap < 0 else min(total, cap)
            score += total
            cues.extend(seen.values())
            if kind == "insult" and total > 0:
                insult = True
        punct_score, punct_cues, longest_run = self._punctuation(text)
        score += punct_score
        cues.extend(punct_cues)
        emoji_score = 0.0
        for cue in extra_cues:
            emoji_score += cue.weight
            cues.append(cue)
            if cue.kind == "insult_emoji":
                insult = True
        score += max(min(emoji_score, 2.0), -1.0)

        level = sum(1 for t in self.thresholds if score >= t)
        if insult:
            level = max(level, 4 if longest_run >= 3 else self.insult_floor)
        floors = [self.floors[h.text] for h in self._floor_matcher.find(text)]
        if floors:
            level = max(level, max(floors))
            cues.extend(
                Cue("agent_note", h.text, h.start, h.end, 0.0) for h in self._floor_matcher.find(text)
            )
        ceilings = [self.ceilings[h.text] for h in self._ceiling_matcher.find(text)]
        if ceilings:
            level = min(level, min(ceilings))
        level = max(0, min(4, level))
        cues.sort(key=lambda c: (c.start, -c.weight))
        return AngerResult(
            level=level,
            label=self.labels[level],
            score=round(score, 2),
            cues=tuple(cues),
            script=self.scripts.get(level, ""),
        )
