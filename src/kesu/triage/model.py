"""The trained category model: TF-IDF over jieba words (1-2 grams) and characters (1-3 grams), then a
multinomial logistic regression, trained with scikit-learn from complaints whose category a person
confirmed or corrected.

The model file is a NumPy ``.npz`` holding only arrays of numbers and strings (vocabularies, idf
weights, coefficients) plus a JSON metadata string; it is read with ``allow_pickle=False``, so loading
a model file can never execute code (a pickled scikit-learn object could). Prediction re-implements the
two vectorisers and the linear layer in NumPy with the same analysers used at training time, which is
also faster than calling scikit-learn per complaint.

Invariants: ``load_model`` never raises (a missing or corrupt file returns None and logs why); every
model carries a version string ``lr-<UTC timestamp>-<content hash>`` that every prediction records.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import logging
import math
import os
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from kesu.triage.normalize import normalize
from kesu.triage.segment import tokens

log = logging.getLogger(__name__)

FORMAT = "kesu-triage-category-model/1"
MODEL_PATH_ENV = "KESU_TRIAGE_MODEL"
DEFAULT_MODEL_PATH = Path("var/triage/category_model.npz")
MIN_EXAMPLES = 20


def word_features(text: str) -> list[str]:
    words = tokens(text)
    return words + [a + " " + b for a, b in zip(words, words[1:], strict=False)]


def char_features(text: str) -> list[str]:
    out: list[str] = []
    for chunk in text.split():
        padded = f" {chunk} "
        for n in (1, 2, 3):
            out.extend(padded[i : i + n] for i in range(len(padded) - n + 1))
    return [g for g in out if g.strip()]


@dataclass(frozen=True)
class TrainReport:
    version: str
    path: str
    examples: int
    labels: tuple[str, ...]
    cv_macro_f1: float | None


class CategoryModel:
    """A loaded model: predicts (label, probability, top contributing n-grams)."""

    def __init__(self, arrays: dict[str, np.ndarray], meta: dict[str, Any]) -> None:
        self.meta = meta
        self.version = str(meta["version"])
        self.classes = [str(c) for c in arrays["classes"]]
        self.word_index = {str(t): i for i, t in enumerate(arrays["word_terms"])}
        self.char_index = {str(t): i for i, t in enumerate(arrays["char_terms"])}
        self.word_idf = arrays["word_idf"].astype(np.float64)
        self.char_idf = arrays["char_idf"].astype(np.float64)
        self.coef = arrays["coef"].astype(np.float64)  # (classes, word + char features)
        self.intercept = arrays["intercept"].astype(np.float64)
        self.n_word = len(self.word_index)
        self.word_terms = [str(t) for t in arrays["word_terms"]]
        self.char_terms = [str(t) for t in arrays["char_terms"]]
        if self.coef.shape != (len(self.classes), self.n_word + len(self.char_index)):
            raise ValueError("model arrays do not fit together")

    def _vector(self, feats: list[str], index: dict[str, int], idf: np.ndarray, offset: int):  # type: ignore[no-untyped-def]
        counts = Counter(f for f in feats if f in index)
        if not counts:
            return [], []
        idx = [index[f] for f in counts]
        vals = np.array([(1.0 + math.log(c)) for c in counts.values()]) * idf[idx]
        norm = float(np.sqrt((vals**2).sum())) or 1.0
        return [i + offset for i in idx], list(vals / norm)

    def predict(self, text: str) -> tuple[str, float, list[tuple[str, float]]]:
        wi, wv = self._vector(word_features(text), self.word_index, self.word_idf, 0)
        ci, cv = self._vector(char_features(text), self.char_index, self.char_idf, self.n_word)
        idx = wi + ci
        vals = np.array(wv + cv)
        logits = self.coef[:, idx] @ vals + self.intercept if idx else self.intercept.copy()
        logits -= logits.max()
        probs = np.exp(logits)
        probs /= probs.sum()
        best = int(probs.argmax())
        contributions = []
        if idx:
            contrib = self.coef[best, idx] * vals
            for j in np.argsort(-contrib)[:5]:
                if contrib[j] <= 0:
                    break
                k = idx[j]
                term = self.word_terms[k] if k < self.n_word else self.char_terms[k - self.n_word]
                contributions.append((term, float(contrib[j])))
        return self.classes[best], float(probs[best]), contributions


def _fit(texts: Sequence[str], labels: Sequence[str], *, c: float = 10.0):  # type: ignore[no-untyped-def]
    from scipy.sparse import hstack
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    word_vec = TfidfVectorizer(analyzer=word_features, sublinear_tf=True, min_df=1)
    char_vec = TfidfVectorizer(analyzer=char_features, sublinear_tf=True, min_df=2)
    xw = word_vec.fit_transform(texts)
    xc = char_vec.fit_transform(texts)
    x = hstack([xw, xc]).tocsr()
    clf = LogisticRegression(C=c, max_iter=2000, class_weight="balanced")
    clf.fit(x, list(labels))
    return word_vec, char_vec, clf


def _arrays(word_vec, char_vec, clf) -> dict[str, np.ndarray]:  # type: ignore[no-untyped-def]
    def terms(vec) -> np.ndarray:  # type: ignore[no-untyped-def]
        ordered = sorted(vec.vocabulary_.items(), key=lambda kv: kv[1])
        return np.array([t for t, _ in ordered], dtype=np.str_)

    coef = clf.coef_
    intercept = clf.intercept_
    if coef.shape[0] == 1:  # binary problem: sklearn keeps one row; make it a two-class softmax
        coef = np.vstack([-coef[0] / 2, coef[0] / 2])
        intercept = np.array([-intercept[0] / 2, intercept[0] / 2])
    return {
        "classes": np.array([str(c) for c in clf.classes_], dtype=np.str_),
        "word_terms": terms(word_vec),
        "word_idf": word_vec.idf_.astype(np.float32),
        "char_terms": terms(char_vec),
        "char_idf": char_vec.idf_.astype(np.float32),
        "coef": coef.astype(np.float32),
        "intercept": intercept.astype(np.float32),
    }


def train(
    examples: Iterable[tuple[str, str]],
    path: str | os.PathLike[str],
    *,
    c: float = 10.0,
    cross_validate: bool = True,
) -> TrainReport:
    """Train on (text, confirmed category) pairs and write the model file to ``path``.

    Raises ValueError when there are too few examples or fewer than two categories: a model trained on
    that would only repeat the rules badly.
    """
    texts, labels = [], []
    for text, label in examples:
        norm = normalize(text)
        if norm.text and not norm.degraded:
            texts.append(norm.text)
            labels.append(str(label))
    counts = Counter(labels)
    if len(texts) < MIN_EXAMPLES or len(counts) < 2:
        raise ValueError(
            f"need at least {MIN_EXAMPLES} usable examples in two or more categories, got {len(texts)}"
        )
    cv_f1 = None
    if cross_validate and min(counts.values()) >= 3:
        from sklearn.metrics import f1_score
        from sklearn.model_selection import StratifiedKFold

        folds = StratifiedKFold(n_splits=min(5, min(counts.values())), shuffle=True, random_state=0)
        predicted = [""] * len(texts)
        for train_idx, test_idx in folds.split(texts, labels):
            wv, cv, clf = _fit([texts[i] for i in train_idx], [labels[i] for i in train_idx], c=c)
            model = CategoryModel(_arrays(wv, cv, clf), {"version": "cv"})
            for i in test_idx:
                predicted[i] = model.predict(texts[i])[0]
        cv_f1 = float(f1_score(labels, predicted, average="macro"))
    word_vec, char_vec, clf = _fit(texts, labels, c=c)
    arrays = _arrays(word_vec, char_vec, clf)
    digest = hashlib.sha256()
    for key in sorted(arrays):
        digest.update(arrays[key].tobytes())
    version = f"lr-{dt.datetime.now(dt.UTC).strftime('%Y%m%dT%H%M%S')}-{digest.hexdigest()[:8]}"
    meta = {
        "format": FORMAT,
        "version": version,
        "examples": len(texts),
        "label_counts": dict(counts),
        "cv_macro_f1": cv_f1,
        "c": c,
    }
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    # typed as Any: numpy's stub would read a key of ``arrays`` as its ``allow_pickle`` flag
    payload: dict[str, Any] = {"meta": np.array(json.dumps(meta, ensure_ascii=False)), **arrays}
    np.savez_compressed(buffer, **payload)
    tmp = target.with_suffix(target.suffix + ".tmp")
    tmp.write_bytes(buffer.getvalue())
    os.replace(tmp, target)  # atomic: a running engine never reads a half-written model
    return TrainReport(version, str(target), len(texts), tuple(sorted(counts)), cv_f1)


def load_model(path: str | os.PathLike[str] | None) -> CategoryModel | None:
    """The model at ``path``, or None (logged) when it is missing, corrupt or of another format."""
    if path is None:
        return None
    target = Path(path)
    if not target.is_file():
        log.info("triage: no category model at %s, using the rules", target)
        return None
    try:
        with np.load(target, allow_pickle=False) as data:
            arrays = {key: data[key] for key in data.files}
        meta = json.loads(str(arrays.pop("meta")))
        if meta.get("format") != FORMAT:
            raise ValueError(f"unknown model format {meta.get('format')!r}")
        return CategoryModel(arrays, meta)
    except Exception as exc:  # noqa: BLE001 - any unreadable file means "use the rules"
        log.error("triage: category model %s is unreadable (%s); falling back to the rules", target, exc)
        return None
