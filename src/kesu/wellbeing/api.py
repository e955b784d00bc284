"""/api/v1/wellbeing/ endpoints: the caller's own emotion diary (entries CRUD, trends), anonymised team
trends, and the pain-point surveys open to the caller (list, read, answer).

A diary entry of somebody else answers 404, whoever asks (administrators included). Handlers parse, call
a service or selector and render; every rule is in services/selectors.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status

from kesu.accounts.roles import Cap, can
from kesu.common.errors import NotPermitted, ValidationFailed
from kesu.wellbeing import content, selectors, services
from kesu.wellbeing.models import DiaryEntry, Emotion, Helper, SurveyQuestion, Trigger

router = Router(tags=["wellbeing"])


def _learner(request: HttpRequest) -> Any:
    user = request.auth
    if not can(user, Cap.LEARN):
        raise NotPermitted(_("You may not keep an emotion diary."))
    return user


class CodeLabel(Schema):
    code: str
    label: str


class DiaryOptionsOut(Schema):
    emotions: list[CodeLabel]
    triggers: list[CodeLabel]
    helpers: list[CodeLabel]
    heavy_intensity: int


class EntryIn(Schema):
    emotion: str
    intensity: int
    triggers: list[str] = []
    helpers: list[str] = []
    what_happened: str = ""
    helped_note: str = ""
    complaint_number: str = ""
    occurred_at: dt.datetime | None = None


class EntryCreateIn(EntryIn):
    # Optional: the same key again (a retry) returns the entry the first request created.
    request_key: str = ""


class EntryOut(Schema):
    id: int
    occurred_at: dt.datetime
    complaint_number: str
    what_happened: str
    emotion: str
    intensity: int
    triggers: list[str]
    helpers: list[str]
    helped_note: str
    created_at: dt.datetime
    updated_at: dt.datetime


class EntryListOut(Schema):
    count: int
    items: list[EntryOut]


class CountOut(Schema):
    code: str
    label: str
    count: int


class WeekOut(Schema):
    week: dt.date
    entries: int | None
    avg_intensity: float | None
    by_emotion: dict[str, int] | None
    suppressed: bool = False


class TrendsOut(Schema):
    weeks: list[WeekOut]
    entries: int
    heavy: int
    triggers: list[CountOut]
    helpers: list[CountOut]
    checkin_suggested: bool


class TeamTrendsOut(Schema):
    department_id: int
    min_group: int
    people: int
    suppressed: bool
    weeks: list[WeekOut]
    triggers: list[CountOut]
    hidden_triggers: int


def _entry(e: DiaryEntry) -> dict[str, Any]:
    return {
        "id": e.pk,
        "occurred_at": e.occurred_at,
        "complaint_number": e.complaint_number,
        "what_happened": e.what_happened,
        "emotion": e.emotion,
        "intensity": e.intensity,
        "triggers": e.triggers,
        "helpers": e.helpers,
        "helped_note": e.helped_note,
        "created_at": e.created_at,
        "updated_at": e.updated_at,
    }


def _weeks_out(weeks: list[selectors.WeekRow]) -> list[dict[str, Any]]:
    return [
        {
            "week": w.week,
            "entries": None if w.suppressed else w.entries,
            "avg_intensity": w.avg_intensity,
            "by_emotion": None if w.suppressed else dict(sorted(w.by_emotion.items())),
            "suppressed": w.suppressed,
        }
        for w in weeks
    ]


def _counts(items: list[selectors.Count]) -> list[dict[str, Any]]:
    return [{"code": c.code, "label": c.label, "count": c.count} for c in items]


def _choices(choices: Any) -> list[dict[str, str]]:
    return [{"code": code, "label": str(label)} for code, label in choices.choices]


@router.get(
    "/diary/options", response=DiaryOptionsOut, summary="Emotions, triggers and helpers to choose from"
)
def diary_options(request: HttpRequest):
    _learner(request)
    from kesu.wellbeing import conf

    return {
        "emotions": _choices(Emotion),
        "triggers": _choices(Trigger),
        "helpers": _choices(Helper),
        "heavy_intensity": conf.heavy_intensity(),
    }


@router.get("/diary/entries", response=EntryListOut, summary="My diary entries, newest first")
def diary_list(request: HttpRequest, limit: int = Query(50, ge=1, le=200), offset: int = Query(0, ge=0)):
    user = _learner(request)
    qs = selectors.diary_entries(user=user)
    return {"count": qs.count(), "items": [_entry(e) for e in qs[offset : offset + limit]]}


@router.post("/diary/entries", response={201: EntryOut}, summary="Write a diary entry")
def diary_create(request: HttpRequest, data: EntryCreateIn):
    user = _learner(request)
    entry = services.diary_entry_create(user=user, **data.dict())
    return Status(201, _entry(entry))


@router.get("/diary/entries/{entry_id}", response=EntryOut, summary="One of my diary entries")
def diary_get(request: HttpRequest, entry_id: int):
    user = _learner(request)
    return _entry(selectors.diary_entry_get(user=user, entry_id=entry_id))


@router.put("/diary/entries/{entry_id}", response=EntryOut, summary="Change one of my diary entries")
def diary_update(request: HttpRequest, entry_id: int, data: EntryIn):
    user = _learner(request)
    return _entry(services.diary_entry_update(user=user, entry_id=entry_id, **data.dict()))


@router.delete("/diary/entries/{entry_id}", response={204: None}, summary="Delete one of my diary entries")
def diary_delete(request: HttpRequest, entry_id: int):
    user = _learner(request)
    services.diary_entry_delete(user=user, entry_id=entry_id)
    return Status(204, None)


@router.get("/diary/trends", response=TrendsOut, summary="My entries per week, triggers and what helped")
def diary_trends(request: HttpRequest, weeks: int = 12):
    user = _learner(request)
    t = selectors.diary_trends(user=user, weeks=weeks)
    return {
        "weeks": _weeks_out(t.weeks),
        "entries": t.entries,
        "heavy": t.heavy,
        "triggers": _counts(t.triggers),
        "helpers": _counts(t.helpers),
        "checkin_suggested": selectors.checkin_active(user=user) is not None,
    }


@router.get(
    "/diary/team-trends",
    response=TeamTrendsOut,
    summary="Anonymised team trends (TRAIN_VIEW_TEAM: own department; TRAIN_VIEW_ALL: any)",
)
def team_trends(request: HttpRequest, department_id: int | None = None, weeks: int = 12):
    t = selectors.team_trends(viewer=request.auth, department_id=department_id, weeks=weeks)
    return {
        "department_id": t.department.pk,
        "min_group": t.min_group,
        "people": t.people,
        "suppressed": t.suppressed,
        "weeks": _weeks_out(t.weeks),
        "triggers": _counts(t.triggers),
        "hidden_triggers": t.hidden_triggers,
    }


# --------------------------------------------------------------------------------------------------
# Surveys


class SurveySummaryOut(Schema):
    id: int
    title: str
    cycle: str
    opens_on: dt.date
    closes_on: dt.date
    open: bool
    answered_at: dt.datetime | None


class QuestionOut(Schema):
    id: int
    position: int
    kind: str
    text: str
    required: bool
    area: CodeLabel | None
    options: list[CodeLabel]
    max_choices: int


class SurveyOut(SurveySummaryOut):
    description: str
    questions: list[QuestionOut]
    answers: dict[str, Any]


class AnswersIn(Schema):
    # question id → rating (1–5), list of option codes, or text
    answers: dict[int, int | list[str] | str | None]


def _summary(s: Any, answered_at: dt.datetime | None, editable: bool) -> dict[str, Any]:
    return {
        "id": s.pk,
        "title": s.title,
        "cycle": s.cycle,
        "opens_on": s.opens_on,
        "closes_on": s.closes_on,
        "open": editable,
        "answered_at": answered_at,
    }


@router.get("/surveys", response=list[SurveySummaryOut], summary="Pain-point surveys for me, open ones first")
def surveys_mine(request: HttpRequest):
    user = _learner(request)
    return [_summary(i.survey, i.answered_at, i.editable) for i in selectors.surveys_for(user=user)]


def _survey_out(user: Any, survey_id: int) -> dict[str, Any]:
    survey, questions, answers = selectors.survey_for_answer(user=user, survey_id=survey_id)
    areas = content.areas()

    def area(code: str) -> dict[str, str] | None:
        return {"code": code, "label": areas[code].label} if code in areas else None

    answered = selectors.survey_answered_at(user=user, survey=survey)
    return {
        **_summary(survey, answered, services.survey_accepts_answers(survey)),
        "description": survey.description,
        "questions": [
            {
                "id": q.pk,
                "position": q.position,
                "kind": q.kind,
                "text": q.text,
                "required": q.required,
                "area": area(q.area) if q.kind == SurveyQuestion.Kind.RATING else None,
                "options": [a for a in (area(c) for c in q.options) if a],
                "max_choices": q.max_choices,
            }
            for q in questions
        ],
        "answers": {str(k): v for k, v in answers.items()},
    }


@router.get("/surveys/{survey_id}", response=SurveyOut, summary="A survey with its questions and my answers")
def survey_get(request: HttpRequest, survey_id: int):
    user = _learner(request)
    return _survey_out(user, survey_id)


@router.put(
    "/surveys/{survey_id}/answers",
    response=SurveyOut,
    summary="Answer a survey (again: replaces my answers while it is open)",
)
def survey_answer(request: HttpRequest, survey_id: int, data: AnswersIn):
    user = _learner(request)
    if not isinstance(data.answers, dict):
        raise ValidationFailed(_("The request is not valid."))
    services.survey_answer(user=user, survey_id=survey_id, answers=data.answers)
    return _survey_out(user, survey_id)
