"""Normalisation: every kind of input gives a Normalized, never an exception."""

import pytest

from kesu.triage.normalize import normalize


def test_traditional_becomes_simplified():
    result = normalize("我們的退款一直沒有到賬，態度很差")
    assert result.text == "我们的退款一直没有到账,态度很差"
    assert result.converted_traditional is True
    assert result.degraded is False


def test_simplified_text_is_not_marked_converted():
    assert normalize("退款没到账").converted_traditional is False


def test_full_width_forms_become_half_width_and_latin_lower_case():
    result = normalize("ＡＰＰ登录报错“ＥＲＲＯＲ　５０３”！！我打了１２３１５")
    assert result.text == "app登录报错“error 503”!!我打了12315"


def test_known_emoji_become_cues_and_all_emoji_are_removed():
    result = normalize("客服态度🤮🤮 快递还没到😡🚚")
    assert result.text == "客服态度快递还没到"
    kinds = [cue.kind for cue in result.emoji_cues]
    assert kinds == ["disgust_emoji", "disgust_emoji", "anger_emoji"]


def test_whitespace_is_collapsed_and_spaces_inside_chinese_dropped():
    assert normalize("  退 款\t\n  没\u200b到账   please  help ").text == "退款没到账 please help"


def test_common_typos_are_fixed():
    assert normalize("我的帐户余额不对，帐单也查不到").text == "我的账户余额不对,账单也查不到"


def test_long_text_is_cut_and_says_so():
    result = normalize("退款" * 15_000)
    assert len(result.text) == 20_000
    assert result.truncated is True
    assert result.original_length == 30_000
    assert any("20000" in note for note in result.notes)


def test_custom_length_cap():
    result = normalize("快递丢了" * 10, max_chars=8)
    assert result.text == "快递丢了快递丢了"
    assert result.truncated is True


@pytest.mark.parametrize("raw", [None, "", "   \n\t ", "🤬🤬🤬"])
def test_empty_input_is_degraded(raw):
    result = normalize(raw)
    assert result.degraded is True
    assert "empty input" in result.notes
    assert result.text == ""


def test_utf8_bytes_are_decoded():
    result = normalize("快递丢了".encode())
    assert result.text == "快递丢了"
    assert result.degraded is False


def test_gb18030_bytes_are_decoded():
    result = normalize("退款一直没到账，请尽快处理".encode("gb18030"))
    assert result.text == "退款一直没到账,请尽快处理"
    assert "decoded as GB18030" in result.notes


def test_binary_bytes_are_degraded_not_raised():
    result = normalize(bytes(range(256)) * 4)
    assert result.degraded is True


def test_control_characters_in_text_are_degraded():
    result = normalize("\x00\x01\x02\x03\x04\x05\x06退款\x07\x08\x0b")
    assert result.degraded is True
    assert "退款" in result.text


def test_utf8_read_as_latin1_is_repaired():
    mojibake = "退款没到账".encode().decode("latin-1")
    result = normalize(mojibake)
    assert result.text == "退款没到账"
    assert "repaired UTF-8 read as Latin-1" in result.notes


def test_utf8_read_as_gbk_is_repaired():
    mojibake = "我们投诉客服态度".encode().decode("gbk")  # "鎴戜滑鎶曡瘔..."
    result = normalize(mojibake)
    assert result.text == "我们投诉客服态度"
    assert "repaired UTF-8 read as GBK" in result.notes


def test_non_text_input_is_degraded():
    result = normalize(12345)  # type: ignore[arg-type]
    assert result.degraded is True
    assert any("non-text" in note for note in result.notes)


def test_punctuation_only_is_degraded():
    assert normalize("!!!???...").degraded is True


def test_mixed_english_is_kept():
    assert normalize("退款refund了一周还没到account").text == "退款refund了一周还没到account"
