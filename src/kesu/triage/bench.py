"""Benchmarks of the triage engine, for ``kesu bench`` (owned by the desk) or on their own:

    uv run python -m kesu.triage.bench                 # analysis and lint latency on the eval texts
    uv run python -m kesu.triage.bench --docs 1000000  # plus similar cases over N synthetic cases
    uv run python -m kesu.triage.bench --snownlp       # SnowNLP sentiment beside the analysis (dev dep)
    uv run --extra embeddings python -m kesu.triage.bench --quality use e5
                                    # similar-case quality on the labelled set: BM25 vs BM25 + embeddings

Single core: run with ``taskset -c 0`` (and OMP_NUM_THREADS=1) to measure one core. Figures are printed,
never asserted (timed assertions make flaky tests).
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import resource
import statistics
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

DATA = Path(__file__).resolve().parents[3] / "data" / "triage"


def _timings(fn: Callable[[str], Any], texts: Sequence[str], rounds: int) -> dict[str, float]:
    for text in texts[:20]:
        fn(text)  # warm caches (jieba, OpenCC, regexes)
    samples = []
    gc.disable()
    try:
        for _ in range(rounds):
            for text in texts:
                start = time.perf_counter()
                fn(text)
                samples.append(time.perf_counter() - start)
    finally:
        gc.enable()
    samples.sort()
    return {
        "n": len(samples),
        "median_ms": round(statistics.median(samples) * 1000, 4),
        "p99_ms": round(samples[int(len(samples) * 0.99) - 1] * 1000, 4),
        "mean_ms": round(statistics.fmean(samples) * 1000, 4),
    }


def texts(name: str = "eval_complaints.jsonl") -> list[str]:
    with open(DATA / name, encoding="utf-8") as fh:
        return [json.loads(line)["text"] for line in fh if line.strip()]


def bench_analysis(sample: Sequence[str] | None = None, rounds: int = 5) -> dict[str, float]:
    """One complaint's analysis without retrieval (normalise, category, anger, flags, demands)."""
    from kesu.triage.engine import get_engine

    engine = get_engine()
    return _timings(engine.analyze, sample or texts(), rounds)


def bench_lint(sample: Sequence[str] | None = None, rounds: int = 5) -> dict[str, float]:
    from kesu.triage.reply import lint_reply

    return _timings(lint_reply, sample or texts("eval_replies.jsonl"), rounds)


def bench_snownlp(sample: Sequence[str] | None = None, rounds: int = 5) -> dict[str, float] | None:
    """SnowNLP's sentiment (``SnowNLP(text).sentiments``) on the same texts, for comparison only:
    Kesu does not use SnowNLP (a dev dependency). None when it is not installed."""
    try:
        from snownlp import SnowNLP
    except ImportError:
        return None
    return _timings(lambda text: SnowNLP(text).sentiments, sample or texts(), rounds)


def _load_jsonl(name: str) -> list[dict[str, Any]]:
    with open(DATA / name, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def _rank_metrics(ranked: Sequence[Sequence[str]], relevant: Sequence[set[str]]) -> dict[str, float]:
    """recall@5 (share of a query's relevant cases in the top 5, at most 5 of them), MRR@10, hit@1."""
    r5, rr, h1 = [], [], []
    for ids, rel in zip(ranked, relevant, strict=True):
        r5.append(len(rel & set(ids[:5])) / min(5, len(rel)))
        rr.append(next((1 / (i + 1) for i, c in enumerate(ids[:10]) if c in rel), 0.0))
        h1.append(1.0 if ids[:1] and ids[0] in rel else 0.0)
    return {
        "recall@5": round(statistics.fmean(r5), 3),
        "mrr@10": round(statistics.fmean(rr), 3),
        "hit@1": round(statistics.fmean(h1), 3),
    }


def _ms(samples: list[float]) -> dict[str, float]:
    samples = sorted(samples)
    return {
        "median_ms": round(statistics.median(samples) * 1000, 3),
        "p99_ms": round(samples[max(0, int(len(samples) * 0.99) - 1)] * 1000, 3),
    }


def bench_similar_quality(
    models: Sequence[str] = (), candidates: int = 50, k: int = 10
) -> dict[str, dict[str, Any]]:
    """Retrieval quality on data/triage/similar_queries.jsonl against similar_cases.jsonl.

    Each query is a new complaint (often a paraphrase); its relevant cases are those of the same
    problem. The query's category for the BM25 boost is the engine's prediction, as on the desk.
    ``models``: embedding encoders (``use``, ``e5``) for the hybrid (BM25 top ``candidates`` re-ranked by
    cosine); for each, also the dense-only ranking over all cases (a reference, not a product option).
    """
    from kesu.triage.engine import get_engine
    from kesu.triage.similar import Case, SimilarIndex

    fields = set(Case.__dataclass_fields__)
    cases = [
        Case(**{k: v for k, v in row.items() if k in fields}) for row in _load_jsonl("similar_cases.jsonl")
    ]
    queries = _load_jsonl("similar_queries.jsonl")
    relevant = [set(q["relevant"]) for q in queries]
    engine = get_engine()
    cats = [engine.analyze(q["text"]).category.code for q in queries]
    index = SimilarIndex().build(cases)
    for q, c in zip(queries[:5], cats, strict=False):
        index.search(q["text"], k=candidates, category=c)
    ranked, times = [], []
    for q, c in zip(queries, cats, strict=True):
        start = time.perf_counter()
        hits = index.search(q["text"], k=candidates, category=c)
        times.append(time.perf_counter() - start)
        ranked.append([h.case.case_id for h in hits])
    in_pool = statistics.fmean(
        len(rel & set(ids)) / len(rel) for ids, rel in zip(ranked, relevant, strict=True)
    )
    out: dict[str, dict[str, Any]] = {
        "bm25": {
            "queries": len(queries),
            "cases": len(cases),
            "category_prediction_accuracy": round(
                statistics.fmean(c == q["category"] for c, q in zip(cats, queries, strict=True)), 3
            ),
            **_rank_metrics([r[:k] for r in ranked], relevant),
            f"relevant_in_top{candidates}": round(in_pool, 3),
            "no_result_queries": sum(1 for r in ranked if not r),
            **_ms(times),
        }
    }
    from kesu.triage.embeddings import HybridIndex, load_encoder

    for name in models:
        start = time.perf_counter()
        encoder = load_encoder(name)
        load_s = time.perf_counter() - start
        if encoder is None:
            out[name] = {"error": "encoder not installed or failed to load (see log)"}
            continue
        hybrid = HybridIndex(index, encoder, candidates=candidates)
        start = time.perf_counter()
        hybrid.prime(cases)
        per_case_ms = (time.perf_counter() - start) / len(cases) * 1000
        for q, c in zip(queries[:5], cats, strict=False):
            hybrid.search(q["text"], k=k, category=c)
        h_ranked, h_times, enc_times, qvecs = [], [], [], []
        for q, c in zip(queries, cats, strict=True):
            start = time.perf_counter()
            hits = hybrid.search(q["text"], k=k, category=c)
            h_times.append(time.perf_counter() - start)
            h_ranked.append([h.case.case_id for h in hits])
            start = time.perf_counter()
            qvecs.append(encoder.encode([q["text"]])[0])
            enc_times.append(time.perf_counter() - start)
        ids = [c.case_id for c in cases]
        matrix = np.stack([hybrid._vectors[i] for i in ids])
        dense = [[ids[i] for i in np.argsort(-(matrix @ v), kind="stable")[:k]] for v in qvecs]
        out[f"bm25+{name}"] = {
            "load_s": round(load_s, 2),
            "encode_ms_per_case_batched": round(per_case_ms, 2),
            **_rank_metrics(h_ranked, relevant),
            "search": _ms(h_times),
            "query_encode": _ms(enc_times),
            "added_median_ms": round((statistics.median(h_times) - statistics.median(times)) * 1000, 3),
        }
        out[f"dense-only {name} (reference)"] = _rank_metrics(dense, relevant)
    return out


def bench_similar(n_docs: int, queries: int = 200, k: int = 10, seed: int = 0) -> dict[str, float]:
    """Similar cases top-k over ``n_docs`` synthetic cases made by recombining the segmented words of
    the evaluation complaints (segmentation is done once, so this measures the index, not jieba)."""
    from kesu.triage.similar import Case, SimilarIndex

    rng = random.Random(seed)
    index = SimilarIndex()
    source = texts()
    with open(DATA / "eval_complaints.jsonl", encoding="utf-8") as fh:
        categories = [json.loads(line)["category"] for line in fh if line.strip()]
    segmented = [index.terms(t) for t in source]
    vocab = sorted({w for terms in segmented for w in terms})
    cases, terms = [], []
    for i in range(n_docs):
        j = rng.randrange(len(segmented))
        doc = list(segmented[j])
        rng.shuffle(doc)
        doc = doc[: rng.randint(max(1, len(doc) // 2), max(1, len(doc)))] + rng.sample(vocab, 3)
        cases.append(Case(case_id=f"C{i}", text="", category=categories[j]))
        terms.append(doc)
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    index.build_segmented(cases, terms)
    build_s = time.perf_counter() - start
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    query_texts = [source[rng.randrange(len(source))] for _ in range(queries)]
    query_cats = [categories[source.index(q)] for q in query_texts]
    for q in query_texts[:5]:
        index.search(q, k=k)
    samples = []
    for q, c in zip(query_texts, query_cats, strict=True):
        start = time.perf_counter()
        index.search(q, k=k, category=c)
        samples.append(time.perf_counter() - start)
    samples.sort()
    add_start = time.perf_counter()
    for i in range(100):
        index.add(Case(case_id=f"N{i}", text=source[i % len(source)], category=categories[i % len(source)]))
    add_ms = (time.perf_counter() - add_start) / 100 * 1000
    return {
        "docs": n_docs,
        "build_s": round(build_s, 2),
        "max_rss_growth_mb": round((rss_after - rss_before) / 1024, 1),
        "query_median_ms": round(statistics.median(samples) * 1000, 3),
        "query_p99_ms": round(samples[int(len(samples) * 0.99) - 1] * 1000, 3),
        "add_ms": round(add_ms, 3),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kesu.triage.bench")
    parser.add_argument(
        "--docs", type=int, default=0, help="also benchmark similar cases over N synthetic cases"
    )
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument(
        "--snownlp", action="store_true", help="also time SnowNLP's sentiment on the same texts"
    )
    parser.add_argument(
        "--quality",
        nargs="*",
        metavar="MODEL",
        help="similar-case quality on the labelled set; MODEL: use, e5 (hybrid re-rankers to compare)",
    )
    ns = parser.parse_args(argv)
    if ns.quality is not None:
        for name, row in bench_similar_quality(ns.quality).items():
            print(f"similar quality {name}:", json.dumps(row, ensure_ascii=False))
        return 0
    print("analysis (no retrieval):", json.dumps(bench_analysis(rounds=ns.rounds)))
    if ns.snownlp:
        snow = bench_snownlp(rounds=ns.rounds)
        print(
            "snownlp sentiment (comparison only, not used by Kesu):",
            json.dumps(snow) if snow else "snownlp not installed (uv sync --group dev)",
        )
    print("reply lint:", json.dumps(bench_lint(rounds=ns.rounds)))
    if ns.docs:
        print("similar cases:", json.dumps(bench_similar(ns.docs)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
