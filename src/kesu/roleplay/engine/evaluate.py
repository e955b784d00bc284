"""How well the engine agrees with trainers: reference conversations (content/reference/*.yaml), each
scored by a trainer before the engine saw it, are replayed through the engine.

A reference file is a list of conversations:

    - code: REF-EC-001-good
      scenario: RP-EC-001
      quality: good            # good | mediocre | poor
      trainer_score: 86        # 0..100, the trainer's overall score
      trainer_pass: true
      replies: ["……", "……"]    # the trainee's replies in order (the customer's lines are the engine's)

Figures: Spearman's rank correlation between engine and trainer scores, and the share of conversations
where both agree on pass/fail.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import yaml
from scipy.stats import spearmanr

from kesu.roleplay.engine.engine import Coach, debrief, play, triage_coach
from kesu.roleplay.engine.scenario import Scenario, load_scenario

CONTENT = Path(__file__).resolve().parent.parent / "content"


@dataclass(frozen=True, slots=True)
class Row:
    code: str
    scenario: str
    quality: str
    trainer_score: int
    trainer_pass: bool
    engine_score: int
    engine_pass: bool
    outcome: str
    turns: int


@dataclass(frozen=True, slots=True)
class Evaluation:
    rows: tuple[Row, ...]
    spearman: float
    agreement: float

    @property
    def disagreements(self) -> list[Row]:
        return [r for r in self.rows if r.trainer_pass != r.engine_pass]


def load_library(directory: Path = CONTENT / "scenarios") -> dict[str, Scenario]:
    out = {}
    for path in sorted(directory.glob("*.yaml")):
        s = load_scenario(yaml.safe_load(path.read_text(encoding="utf-8")))
        out[s.code] = s
    return out


def load_references(directory: Path = CONTENT / "reference") -> list[dict]:
    refs: list[dict] = []
    for path in sorted(directory.glob("*.yaml")):
        refs.extend(yaml.safe_load(path.read_text(encoding="utf-8")) or [])
    return refs


def evaluate(
    scenarios: dict[str, Scenario], references: Iterable[dict], *, coach: Coach = triage_coach
) -> Evaluation:
    rows = []
    for ref in references:
        scenario = scenarios[ref["scenario"]]
        turns = play(scenario, ref["replies"], coach=coach)
        result = debrief(scenario, turns)
        rows.append(
            Row(
                code=ref["code"],
                scenario=scenario.code,
                quality=ref.get("quality", ""),
                trainer_score=int(ref["trainer_score"]),
                trainer_pass=bool(ref["trainer_pass"]),
                engine_score=result.score,
                engine_pass=result.passed,
                outcome=result.outcome,
                turns=len(turns),
            )
        )
    if len(rows) >= 3:
        rho = spearmanr([r.engine_score for r in rows], [r.trainer_score for r in rows]).statistic
        rho = float(rho) if rho == rho else 0.0  # NaN when one side is constant
    else:
        rho = 0.0
    agreement = sum(r.trainer_pass == r.engine_pass for r in rows) / len(rows) if rows else 0.0
    return Evaluation(tuple(rows), round(rho, 3), round(agreement, 3))
