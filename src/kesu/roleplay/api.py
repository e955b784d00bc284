"""/api/v1/roleplay/: the scenario library, sessions (start, reply, hint, end) and debriefs.

A reply carries the number it will have (``turn``); sending the same number again returns the recorded
turn, so a client may retry safely.
"""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema, Status

from kesu.accounts.models import User
from kesu.accounts.roles import Cap, can
from kesu.common.errors import NotPermitted
from kesu.roleplay import selectors, services

router = Router(tags=["roleplay"])


class ScenarioOut(Schema):
    code: str
    title: str
    industry: str
    category: str
    difficulty: int
    items: list[str]
    is_drill: bool
    version: int


class StartIn(Schema):
    scenario: str
    mode: str = "practice"


class SessionOut(Schema):
    id: int
    scenario: str
    version: int
    mode: str
    status: str
    rubric_version: str
    turn_count: int
    opening: str
    score: int | None
    passed: bool | None


class ReplyIn(Schema):
    reply: str
    turn: int


class TurnOut(Schema):
    number: int
    reply: str
    line: str
    line_source: str
    score: int
    anger: int
    trust: int
    reaction: str
    checks: list[dict]
    coaching: dict
    late: bool
    session_status: str


class DebriefOut(Schema):
    id: int
    status: str
    score: int | None
    passed: bool | None
    debrief: dict


def _user(request: HttpRequest) -> User:
    return request.auth  # type: ignore[attr-defined,no-any-return]


def _session_out(s) -> dict:
    return {
        "id": s.pk,
        "scenario": s.version.scenario.code,
        "version": s.version.number,
        "mode": s.mode,
        "status": s.status,
        "rubric_version": s.rubric_version,
        "turn_count": s.turn_count,
        "opening": s.version.data["lines"]["opening"],
        "score": s.score,
        "passed": s.passed,
    }


@router.get("/scenarios", response=list[ScenarioOut], summary="The scenario library")
def scenarios(request: HttpRequest, industry: str = "", category: str = "", difficulty: str = ""):
    if not can(_user(request), Cap.LEARN):
        raise NotPermitted("You may not practise role-plays.")
    return [
        {
            **{
                k: getattr(s, k)
                for k in ("code", "title", "industry", "category", "difficulty", "items", "is_drill")
            },
            "version": s.current.number,
        }
        for s in selectors.library(industry=industry, category=category, difficulty=difficulty)
    ]


@router.get("/scenarios/{code}", response=dict, summary="A scenario in its YAML shape (trainers)")
def scenario(request: HttpRequest, code: str):
    if not can(_user(request), Cap.TRAIN_MANAGE):
        raise NotPermitted("Only trainers may read a scenario's rubric.")
    return selectors.scenario_get(code, user=_user(request)).current.data


@router.post("/scenarios", response={201: ScenarioOut}, summary="Create or version a scenario (trainers)")
def scenario_save(request: HttpRequest, payload: dict):
    version = services.scenario_save(data=payload, by=_user(request))
    s = version.scenario
    out = {
        k: getattr(s, k) for k in ("code", "title", "industry", "category", "difficulty", "items", "is_drill")
    }
    return Status(201, {**out, "version": version.number})


@router.post("/sessions", response={201: SessionOut}, summary="Start a role-play")
def start(request: HttpRequest, payload: StartIn):
    s = services.session_start(user=_user(request), scenario_code=payload.scenario, mode=payload.mode)
    return Status(201, _session_out(s))


@router.get("/sessions/{session_id}", response=SessionOut, summary="A role-play session")
def session(request: HttpRequest, session_id: int):
    return _session_out(selectors.session_for(session_id, user=_user(request)))


@router.post("/sessions/{session_id}/replies", response=TurnOut, summary="Answer the customer")
def reply(request: HttpRequest, session_id: int, payload: ReplyIn):
    t = services.session_reply(
        session_id=session_id, user=_user(request), reply=payload.reply, turn_number=payload.turn
    )
    out = {
        k: getattr(t, k)
        for k in (
            "number",
            "reply",
            "line",
            "line_source",
            "score",
            "anger",
            "trust",
            "reaction",
            "checks",
            "coaching",
            "late",
        )
    }
    t.session.refresh_from_db(fields=["status"])
    return {**out, "session_status": t.session.status}


@router.post(
    "/sessions/{session_id}/hint", response=list[str], summary="What is still missing (practice only)"
)
def hint(request: HttpRequest, session_id: int):
    return services.session_hint(session_id=session_id, user=_user(request))


@router.post("/sessions/{session_id}/end", response=DebriefOut, summary="Stop the role-play now")
def end(request: HttpRequest, session_id: int):
    s = services.session_abandon(session_id=session_id, user=_user(request))
    return {"id": s.pk, "status": s.status, "score": s.score, "passed": s.passed, "debrief": s.debrief}


@router.get(
    "/sessions/{session_id}/debrief", response=DebriefOut, summary="Score, curve, weak turns, evidence"
)
def debrief(request: HttpRequest, session_id: int):
    s = selectors.session_for(session_id, user=_user(request))
    return {"id": s.pk, "status": s.status, "score": s.score, "passed": s.passed, "debrief": s.debrief}
