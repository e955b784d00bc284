"""Benchmarks of the triage engine, for ``kesu bench`` (owned by the desk) or on their own:

    uv run python -m kesu.triage.bench                 # analysis and lint latency on the eval texts
    uv run python -m kesu.triage.bench --docs 1000000  # plus similar cases over N synthetic cases

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
    ns = parser.parse_args(argv)
    print("analysis (no retrieval):", json.dumps(bench_analysis(rounds=ns.rounds)))
    print("reply lint:", json.dumps(bench_lint(rounds=ns.rounds)))
    if ns.docs:
        print("similar cases:", json.dumps(bench_similar(ns.docs)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
