"""Plain data that crosses the triage boundary: frozen dataclasses in, frozen dataclasses out.

Nothing here knows about Django or the desk. Spans (``start``, ``end``) always index the *normalised*
text (``Normalized.text``), because that is the text every detector reads; the desk shows the normalised
text beside a cue when it highlights one.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

ANGER_LABELS: tuple[str, ...] = ("平静", "不满", "生气", "愤怒", "暴怒")


@dataclass(frozen=True, slots=True)
class Cue:
    """One piece of evidence: the words found, where, what kind of evidence, and how much it weighed."""

    kind: str
    text: str
    start: int
    end: int
    weight: float = 1.0


@dataclass(frozen=True, slots=True)
class TriageInput:
    text: str | bytes | None
    channel: str | None = None
    sector: str | None = None


@dataclass(frozen=True, slots=True)
class Normalized:
    """The text every detector reads, and what normalisation had to do to get it.

    ``degraded`` is true when the input was empty, binary or mis-encoded: the analysis still runs and
    returns a result, but the desk must show ``notes`` instead of trusting it blindly.
    """

    text: str
    original_length: int
    truncated: bool = False
    degraded: bool = False
    notes: tuple[str, ...] = ()
    converted_traditional: bool = False
    emoji_cues: tuple[Cue, ...] = ()


@dataclass(frozen=True, slots=True)
class CategoryResult:
    code: str
    label: str
    confidence: float
    cues: tuple[Cue, ...] = ()
    source: str = "rules"  # "rules" or "model"
    model_version: str = "rules"
    scores: tuple[tuple[str, float], ...] = ()


@dataclass(frozen=True, slots=True)
class AngerResult:
    level: int
    label: str
    score: float
    cues: tuple[Cue, ...] = ()
    script: str = ""


@dataclass(frozen=True, slots=True)
class Flag:
    code: str
    label: str
    cues: tuple[Cue, ...] = ()


@dataclass(frozen=True, slots=True)
class Demand:
    code: str
    label: str
    cues: tuple[Cue, ...] = ()
    underlying_needs: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Analysis:
    category: CategoryResult
    anger: AngerResult
    flags: tuple[Flag, ...]
    demands: tuple[Demand, ...]
    underlying_needs: tuple[str, ...]
    normalized: Normalized
    engine_version: str

    @property
    def degraded(self) -> bool:
        return self.normalized.degraded

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of ``kesu triage --json`` (stable keys: category, confidence, anger_level,
        flags, demands, cues)."""
        cues: list[dict[str, Any]] = []
        for cue in self.category.cues:
            cues.append({"for": "category", **asdict(cue)})
        for cue in self.anger.cues:
            cues.append({"for": "anger", **asdict(cue)})
        for flag in self.flags:
            for cue in flag.cues:
                cues.append({"for": f"flag:{flag.code}", **asdict(cue)})
        for demand in self.demands:
            for cue in demand.cues:
                cues.append({"for": f"demand:{demand.code}", **asdict(cue)})
        return {
            "category": self.category.code,
            "category_label": self.category.label,
            "confidence": round(self.category.confidence, 3),
            "category_source": self.category.source,
            "model_version": self.category.model_version,
            "anger_level": self.anger.level,
            "anger_label": self.anger.label,
            "script": self.anger.script,
            "flags": [flag.code for flag in self.flags],
            "flag_labels": [flag.label for flag in self.flags],
            "demands": [demand.code for demand in self.demands],
            "demand_labels": [demand.label for demand in self.demands],
            "underlying_needs": list(self.underlying_needs),
            "cues": cues,
            "degraded": self.normalized.degraded,
            "truncated": self.normalized.truncated,
            "notes": list(self.normalized.notes),
            "engine_version": self.engine_version,
        }


@dataclass(frozen=True, slots=True)
class Finding:
    """One atomic yes/no check of a reply. ``severity`` is "credit" for good practice found."""

    code: str
    label: str
    severity: str  # "high", "medium", "low" or "credit"
    start: int
    end: int
    words: tuple[str, ...] = ()
    suggestion: str = ""


@dataclass(frozen=True, slots=True)
class ReplyContext:
    """What the reply answers: the complaint text, or its analysis, when known."""

    complaint_text: str = ""
    demands: tuple[str, ...] = ()
    anger_level: int | None = None


@dataclass(frozen=True, slots=True)
class ReplyReport:
    score: int
    findings: tuple[Finding, ...] = ()
    credits: tuple[Finding, ...] = ()
    normalized: Normalized = field(default_factory=lambda: Normalized(text="", original_length=0))

    def to_dict(self) -> dict[str, Any]:
        return {
            "score": self.score,
            "findings": [asdict(f) for f in self.findings],
            "credits": [asdict(f) for f in self.credits],
            "degraded": self.normalized.degraded,
            "notes": list(self.normalized.notes),
        }
