"""Reply coaching and reported speech: words a handler quotes to apologise for them are not the handler's
rudeness, and quotation marks are no loophole for words the handler means."""

import re

import pytest

from kesu.triage.reply import lint_reply
from kesu.triage.speech import Reported, ReportedSpeech, quotations

PHRASING = {"buck_passing", "blaming_customer", "over_promising", "rudeness", "negative_phrasing"}
LONG_QUOTE = "您要是嫌贵的话可以去别家看看反正我们这里一直就是这个价格不讲价的爱买不买"


def phrasing(reply):
    return {f.code for f in lint_reply(reply).findings} & PHRASING


REPORTED = [
    # the case that started it: the clerk's words, named, apologised for, the clerk corrected
    "对于我们店员说“你爱买不买”这句话，我们深表歉意，已对该店员进行了批评教育。",
    # RP-EC-007's good reference reply: the customer heard it, the handler owns it
    "柯女士，真的对不起，让您等了四十分钟，还听到“等着吧”这样的回答，这是我们的问题，我向您道歉。",
    # punctuation inside the quotation does not end the sentence that apologises
    "店员说：“你爱买不买！”我们深表歉意。",
    "很抱歉，店员对您说了「爱买不买」，我今天下午5点前给您回电。",
    "店员对您说了『你有病吧』，真的很抱歉。",
    "上一位同事说'等着吧'，这种态度是错误的。",
    '店员说"爱买不买"是不对的，向您道歉。',
    "店员说＂爱买不买＂是不对的，向您道歉。",  # full-width marks, folded by NFKC
    "“爱买不买”这种话，我们绝不应该说，抱歉。",
    "店员说了“爱买不买”。对此我们深表歉意。",  # the next sentence refers back
    "我刚才说“等着吧”是我不对，向您道歉。",  # the handler's own earlier words, disowned
    "对于我们店员说你爱买不买这句话，我们深表歉意。",  # unquoted, after a speech verb
    "對於店員說「你愛買不買」這句話，我們深表歉意。",  # traditional characters
    "之前客服告诉您“不能退”，这是错误的，我马上为您办理。",
    "我们的客服回复您“这不归我们管”，非常抱歉，这件事由我来跟进。",
    "我们之前说“保证今天到”，没做到，非常抱歉。",
    "店员说“是你自己的问题”，这是不对的，向您道歉。",
]


@pytest.mark.parametrize("reply", REPORTED)
def test_words_quoted_to_apologise_for_them_are_not_the_handlers(reply):
    # given a reply that reports someone's words in order to apologise for them
    # when it is coached
    # then no phrasing finding blames the handler for those words
    assert phrasing(reply) == set()


NOT_REPORTED = [
    ("我们就是“爱买不买”。", "rudeness"),  # the handler's stance in quotation marks
    ("我们就是“爱买不买”，抱歉。", "rudeness"),
    ("我们就是“爱买不买”这种态度，抱歉。", "rudeness"),
    ("“爱买不买”，抱歉。", "rudeness"),  # attributed to no one
    ("店员说“爱买不买”。", "rudeness"),  # quoted without any apology
    ("店员说“爱买不买”。我们下午给您回电。", "rudeness"),  # the next sentence is about something else
    ("店员说“爱买不买”，说得没错，抱歉。", "rudeness"),  # endorsed
    ("我跟您说“爱买不买”，抱歉。", "rudeness"),  # the handler speaking now
    ("我本人跟您说“爱买不买”，非常抱歉。", "rudeness"),  # 人 of 本人 is no third party
    ("抱歉，我来告诉您，爱买不买。", "rudeness"),
    ("抱歉，告诉您：这不归我们管。", "buck_passing"),  # no one else named as the speaker
    ("领导说了“不能退”，抱歉。", "negative_phrasing"),  # a refusal relayed, a bare 抱歉 after it
    ("对您这种人只能说“爱买不买”，抱歉。", "rudeness"),
    ("“抱歉，爱买不买”", "rudeness"),  # the apology inside the quotation marks
    ("对于店员说“爱买不买这句话，我们深表歉意。", "rudeness"),  # an unclosed mark quotes nothing
    (f"店员说“{LONG_QUOTE}”，我们深表歉意。", "rudeness"),  # too long to be someone's words
    # reported once, then said again in the handler's own voice
    ("对于店员说“爱买不买”这句话我们深表歉意，不过说实话，爱买不买。", "rudeness"),
]


@pytest.mark.parametrize(("reply", "code"), NOT_REPORTED)
def test_quotation_marks_are_no_loophole(reply, code):
    # given words the handler endorses, aims at the customer, or quotes without owning them
    # when the reply is coached
    # then the phrasing finding stands
    assert phrasing(reply) == {code}


@pytest.mark.parametrize(
    ("reply", "code"),
    [
        ("店员说“您的电话13912345678已登记”，这是不对的，向您道歉。", "personal_data"),
        ("同事说“系统端口异常”，这样的回答不专业，向您道歉。", "jargon"),
    ],
)
def test_numbers_and_jargon_are_findings_inside_quotations_too(reply, code):
    # given an apology quoting a phone number or an unexplained term
    # then the customer still reads them: they stay findings
    assert code in {f.code for f in lint_reply(reply).findings}


def test_the_finding_points_at_the_words_the_handler_says_not_at_the_quotation():
    # given a reply that reports the words, then says them
    report = lint_reply("对于店员说“爱买不买”这句话我们深表歉意，不过说实话，爱买不买。")
    # when it is coached
    (rude,) = [f for f in report.findings if f.code == "rudeness"]
    # then the finding's span is the second occurrence
    assert report.normalized.text.index("爱买不买") == 6
    assert (rude.start, rude.end, rude.words) == (27, 31, ("爱买不买",))


def test_the_reported_apology_costs_nothing_beside_the_same_reply_without_the_quotation():
    # given the same apology with the clerk's words quoted and with them paraphrased
    quoted = lint_reply("对于我们店员说“你爱买不买”这句话，我们深表歉意，今天下午5点前我会给您回电。")
    paraphrased = lint_reply("对于我们店员说的那句不礼貌的话，我们深表歉意，今天下午5点前我会给您回电。")
    # then both get the same findings and score: quoting is not penalised, not even gently
    assert [f.code for f in quoted.findings] == [f.code for f in paraphrased.findings]
    assert quoted.score == paraphrased.score


# --- the detector on its own ------------------------------------------------------------------------


def test_quotation_pairs_ignore_stray_unclosed_marks_and_apostrophes():
    assert quotations("他说“好”和「行」") == [(2, 4), (6, 8)]
    assert quotations("“外「内」外”") == [(0, 6), (2, 4)]
    assert quotations("“没关上") == []
    assert quotations("好”") == []
    assert quotations("don't say 'no'") == [(10, 13)]
    assert quotations("“一「二”") == [(0, 4)]  # the unclosed inner mark is dropped


def test_spans_cover_the_quoted_words_only_right_after_an_unquoted_verb():
    speech = ReportedSpeech()
    # a quotation: the words inside its marks
    assert speech.spans("店员说“爱买不买”，我们深表歉意。") == (Reported(4, 8, 8),)
    # unquoted: a hit must start right after the verb (and its 您/了/：)
    (unquoted,) = speech.spans("店员对您说爱买不买，非常抱歉。")
    assert unquoted == Reported(5, 9, 5)
    assert unquoted.covers(5, 9)
    assert not unquoted.covers(6, 9)


def test_without_its_lexicon_the_detector_finds_nothing():
    speech = ReportedSpeech({})
    assert speech.codes == frozenset()
    assert speech.spans("对于我们店员说“你爱买不买”这句话，我们深表歉意。") == ()


@pytest.mark.parametrize("reply", REPORTED + [reply for reply, _ in NOT_REPORTED])
def test_judging_only_around_the_words_gives_the_same_answer_for_them(reply):
    # given a reply and where its phrasing words start (what the linter passes as ``at``)
    speech = ReportedSpeech()
    text = lint_reply(reply).normalized.text
    linter_hits = [
        (m.start(), m.end())
        for word in ("爱买不买", "等着吧", "你有病吧", "不能退", "不归我们管", "保证", "是你自己的问题")
        for m in re.finditer(word, text)
    ]
    assert linter_hits
    # when spans are found for those places only, and for the whole text
    near = speech.spans(text, at=[s for s, _ in linter_hits])
    whole = speech.spans(text)
    # then every word is covered by one exactly when it is by the other
    assert [any(r.covers(s, e) for r in near) for s, e in linter_hits] == [
        any(r.covers(s, e) for r in whole) for s, e in linter_hits
    ]
