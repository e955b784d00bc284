"""kesu.demo.corpus: deterministic, varied, well-formed demo texts (no database needed)."""

from __future__ import annotations

import random
import re
from collections import Counter
from dataclasses import asdict
from datetime import date

import pytest

from kesu.demo import corpus
from kesu.demo.corpus import (
    CATEGORIES,
    CATEGORY_WEIGHTS,
    CHANNELS,
    COMPENSATION_TYPES,
    DEMANDS,
    DEPARTMENTS,
    RESPONSIBILITIES,
    SEVERITIES,
    SEVERITY_BANDS,
    ComplaintText,
    approval_reason,
    complaint_text,
    customer,
    follow_up_comment,
    handler_note,
)

CATEGORY_CODES = [code for code, _ in CATEGORIES]
MOBILE = re.compile(r"^1(3\d|5[0-35-9]|7[0135-8]|8\d|9[1235689])\d{8}$")
EMAIL = re.compile(r"^[a-z0-9._-]+@[a-z0-9.-]+\.[a-z]{2,}$")
HAN = re.compile(r"[\u4e00-\u9fff]")
# Outside quotations, a handler's summary never says "我" (only "我司") nor addresses "你们".
STRAY_FIRST_PERSON = re.compile(r"我(?!司)|你们")


def _generate(seed: int, n: int, **kwargs) -> list[ComplaintText]:
    rng = random.Random(seed)
    return [complaint_text(rng, channel=CHANNELS[i % len(CHANNELS)], **kwargs) for i in range(n)]


def test_categories_and_weights():
    assert CATEGORY_CODES == [
        "promise_broken",
        "technical_error",
        "attitude",
        "special_needs",
        "product_quality",
        "logistics",
        "refund_return",
        "privacy",
        "safety",
        "other",
    ]
    assert dict(CATEGORIES)["promise_broken"] == "服务承诺未兑现"
    assert set(CATEGORY_WEIGHTS) == set(CATEGORY_CODES)
    assert sum(CATEGORY_WEIGHTS.values()) == pytest.approx(1.0)
    assert max(CATEGORY_WEIGHTS, key=CATEGORY_WEIGHTS.get) == "promise_broken"


def test_deterministic_for_a_seed():
    first = [asdict(t) for t in _generate(42, 200)]
    again = [asdict(t) for t in _generate(42, 200)]
    other = [asdict(t) for t in _generate(43, 200)]
    assert first == again
    assert first != other
    rng_a, rng_b = random.Random(7), random.Random(7)
    assert [customer(rng_a) for _ in range(50)] == [customer(rng_b) for _ in range(50)]


def test_every_family_has_enough_material():
    for code in CATEGORY_CODES:
        families = [f for f in corpus._FAMILIES if f.category == code]
        assert len(families) >= 8, code
    for fam in corpus._FAMILIES:
        for bi in range(len(fam.bodies)):
            assert fam.titles[bi] and fam.causes[bi] and fam.fixes[bi] and fam.tasks[bi], (fam.key, bi)
            depts = [d for d, _ in fam.tasks[bi]]
            assert len(depts) == len(set(depts)), (fam.key, bi)
            assert set(depts) <= set(DEPARTMENTS), fam.key
            assert {r for r, _ in fam.causes[bi]} <= set(RESPONSIBILITIES), fam.key


@pytest.mark.parametrize("voice", sorted(set(corpus._VOICE.values())))
def test_every_template_renders_in_every_voice(voice):
    """Format each template of each family directly, so a missing slot can't hide behind chance."""
    rng = random.Random(1)
    first_person = voice in ("first", "email", "social")
    for fam in corpus._FAMILIES:
        for bi, body in enumerate(fam.bodies):
            texts = [body, *fam.titles[bi], *fam.extras[bi]]
            internal = [c for _, c in fam.causes[bi]] + list(fam.fixes[bi]) + [t for _, t in fam.tasks[bi]]
            if first_person:
                texts += fam.rants
            for template in texts + internal:
                slots = corpus._Slots(corpus._VOICE_SLOTS[voice])
                slots.rng, slots.fam, slots.today = rng, fam, corpus.DEFAULT_TODAY
                out = template.format_map(slots)
                assert "{" not in out and "}" not in out, (fam.key, template)
                unquoted = re.sub(r"“[^”]*”", "", out)
                if template in internal or not first_person:
                    assert not STRAY_FIRST_PERSON.search(unquoted), (fam.key, voice, out)


@pytest.mark.parametrize("category", CATEGORY_CODES)
@pytest.mark.parametrize("channel", CHANNELS)
def test_every_category_and_channel_is_well_formed(category, channel):
    rng = random.Random(f"{category}/{channel}")
    today = date(2026, 11, 20)
    for _ in range(40):
        t = complaint_text(rng, channel=channel, category=category)
        assert t.category == category
        assert t.severity in SEVERITIES
        assert t.demand in DEMANDS
        assert t.responsibility in RESPONSIBILITIES
        assert 4 <= len(t.title) <= 40, t.title
        assert 60 <= len(t.description) <= 600, t.description
        for text in (t.title, t.description, t.product, t.root_cause, t.resolution, *t.task_titles):
            assert text and HAN.search(text), t
            assert "{" not in text and "}" not in text, text
        assert t.order_ref == "" or re.fullmatch(
            r"DD20\d{12}|分期合同 HQ-FQ-20\d\d-0\d{4}|华启联名卡 尾号\d{4}", t.order_ref
        ), t.order_ref
        assert t.departments and len(t.departments) == len(t.task_titles)
        assert len(set(t.departments)) == len(t.departments)
        assert set(t.departments) <= set(DEPARTMENTS)
        if t.severity == "critical":
            assert "legal" in t.departments
        assert len({c for c, _ in t.compensation}) == len(t.compensation)
        for kind, amount in t.compensation:
            assert kind in COMPENSATION_TYPES
            assert isinstance(amount, int)
        # Dates mentioned fall within the year before `today`.
        for y, m, d in re.findall(r"DD(\d{4})(\d\d)(\d\d)", t.description + t.order_ref):
            assert 0 <= (today - date(int(y), int(m), int(d))).days <= 366
        if channel in ("phone", "visit", "letter", "api"):
            unquoted = re.sub(r"“[^”]*”", "", t.description)
            assert not STRAY_FIRST_PERSON.search(unquoted), t.description


def test_voice_follows_channel():
    rng = random.Random(5)
    for _ in range(200):
        phone = complaint_text(rng, channel="phone")
        assert phone.description.startswith(("客户", "来电人", "20")) or re.match(r"\d+月", phone.description)
        visit = complaint_text(rng, channel="visit")
        assert visit.description.startswith("客户")
        letter = complaint_text(rng, channel="letter")
        assert re.match(r"(客户|收到)", letter.description)
    web = [complaint_text(rng, channel="web").description for _ in range(200)]
    assert sum("我" in d for d in web) >= 195


def test_compensation_within_severity_bands():
    rng = random.Random(99)
    seen_types: Counter[str] = Counter()
    for i in range(5000):
        t = complaint_text(rng, channel=CHANNELS[i % len(CHANNELS)])
        lo, hi = SEVERITY_BANDS[t.severity]
        for kind, amount in t.compensation:
            seen_types[kind] += 1
            if kind == "written_apology":
                assert amount == 0
            else:
                assert lo <= amount <= hi, (t.severity, kind, amount)
    assert set(seen_types) == set(COMPENSATION_TYPES)


def test_distributions_are_plausible():
    texts = _generate(3, 6000)
    cats = Counter(t.category for t in texts)
    for code, weight in CATEGORY_WEIGHTS.items():
        assert abs(cats[code] / len(texts) - weight) < 0.03, code
    sev = Counter(t.severity for t in texts)
    assert sev["medium"] > sev["critical"] and sev["low"] > sev["critical"] > 0
    finance = [t for t in texts if t.order_ref.startswith(("分期合同", "华启联名卡"))]
    assert {t.category for t in finance} >= {"technical_error", "attitude", "privacy", "promise_broken"}


def test_descriptions_are_diverse():
    texts = _generate(2026, 2000)
    descriptions = [t.description for t in texts]
    assert len(set(descriptions)) >= 1900
    prefix, count = Counter(d[:12] for d in descriptions).most_common(1)[0]
    assert count < 0.05 * len(descriptions), prefix
    assert len({t.title for t in texts}) >= 1000
    lengths = sorted(len(d) for d in descriptions)
    assert lengths[len(lengths) // 10] < 120 and lengths[-len(lengths) // 10] > 190  # short and long ones
    assert lengths[-1] > 280
    assert any("！！" in d for d in descriptions) and any("12315" in d for d in descriptions)


def test_rejects_unknown_channel_and_category():
    rng = random.Random(0)
    with pytest.raises(ValueError):
        complaint_text(rng, channel="fax")
    with pytest.raises(ValueError):
        complaint_text(rng, channel="web", category="nope")


def test_customers():
    rng = random.Random(11)
    people = [customer(rng) for _ in range(5000)]
    for p in people:
        assert set(p) == {"name", "phone", "email", "tier", "special_group", "city"}
        assert 2 <= len(p["name"]) <= 4 and all(HAN.match(ch) for ch in p["name"])
        assert MOBILE.match(p["phone"]), p["phone"]
        assert p["email"] == "" or EMAIL.match(p["email"]), p["email"]
        assert p["tier"] in corpus.TIERS
        assert p["special_group"] in corpus.SPECIAL_GROUPS
        assert HAN.search(p["city"])
    share = Counter(p["special_group"] for p in people)
    assert 0.05 < share["elderly"] / len(people) < 0.09
    assert 0.01 < share["disabled"] / len(people) < 0.03
    no_mail = sum(p["email"] == "" for p in people) / len(people)
    assert 0.4 < no_mail < 0.55
    tiers = Counter(p["tier"] for p in people)
    assert tiers["regular"] > tiers["silver"] > tiers["gold"] > tiers["platinum"] > tiers["diamond"] > 0
    assert len({p["name"] for p in people}) > 2500


def test_notes_comments_and_reasons():
    rng = random.Random(8)
    for score in range(1, 6):
        comments = {follow_up_comment(rng, score) for _ in range(200)}
        assert len(comments) >= 15 and all(HAN.search(c) for c in comments)
    stages = (
        "acknowledge",
        "investigate",
        "resolve",
        "follow_up",
        "reopen",
        "escalate",
        "evidence",
        "investigating",
    )
    for stage in stages:
        notes = {handler_note(rng, stage) for _ in range(200)}
        assert len(notes) >= 5
        assert all(HAN.search(n) and "{" not in n and len(n) <= 80 for n in notes)
    with pytest.raises(ValueError):
        handler_note(rng, "nonsense")
    for approved in (True, False):
        reasons = {approval_reason(rng, approved) for _ in range(200)}
        assert len(reasons) >= 15 and all("{" not in r for r in reasons)
