"""The engine as a whole: never raises, deterministic, stable JSON shape."""

import json
import random

import pytest

from kesu.triage.engine import Engine, analyze, get_engine
from kesu.triage.models import Analysis, TriageInput

GARBAGE = [
    None,
    "",
    b"",
    b"\xff\xfe\xfd" * 100,
    bytes(range(256)),
    "\x00" * 50,
    "退" * 100_000,
    "！？" * 5_000,
    "🤬" * 1000,
    "a" * 30_000,
    "\ud800 lone surrogate",
    "((((([[[[{{{{ ***+++???",
]


@pytest.mark.parametrize("raw", GARBAGE)
def test_never_raises_on_garbage(raw):
    result = analyze(raw)
    assert isinstance(result, Analysis)
    assert 0 <= result.anger.level <= 4
    json.dumps(result.to_dict(), ensure_ascii=False)


def test_random_unicode_never_raises():
    rng = random.Random(7)
    for _ in range(200):
        text = "".join(chr(rng.randrange(0x20, 0x2FFFF)) for _ in range(rng.randrange(0, 300)))
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            continue
        analyze(text)


def test_empty_input_gives_a_degraded_result():
    result = analyze("")
    assert result.degraded is True
    assert result.category.code == "other"
    assert result.anger.level == 0


def test_huge_input_is_truncated_and_flagged():
    result = analyze("快递丢了，" * 10_000)
    assert result.normalized.truncated is True
    assert result.to_dict()["truncated"] is True
    assert result.category.code == "logistics"


def test_deterministic():
    text = "第三次了！！退款还没到账，客服态度差，我要投诉到12315"
    first = analyze(text).to_dict()
    for _ in range(5):
        assert analyze(text).to_dict() == first
    assert Engine(model_path=None).analyze(text).to_dict() == first


def test_json_has_the_documented_keys():
    data = analyze("快递丢了，要求赔偿").to_dict()
    for key in ("category", "confidence", "anger_level", "flags", "demands", "cues"):
        assert key in data
    assert isinstance(data["flags"], list)
    assert isinstance(data["demands"], list)
    assert data["demands"] == ["compensation"]


def test_engine_is_built_once():
    assert get_engine() is get_engine()


def test_triage_input_with_channel():
    result = get_engine().analyze(TriageInput(text="快递丢了", channel="app", sector="ecommerce"))
    assert result.category.code == "logistics"


def test_a_failing_detector_gives_a_degraded_result(monkeypatch):
    engine = Engine(model_path=None)

    def boom(text):
        raise RuntimeError("boom")

    monkeypatch.setattr(engine.flags, "detect", boom)
    result = engine.analyze("快递丢了")
    assert result.degraded is True
    assert any("boom" in note for note in result.normalized.notes)
