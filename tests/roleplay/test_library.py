"""The shipped role-play library: every scenario loads, the library covers what trainees need, and the
reference conversations are usable for measuring the engine. No database."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
import yaml

from kesu.competency.content import ITEM_CODES
from kesu.roleplay.engine import debrief, load_scenario, play
from kesu.roleplay.engine.engine import said
from kesu.roleplay.engine.evaluate import CONTENT, evaluate, load_library, load_references

SCENARIO_FILES = sorted((CONTENT / "scenarios").glob("*.yaml"))
REFERENCE_FILES = sorted((CONTENT / "reference").glob("*.yaml"))
ROLE_PROFILES = {"new_handler", "handler", "senior_handler", "supervisor", "pr_officer", "liaison"}
FAMILIES = {"finance": {"finance"}, "retail_service": {"retail", "service"}, "ecommerce": {"ecommerce"}}
SUPERVISOR_AUTHORITY = 5000


@pytest.fixture(scope="module")
def library():
    return load_library()


@pytest.fixture(scope="module")
def references():
    return load_references()


@pytest.mark.parametrize("path", SCENARIO_FILES, ids=lambda p: p.stem)
def test_every_scenario_file_loads_with_known_items_and_its_file_name_as_code(path: Path):
    # given a shipped scenario file
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    # when it is loaded against the competency model's item codes
    scenario = load_scenario(data, item_codes=frozenset(ITEM_CODES))
    # then it is valid, named after its file, and aimed at known role profiles
    assert scenario.code == path.stem
    assert scenario.audience and set(scenario.audience) <= ROLE_PROFILES


def test_the_library_has_at_least_forty_scenarios_with_unique_codes(library):
    assert len(SCENARIO_FILES) >= 40
    assert len(library) == len(SCENARIO_FILES)  # no two files share a code


def test_the_library_covers_every_category_and_each_industry_family(library):
    scenarios = library.values()
    assert {s.category for s in scenarios} == {
        "promise_broken",
        "technical_error",
        "attitude",
        "special_needs",
        "product_quality",
        "logistics",
        "billing",
        "privacy_leak",
        "safety",
        "media",
        "crisis",
    }
    for family, industries in FAMILIES.items():
        in_family = [s for s in scenarios if s.industry in industries]
        assert len(in_family) >= 8, family
        assert {s.difficulty for s in in_family} == {1, 2, 3}, family


def test_every_scenario_has_the_checks_a_trainer_needs(library):
    for s in library.values():
        scopes = Counter(c.scope for c in s.rubric)
        assert 3 <= len(s.rubric) <= 6, s.code
        assert scopes["early"] >= 1, s.code  # apology / empathy at the start
        assert sum(c.scope == "any" and c.positive for c in s.rubric) >= 2, (
            s.code
        )  # solution + time/next step
        assert any(c.scope == "every" and c.none_words for c in s.rubric), s.code  # a forbidden-words check
        assert 1 <= s.pass_line <= 100


def test_every_scenario_gives_the_customer_enough_to_say_and_the_debrief_a_model_answer(library):
    for s in library.values():
        for reaction in ("calmer", "repeat", "escalate"):
            assert len(s.lines[reaction]) >= 3, (s.code, reaction)
        assert s.lines["accept"] and s.lines["abandon"], s.code
        assert s.persona.hidden_need and s.persona.hidden_need_words and s.hidden_line, s.code
        assert all(s.model_answers[phase] for phase in ("opening", "solution", "closing")), s.code
        assert 0 <= s.max_compensation <= SUPERVISOR_AUTHORITY, s.code


def test_model_answers_never_use_their_own_forbidden_words(library):
    # "said" as the engine judges it: words quoted to apologise for them are not said
    for s in library.values():
        forbidden = [w for c in s.rubric for w in c.none_words]
        for phase, answer in s.model_answers.items():
            assert said(forbidden, answer) == (), (s.code, phase)


def test_every_scenario_can_be_won_with_its_own_model_answers(library):
    for s in library.values():
        # given the model answers of the three phases, said in order
        replies = [s.model_answers[phase] for phase in ("opening", "solution", "closing")]
        # when they are played through the engine with the desk's reply coaching
        result = debrief(s, play(s, replies))
        # then the session passes and the customer never hangs up
        assert result.passed, (s.code, result.score, result.outcome)


def test_at_least_three_crisis_drills_with_timed_injects_and_tasks(library):
    drills = [s for s in library.values() if s.category == "crisis"]
    assert len(drills) >= 3
    for s in drills:
        assert s.is_drill
        assert len(s.injects) >= 3 and {"journalist", "viral_post"} <= {i.kind for i in s.injects}, s.code
        assert [i.minute for i in s.injects] == sorted(i.minute for i in s.injects)
        codes = {t.code for t in s.tasks}
        assert {"grade", "statement", "owners"} <= codes, s.code
        statement = next(t for t in s.tasks if t.code == "statement")
        assert statement.due_minute <= 60 and statement.words, s.code
        assert all(t.words for t in s.tasks), s.code


def test_the_library_has_journalist_calls_and_special_needs_in_every_family(library):
    for family, industries in FAMILIES.items():
        in_family = [s for s in library.values() if s.industry in industries]
        assert any(s.category == "media" for s in in_family), family
        assert any(s.category == "special_needs" for s in in_family), family
        assert any(s.category == "crisis" for s in in_family), family


def test_reference_conversations_name_existing_scenarios_and_are_well_formed(library, references):
    assert REFERENCE_FILES
    codes = [r["code"] for r in references]
    assert len(codes) == len(set(codes))
    for r in references:
        assert r["scenario"] in library, r["code"]
        assert 3 <= len(r["replies"]) <= 7, r["code"]
        assert all(isinstance(x, str) and x.strip() for x in r["replies"]), r["code"]
        assert r["quality"] in ("good", "mediocre", "poor"), r["code"]
        assert 0 <= r["trainer_score"] <= 100 and isinstance(r["trainer_pass"], bool), r["code"]
        assert r.get("note"), r["code"]


def test_reference_conversations_are_many_spread_and_balanced(references):
    assert len(references) >= 60
    assert len({r["scenario"] for r in references}) >= 25
    qualities = Counter(r["quality"] for r in references)
    for quality in ("good", "mediocre", "poor"):
        assert 0.25 <= qualities[quality] / len(references) <= 0.42, qualities


def test_trainer_judgements_are_consistent_with_the_quality_label(references):
    for r in references:
        if r["quality"] == "good":
            assert r["trainer_pass"] and r["trainer_score"] >= 75, r["code"]
        elif r["quality"] == "poor":
            assert not r["trainer_pass"] and r["trainer_score"] <= 40, r["code"]


def test_good_reference_replies_never_say_what_the_scenario_forbids(library, references):
    for r in references:
        if r["quality"] != "good":
            continue
        forbidden = [w for c in library[r["scenario"]].rubric for w in c.none_words]
        for reply in r["replies"]:
            assert said(forbidden, reply) == (), (r["code"], reply)


def test_rp_ec_007_forbids_telling_the_customer_to_wait_but_not_apologising_for_it(library, references):
    # given the scenario whose customer was told "等着吧" and its references
    scenario = library["RP-EC-007"]
    (brush_off,) = [c for c in scenario.rubric if c.code == "no_brush_off"]
    replies = {r["code"]: r["replies"] for r in references if r["scenario"] == "RP-EC-007"}
    # then its forbidden words hold the bare phrase again (no 您/你 variants to step around quoting it)
    assert "等着吧" in brush_off.none_words
    assert not {"您等着吧", "你等着吧"} & set(brush_off.none_words)
    # and the good reference and the model answer quote it to apologise, which is not saying it
    assert "“等着吧”" in replies["REF-EC-007-good"][0]
    assert "“等着吧”" in scenario.model_answers["opening"]
    assert said(brush_off.none_words, replies["REF-EC-007-good"][0]) == ()
    # while the poor reference, which tells her to wait, breaks the check
    assert said(brush_off.none_words, replies["REF-EC-007-poor"][1]) == ("等着吧", "排队的人多")


def test_the_engine_agrees_with_the_trainers_on_the_reference_conversations(library, references):
    # when every reference conversation is replayed through the engine with the desk's reply coaching
    result = evaluate(library, references)
    # then the engine ranks them like the trainers and mostly agrees on pass / fail
    assert result.spearman >= 0.7
    assert result.agreement >= 0.85
