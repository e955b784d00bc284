"""Similar cases: BM25 over segmented text, category boost, incremental add, persistence."""

import pytest

from kesu.triage.similar import Case, SimilarIndex

CASES = [
    Case("A", "快递员把包裹丢了，物流一直没更新", "logistics", "补发并赔偿运费", "10元券", 5),
    Case("B", "退款申请两周了还没到账", "refund_return", "催财务原路退回", "", 4),
    Case("C", "客服态度恶劣，直接挂电话", "attitude", "当事人道歉", "书面道歉", 3),
    Case("D", "信用卡年费被重复扣款", "technical_error", "退回多扣年费", "", 5),
    Case("E", "包裹压坏了，外箱全是脚印", "logistics", "重新发货", "", 4),
    Case("F", "退货寄回后商家迟迟不退款", "refund_return", "平台介入退款", "", 4),
]


@pytest.fixture
def index():
    return SimilarIndex(min_merge=3, merge_ratio=0.5).build(CASES)


def test_finds_the_closest_case(index):
    hits = index.search("我的包裹丢了，快递员也联系不上", k=3)
    assert hits[0].case.case_id == "A"
    assert hits[0].case.solution == "补发并赔偿运费"
    assert all(h.score > 0 for h in hits)


def test_category_boost_reorders(index):
    plain = [h.case.case_id for h in index.search("退款", k=2)]
    assert set(plain) == {"B", "F"}
    boosted = SimilarIndex(category_boost=5.0).build(CASES)
    hits = boosted.search("退款 包裹", k=6, category="logistics")
    assert hits[0].case.category == "logistics"


def test_incremental_add_is_searchable_without_rebuild(index):
    index.add(Case("G", "手机银行转账失败但钱被扣了", "technical_error", "冲正退回"))
    assert index.delta_size == 1
    hits = index.search("转账失败钱被扣", k=1)
    assert hits[0].case.case_id == "G"


def test_delta_is_merged_when_it_grows(index):
    for i in range(5):
        index.add(Case(f"N{i}", f"第{i}个快递延误了", "logistics"))
    assert index.delta_size < 5
    assert len(index) == len(CASES) + 5
    assert {h.case.case_id for h in index.search("快递延误", k=10)} >= {"N0", "N4"}


def test_empty_query_or_index(index):
    assert index.search("", k=3) == []
    assert index.search("的了吗", k=3) == []
    assert SimilarIndex().build([]).search("快递", k=3) == []


def test_empty_index_accepts_additions():
    index = SimilarIndex().build([])
    index.add(Case("X", "快递丢了", "logistics"))
    assert index.search("快递", k=1)[0].case.case_id == "X"


def test_save_and_load(index, tmp_path):
    index.add(Case("G", "手机银行转账失败", "technical_error"))
    path = tmp_path / "cases.jsonl"
    index.save(path)
    loaded = SimilarIndex.load(path)
    assert len(loaded) == len(index)
    assert loaded.delta_size == 0
    assert loaded.search("转账失败", k=1)[0].case.case_id == "G"


def test_top_k_is_exact():
    import numpy as np

    from kesu.triage.similar import top_k

    rng = np.random.default_rng(1)
    for n, k, zeros in [(10, 3, 0.0), (50_000, 10, 0.9), (50_000, 10, 0.0), (50_000, 10, 0.99995)]:
        scores = rng.random(n).astype(np.float32)
        scores[rng.random(n) < zeros] = 0
        expected = sorted(range(n), key=lambda i: -scores[i])[:k]
        got = top_k(scores, k).tolist()
        assert [scores[i] for i in got] == [scores[i] for i in expected]
