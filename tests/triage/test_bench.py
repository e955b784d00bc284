"""The benchmark functions run (figures are printed by the bench, never asserted)."""

from kesu.triage import bench


def test_bench_functions_return_figures():
    sample = ["快递丢了", "退款没到账！！"]
    assert bench.bench_analysis(sample, rounds=1)["n"] == 2
    assert bench.bench_lint(["抱歉，我今天给您回复"], rounds=1)["n"] == 1
    result = bench.bench_similar(300, queries=10)
    assert result["docs"] == 300
    assert result["query_median_ms"] > 0
