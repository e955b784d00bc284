"""The scripted role-play engine: score a reply, move the customer's anger and trust, pick the reaction
and the line. Pure and deterministic: the same scenario and replies give the same session.

Scoring a reply (``turn``):
- Coaching: the desk's reply-coaching engine (kesu.triage) scores the reply 0..100 and lists findings
  (buck-passing, blaming the customer, rudeness, …) and credits (empathy, apology, concrete time, …).
- Rubric: each of the scenario's atomic checks is evaluated with the words that satisfied or broke it.
  ``every`` checks apply to each reply, ``early`` checks to the first two replies, ``any`` checks are met
  once anywhere in the session (they never count against a single reply, only against the session).
  A forbidden word the trainee quotes in order to apologise for it ("还听到“等着吧”这样的回答，我向您道
  歉") is not said: the desk's reported-speech rules (kesu.triage.speech) decide, as in the coaching.
- Turn score = 45 % coaching + 55 % rubric (weighted share of the checks that applied and passed).
Moving the customer: checks met calm (5 × weight), checks broken provoke (8 × weight), coaching findings
the customer hears (buck-passing, blame, rudeness, negative phrasing, jargon) provoke, credits calm a little; a one-word or repeated reply provokes; mentioning the hidden
need builds trust. Difficulty scales both; one reply moves anger by at most ±22. Then the reaction:
abandon (anger rose to ≥ 95 after an earlier escalation, or a third escalation above 85), accept (calm, trusting and every ``any`` check met), hidden (trust high enough, need not yet
revealed), threaten / manager / escalate (anger rose), calmer (fell), repeat (no progress).
Scoring the session (``debrief``): 50 % mean turn score + 30 % share of ``any``/``early`` weight met +
20 % outcome (resolved 100, open 40, escalated 0); pass = score ≥ pass line and not escalated.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from kesu.roleplay.engine.scenario import Check, Scenario

COACH_SHARE = 0.45
# What a customer actually hears: being pushed away, blamed, spoken down to. Findings about what a reply
# lacks (missing_empathy, missing_next_step, …) and over-promising lower the reply's score but do not, by
# themselves, make the customer angrier.
PROVOKING = {"buck_passing": 12, "blaming_customer": 14, "rudeness": 16, "negative_phrasing": 4, "jargon": 3}
DIFFICULTY_UP = {1: 0.8, 2: 1.0, 3: 1.25}
DIFFICULTY_DOWN = {1: 1.2, 2: 1.0, 3: 0.85}
WEAK_TURN = 60
MAX_SWING = 22


@dataclass(frozen=True, slots=True)
class CoachFinding:
    code: str
    label: str
    severity: str  # high | medium | low | credit
    words: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Coaching:
    score: int
    findings: tuple[CoachFinding, ...] = ()
    credits: tuple[CoachFinding, ...] = ()


Coach = Callable[[str], Coaching]


def triage_coach(text: str) -> Coaching:
    """The desk's reply coaching (kesu.triage), as the engine sees it."""
    from kesu.triage.reply import lint_reply

    report = lint_reply(text)
    return Coaching(
        score=report.score,
        findings=tuple(CoachFinding(f.code, f.label, f.severity, tuple(f.words)) for f in report.findings),
        credits=tuple(CoachFinding(f.code, f.label, "credit", tuple(f.words)) for f in report.credits),
    )


@dataclass(frozen=True, slots=True)
class CheckResult:
    code: str
    label: str
    scope: str
    weight: float
    passed: bool
    applied: bool  # counted in this turn's score
    words: tuple[str, ...]  # the words that satisfied it (positive) or broke it (negative)


@dataclass(frozen=True, slots=True)
class State:
    anger: int
    trust: int
    turn: int = 0
    met: frozenset[str] = frozenset()  # early/any checks met so far
    revealed: bool = False
    escalations: int = 0
    threatened: bool = False
    cursors: tuple[tuple[str, int], ...] = ()
    last_reply: str = ""
    ended: str = ""  # "" | resolved | escalated | abandoned

    def to_dict(self) -> dict[str, Any]:
        return {
            "anger": self.anger,
            "trust": self.trust,
            "turn": self.turn,
            "met": sorted(self.met),
            "revealed": self.revealed,
            "escalations": self.escalations,
            "threatened": self.threatened,
            "cursors": dict(self.cursors),
            "last_reply": self.last_reply,
            "ended": self.ended,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> State:
        return cls(
            anger=int(d["anger"]),
            trust=int(d["trust"]),
            turn=int(d.get("turn", 0)),
            met=frozenset(d.get("met", ())),
            revealed=bool(d.get("revealed")),
            escalations=int(d.get("escalations", 0)),
            threatened=bool(d.get("threatened")),
            cursors=tuple(sorted((d.get("cursors") or {}).items())),
            last_reply=d.get("last_reply", ""),
            ended=d.get("ended", ""),
        )


@dataclass(frozen=True, slots=True)
class TurnResult:
    turn: int
    reply: str
    checks: tuple[CheckResult, ...]
    coaching: Coaching
    score: int
    anger: int
    trust: int
    reaction: str
    line: str
    ended: str
    state: State
    hints: tuple[str, ...] = field(default=())


def _fold(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).lower().split())


def _found(words: Sequence[str], folded: str) -> tuple[str, ...]:
    return tuple(w for w in words if _fold(w) and _fold(w) in folded)


def said(words: Sequence[str], reply: str) -> tuple[str, ...]:
    """The forbidden ``words`` the reply says: an occurrence inside words it reports in order to apologise
    for them (kesu.triage.speech) does not count, so quoting "等着吧" to own it is not telling the
    customer to wait; the same words in the trainee's own voice, or quoted without owning them, do."""
    folded = _fold(reply)
    found = _found(words, folded)
    if not found:
        return ()
    from kesu.triage.speech import reported_spans

    places = {w: _places(_fold(w), folded) for w in found}
    reported = reported_spans(folded, at=[p for ps in places.values() for p in ps])
    if not reported:
        return found
    return tuple(
        w for w in found if any(not any(r.covers(p, p + len(_fold(w))) for r in reported) for p in places[w])
    )


def _places(needle: str, folded: str) -> list[int]:
    out = []
    pos = folded.find(needle)
    while pos >= 0:
        out.append(pos)
        pos = folded.find(needle, pos + 1)
    return out


def start(scenario: Scenario) -> State:
    return State(anger=scenario.persona.start_anger, trust=scenario.persona.start_trust)


def evaluate_checks(scenario: Scenario, state: State, reply: str) -> tuple[CheckResult, ...]:
    folded = _fold(reply)
    turn = state.turn + 1
    out = []
    for c in scenario.rubric:
        hit = _found(c.any_words, folded)
        broke = said(c.none_words, reply)
        passed = (not c.any_words or bool(hit)) and not broke
        if c.scope == "every":
            applied = True
        elif c.scope == "early":
            applied = turn <= 2 and c.code not in state.met
        else:  # any: only ever adds to a reply's score, never subtracts
            applied = passed and c.code not in state.met
        out.append(CheckResult(c.code, c.label, c.scope, c.weight, passed, applied, broke if broke else hit))
    return tuple(out)


def _next_line(scenario: Scenario, state: State, reaction: str) -> tuple[str, State]:
    options = scenario.lines.get(reaction) or scenario.lines.get("repeat") or (scenario.opening,)
    cursors = dict(state.cursors)
    n = cursors.get(reaction, 0)
    cursors[reaction] = n + 1
    return options[n % len(options)], replace(state, cursors=tuple(sorted(cursors.items())))


def _clamp(x: float) -> int:
    return int(max(0, min(100, round(x))))


def turn(scenario: Scenario, state: State, reply: str, *, coach: Coach = triage_coach) -> TurnResult:
    """Score one reply and answer it. A session that has ended answers nothing and changes nothing."""
    if state.ended:
        raise ValueError("the session has ended")
    reply = (reply or "").strip()
    coaching = coach(reply)
    checks = evaluate_checks(scenario, state, reply)
    by_code: dict[str, Check] = {c.code: c for c in scenario.rubric}

    applied = [r for r in checks if r.applied]
    total = sum(r.weight for r in applied)
    rubric_score = 100 * sum(r.weight for r in applied if r.passed) / total if total else coaching.score
    score = _clamp(COACH_SHARE * coaching.score + (1 - COACH_SHARE) * rubric_score)

    up = DIFFICULTY_UP[scenario.difficulty]
    down = DIFFICULTY_DOWN[scenario.difficulty]
    calm = 0.0
    provoke = 0.0
    met = set(state.met)
    for r in checks:
        check = by_code[r.code]
        if check.positive and r.passed and (check.scope == "every" or r.code not in state.met):
            calm += 5 * r.weight
        if r.passed and check.scope in ("early", "any"):
            met.add(r.code)
        if not r.passed and check.none_words and r.words:
            provoke += 8 * r.weight
    for f in coaching.findings:
        provoke += PROVOKING.get(f.code, 0)
    calm += min(9, 3 * len(coaching.credits))
    folded = _fold(reply)
    if len(folded) < 6:
        provoke += 8  # a brush-off
    if state.last_reply and folded == _fold(state.last_reply):
        provoke += 10  # the same answer again
    hidden_hit = bool(_found(scenario.persona.hidden_need_words, folded))
    trust_gain = 4 * sum(1 for r in checks if r.passed and r.words and r.code not in state.met)
    if hidden_hit:
        calm += 10
        trust_gain += 20
    # One reply moves a customer only so far: even a rude first answer earns a threat, not a hang-up.
    delta = max(-MAX_SWING, min(MAX_SWING, provoke * up - calm * down))
    anger = _clamp(state.anger + delta)
    trust = _clamp(state.trust - 0.6 * delta + trust_gain)

    new = replace(state, turn=state.turn + 1, anger=anger, trust=trust, met=frozenset(met), last_reply=reply)
    any_codes = {c.code for c in scenario.rubric if c.scope == "any"}
    all_any_met = any_codes <= met
    if delta > 0 and ((anger >= 95 and state.escalations >= 1) or (anger >= 85 and state.escalations >= 2)):
        reaction = "abandon"
    elif anger <= 35 and trust >= 60 and all_any_met:
        reaction = "accept"
    elif trust >= 55 and not state.revealed and scenario.hidden_line and delta <= 0:
        reaction = "hidden"
    elif delta >= 8:
        if anger >= 80 and not state.threatened:
            reaction = "threaten"
        elif anger >= 80:
            reaction = "manager"
        else:
            reaction = "escalate"
    elif delta <= -5:
        reaction = "calmer"
    else:
        reaction = "repeat"

    if reaction == "hidden":
        line = scenario.hidden_line
        new = replace(new, revealed=True)
    else:
        if reaction in ("abandon", "threaten", "manager") and not scenario.lines.get(reaction):
            reaction = "escalate" if reaction != "abandon" else reaction
        line, new = _next_line(scenario, new, reaction)
    if reaction in ("escalate", "threaten", "manager"):
        new = replace(
            new, escalations=new.escalations + 1, threatened=new.threatened or reaction == "threaten"
        )
    ended = ""
    if reaction == "accept":
        ended = "resolved"
    elif reaction == "abandon":
        ended = "escalated"
    elif new.turn >= scenario.max_turns:
        ended = "escalated"  # the customer asks for someone else after too long
    new = replace(new, ended=ended)
    return TurnResult(
        turn=new.turn,
        reply=reply,
        checks=checks,
        coaching=coaching,
        score=score,
        anger=anger,
        trust=trust,
        reaction=reaction,
        line=line,
        ended=ended,
        state=new,
        hints=hints_for(scenario, new),
    )


def hints_for(scenario: Scenario, state: State) -> tuple[str, ...]:
    """What is still missing (practice mode shows these on request)."""
    return tuple(c.label for c in scenario.rubric if c.scope in ("early", "any") and c.code not in state.met)


# --------------------------------------------------------------------------------------------------
# Debrief


@dataclass(frozen=True, slots=True)
class WeakTurn:
    turn: int
    score: int
    phase: str
    model_answer: str
    missed: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Debrief:
    score: int
    passed: bool
    outcome: str  # resolved | escalated | open | abandoned
    turn_scores: tuple[int, ...]
    anger_curve: tuple[int, ...]
    trust_curve: tuple[int, ...]
    met: tuple[str, ...]
    missed: tuple[str, ...]
    weak_turns: tuple[WeakTurn, ...]
    evidence: dict[str, float]  # competency item code -> level 1..5


def _phase(scenario: Scenario, t: TurnResult, solution_codes: set[str]) -> str:
    if t.turn == 1:
        return "opening"
    if solution_codes - set(t.state.met):
        return "solution"
    return "closing"


def debrief(scenario: Scenario, turns: Sequence[TurnResult], *, outcome: str | None = None) -> Debrief:
    """The session's score and feedback. ``outcome`` overrides the last turn's (e.g. ``abandoned`` when the
    trainee stopped or ran out of time)."""
    start_state = start(scenario)
    last = turns[-1].state if turns else start_state
    outcome = outcome or last.ended or "open"
    session_checks = [c for c in scenario.rubric if c.scope in ("early", "any")]
    weight = sum(c.weight for c in session_checks)
    met_weight = sum(c.weight for c in session_checks if c.code in last.met)
    coverage = 100 * met_weight / weight if weight else 100
    mean_turn = sum(t.score for t in turns) / len(turns) if turns else 0
    outcome_score = {"resolved": 100, "escalated": 0}.get(outcome, 40)
    score = _clamp(0.5 * mean_turn + 0.3 * coverage + 0.2 * outcome_score) if turns else 0
    passed = bool(turns) and score >= scenario.pass_line and outcome not in ("escalated", "abandoned")
    solution_codes = {c.code for c in scenario.rubric if c.scope == "any"}
    weak = []
    for t in turns:
        if t.score < WEAK_TURN:
            phase = _phase(scenario, t, solution_codes)
            missed = tuple(r.label for r in t.checks if r.applied and not r.passed) + tuple(
                f.label for f in t.coaching.findings
            )
            weak.append(WeakTurn(t.turn, t.score, phase, scenario.model_answers.get(phase, ""), missed))
    level = round(1 + 4 * score / 100, 2)
    return Debrief(
        score=score,
        passed=passed,
        outcome=outcome,
        turn_scores=tuple(t.score for t in turns),
        anger_curve=(start_state.anger, *(t.anger for t in turns)),
        trust_curve=(start_state.trust, *(t.trust for t in turns)),
        met=tuple(c.label for c in session_checks if c.code in last.met),
        missed=tuple(c.label for c in session_checks if c.code not in last.met),
        weak_turns=tuple(weak),
        evidence=dict.fromkeys(scenario.items, level),
    )


def play(scenario: Scenario, replies: Sequence[str], *, coach: Coach = triage_coach) -> list[TurnResult]:
    """Run a whole conversation (tests, reference evaluation, benchmarks): stops when the session ends."""
    state = start(scenario)
    out: list[TurnResult] = []
    for reply in replies:
        if state.ended:
            break
        result = turn(scenario, state, reply, coach=coach)
        out.append(result)
        state = result.state
    return out
