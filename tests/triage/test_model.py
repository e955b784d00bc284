"""The trained category model: training, safe storage, fallback to the rules."""

import logging

import numpy as np
import pytest

from kesu.triage.engine import Engine
from kesu.triage.evaluate import read_jsonl
from kesu.triage.model import load_model, train

DEV = "data/triage/dev_complaints.jsonl"


@pytest.fixture(scope="module")
def model_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("model") / "category.npz"
    rows = read_jsonl(DEV)
    report = train(((r["text"], r["category"]) for r in rows), path, cross_validate=False)
    assert report.examples == len(rows)
    assert report.version.startswith("lr-")
    return path, report


def test_trained_model_loads_and_predicts(model_file):
    path, report = model_file
    model = load_model(path)
    assert model is not None
    assert model.version == report.version
    label, prob, contributions = model.predict("快递员把包裹弄丢了，物流一直不更新")
    assert label == "logistics"
    assert 0 < prob <= 1
    assert contributions and all(w > 0 for _, w in contributions)


def test_model_file_holds_no_pickles(model_file):
    path, _ = model_file
    with np.load(path, allow_pickle=False) as data:
        assert {"meta", "coef", "classes", "word_terms", "char_terms"} <= set(data.files)


def test_engine_uses_the_model_above_the_threshold_and_records_its_version(model_file):
    path, report = model_file
    engine = Engine(model_path=path, model_threshold=0.0)
    result = engine.analyze("快递员把包裹弄丢了，物流一直不更新").category
    assert result.source == "model"
    assert result.model_version == report.version


def test_engine_falls_back_to_rules_below_the_threshold(model_file):
    path, _ = model_file
    engine = Engine(model_path=path, model_threshold=1.01)
    result = engine.analyze("快递员把包裹弄丢了").category
    assert result.source == "rules"
    assert result.model_version.startswith("rules:")


def test_missing_model_means_rules(tmp_path, caplog):
    with caplog.at_level(logging.INFO, logger="kesu.triage.model"):
        engine = Engine(model_path=tmp_path / "nothing.npz")
    assert engine.model is None
    assert "no category model" in caplog.text
    assert engine.analyze("快递丢了").category.source == "rules"


def test_corrupt_model_means_rules_and_a_log_line(tmp_path, caplog):
    bad = tmp_path / "bad.npz"
    bad.write_bytes(b"PK\x03\x04 not really a zip")
    with caplog.at_level(logging.ERROR, logger="kesu.triage.model"):
        engine = Engine(model_path=bad)
    assert engine.model is None
    assert "unreadable" in caplog.text
    assert engine.analyze("快递丢了").category.code == "logistics"


def test_a_pickled_model_is_refused(tmp_path):
    evil = tmp_path / "evil.npz"
    np.savez(evil, meta=np.array([{"format": "x"}], dtype=object))
    assert load_model(evil) is None


def test_training_needs_enough_examples(tmp_path):
    with pytest.raises(ValueError):
        train([("快递丢了", "logistics")] * 5, tmp_path / "m.npz")
