"""The shipped pain-point areas and survey templates (content/pain_points.yaml).

Plain data read once per process: areas are referred to by their stable code in questions and answers,
and each maps to competency item codes (docs/academy.md) for the team needs analysis. A survey created
from a template gets its own copy of the questions, which the trainer then edits freely.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

CONTENT_FILE = Path(__file__).parent / "content" / "pain_points.yaml"


@dataclass(frozen=True)
class Area:
    code: str
    label: str
    description: str
    item_codes: tuple[str, ...]


@dataclass(frozen=True)
class TemplateQuestion:
    kind: str
    text: str
    area: str = ""
    options: tuple[str, ...] = ()
    max_choices: int = 0
    required: bool = True


@dataclass(frozen=True)
class Template:
    code: str
    title: str
    description: str
    questions: tuple[TemplateQuestion, ...]


@cache
def _data() -> tuple[dict[str, Area], dict[str, Template]]:
    raw = yaml.safe_load(CONTENT_FILE.read_text(encoding="utf-8"))
    areas = {
        a["code"]: Area(a["code"], a["label"], a.get("description", ""), tuple(a.get("item_codes", ())))
        for a in raw["areas"]
    }
    templates = {}
    for t in raw.get("templates", ()):
        questions = []
        for q in t["questions"]:
            question = TemplateQuestion(
                kind=q["kind"],
                text=q["text"],
                area=q.get("area", ""),
                options=tuple(q.get("options", ())),
                max_choices=int(q.get("max_choices", 0)),
                required=bool(q.get("required", True)),
            )
            unknown = {question.area} - {""} | set(question.options)
            unknown -= set(areas)
            if unknown:
                raise ValueError(f"{CONTENT_FILE.name}: unknown pain-point areas {sorted(unknown)}")
            questions.append(question)
        templates[t["code"]] = Template(t["code"], t["title"], t.get("description", ""), tuple(questions))
    return areas, templates


def areas() -> dict[str, Area]:
    """code → Area, in the file's order."""
    return _data()[0]


def templates() -> dict[str, Template]:
    return _data()[1]
