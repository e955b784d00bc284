"""Reply coaching: each check on crafted replies (not the evaluation set)."""

import pytest

from kesu.triage.models import ReplyContext
from kesu.triage.reply import lint_reply

GOOD = "非常抱歉让您久等了，我理解您的着急。我这边马上为您核实，今天下午5点前给您回电。"


def codes(report):
    return {f.code for f in report.findings}


def test_a_good_reply_scores_high_and_is_credited():
    report = lint_reply(GOOD)
    assert codes(report) == set()
    assert {c.code for c in report.credits} == {"empathy", "ownership", "next_step"}
    assert report.score == 100


@pytest.mark.parametrize(
    ("reply", "code"),
    [
        ("这不归我们管，您去找快递公司吧。", "buck_passing"),
        ("您理解错了，规则写得很清楚。", "blaming_customer"),
        ("我保证明天到账。", "over_promising"),
        ("百分之百给您解决。", "over_promising"),
        ("爱买不买。", "rudeness"),
        ("这个功能不能用。", "negative_phrasing"),
        ("系统端口异常。", "jargon"),
        ("已为您登记，电话13912345678。", "personal_data"),
        ("核对了身份证号110101199003074514。", "personal_data"),
        ("好的。", "missing_empathy"),
        ("好的。", "missing_ownership"),
        ("好的。", "missing_next_step"),
    ],
)
def test_each_check_fires(reply, code):
    assert code in codes(lint_reply(reply))


@pytest.mark.parametrize(
    ("reply", "code"),
    [
        ("这个不一定，我帮您今天问一下，抱歉。", "over_promising"),
        ("请您一定要保管好小票，抱歉给您添麻烦，我今天帮您处理。", "over_promising"),
        ("抱歉，系统端口异常，也就是网络连接临时故障，我今天会处理好。", "jargon"),
        ("抱歉，我来帮您联系商家，今天给您回复。", "buck_passing"),
        ("抱歉，订单号1234567我已经记下，今天给您回复。", "personal_data"),
        ("抱歉，身份证号110101199003074515不对，我今天帮您核对。", "personal_data"),
    ],
)
def test_checks_do_not_fire_on_look_alikes(reply, code):
    assert code not in codes(lint_reply(reply))


def test_finding_has_span_words_severity_and_rewrite():
    report = lint_reply("抱歉，系统端口异常，我今天处理。")
    (jargon,) = [f for f in report.findings if f.code == "jargon"]
    assert report.normalized.text[jargon.start : jargon.end] == "系统端口异常"
    assert jargon.words == ("系统端口异常",)
    assert jargon.severity == "medium"
    assert "网络连接临时故障" in jargon.suggestion


def test_personal_data_suggestion_masks_the_number():
    report = lint_reply("您的电话13912345678已登记")
    (finding,) = [f for f in report.findings if f.code == "personal_data"]
    assert "139****5678" in finding.suggestion


def test_time_in_the_past_is_no_next_step():
    assert "missing_next_step" in codes(lint_reply("不好意思，已经超过七天了，我帮您看看。"))


def test_restating_the_complaint_demand_is_credited():
    report = lint_reply("抱歉，退款的事我来跟进，今天给您答复。", ReplyContext(complaint_text="我要退款"))
    assert "restating" in {c.code for c in report.credits}


def test_missing_empathy_is_high_for_an_angry_customer():
    report = lint_reply("我来处理，今天回复您。", ReplyContext(anger_level=4))
    (finding,) = [f for f in report.findings if f.code == "missing_empathy"]
    assert finding.severity == "high"


def test_steps_and_questions_are_credited():
    steps = lint_reply("抱歉，我来处理：首先今天登记，然后明天师傅上门，最后我会回访您。")
    assert "steps" in {c.code for c in steps.credits}
    questions = lint_reply("抱歉，能详细说一下当时的情况吗？是不是扣了两次？我今天帮您查。")
    assert "questions" in {c.code for c in questions.credits}


@pytest.mark.parametrize("raw", [None, "", b"\xff\xfe", "🤬" * 50, "x" * 50_000])
def test_never_raises(raw):
    report = lint_reply(raw)
    assert 0 <= report.score <= 100


def test_empty_reply_scores_zero():
    report = lint_reply("")
    assert report.score == 0
    assert codes(report) == {"empty"}


def test_score_goes_down_with_findings():
    assert lint_reply(GOOD).score > lint_reply("这不归我们管。").score


def test_reloading_the_lexicons_also_rebuilds_the_reply_linter():
    from kesu.triage import reply, resources

    before = reply.get_linter()
    resources.reload()

    assert reply.get_linter() is not before
