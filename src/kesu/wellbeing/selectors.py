"""Reads of the wellbeing app.

Privacy: ``diary_*`` selectors return only the caller's own entries. ``team_trends`` is the only read over
other people's entries: it never loads their texts, counts by week and by trigger, and leaves out every
figure to which fewer than ``conf.min_group()`` distinct people contributed (and everything when the
team as a whole has fewer). ``pain_points`` is the contract with the competency app (docs/academy.md).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from kesu.accounts.models import Department, User
from kesu.accounts.roles import Cap, can
from kesu.common import clock
from kesu.common.errors import NotFound, NotPermitted, ValidationFailed
from kesu.wellbeing import conf, content
from kesu.wellbeing.models import (
    CheckinSuggestion,
    DiaryEntry,
    Emotion,
    Helper,
    Survey,
    SurveyAnswer,
    SurveyQuestion,
    SurveyResponse,
    Trigger,
)
from kesu.wellbeing.services import in_audience, survey_accepts_answers, survey_audience

PERIODS = (4, 12, 26, 52)  # weeks a trends page may show

# --------------------------------------------------------------------------------------------------
# Emotion diary: the person's own


def diary_entries(*, user: User) -> QuerySet[DiaryEntry]:
    return DiaryEntry.objects.filter(user=user).order_by("-occurred_at", "-id")


def diary_entry_get(*, user: User, entry_id: int) -> DiaryEntry:
    entry = DiaryEntry.objects.filter(pk=entry_id, user=user).first()
    if entry is None:
        # Someone else's entry answers exactly like one that does not exist.
        raise NotFound(_("No such diary entry."))
    return entry


def checkin_active(*, user: User) -> CheckinSuggestion | None:
    """The latest streak's suggestion while it is current (its last heavy entry within the window) and
    the person has not put it away."""
    latest = CheckinSuggestion.objects.filter(user=user).order_by("-last_heavy_at", "-id").first()
    if latest is None or latest.dismissed_at is not None:
        return None
    if clock.now() - latest.last_heavy_at > dt.timedelta(days=conf.streak_days()):
        return None
    return latest


def week_start(moment: dt.datetime) -> dt.date:
    day = timezone.localtime(moment).date()
    return day - dt.timedelta(days=day.weekday())


def _weeks(weeks: int) -> list[dt.date]:
    if weeks not in PERIODS:
        raise ValidationFailed(_("Show 4, 12, 26 or 52 weeks."), details={"field": "weeks"})
    last = week_start(clock.now())
    return [last - dt.timedelta(weeks=weeks - 1 - i) for i in range(weeks)]


def _since(first_week: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(first_week, dt.time.min))


@dataclass
class WeekRow:
    week: dt.date
    entries: int = 0
    people: int = 0
    intensity_sum: int = 0
    by_emotion: Counter = field(default_factory=Counter)
    suppressed: bool = False

    @property
    def avg_intensity(self) -> float | None:
        return round(self.intensity_sum / self.entries, 2) if self.entries and not self.suppressed else None


@dataclass(frozen=True)
class Count:
    code: str
    label: str
    count: int
    people: int = 0


@dataclass
class Trends:
    weeks: list[WeekRow]
    entries: int
    heavy: int
    triggers: list[Count]
    helpers: list[Count]
    emotions: list[Count]


def diary_trends(*, user: User, weeks: int = 12) -> Trends:
    """The person's own entries per week by emotion and intensity, top triggers and what helped."""
    starts = _weeks(weeks)
    rows = (
        DiaryEntry.objects.filter(user=user, occurred_at__gte=_since(starts[0]))
        .order_by("occurred_at", "id")
        .values_list("occurred_at", "emotion", "intensity", "triggers", "helpers")
    )
    by_week = {w: WeekRow(w) for w in starts}
    triggers: Counter[str] = Counter()
    helpers: Counter[str] = Counter()
    emotions: Counter[str] = Counter()
    entries = heavy = 0
    for at, emotion, intensity, trig, helped in rows:
        row = by_week.get(week_start(at))
        if row is None:
            continue
        entries += 1
        heavy += intensity >= conf.heavy_intensity()
        row.entries += 1
        row.intensity_sum += intensity
        row.by_emotion[emotion] += 1
        emotions[emotion] += 1
        triggers.update(trig or ())
        helpers.update(helped or ())
    for row in by_week.values():
        row.people = 1 if row.entries else 0
    return Trends(
        weeks=list(by_week.values()),
        entries=entries,
        heavy=heavy,
        triggers=_ranked(triggers, Trigger),
        helpers=_ranked(helpers, Helper),
        emotions=_ranked(emotions, Emotion),
    )


def _ranked(counter: Counter, choices: Any, people: dict[str, set] | None = None) -> list[Count]:
    labels = dict(choices.choices)
    items = [(code, n) for code, n in counter.items() if code in labels]
    items.sort(key=lambda cn: (-cn[1], list(labels).index(cn[0])))
    return [Count(code, str(labels[code]), n, len(people[code]) if people else 0) for code, n in items]


# --------------------------------------------------------------------------------------------------
# Team trends: anonymised


def trends_departments(*, viewer: User) -> list[Department]:
    """Departments whose team trends ``viewer`` may see."""
    if can(viewer, Cap.TRAIN_VIEW_ALL):
        return list(Department.objects.order_by("kind", "code"))
    if can(viewer, Cap.TRAIN_VIEW_TEAM) and viewer.department is not None:
        return [viewer.department]
    return []


@dataclass
class TeamTrends:
    department: Department
    min_group: int
    people: int  # distinct contributors in the period; 0 when suppressed
    suppressed: bool  # the whole team had fewer than min_group contributors
    weeks: list[WeekRow]
    triggers: list[Count]
    hidden_triggers: int  # triggers left out because fewer than min_group people logged them


def team_trends(*, viewer: User, department_id: int | None = None, weeks: int = 12) -> TeamTrends:
    if not (can(viewer, Cap.TRAIN_VIEW_TEAM) or can(viewer, Cap.TRAIN_VIEW_ALL)):
        raise NotPermitted(_("You may not see team trends."))
    dept_id = department_id if department_id is not None else viewer.department_id
    if dept_id is None:
        raise ValidationFailed(_("Choose a department."), details={"field": "department"})
    if not can(viewer, Cap.TRAIN_VIEW_ALL) and dept_id != viewer.department_id:
        raise NotPermitted(_("You may see the trends of your own department only."))
    department = Department.objects.filter(pk=dept_id).first()
    if department is None:
        raise NotFound(_("No such department."))
    k = conf.min_group()
    starts = _weeks(weeks)
    # Never the texts: only what the aggregates need.
    rows = (
        DiaryEntry.objects.filter(department_id=dept_id, occurred_at__gte=_since(starts[0]))
        .order_by("occurred_at", "id")
        .values_list("user_id", "occurred_at", "emotion", "intensity", "triggers")
    )
    by_week = {w: WeekRow(w) for w in starts}
    week_people: dict[dt.date, set[int]] = defaultdict(set)
    trigger_people: dict[str, set[int]] = defaultdict(set)
    triggers: Counter = Counter()
    people: set[int] = set()
    for user_id, at, emotion, intensity, trig in rows:
        w = week_start(at)
        row = by_week.get(w)
        if row is None:
            continue
        people.add(user_id)
        week_people[w].add(user_id)
        row.entries += 1
        row.intensity_sum += intensity
        row.by_emotion[emotion] += 1
        for code in set(trig or ()):
            triggers[code] += 1
            trigger_people[code].add(user_id)
    suppressed = len(people) < k
    for w, row in by_week.items():
        row.people = len(week_people[w])
        if suppressed or row.people < k:
            # Nothing of a small week leaves this function, not even how many entries it had.
            row.entries, row.people, row.intensity_sum, row.by_emotion = 0, 0, 0, Counter()
            row.suppressed = True
    shown = Counter({c: n for c, n in triggers.items() if not suppressed and len(trigger_people[c]) >= k})
    return TeamTrends(
        department=department,
        min_group=k,
        people=0 if suppressed else len(people),
        suppressed=suppressed,
        weeks=list(by_week.values()),
        triggers=_ranked(shown, Trigger, trigger_people),
        hidden_triggers=0 if suppressed else len(triggers) - len(shown),
    )


# --------------------------------------------------------------------------------------------------
# Pain-point survey


@dataclass
class SurveyForMe:
    survey: Survey
    answered_at: dt.datetime | None
    editable: bool


def surveys_for(*, user: User) -> list[SurveyForMe]:
    """Sent surveys whose audience includes ``user``, open ones first."""
    if not can(user, Cap.LEARN):
        return []
    mine = {r.survey_id: r.updated_at for r in SurveyResponse.objects.filter(user=user).order_by("id")}
    today = clock.now().date()
    out = []
    surveys = Survey.objects.exclude(state=Survey.State.DRAFT).prefetch_related("departments")
    for survey in surveys.order_by("-sent_at", "-id"):
        if not in_audience(user, survey, department_ids=[d.pk for d in survey.departments.all()]):
            continue
        out.append(SurveyForMe(survey, mine.get(survey.pk), survey_accepts_answers(survey, today)))
    out.sort(key=lambda s: not s.editable)
    return out


def surveys_open_count(*, user: User) -> int:
    """Surveys open to the person (``surveys_for``: sent, still taking answers, the person in the
    audience) that they have not answered yet. One query: the audience rule of
    ``services.survey_audience`` is applied to this one person instead of listing the audience."""
    if not can(user, Cap.LEARN):
        return 0
    answered = SurveyResponse.objects.filter(user=user).values("survey_id")
    for_department = Q(departments__isnull=True)
    if user.department_id is not None:
        for_department |= Q(departments=user.department_id)
    rows = (
        Survey.objects.filter(for_department, state=Survey.State.OPEN, closes_on__gte=clock.now().date())
        .exclude(pk__in=answered)
        .values_list("pk", "roles")
    )
    # Roles are a JSON list (no portable containment lookup); a handful of open surveys at most.
    return len({pk for pk, roles in rows if not roles or user.role in roles})


def survey_for_answer(*, user: User, survey_id: int) -> tuple[Survey, list[SurveyQuestion], dict[int, Any]]:
    """The survey, its questions and the person's current answers (question id → value)."""
    if not can(user, Cap.LEARN):
        raise NotPermitted(_("You may not answer surveys."))
    survey = Survey.objects.filter(pk=survey_id).exclude(state=Survey.State.DRAFT).first()
    if survey is None or not in_audience(user, survey):
        raise NotFound(_("No such survey."))
    questions = list(survey.questions.order_by("position", "id"))
    answers: dict[int, Any] = {}
    response = SurveyResponse.objects.filter(survey=survey, user=user).first()
    if response is not None:
        for a in response.answers.select_related("question").order_by("id"):
            kind = a.question.kind
            answers[a.question_id] = (
                a.rating
                if kind == SurveyQuestion.Kind.RATING
                else a.choices
                if kind == SurveyQuestion.Kind.CHOICE
                else a.text
            )
    return survey, questions, answers


def survey_answered_at(*, user: User, survey: Survey) -> dt.datetime | None:
    """When the person last saved answers to the survey, or None."""
    return (
        SurveyResponse.objects.filter(survey=survey, user=user).values_list("updated_at", flat=True).first()
    )


def surveys_manage(*, viewer: User) -> list[tuple[Survey, int]]:
    """Every survey with its number of responses (trainers)."""
    if not can(viewer, Cap.TRAIN_MANAGE):
        raise NotPermitted(_("Only trainers manage pain-point surveys."))
    surveys = list(Survey.objects.order_by("-created_at", "-id"))
    counts = Counter(
        SurveyResponse.objects.filter(survey__in=surveys).order_by().values_list("survey_id", flat=True)
    )
    return [(s, counts[s.pk]) for s in surveys]


def survey_manage_get(*, viewer: User, survey_id: int) -> Survey:
    if not can(viewer, Cap.TRAIN_MANAGE):
        raise NotPermitted(_("Only trainers manage pain-point surveys."))
    survey = Survey.objects.filter(pk=survey_id).first()
    if survey is None:
        raise NotFound(_("No such survey."))
    return survey


class PainPoint(NamedTuple):
    area_code: str
    label: str
    score: float  # 0–100: how much the people who answered feel this pain point


@dataclass
class _AreaTally:
    rating_sum: int = 0
    ratings: int = 0
    picks: int = 0
    offered: int = 0  # responses that answered a choice question offering the area


def _scores(tallies: dict[str, _AreaTally]) -> list[PainPoint]:
    """Pain index per area, 0–100: the mean of the available parts — the average rating scaled from 1–5
    to 0–100, and the share of respondents who picked the area where it was offered."""
    areas = content.areas()
    order = list(areas)
    out = []
    for code, t in tallies.items():
        if code not in areas:
            continue
        parts = []
        if t.ratings:
            parts.append((t.rating_sum / t.ratings - 1) / 4)
        if t.offered:
            parts.append(t.picks / t.offered)
        if parts:
            out.append(PainPoint(code, areas[code].label, round(100 * sum(parts) / len(parts), 1)))
    out.sort(key=lambda p: (-p.score, order.index(p.area_code)))
    return out


def _tally(rows) -> dict[str, _AreaTally]:
    """rows: (kind, area, options, rating, choices) of answers."""
    tallies: dict[str, _AreaTally] = defaultdict(_AreaTally)
    for kind, area, options, rating, choices in rows:
        if kind == SurveyQuestion.Kind.RATING and rating:
            tallies[area].rating_sum += rating
            tallies[area].ratings += 1
        elif kind == SurveyQuestion.Kind.CHOICE:
            picked = set(choices or ())
            for code in options or ():
                tallies[code].offered += 1
                tallies[code].picks += code in picked
    return tallies


def pain_points(
    *, department_id: int | None = None, since: dt.date | dt.datetime | None = None
) -> list[PainPoint]:
    """Contract with the competency app: (area_code, label, score 0–100) for every pain-point area with
    answers, most felt first, over all sent surveys — of one department (where the person worked when
    answering) and answered since a date, if given. Map areas to competency items with
    ``pain_point_areas()``."""
    qs = SurveyAnswer.objects.exclude(response__survey__state=Survey.State.DRAFT).filter(
        question__kind__in=[SurveyQuestion.Kind.RATING, SurveyQuestion.Kind.CHOICE]
    )
    if department_id is not None:
        qs = qs.filter(response__department_id=department_id)
    if since is not None:
        if not isinstance(since, dt.datetime):
            since = timezone.make_aware(dt.datetime.combine(since, dt.time.min))
        qs = qs.filter(response__updated_at__gte=since)
    rows = qs.order_by("id").values_list(
        "question__kind", "question__area", "question__options", "rating", "choices"
    )
    return _scores(_tally(rows))


def pain_point_areas() -> dict[str, content.Area]:
    """code → Area(code, label, description, item_codes): the competency items each area's training builds."""
    return content.areas()


@dataclass
class DepartmentResult:
    department_id: int | None
    name: str
    respondents: int
    audience: int
    ratings: dict[int, float]  # question id → average
    choices: dict[int, Counter]  # question id → area code → picks
    top: list[PainPoint]


@dataclass
class SurveyResults:
    survey: Survey
    questions: list[SurveyQuestion]
    respondents: int
    audience: int
    overall: DepartmentResult
    departments: list[DepartmentResult]
    texts: dict[int, list[str]]  # question id → answers, without names


def survey_results(*, viewer: User, survey_id: int) -> SurveyResults:
    survey = survey_manage_get(viewer=viewer, survey_id=survey_id)
    questions = list(survey.questions.order_by("position", "id"))
    by_q = {q.pk: q for q in questions}
    answers = (
        SurveyAnswer.objects.filter(response__survey=survey)
        .order_by("response_id", "id")
        .values_list("response_id", "response__department_id", "question_id", "rating", "choices", "text")
    )
    responses = dict(
        SurveyResponse.objects.filter(survey=survey).order_by("id").values_list("id", "department_id")
    )
    audience_by_dept = Counter(survey_audience(survey).order_by().values_list("department_id", flat=True))
    groups: dict[int | None, list] = defaultdict(list)
    texts: dict[int, list[str]] = defaultdict(list)
    for _rid, dept_id, qid, rating, choices, text in answers:
        q = by_q[qid]
        groups[dept_id].append((q, rating, choices))
        if q.kind == SurveyQuestion.Kind.TEXT and text:
            texts[qid].append(text)
    respondents_by_dept = Counter(responses.values())
    names = dict(
        Department.objects.filter(pk__in=[d for d in respondents_by_dept if d]).values_list("pk", "name")
    )

    def result(
        dept_id: int | None, name: str, rows: list, respondents: int, audience: int
    ) -> DepartmentResult:
        sums: dict[int, list[int]] = defaultdict(list)
        choice: dict[int, Counter] = defaultdict(Counter)
        for q, rating, picks in rows:
            if q.kind == SurveyQuestion.Kind.RATING and rating:
                sums[q.pk].append(rating)
            elif q.kind == SurveyQuestion.Kind.CHOICE:
                choice[q.pk].update(picks or ())
        tally = _tally((q.kind, q.area, q.options, rating, picks) for q, rating, picks in rows)
        return DepartmentResult(
            department_id=dept_id,
            name=name,
            respondents=respondents,
            audience=audience,
            ratings={qid: round(sum(v) / len(v), 2) for qid, v in sums.items()},
            choices=dict(choice),
            top=_scores(tally),
        )

    # A department with fewer respondents than the diary's minimum group is not shown on its own (its few
    # people could be recognised); such departments are pooled into one row, itself shown only when it
    # reaches the minimum.
    k = conf.min_group()
    departments = [
        result(d, names.get(d, "") if d else _("No department"), groups[d], n, audience_by_dept.get(d, 0))
        for d, n in respondents_by_dept.items()
        if n >= k
    ]
    small = [d for d, n in respondents_by_dept.items() if n < k]
    if small and sum(respondents_by_dept[d] for d in small) >= k:
        departments.append(
            result(
                None,
                _("Smaller departments together"),
                [row for d in small for row in groups[d]],
                sum(respondents_by_dept[d] for d in small),
                sum(audience_by_dept.get(d, 0) for d in small),
            )
        )
    departments.sort(key=lambda r: (r.department_id is None, r.name))
    all_rows = [row for rows in groups.values() for row in rows]
    audience = sum(audience_by_dept.values())
    overall = result(None, _("All departments"), all_rows, len(responses), audience)
    return SurveyResults(
        survey=survey,
        questions=questions,
        respondents=len(responses),
        audience=audience,
        overall=overall,
        departments=departments,
        texts={qid: sorted(v) for qid, v in texts.items()},
    )
