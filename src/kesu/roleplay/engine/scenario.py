"""Scenarios as plain, frozen data: loading and validating them from YAML-shaped dicts, and back.

Validation collects every problem it finds (a trainer importing a YAML file wants the whole list, not the
first error) and raises ``ScenarioError`` with them; a loaded ``Scenario`` is always usable by the engine.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

INDUSTRIES = ("finance", "retail", "ecommerce", "service", "general")
CATEGORIES = (
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
)
SCOPES = ("early", "any", "every")
REACTIONS = ("calmer", "repeat", "escalate", "threaten", "manager", "accept", "abandon")
PHASES = ("opening", "solution", "closing")
INJECT_KINDS = ("complaint", "journalist", "viral_post", "internal")


class ScenarioError(ValueError):
    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True, slots=True)
class Check:
    code: str
    label: str
    scope: str
    weight: float
    any_words: tuple[str, ...] = ()
    none_words: tuple[str, ...] = ()

    @property
    def positive(self) -> bool:
        """A check that needs something said (else it only forbids something)."""
        return bool(self.any_words)


@dataclass(frozen=True, slots=True)
class Persona:
    name: str
    temperament: str
    description: str
    start_anger: int
    start_trust: int
    calms: tuple[str, ...] = ()
    provokes: tuple[str, ...] = ()
    hidden_need: str = ""
    hidden_need_words: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Inject:
    minute: int
    kind: str
    text: str


@dataclass(frozen=True, slots=True)
class DrillTask:
    code: str
    label: str
    due_minute: int
    words: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Scenario:
    code: str
    title: str
    industry: str
    category: str
    difficulty: int
    items: tuple[str, ...]
    audience: tuple[str, ...]
    persona: Persona
    facts: str
    acceptable: tuple[str, ...]
    max_compensation: int
    rubric: tuple[Check, ...]
    pass_line: int
    lines: dict[str, tuple[str, ...]]
    opening: str
    hidden_line: str
    model_answers: dict[str, str]
    injects: tuple[Inject, ...] = ()
    tasks: tuple[DrillTask, ...] = ()
    max_turns: int = 12
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def is_drill(self) -> bool:
        return self.category == "crisis" and bool(self.injects)

    def rubric_version(self) -> str:
        """A short hash of what decides the score: frozen into every session."""
        payload = json.dumps(
            {
                "rubric": [
                    [c.code, c.scope, c.weight, list(c.any_words), list(c.none_words)] for c in self.rubric
                ],
                "pass_line": self.pass_line,
                "hidden": list(self.persona.hidden_need_words),
                "anger": self.persona.start_anger,
                "trust": self.persona.start_trust,
                "difficulty": self.difficulty,
            },
            ensure_ascii=False,
            sort_keys=True,
        )
        return hashlib.sha256(payload.encode()).hexdigest()[:12]


def _words(value: Any, where: str, problems: list[str]) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(w, str) and w.strip() for w in value):
        problems.append(f"{where}: a list of non-empty words is expected")
        return ()
    return tuple(w.strip() for w in value)


def _int(value: Any, where: str, lo: int, hi: int, problems: list[str], default: int = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float) or not lo <= value <= hi:
        problems.append(f"{where}: a number from {lo} to {hi} is expected")
        return default
    return int(value)


def _text(value: Any, where: str, problems: list[str], *, required: bool = True) -> str:
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            problems.append(f"{where}: required")
        return ""
    if not isinstance(value, str):
        problems.append(f"{where}: text is expected")
        return ""
    return value.strip()


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def load_scenario(data: Any, *, item_codes: frozenset[str] | None = None) -> Scenario:
    """A validated Scenario from a YAML-shaped dict; ``ScenarioError`` lists every problem."""
    problems: list[str] = []
    if not isinstance(data, dict):
        raise ScenarioError(["the scenario must be a mapping of fields"])
    code = _text(data.get("code"), "code", problems)
    if code and (len(code) > 40 or not all(ch.isalnum() or ch in "-_" for ch in code)):
        problems.append("code: letters, digits, '-' and '_' only (at most 40)")
    title = _text(data.get("title"), "title", problems)
    industry = data.get("industry")
    if industry not in INDUSTRIES:
        problems.append(f"industry: one of {', '.join(INDUSTRIES)}")
    category = data.get("category")
    if category not in CATEGORIES:
        problems.append(f"category: one of {', '.join(CATEGORIES)}")
    difficulty = _int(data.get("difficulty"), "difficulty", 1, 3, problems, 2)
    items = _words(data.get("items"), "items", problems)
    if not items:
        problems.append("items: at least one competency item")
    elif item_codes is not None:
        unknown = [i for i in items if i not in item_codes]
        if unknown:
            problems.append(f"items: unknown competency items {', '.join(unknown)}")
    audience = _words(data.get("audience"), "audience", problems)

    p = data.get("persona")
    if not isinstance(p, dict):
        problems.append("persona: required (name, temperament, start_anger, start_trust, ...)")
        p = {}
    persona = Persona(
        name=_text(p.get("name"), "persona.name", problems),
        temperament=_text(p.get("temperament"), "persona.temperament", problems),
        description=_text(p.get("description"), "persona.description", problems, required=False),
        start_anger=_int(p.get("start_anger"), "persona.start_anger", 0, 100, problems, 60),
        start_trust=_int(p.get("start_trust"), "persona.start_trust", 0, 100, problems, 30),
        calms=_words(p.get("calms"), "persona.calms", problems),
        provokes=_words(p.get("provokes"), "persona.provokes", problems),
        hidden_need=_text(p.get("hidden_need"), "persona.hidden_need", problems, required=False),
        hidden_need_words=_words(p.get("hidden_need_words"), "persona.hidden_need_words", problems),
    )
    facts = _text(data.get("facts"), "facts", problems)
    sol = _mapping(data.get("solution"))
    acceptable = _words(sol.get("acceptable"), "solution.acceptable", problems)
    max_comp = _int(sol.get("max_compensation", 0), "solution.max_compensation", 0, 1_000_000, problems)

    rubric: list[Check] = []
    raw_rubric = data.get("rubric")
    if not isinstance(raw_rubric, list) or not raw_rubric:
        problems.append("rubric: at least one check")
        raw_rubric = []
    seen: set[str] = set()
    for n, c in enumerate(raw_rubric, 1):
        where = f"rubric[{n}]"
        if not isinstance(c, dict):
            problems.append(f"{where}: a mapping is expected")
            continue
        ccode = _text(c.get("code"), f"{where}.code", problems)
        if ccode in seen:
            problems.append(f"{where}.code: '{ccode}' is used twice")
        seen.add(ccode)
        scope = c.get("scope", "any")
        if scope not in SCOPES:
            problems.append(f"{where}.scope: one of {', '.join(SCOPES)}")
        weight = c.get("weight", 1)
        if isinstance(weight, bool) or not isinstance(weight, int | float) or not 0 < weight <= 10:
            problems.append(f"{where}.weight: a number above 0 and at most 10")
            weight = 1
        any_words = _words(c.get("any"), f"{where}.any", problems)
        none_words = _words(c.get("none"), f"{where}.none", problems)
        if not any_words and not none_words:
            problems.append(f"{where}: give 'any' words (must appear) or 'none' words (must not appear)")
        rubric.append(
            Check(
                code=ccode,
                label=_text(c.get("label"), f"{where}.label", problems),
                scope=scope if scope in SCOPES else "any",
                weight=float(weight),
                any_words=any_words,
                none_words=none_words,
            )
        )
    pass_line = _int(data.get("pass_line", 70), "pass_line", 1, 100, problems, 70)

    raw_lines = _mapping(data.get("lines"))
    if not raw_lines:
        problems.append("lines: required (opening, calmer, repeat, escalate, ...)")
    opening = _text(raw_lines.get("opening"), "lines.opening", problems)
    hidden_line = _text(raw_lines.get("hidden"), "lines.hidden", problems, required=False)
    lines: dict[str, tuple[str, ...]] = {}
    for reaction in REACTIONS:
        value = raw_lines.get(reaction)
        if isinstance(value, str):
            value = [value]
        got = _words(value, f"lines.{reaction}", problems)
        if not got and reaction in ("calmer", "repeat", "escalate", "accept"):
            problems.append(f"lines.{reaction}: at least one line")
        lines[reaction] = got
    answers = _mapping(data.get("model_answers"))
    model_answers = {phase: _text(answers.get(phase), f"model_answers.{phase}", problems) for phase in PHASES}

    injects: list[Inject] = []
    for n, i in enumerate(data.get("injects") or [], 1):
        if not isinstance(i, dict) or i.get("kind") not in INJECT_KINDS:
            problems.append(f"injects[{n}]: minute, kind ({', '.join(INJECT_KINDS)}) and text")
            continue
        injects.append(
            Inject(
                minute=_int(i.get("minute"), f"injects[{n}].minute", 0, 600, problems),
                kind=i["kind"],
                text=_text(i.get("text"), f"injects[{n}].text", problems),
            )
        )
    tasks: list[DrillTask] = []
    for n, t in enumerate(data.get("tasks") or [], 1):
        if not isinstance(t, dict):
            problems.append(f"tasks[{n}]: a mapping is expected")
            continue
        tasks.append(
            DrillTask(
                code=_text(t.get("code"), f"tasks[{n}].code", problems),
                label=_text(t.get("label"), f"tasks[{n}].label", problems),
                due_minute=_int(t.get("due_minute"), f"tasks[{n}].due_minute", 1, 600, problems, 30),
                words=_words(t.get("words"), f"tasks[{n}].words", problems),
            )
        )
    if category == "crisis" and data.get("injects") and not tasks:
        problems.append("tasks: a crisis drill needs the tasks the team must do")
    max_turns = _int(data.get("max_turns", 12), "max_turns", 3, 40, problems, 12)
    if problems:
        raise ScenarioError(problems)
    return Scenario(
        code=code,
        title=title,
        industry=str(industry),
        category=str(category),
        difficulty=difficulty,
        items=items,
        audience=audience,
        persona=persona,
        facts=facts,
        acceptable=acceptable,
        max_compensation=max_comp,
        rubric=tuple(rubric),
        pass_line=pass_line,
        lines=lines,
        opening=opening,
        hidden_line=hidden_line,
        model_answers=model_answers,
        injects=tuple(sorted(injects, key=lambda i: i.minute)),
        tasks=tuple(tasks),
        max_turns=max_turns,
    )


def scenario_to_dict(s: Scenario) -> dict[str, Any]:
    """The YAML shape of a scenario (what ``load_scenario`` reads)."""
    out: dict[str, Any] = {
        "code": s.code,
        "title": s.title,
        "industry": s.industry,
        "category": s.category,
        "difficulty": s.difficulty,
        "items": list(s.items),
        "audience": list(s.audience),
        "persona": {
            "name": s.persona.name,
            "temperament": s.persona.temperament,
            "description": s.persona.description,
            "start_anger": s.persona.start_anger,
            "start_trust": s.persona.start_trust,
            "calms": list(s.persona.calms),
            "provokes": list(s.persona.provokes),
            "hidden_need": s.persona.hidden_need,
            "hidden_need_words": list(s.persona.hidden_need_words),
        },
        "facts": s.facts,
        "solution": {"acceptable": list(s.acceptable), "max_compensation": s.max_compensation},
        "rubric": [
            {
                "code": c.code,
                "label": c.label,
                "scope": c.scope,
                "weight": c.weight,
                **({"any": list(c.any_words)} if c.any_words else {}),
                **({"none": list(c.none_words)} if c.none_words else {}),
            }
            for c in s.rubric
        ],
        "pass_line": s.pass_line,
        "max_turns": s.max_turns,
        "lines": {
            "opening": s.opening,
            **({"hidden": s.hidden_line} if s.hidden_line else {}),
            **{r: list(v) for r, v in s.lines.items() if v},
        },
        "model_answers": dict(s.model_answers),
    }
    if s.injects:
        out["injects"] = [{"minute": i.minute, "kind": i.kind, "text": i.text} for i in s.injects]
    if s.tasks:
        out["tasks"] = [
            {"code": t.code, "label": t.label, "due_minute": t.due_minute, "words": list(t.words)}
            for t in s.tasks
        ]
    return out
