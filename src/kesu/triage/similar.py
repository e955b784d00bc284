"""Similar past cases (历史数据比对): BM25 over jieba-segmented text with bm25s, boosted by category.

The index has two segments:
- the *main* segment, a bm25s index (sparse matrix of precomputed BM25 scores), built in one go;
- a small *delta* segment of cases added since (``add``), scored in Python with the same BM25 formula
  (Lucene variant, k1=1.5, b=0.75) and the collection statistics of both segments.
Adding a closed complaint therefore costs one segmentation and a few dictionary updates, never a
rebuild; when the delta outgrows ``merge_ratio`` of the main segment the two are merged (one rebuild,
amortised over many additions). Results from both segments are merged by score.

Category boost: a case of the query's category scores ``(1 + category_boost)`` times its BM25 score.
"""

from __future__ import annotations

import json
import math
import os
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from kesu.triage.normalize import normalize
from kesu.triage.resources import load_yaml
from kesu.triage.segment import tokens

K1 = 1.5
B = 0.75


@dataclass(frozen=True, slots=True)
class Case:
    """A closed complaint as the handler needs to see it next time."""

    case_id: str
    text: str
    category: str = ""
    solution: str = ""
    compensation: str = ""
    satisfaction: int | None = None


@dataclass(frozen=True, slots=True)
class SimilarCase:
    case: Case
    score: float


def _stopwords() -> frozenset[str]:
    data = load_yaml("similar.yaml")
    return frozenset(str(w) for w in data.get("stopwords") or [])


def top_k(scores: np.ndarray, k: int, stride: int = 64) -> np.ndarray:
    """Indices of the k largest scores, exactly, without partitioning the whole array.

    The k-th largest value of any subset is at most the k-th largest of the whole array, so every
    element of the true top k is >= the k-th largest of a strided sample: one vectorised comparison
    leaves a few hundred candidates instead of a million (argpartition over 1 M scores full of ties
    costs ~10 ms; this costs ~1 ms).
    """
    n = len(scores)
    k = min(k, n)
    if k <= 0:
        return np.zeros(0, dtype=np.int64)
    sample = scores[::stride]
    if n > 4 * stride * k and len(sample) > k:
        threshold = np.partition(sample, len(sample) - k)[len(sample) - k]
        candidates = np.flatnonzero(scores >= threshold) if threshold > 0 else np.flatnonzero(scores)
        if len(candidates) < k:  # only when nearly every score is zero
            candidates = np.arange(n)
    else:
        candidates = np.arange(n)
    if len(candidates) > k:
        part = np.argpartition(scores[candidates], len(candidates) - k)[len(candidates) - k :]
        candidates = candidates[part]
    return candidates[np.argsort(-scores[candidates], kind="stable")]


class SimilarIndex:
    def __init__(
        self, *, category_boost: float | None = None, merge_ratio: float = 0.1, min_merge: int = 5000
    ) -> None:
        data = load_yaml("similar.yaml")
        self.category_boost = float(
            data.get("category_boost", 0.3) if category_boost is None else category_boost
        )
        self.merge_ratio = merge_ratio
        self.min_merge = min_merge
        self._stop = _stopwords()
        self._cases: list[Case] = []
        self._tokens: list[list[str]] = []
        self._categories: list[str] = []
        self._main = None  # bm25s.BM25 over cases [0, _main_n)
        self._main_n = 0
        self._main_df: dict[str, int] = {}
        self._main_len_total = 0
        self._cat_ids: np.ndarray = np.zeros(0, dtype=np.int16)
        self._cat_index: dict[str, int] = {}
        self._cat_rows: dict[str, np.ndarray] = {}
        # delta segment: cases [_main_n, len(_cases))
        self._postings: dict[str, list[tuple[int, int]]] = defaultdict(list)
        self._delta_df: Counter[str] = Counter()
        self._delta_len_total = 0

    # --- building -------------------------------------------------------------------------------

    def terms(self, text: str) -> list[str]:
        norm = normalize(text, max_chars=5000)
        return [t for t in tokens(norm.text) if t not in self._stop]

    def build(self, cases: Iterable[Case]) -> SimilarIndex:
        """Replace the index with ``cases`` (one bm25s build)."""
        self._cases, self._tokens, self._categories = [], [], []
        for case in cases:
            self._cases.append(case)
            self._tokens.append(self.terms(case.text))
            self._categories.append(case.category)
        self._rebuild_main()
        return self

    def build_segmented(self, cases: Sequence[Case], terms: Sequence[list[str]]) -> SimilarIndex:
        """Replace the index with cases whose text was segmented already (bulk loads, benchmarks)."""
        self._cases, self._tokens = list(cases), [list(t) for t in terms]
        self._categories = [c.category for c in self._cases]
        self._rebuild_main()
        return self

    def _rebuild_main(self) -> None:
        import bm25s

        self._main_n = len(self._cases)
        self._postings = defaultdict(list)
        self._delta_df = Counter()
        self._delta_len_total = 0
        if not self._main_n:
            self._main = None
            self._main_df = {}
            self._main_len_total = 0
            self._cat_ids = np.zeros(0, dtype=np.int16)
            self._cat_rows = {}
            return
        retriever = bm25s.BM25(k1=K1, b=B, method="lucene")
        # bm25s needs at least one token per document: an empty one gets a placeholder
        retriever.index([t or ["\x00"] for t in self._tokens], show_progress=False)
        self._main = retriever
        indptr = retriever.scores["indptr"]
        self._main_df = {
            term: int(indptr[i + 1] - indptr[i]) for term, i in retriever.vocab_dict.items() if term
        }
        self._main_len_total = sum(len(t) for t in self._tokens)
        self._cat_index = {c: i for i, c in enumerate(sorted(set(self._categories)))}
        self._cat_ids = np.array([self._cat_index[c] for c in self._categories], dtype=np.int16)
        self._cat_rows = {c: np.flatnonzero(self._cat_ids == i) for c, i in self._cat_index.items()}

    def add(self, case: Case) -> None:
        """Add one closed case without rebuilding (merges when the delta segment is large)."""
        doc = len(self._cases)
        terms = self.terms(case.text)
        self._cases.append(case)
        self._tokens.append(terms)
        self._categories.append(case.category)
        for term, tf in Counter(terms).items():
            self._postings[term].append((doc, tf))
            self._delta_df[term] += 1
        self._delta_len_total += len(terms)
        if len(self._cases) - self._main_n > max(self.min_merge, self.merge_ratio * self._main_n):
            self._rebuild_main()

    def __len__(self) -> int:
        return len(self._cases)

    @property
    def delta_size(self) -> int:
        return len(self._cases) - self._main_n

    # --- querying -------------------------------------------------------------------------------

    def search(self, text: str, *, k: int = 10, category: str | None = None) -> list[SimilarCase]:
        query = list(dict.fromkeys(self.terms(text)))
        if not query or not self._cases:
            return []
        results: list[tuple[float, int]] = []
        if self._main is not None:
            ids = [self._main.vocab_dict[t] for t in query if t in self._main.vocab_dict]
            if ids:
                scores = self._main.get_scores_from_ids(ids)  # a fresh array: safe to change in place
                if category and category in self._cat_rows and self.category_boost:
                    scores[self._cat_rows[category]] *= 1.0 + self.category_boost
                best = top_k(scores, k)
                results += [(float(scores[i]), int(i)) for i in best if scores[i] > 0]
        if self.delta_size:
            results += self._search_delta(query, category)
        results.sort(key=lambda r: (-r[0], r[1]))
        return [SimilarCase(self._cases[i], round(s, 4)) for s, i in results[:k]]

    def _search_delta(self, query: Sequence[str], category: str | None) -> list[tuple[float, int]]:
        n = len(self._cases)
        avgdl = (self._main_len_total + self._delta_len_total) / n or 1.0
        scores: dict[int, float] = defaultdict(float)
        for term in query:
            postings = self._postings.get(term)
            if not postings:
                continue
            df = self._main_df.get(term, 0) + self._delta_df[term]
            idf = math.log(1 + (n - df + 0.5) / (df + 0.5))
            for doc, tf in postings:
                dl = len(self._tokens[doc])
                scores[doc] += idf * tf * (K1 + 1) / (tf + K1 * (1 - B + B * dl / avgdl))
        out = []
        for doc, score in scores.items():
            if category and self._categories[doc] == category:
                score *= 1.0 + self.category_boost
            out.append((score, doc))
        return out

    # --- persistence ----------------------------------------------------------------------------

    def save(self, path: str | os.PathLike[str]) -> None:
        """One JSON line per case (with its segmented terms); ``load`` rebuilds the bm25s matrix."""
        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(target.suffix + ".tmp")
        with tmp.open("w", encoding="utf-8") as fh:
            for case, terms in zip(self._cases, self._tokens, strict=True):
                fh.write(json.dumps({**asdict(case), "terms": terms}, ensure_ascii=False) + "\n")
        os.replace(tmp, target)

    @classmethod
    def load(cls, path: str | os.PathLike[str], **kwargs: Any) -> SimilarIndex:
        index = cls(**kwargs)
        with open(path, encoding="utf-8") as fh:
            for line in fh:
                row = json.loads(line)
                terms = row.pop("terms", None)
                case = Case(**row)
                index._cases.append(case)
                index._tokens.append(terms if terms is not None else index.terms(case.text))
                index._categories.append(case.category)
        index._rebuild_main()
        return index
