"""Each detector on crafted examples (not the evaluation set)."""

import pytest

from kesu.triage.engine import analyze


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("你们的快递员把包裹扔在驿站就走了，也不打电话", "logistics"),
        ("衣服洗了一次就掉色，做工也很粗糙", "product_quality"),
        ("七天无理由退货被拒绝，退款也不给", "refund_return"),
        ("APP更新后一直闪退，登录不了", "technical_error"),
        ("信用卡同一笔消费被重复扣款了", "technical_error"),
        ("那个店员翻白眼，说话难听，态度恶劣", "attitude"),
        ("宣传的时候说好的包邮，结果收了运费，承诺不兑现", "promise_broken"),
        ("我父亲八十岁行动不便，能否安排上门办理业务", "special_needs"),
        ("我的个人信息被泄露了，每天接到骚扰电话", "privacy"),
        ("充电器充电时冒烟起火，把手烫伤了", "safety"),
        ("信用卡昨晚被盗刷了两万", "safety"),
        ("建议商场多设几个停车位，周末不好停车", "other"),
        ("嗯", "other"),
    ],
)
def test_category(text, category):
    result = analyze(text).category
    assert result.code == category
    assert result.source == "rules"
    assert result.model_version.startswith("rules:")


def test_category_cues_are_the_words_that_drove_it():
    result = analyze("快递员把包裹弄丢了").category
    assert {"快递员", "包裹"} <= {cue.text for cue in result.cues}
    for cue in result.cues:
        assert "快递员把包裹弄丢了"[cue.start : cue.end] == cue.text


def test_category_confidence_grows_with_evidence():
    weak = analyze("东西还没到").category
    strong = analyze("快递还没到，物流信息三天没更新，快递员电话也打不通").category
    assert weak.code == strong.code == "logistics"
    assert strong.confidence > weak.confidence


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("请问退货运费由谁承担？谢谢", 0),
        ("客户来电咨询积分规则，语气平和", 0),
        ("快递有点慢，下次注意", 1),
        ("包裹压坏了，太差劲了！", 2),
        ("第三次打电话了，还是没人处理，你们到底管不管？？", 3),
        ("客户情绪激动，要求立即退款", 3),
        ("你们这群废物！！！骗子公司！！！", 4),
        ("客户在电话中大声咆哮，多次辱骂客服", 4),
    ],
)
def test_anger_level(text, level):
    assert analyze(text).anger.level == level


def test_anger_cues_explain_the_level():
    anger = analyze("又是这样！！！呵呵，真是服了").anger
    kinds = {cue.kind for cue in anger.cues}
    assert {"repeat", "punctuation", "sarcasm"} <= kinds


def test_each_anger_level_has_its_own_script():
    scripts = {
        analyze(t).anger.script for t in ["请问营业时间？", "快递有点慢", "你们这群废物！！！骗子！！！"]
    }
    assert len(scripts) == 3
    assert all(scripts)


def test_emoji_raise_anger():
    assert analyze("快递还没到😡😡🤬").anger.level > analyze("快递还没到").anger.level


@pytest.mark.parametrize(
    ("text", "flags"),
    [
        ("你们把我的个人信息泄露给了推销公司", {"privacy_leak"}),
        ("孩子被货架砸伤了头，缝了三针", {"safety"}),
        ("我已经找了律师，准备起诉你们", {"legal_threat"}),
        ("再不处理我就打12315投诉", {"regulator"}),
        ("已经向金融监管部门反映了", {"regulator"}),
        ("我要发微博曝光你们", {"media"}),
        ("我们小区很多人都遇到了同样的问题", {"mass"}),
        ("快递慢了一天", set()),
    ],
)
def test_flags(text, flags):
    assert {f.code for f in analyze(text).flags} == flags


def test_negated_cue_raises_no_flag():
    assert analyze("东西摔坏了，好在没有人受伤").flags == ()


def test_flag_cues_name_the_words():
    (flag,) = analyze("我已经报警了").flags
    assert flag.code == "legal_threat"
    assert [cue.text for cue in flag.cues] == ["报警"]


def test_demands_and_deeper_needs():
    result = analyze("店员当着其他顾客的面羞辱我，我要求道歉，并开除这个员工")
    codes = {d.code for d in result.demands}
    assert {"apology", "punishment"} <= codes
    assert "respect" in result.underlying_needs


def test_refund_demand_with_time_need():
    result = analyze("退款等了两周还没到，我急用钱，请尽快退款")
    assert {"refund", "expedite"} <= {d.code for d in result.demands}
    assert "time" in result.underlying_needs


def test_safety_flag_implies_safety_need():
    assert "safety" in analyze("吹风机漏电，手被电了一下").underlying_needs
