"""Fakes of the academy contracts the plans app reads (docs/academy.md): a PersonNeeds-shaped object and
a ``courses_for_items``. They are injected into plan_generate or patched into kesu.plans.contracts."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from kesu.accounts.roles import Role
from kesu.plans.contracts import dimension_of
from tests.conftest import make_user


def needs(*rows, model_number=3, profile="handler"):
    """A real ``PersonNeeds`` of the competency app, from (code, name, required, current, gap, priority)."""
    from kesu.competency.selectors import ItemGap, PersonNeeds, ProfileInfo

    items = tuple(
        ItemGap(
            item_code=code,
            name=name,
            dimension=dimension_of(code),
            required=required,
            current=current,
            gap=gap,
            priority=priority,
            evidence_count=0 if current is None else 3,
        )
        for code, name, required, current, gap, priority in rows
    )
    return PersonNeeds(
        user_id=0,
        profile=ProfileInfo(profile, "处理专员", "senior_handler"),
        model_number=model_number,
        items=items,
    )


# code, name, required, current, gap, priority
STANDARD = needs(
    ("know_law", "法律法规", 4, 3.5, 0.5, "low"),
    ("att_empathy", "同理心", 4, 1.5, 2.5, "high"),
    ("skill_communication", "沟通表达", 4, 2.8, 1.2, "medium"),
    ("know_process", "投诉处理流程", 4, 4.2, 0, "none"),
    ("skill_judgement", "判断能力", 4, 2.5, 1.5, "high"),
)


@dataclass
class FakeCourse:
    code: str
    title: str
    method: str


CATALOGUE = {
    "att_empathy": [
        FakeCourse("EMP-101", "共情沟通工作坊", "role_play"),
        FakeCourse("EMP-201", "情绪价值进阶", "lecture"),
    ],
    "skill_judgement": [FakeCourse("JDG-101", "投诉定性与判断案例课", "case_study")],
    "skill_communication": [
        FakeCourse("EMP-101", "共情沟通工作坊", "role_play"),
        FakeCourse("COM-110", "清晰表达在线课", "e_learning"),
    ],
    "know_law": [FakeCourse("LAW-101", "消费者权益保护法要点", "e_learning")],
}


def courses_for_items(*, item_codes, track=None):
    out = []
    for code in item_codes:
        for c in CATALOGUE.get(code, []):
            if c not in out:
                out.append(c)
    return out


START = dt.date(2026, 12, 1)
END = dt.date(2027, 2, 28)


@pytest.fixture
def trainer(db):
    return make_user("trainer1", Role.TRAINER, None, display_name="董文清")


@pytest.fixture
def generate(trainer):
    from kesu.plans import services

    def run(person, *, by=None, rows=STANDARD, start=START, end=END):
        return services.plan_generate(
            user=person,
            by=by or trainer,
            period_start=start,
            period_end=end,
            needs=rows,
            course_finder=courses_for_items,
        )

    return run


@pytest.fixture(autouse=True)
def _default_language():
    """Texts the services store (objectives, reasons) are written in the active language: the default
    zh-Hans here, whatever an earlier test client request left active in this thread."""
    from django.utils import translation

    with translation.override("zh-hans"):
        yield
