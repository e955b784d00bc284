"""Metric computation, checked by hand."""

import pytest

from kesu.triage.evaluate import anger_metrics, category_metrics, evaluate, flag_metrics, format_report


def test_category_metrics_by_hand():
    gold = ["a", "a", "b", "b", "c"]
    pred = ["a", "b", "b", "b", "a"]
    accuracy, macro, per, labels, confusion = category_metrics(gold, pred)
    assert accuracy == pytest.approx(3 / 5)
    # a: tp1 fp1 fn1 -> f1 .5; b: tp2 fp1 fn0 -> p 2/3 r 1 f1 .8; c: tp0 fn1 -> 0
    assert per["a"].f1 == pytest.approx(0.5)
    assert per["b"].f1 == pytest.approx(0.8)
    assert per["c"].f1 == 0.0
    assert macro == pytest.approx((0.5 + 0.8 + 0.0) / 3)
    assert labels == ["a", "b", "c"]
    assert confusion == [[1, 1, 0], [0, 2, 0], [1, 0, 0]]


def test_anger_metrics_by_hand():
    exact, within = anger_metrics([0, 1, 2, 3, 4], [0, 2, 2, 1, 4])
    assert exact == pytest.approx(3 / 5)
    assert within == pytest.approx(4 / 5)


def test_flag_metrics_by_hand():
    per, micro = flag_metrics([["x"], [], ["x", "y"]], [["x"], ["x"], ["y"]])
    assert (per["x"].tp, per["x"].fp, per["x"].fn) == (1, 1, 1)
    assert (per["y"].tp, per["y"].fp, per["y"].fn) == (1, 0, 0)
    assert micro.precision == pytest.approx(2 / 3)
    assert micro.recall == pytest.approx(2 / 3)


def test_evaluate_runs_the_engine_and_formats():
    rows = [
        {"text": "快递丢了", "category": "logistics", "anger": 1, "flags": []},
        {"text": "我要起诉你们", "category": "other", "anger": 2, "flags": ["legal_threat"]},
    ]
    report = evaluate(rows)
    assert report.n == 2
    assert report.flags["legal_threat"].tp == 1
    text = format_report(report)
    assert "macro-F1" in text
    assert "legal_threat" in text


def test_cross_validation_trains_on_the_other_folds():
    from kesu.triage.evaluate import cross_validate, read_jsonl

    rows = read_jsonl("data/triage/dev_complaints.jsonl")
    report = cross_validate(rows, folds=2, threshold=0.0)
    assert report.n == len(rows)
    assert 0.0 <= report.macro_f1 <= 1.0
