"""The scripted engine: deterministic transcripts with exact states."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from kesu.roleplay.engine import (
    Coaching,
    ScenarioError,
    debrief,
    load_scenario,
    play,
    scenario_to_dict,
    start,
    turn,
)
from kesu.roleplay.engine.engine import CoachFinding, evaluate_checks, said

FIXTURE = Path(__file__).parent / "scenario_fixture.yaml"


@pytest.fixture(scope="module")
def scenario():
    return load_scenario(yaml.safe_load(FIXTURE.read_text(encoding="utf-8")))


def fixed_coach(text: str) -> Coaching:
    """A coach that only knows one rule, so these tests do not depend on the triage lexicons."""
    if "自己" in text:
        return Coaching(score=40, findings=(CoachFinding("buck_passing", "推诿", "high", ("自己",)),))
    return Coaching(score=80)


GOOD = [
    "陈女士，真的非常抱歉让您等了这么久，我马上帮您查。",
    "我已经为您申请加急，今天下午5点前一定发出，另外补偿您一张20元优惠券。",
    "是给孩子过生日用的吧？我会盯着物流，保证周六前送到。",
    "明天上午我再给您打电话确认物流。",
]
POOR = ["您自己去查物流吧。", "这个不归我们管，您自己找快递。", "您自己找快递。"]


def test_good_handling_is_resolved_and_passes(scenario):
    turns = play(scenario, GOOD, coach=fixed_coach)
    assert [t.reaction for t in turns][-1] == "accept"
    assert turns[-1].ended == "resolved"
    result = debrief(scenario, turns)
    assert result.outcome == "resolved"
    assert result.passed
    assert result.score >= scenario.pass_line
    assert result.missed == ()
    assert result.anger_curve[0] == 75 and result.anger_curve[-1] <= 35
    assert set(result.evidence) == {"att_empathy", "skill_communication", "know_process"}


def test_poor_handling_escalates_and_fails(scenario):
    turns = play(scenario, POOR, coach=fixed_coach)
    assert turns[0].reaction in ("escalate", "threaten")
    assert turns[-1].ended == "escalated"
    broke = next(c for c in turns[0].checks if c.code == "no_buck_passing")
    assert (broke.passed, broke.words) == (False, ("您自己",))
    result = debrief(scenario, turns)
    assert not result.passed
    assert result.outcome == "escalated"
    assert result.weak_turns[0].phase == "opening"
    assert result.weak_turns[0].model_answer.startswith("陈女士")


def test_same_replies_same_session(scenario):
    a = play(scenario, GOOD[:2] + POOR[:1], coach=fixed_coach)
    b = play(scenario, GOOD[:2] + POOR[:1], coach=fixed_coach)
    assert [(t.score, t.anger, t.trust, t.reaction, t.line) for t in a] == [
        (t.score, t.anger, t.trust, t.reaction, t.line) for t in b
    ]


def test_first_turn_exact_figures(scenario):
    t = turn(scenario, start(scenario), GOOD[0], coach=fixed_coach)
    # apology (early, weight 2) and no_buck_passing (every, weight 2) apply and pass: rubric 100.
    assert t.score == round(0.45 * 80 + 0.55 * 100)
    # calm: apology 5×2 = 10 (no_buck_passing has only forbidden words: passing it is no merit).
    assert (t.anger, t.trust) == (65, 25 + 6 + 4)  # trust: −0.6 × Δanger, +4 for a check newly met
    assert t.reaction == "calmer"
    assert t.line == "好吧，那你说怎么办？"
    assert t.hints == ("给出具体时限", "提出补救方案")


def test_hidden_need_is_revealed_once(scenario):
    turns = play(scenario, GOOD[:2] + ["孩子过生日吗？"], coach=fixed_coach)
    assert [(t.reaction, t.ended) for t in turns] == [("calmer", ""), ("hidden", ""), ("accept", "resolved")]
    assert turns[1].line == scenario.hidden_line
    assert turns[1].state.revealed and turns[2].state.revealed


def test_ended_session_refuses_more(scenario):
    turns = play(scenario, GOOD, coach=fixed_coach)
    with pytest.raises(ValueError):
        turn(scenario, turns[-1].state, "还有别的吗", coach=fixed_coach)


def test_state_roundtrip(scenario):
    t = turn(scenario, start(scenario), GOOD[0], coach=fixed_coach)
    from kesu.roleplay.engine import State

    assert State.from_dict(t.state.to_dict()) == t.state


def test_yaml_roundtrip_and_version(scenario):
    again = load_scenario(scenario_to_dict(scenario))
    assert again == scenario
    assert again.rubric_version() == scenario.rubric_version()
    changed = scenario_to_dict(scenario)
    changed["pass_line"] = 80
    assert load_scenario(changed).rubric_version() != scenario.rubric_version()


def test_invalid_scenario_lists_every_problem():
    with pytest.raises(ScenarioError) as err:
        load_scenario({"code": "bad code!", "industry": "mars", "difficulty": 7, "rubric": [{"code": "x"}]})
    problems = " | ".join(err.value.problems)
    for fragment in ("code:", "industry:", "difficulty:", "title:", "persona:", "rubric[1]", "lines"):
        assert fragment in problems


def test_real_coach_is_used_by_default(scenario):
    t = turn(scenario, start(scenario), "这个不归我们管，您自己去找快递。")
    assert any(f.code == "buck_passing" for f in t.coaching.findings)
    assert t.anger > 75


@pytest.mark.parametrize(
    ("reply", "passed", "words"),
    [
        # the trainee quotes a colleague's brush-off to apologise for it: not said
        ("对于同事说“这不归我们管”这句话，我们深表歉意，今天下午5点前给您回复。", True, ()),
        ("上一位同事对您说「您自己找快递」，这是不对的，向您道歉。", True, ()),
        # quotation marks alone, or owning it and then saying it: said
        ("“不归我们管”，抱歉。", False, ("不归我们管",)),
        ("对于同事说“不归我们管”这句话我们深表歉意，但这确实不归我们管。", False, ("不归我们管",)),
        ("这不归我们管，您自己找快递。", False, ("不归我们管", "您自己", "找快递")),
    ],
)
def test_forbidden_words_quoted_to_apologise_for_them_do_not_break_a_check(scenario, reply, passed, words):
    # given the fixture's "no buck-passing" check (none: 不归我们管, 您自己, 找快递)
    # when a reply is checked
    (check,) = [r for r in evaluate_checks(scenario, start(scenario), reply) if r.code == "no_buck_passing"]
    # then it breaks the check only with words the trainee says in their own voice
    assert (check.passed, check.words) == (passed, words)
    assert said(("不归我们管", "您自己", "找快递"), reply) == words
