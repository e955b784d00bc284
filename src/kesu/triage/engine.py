"""The triage engine: normalise once, run every detector, return one frozen ``Analysis``.

Invariants:
- ``analyze`` never raises: any failure inside a detector gives a degraded result that says so;
- lexicons, compiled matchers and the model are built once per process (``get_engine``) and reused;
  analysing a complaint does no file access and no heavy set-up;
- the result is a pure function of the text, the lexicon files and the model file (deterministic).
"""

from __future__ import annotations

import logging
import os
import threading
from pathlib import Path

from kesu.triage.anger import AngerDetector
from kesu.triage.category import RuleClassifier
from kesu.triage.demands import DemandDetector
from kesu.triage.flags import FlagDetector
from kesu.triage.model import DEFAULT_MODEL_PATH, MODEL_PATH_ENV, CategoryModel, load_model
from kesu.triage.models import (
    ANGER_LABELS,
    Analysis,
    AngerResult,
    CategoryResult,
    Cue,
    Normalized,
    TriageInput,
)
from kesu.triage.normalize import DEFAULT_MAX_CHARS, normalize

log = logging.getLogger(__name__)

ENGINE_VERSION = "1.0"
MODEL_THRESHOLD_ENV = "KESU_TRIAGE_MODEL_THRESHOLD"
DEFAULT_MODEL_THRESHOLD = 0.6

_NO_MODEL = object()


class Engine:
    def __init__(
        self,
        *,
        model_path: str | os.PathLike[str] | None | object = _NO_MODEL,
        model_threshold: float | None = None,
        max_chars: int = DEFAULT_MAX_CHARS,
    ) -> None:
        self.rules = RuleClassifier()
        self.anger = AngerDetector()
        self.flags = FlagDetector()
        self.demands = DemandDetector()
        self.max_chars = max_chars
        if model_path is _NO_MODEL:
            model_path = os.environ.get(MODEL_PATH_ENV) or (
                DEFAULT_MODEL_PATH if DEFAULT_MODEL_PATH.is_file() else None
            )
        self.model: CategoryModel | None = load_model(model_path) if model_path else None  # type: ignore[arg-type]
        self.model_path = Path(model_path) if model_path else None  # type: ignore[arg-type]
        if model_threshold is None:
            model_threshold = float(os.environ.get(MODEL_THRESHOLD_ENV, DEFAULT_MODEL_THRESHOLD))
        self.model_threshold = model_threshold

    def categorize(self, text: str) -> CategoryResult:
        rules = self.rules.classify(text)
        if self.model is None:
            return rules
        label, prob, contributions = self.model.predict(text)
        if prob >= self.model_threshold and label in self.rules.labels:
            cues = tuple(Cue("model", term, -1, -1, round(w, 3)) for term, w in contributions)
            # Lexicon words of the model's category are better explanations for a person: show them too.
            rule_cues = next((c for code, _, c in self.rules.scores(text) if code == label), [])
            return CategoryResult(
                code=label,
                label=self.rules.labels[label],
                confidence=round(prob, 3),
                cues=tuple(rule_cues[:5]) + cues,
                source="model",
                model_version=self.model.version,
                scores=rules.scores,
            )
        return rules

    def analyze(self, item: TriageInput | str | bytes | None) -> Analysis:
        raw = item.text if isinstance(item, TriageInput) else item
        norm = normalize(raw, max_chars=self.max_chars)
        try:
            return self._analyze(norm)
        except Exception as exc:  # noqa: BLE001 - never raise on a complaint; say it is degraded
            log.exception("triage: analysis failed")
            return _degraded(norm, f"analysis failed: {exc!r}", self.rules.version)

    def _analyze(self, norm: Normalized) -> Analysis:
        text = norm.text
        category = self.categorize(text)
        flags = self.flags.detect(text)
        anger = self.anger.detect(text, norm.emoji_cues, tuple(f.code for f in flags))
        demands, needs = self.demands.detect(text, category=category.code, flags=tuple(f.code for f in flags))
        return Analysis(
            category=category,
            anger=anger,
            flags=flags,
            demands=demands,
            underlying_needs=needs,
            normalized=norm,
            engine_version=ENGINE_VERSION,
        )


def _degraded(norm: Normalized, note: str, version: str) -> Analysis:
    degraded = Normalized(
        text=norm.text,
        original_length=norm.original_length,
        truncated=norm.truncated,
        degraded=True,
        notes=(*norm.notes, note),
        converted_traditional=norm.converted_traditional,
    )
    return Analysis(
        category=CategoryResult("other", "其他", 0.0, (), "rules", version),
        anger=AngerResult(0, ANGER_LABELS[0], 0.0),
        flags=(),
        demands=(),
        underlying_needs=(),
        normalized=degraded,
        engine_version=ENGINE_VERSION,
    )


_engine: Engine | None = None
_lock = threading.Lock()


def get_engine() -> Engine:
    """The process-wide engine, built on first use."""
    global _engine
    if _engine is None:
        with _lock:
            if _engine is None:
                _engine = Engine()
    return _engine


def reset() -> None:
    """Drop the process-wide engine (after a lexicon edit or a new model file)."""
    global _engine
    with _lock:
        _engine = None
    from kesu.triage import normalize as normalize_module
    from kesu.triage import reply as reply_module

    normalize_module._tables.cache_clear()
    reply_module.get_linter.cache_clear()  # reply coaching reads the same lexicon files


def analyze(text: str | bytes | None, *, channel: str | None = None, sector: str | None = None) -> Analysis:
    """Analyse one complaint with the process-wide engine."""
    return get_engine().analyze(TriageInput(text=text, channel=channel, sector=sector))
