"""The role-play engine: pure Python (no Django), like kesu.triage. See docs/roleplay.md."""

from kesu.roleplay.engine.engine import (
    Coaching,
    Debrief,
    State,
    TurnResult,
    debrief,
    play,
    start,
    triage_coach,
    turn,
)
from kesu.roleplay.engine.scenario import Scenario, ScenarioError, load_scenario, scenario_to_dict

__all__ = [
    "Coaching",
    "Debrief",
    "Scenario",
    "ScenarioError",
    "State",
    "TurnResult",
    "debrief",
    "load_scenario",
    "play",
    "scenario_to_dict",
    "start",
    "triage_coach",
    "turn",
]
