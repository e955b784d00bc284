"""The shipped academy content (competency model and course catalogue) is well-formed and complete.

These tests read the YAML files directly (no database): they guard the format the loaders of the
competency and training apps rely on, and the coverage promised by docs/academy.md.
"""

import re
from collections import Counter
from pathlib import Path

import pytest
import yaml

import kesu

SRC = Path(kesu.__file__).resolve().parent
MODEL_FILE = SRC / "competency" / "content" / "model.yaml"
COURSES_DIR = SRC / "training" / "content" / "courses"

ITEMS = {
    "know_service": ("knowledge", "客户服务理论"),
    "know_process": ("knowledge", "投诉处理流程"),
    "know_communication": ("knowledge", "沟通理论"),
    "know_emotion": ("knowledge", "情绪管理"),
    "know_law": ("knowledge", "法律法规"),
    "know_product": ("knowledge", "产品与业务知识"),
    "know_crisis": ("knowledge", "危机与舆情管理"),
    "skill_observation": ("skill", "观察能力"),
    "skill_judgement": ("skill", "判断能力"),
    "skill_communication": ("skill", "沟通表达"),
    "skill_adaptability": ("skill", "应变能力"),
    "skill_coordination": ("skill", "协调能力"),
    "skill_learning": ("skill", "学习能力"),
    "att_responsibility": ("attitude", "责任心"),
    "att_empathy": ("attitude", "同理心"),
    "att_patience": ("attitude", "耐心"),
    "att_integrity": ("attitude", "诚信"),
    "att_confidentiality": ("attitude", "保密意识"),
    "att_service": ("attitude", "服务意识"),
}
PROFILES = {
    "new_handler": ("新入职投诉专员", "handler"),
    "handler": ("投诉专员", "senior_handler"),
    "senior_handler": ("高级投诉专员", "supervisor"),
    "supervisor": ("投诉主管/经理", None),
    "pr_officer": ("公关/危机专员", None),
    "liaison": ("部门联络人", None),
}
TRACK_PREFIX = {
    "new_hire": "NH",
    "advanced": "AD",
    "mgmt_crisis": "MC",
    "pr_crisis": "PR",
    "cross_dept": "CD",
    "industry_finance": "FI",
    "industry_service": "SV",
    "industry_ecommerce": "EC",
    "key_scenario": "KS",
}
SCENARIOS = {"mass_complaint", "high_sensitivity", "public_opinion"}
METHODS = {"lecture", "case_study", "role_play", "simulation", "discussion", "online", "mentoring"}
COURSE_KEYS = {
    "code",
    "title",
    "track",
    "scenario",
    "summary",
    "audience",
    "items",
    "target_level",
    "hours",
    "assessment",
    "modules",
}
MODULE_KEYS = {"title", "method", "minutes", "items", "body"}
MICRO_MINUTES = 5
CJK = re.compile(r"[\u4e00-\u9fff]")


def cjk_count(text):
    return len(CJK.findall(text))


def is_reading(module):
    """Online modules and micro-learning cards are read in the browser: they carry the teaching text."""
    return module["method"] == "online" or module["minutes"] <= MICRO_MINUTES


def load_model():
    return yaml.safe_load(MODEL_FILE.read_text(encoding="utf-8"))


COURSE_FILES = sorted(COURSES_DIR.glob("*.yaml"))


def load_courses():
    return [yaml.safe_load(path.read_text(encoding="utf-8")) for path in COURSE_FILES]


# --- competency model -------------------------------------------------------------------------------


def test_model_lists_the_19_items_of_the_contract_in_order_with_their_dimension_and_name():
    model = load_model()

    assert model["label"] == "客诉专员胜任力模型 2026 版"
    assert [item["code"] for item in model["items"]] == list(ITEMS)
    for item in model["items"]:
        assert (item["dimension"], item["name"]) == ITEMS[item["code"]], item["code"]
        assert set(item) == {"code", "dimension", "name", "description", "levels"}, item["code"]
        assert len(item["description"].strip()) >= 30, item["code"]


def test_every_item_has_five_levels_of_two_or_three_behavioural_indicators():
    model = load_model()

    for item in model["items"]:
        assert sorted(item["levels"]) == [1, 2, 3, 4, 5], item["code"]
        seen = set()
        for level, indicators in item["levels"].items():
            assert isinstance(indicators, list) and 2 <= len(indicators) <= 3, (item["code"], level)
            for text in indicators:
                assert isinstance(text, str) and cjk_count(text) >= 8, (item["code"], level, text)
                assert text not in seen, (item["code"], text)
                seen.add(text)


def test_profiles_are_the_six_roles_with_a_level_for_all_19_items():
    model = load_model()

    assert [profile["code"] for profile in model["profiles"]] == list(PROFILES)
    for profile in model["profiles"]:
        name, next_code = PROFILES[profile["code"]]
        assert profile["name"] == name
        assert profile["next"] == next_code
        assert len(profile["description"].strip()) >= 30, profile["code"]
        assert list(profile["requirements"]) == list(ITEMS), profile["code"]
        for code, level in profile["requirements"].items():
            assert isinstance(level, int) and 1 <= level <= 5, (profile["code"], code, level)


def test_required_levels_rise_along_the_career_path_and_differ_by_role():
    req = {p["code"]: p["requirements"] for p in load_model()["profiles"]}

    for lower, higher in [
        ("new_handler", "handler"),
        ("handler", "senior_handler"),
        ("senior_handler", "supervisor"),
    ]:
        assert all(req[lower][code] <= req[higher][code] for code in ITEMS), (lower, higher)
        assert sum(req[lower].values()) < sum(req[higher].values()), (lower, higher)
    assert req["pr_officer"]["know_crisis"] == 5
    assert req["pr_officer"]["skill_communication"] == 5
    assert req["pr_officer"]["know_crisis"] > req["handler"]["know_crisis"]
    assert req["liaison"]["skill_coordination"] > req["liaison"]["know_process"]
    assert req["liaison"]["know_process"] < req["handler"]["know_process"]
    assert len({tuple(r.values()) for r in req.values()}) == 6


# --- course catalogue -------------------------------------------------------------------------------


def test_there_are_at_least_24_courses_with_unique_codes_and_titles():
    courses = load_courses()

    assert len(courses) >= 24
    codes = Counter(course["code"] for course in courses)
    titles = Counter(course["title"] for course in courses)
    assert [code for code, n in codes.items() if n > 1] == []
    assert [title for title, n in titles.items() if n > 1] == []


@pytest.mark.parametrize("path", COURSE_FILES, ids=lambda p: p.stem)
def test_course_file_is_well_formed(path):
    course = yaml.safe_load(path.read_text(encoding="utf-8"))

    assert set(course) == COURSE_KEYS
    assert course["code"] == path.stem
    assert course["track"] in TRACK_PREFIX
    assert re.fullmatch(TRACK_PREFIX[course["track"]] + r"-\d{3}", course["code"])
    if course["track"] == "key_scenario":
        assert course["scenario"] in SCENARIOS
    else:
        assert course["scenario"] is None
    assert course["title"].strip() and cjk_count(course["summary"]) >= 40
    assert course["audience"] and set(course["audience"]) <= set(PROFILES)
    assert len(set(course["audience"])) == len(course["audience"])
    assert 1 <= len(course["items"]) <= 4 and set(course["items"]) <= set(ITEMS)
    assert len(set(course["items"])) == len(course["items"])
    assert isinstance(course["target_level"], int) and 1 <= course["target_level"] <= 5
    assert course["assessment"].strip()
    assert 2 <= len(course["modules"]) <= 6
    assert course["hours"] * 60 == sum(module["minutes"] for module in course["modules"])
    built = set()
    for module in course["modules"]:
        label = module.get("title")
        assert set(module) == MODULE_KEYS, label
        assert module["title"].strip(), label
        assert module["method"] in METHODS, label
        assert isinstance(module["minutes"], int) and module["minutes"] > 0, label
        assert module["items"] and set(module["items"]) <= set(course["items"]), label
        built |= set(module["items"])
        body = module["body"].strip()
        if is_reading(module):
            assert 600 <= cjk_count(body) <= 1800, (label, cjk_count(body))
            assert re.search(r"^#{2,3} \S", body, re.M), label
            assert re.search(r"^(- |\d+\. )", body, re.M), label
        else:
            assert 100 <= len(body) <= 300, (label, len(body))
        if module["minutes"] <= MICRO_MINUTES:
            assert module["method"] == "online", label
    assert built == set(course["items"])


def test_every_track_and_key_scenario_has_courses():
    courses = load_courses()

    per_track = Counter(course["track"] for course in courses)
    assert {track: per_track[track] >= 2 for track in TRACK_PREFIX} == {track: True for track in TRACK_PREFIX}
    assert per_track["key_scenario"] >= 3
    assert {course["scenario"] for course in courses if course["track"] == "key_scenario"} == SCENARIOS


def test_every_competency_item_is_built_by_at_least_two_courses():
    courses = load_courses()

    builders = Counter(code for course in courses for code in course["items"])
    assert {code: builders[code] for code in ITEMS if builders[code] < 2} == {}


def test_the_catalogue_has_enough_online_and_micro_learning_modules():
    modules = [module for course in load_courses() for module in course["modules"]]

    online = [m for m in modules if m["method"] == "online"]
    micro = [m for m in online if m["minutes"] <= MICRO_MINUTES]
    assert len(online) >= 30
    assert len(micro) >= 12
    assert len({m["title"] for m in micro}) == len(micro)
