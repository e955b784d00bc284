"""Reads of the effectiveness app: Kirkpatrick L1–L4, the monthly review, recognition suggestions and
the performance summary.

Who sees what: everybody sees their own figures; a supervisor (TRAIN_VIEW_TEAM) the people and team of
their own department; trainers, auditors and administrators (TRAIN_VIEW_ALL) everyone.

Significance (the monthly review's "moved nothing"): a KPI *moved* when the after-window value differs
from the before-window value by at least 5 percentage points (rates) or 10 % (hours, findings per
reply), each window resting on at least ``min_base`` complaints (replies for findings). A course
*moved nothing* when at least one of the KPIs its competency items relate to has enough data and none
of them moved in the right direction; with fewer than ``MIN_PEOPLE`` people or no KPI with enough data
the course shows "too little data" instead of a verdict.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from functools import reduce

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from kesu.accounts.models import Department, User
from kesu.accounts.roles import ROLE_CAPS, Cap, can
from kesu.common import clock
from kesu.common.errors import NotFound, NotPermitted
from kesu.complaints.kpis import DeskKpis, Kpi, handler_kpis, team_kpis
from kesu.effectiveness import kpis, sources
from kesu.effectiveness.kpis import KPIS
from kesu.effectiveness.models import RATING_FIELDS, Recognition, SurveyRequest, SurveyResponse

# Seed targets (complaint-and-crisis-training-program.md, complaint-skills-training.md).
TARGET_COVERAGE = 1.0
TARGET_SATISFACTION = 0.95
TARGET_REPEAT_CHANGE = -0.30
TARGET_EFFICIENCY_GAIN = 0.40

RATE_THRESHOLD = 0.05  # 5 percentage points
RELATIVE_THRESHOLD = 0.10  # 10 %
MIN_BASE = 10
MIN_PEOPLE = 3
DEFAULT_WEEKS = 6
# Recognition suggestions: satisfaction rate at or above the target on at least this many rated cases.
SUGGEST_MIN_RATED = 5


# --------------------------------------------------------------------------------------------------
# Time and scope helpers


def local_midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=timezone.get_current_timezone())


def month_bounds(month: dt.date) -> tuple[dt.date, dt.date]:
    """First day of ``month`` and first day of the next month."""
    first = month.replace(day=1)
    nxt = (first + dt.timedelta(days=32)).replace(day=1)
    return first, nxt


def previous_month(today: dt.date | None = None) -> dt.date:
    today = today or clock.now().date()
    return (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)


@dataclass(frozen=True)
class Window:
    start: dt.datetime
    end: dt.datetime

    @property
    def days(self) -> float:
        return max(0.0, (self.end - self.start).total_seconds() / 86400)

    @property
    def last_day(self) -> dt.date:
        return timezone.localtime(self.end - dt.timedelta(microseconds=1)).date()

    @property
    def first_day(self) -> dt.date:
        return timezone.localtime(self.start).date()


def _clip(start: dt.datetime, end: dt.datetime) -> Window:
    now = clock.now()
    return Window(start, max(start, min(end, now)))


def learner_roles() -> list[str]:
    return [role for role, caps in ROLE_CAPS.items() if Cap.LEARN in caps]


def handling_roles() -> list[str]:
    return [role for role, caps in ROLE_CAPS.items() if Cap.HANDLE in caps and Cap.LEARN in caps]


def can_view_person(viewer: User, person: User) -> bool:
    if not viewer.is_authenticated:
        return False
    if viewer.pk == person.pk or can(viewer, Cap.TRAIN_VIEW_ALL):
        return True
    return (
        can(viewer, Cap.TRAIN_VIEW_TEAM)
        and viewer.department_id is not None
        and viewer.department_id == person.department_id
    )


def person_get(*, viewer: User, user_id: int) -> User:
    person = User.objects.select_related("department").filter(pk=user_id).first()
    if person is None:
        raise NotFound(_("Person not found."))
    if not can_view_person(viewer, person):
        raise NotPermitted(_("You may not see this person's figures."))
    return person


def scope_department(*, viewer: User, department_id: int | None) -> Department | None:
    """The department a team view shows: a supervisor always sees their own; TRAIN_VIEW_ALL may pick
    one or none (the whole organisation)."""
    if can(viewer, Cap.TRAIN_VIEW_ALL):
        if department_id is None:
            return None
        dept = Department.objects.filter(pk=department_id).first()
        if dept is None:
            raise NotFound(_("Department not found."))
        return dept
    if can(viewer, Cap.TRAIN_VIEW_TEAM) and viewer.department_id is not None:
        if department_id is not None and department_id != viewer.department_id:
            raise NotPermitted(_("You may only see your own department."))
        return viewer.department
    raise NotPermitted(_("You may not see team figures."))


def departments_for(viewer: User) -> list[Department]:
    if can(viewer, Cap.TRAIN_VIEW_ALL):
        return list(Department.objects.order_by("kind", "code"))
    if can(viewer, Cap.TRAIN_VIEW_TEAM) and viewer.department_id is not None:
        return [viewer.department]
    return []


def people_in(*, department: Department | None, roles: list[str] | None = None) -> QuerySet[User]:
    qs = User.objects.filter(is_active=True, role__in=roles or learner_roles()).select_related("department")
    if department is not None:
        qs = qs.filter(department=department)
    return qs.order_by("department__code", "username", "pk")


# --------------------------------------------------------------------------------------------------
# KPI comparisons


@dataclass(frozen=True)
class KpiChange:
    kpi: Kpi
    before: float | None
    after: float | None
    before_base: int
    after_base: int
    verdict: str  # better | worse | flat | unknown

    @property
    def label(self) -> str:
        return self.kpi.label

    @property
    def relative(self) -> float | None:
        return kpis.change(self.before, self.after)


def assess(kpi: Kpi, before: DeskKpis, after: DeskKpis, *, min_base: int = MIN_BASE) -> KpiChange:
    b, a = before.value(kpi.code), after.value(kpi.code)
    nb, na = getattr(before, kpi.base), getattr(after, kpi.base)
    verdict = "unknown"
    if b is not None and a is not None and nb >= min_base and na >= min_base:
        if kpi.unit == "rate":
            moved = abs(a - b) >= RATE_THRESHOLD - 1e-12
        else:
            rel = kpis.change(b, a)
            moved = (rel is not None and abs(rel) >= RELATIVE_THRESHOLD - 1e-12) or (b == 0 and a > 0)
        verdict = "flat" if not moved else "better" if (a - b) * kpi.direction > 0 else "worse"
    return KpiChange(kpi, b, a, nb, na, verdict)


def compare(
    before: DeskKpis, after: DeskKpis, *, codes: list[str] | None = None, min_base: int = MIN_BASE
) -> list[KpiChange]:
    return [assess(KPIS[c], before, after, min_base=min_base) for c in (codes or list(KPIS))]


def _pct(v: float | None) -> float | None:
    return None if v is None else round(100 * v, 1)


def before_after_chart(changes: list[KpiChange]) -> dict:
    """ECharts option: before/after bars of the rate KPIs (in %)."""
    rates = [c for c in changes if c.kpi.unit == "rate"]
    return {
        "tooltip": {"trigger": "axis"},
        "legend": {"data": [_("Before"), _("After")]},
        "grid": {"left": 48, "right": 16, "bottom": 72, "top": 40},
        "xAxis": {"type": "category", "data": [c.label for c in rates], "axisLabel": {"rotate": 30}},
        "yAxis": {"type": "value", "name": "%", "max": 100},
        "series": [
            {"name": _("Before"), "type": "bar", "data": [_pct(c.before) for c in rates]},
            {"name": _("After"), "type": "bar", "data": [_pct(c.after) for c in rates]},
        ],
    }


# --------------------------------------------------------------------------------------------------
# L1 reaction


@dataclass(frozen=True)
class L1Summary:
    answers: int
    satisfied: int
    averages: dict[str, float | None]
    comments: list[str] = field(default_factory=list)

    @property
    def satisfaction_rate(self) -> float | None:
        return self.satisfied / self.answers if self.answers else None

    @property
    def meets_target(self) -> bool | None:
        rate = self.satisfaction_rate
        return None if rate is None else rate >= TARGET_SATISFACTION


def l1_summary(
    *,
    course_code: str | None = None,
    user_ids: list[int] | None = None,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
    comments: int = 0,
) -> L1Summary:
    """L1 reaction: answers, satisfaction rate (share with overall ≥ 4; target 95 %) and the average
    of each rating, over the answers matching the filters."""
    from django.db.models import Avg

    qs = SurveyResponse.objects.all()
    if course_code is not None:
        qs = qs.filter(course_code=course_code)
    if user_ids is not None:
        qs = qs.filter(user_id__in=user_ids)
    if start is not None:
        qs = qs.filter(answered_at__gte=start)
    if end is not None:
        qs = qs.filter(answered_at__lt=end)
    agg = qs.aggregate(
        n=Count("pk"),
        ok=Count("pk", filter=Q(overall__gte=4)),
        **{name: Avg(name) for name in RATING_FIELDS},
    )
    texts = (
        list(
            qs.exclude(will_apply="")
            .order_by("-answered_at", "-id")
            .values_list("will_apply", flat=True)[:comments]
        )
        if comments
        else []
    )
    return L1Summary(
        answers=agg["n"],
        satisfied=agg["ok"],
        averages={
            name: (round(float(agg[name]), 2) if agg[name] is not None else None) for name in RATING_FIELDS
        },
        comments=texts,
    )


def _unanswered(user: User) -> QuerySet[SurveyRequest]:
    answered = SurveyResponse.objects.filter(user=user).values_list("session_ref", flat=True)
    return SurveyRequest.objects.filter(user=user).exclude(session_ref__in=answered)


def pending_surveys(*, user: User) -> list[SurveyRequest]:
    return list(_unanswered(user).order_by("-held_on", "id"))


def pending_survey_count(*, user: User) -> int:
    return _unanswered(user).count()


def survey_request_get(*, user: User, session_ref: str) -> SurveyRequest:
    req = SurveyRequest.objects.filter(user=user, session_ref=session_ref).first()
    if req is None:
        raise NotFound(_("There is no survey for you about this session."))
    return req


# --------------------------------------------------------------------------------------------------
# L2 learning


@dataclass(frozen=True)
class L2Result:
    pairs: int
    avg_pre: float | None
    avg_post: float | None

    @property
    def gain(self) -> float | None:
        """Average gain in points (post − pre) over the people with both tests."""
        if self.avg_pre is None or self.avg_post is None:
            return None
        return round(self.avg_post - self.avg_pre, 1)


def l2_gain(*, user_ids: list[int], course_code: str) -> L2Result:
    pre = sources.exam_scores(user_ids=user_ids, course_code=course_code, kind="pre")
    post = sources.exam_scores(user_ids=user_ids, course_code=course_code, kind="post")
    both = sorted(set(pre) & set(post))
    if not both:
        return L2Result(0, None, None)
    return L2Result(
        len(both),
        round(sum(pre[u] for u in both) / len(both), 1),
        round(sum(post[u] for u in both) / len(both), 1),
    )


# --------------------------------------------------------------------------------------------------
# L3 behaviour


@dataclass(frozen=True)
class FindingRow:
    code: str
    label: str
    before: int
    after: int


def reply_findings_by_code(*, user: User, start: dt.datetime, end: dt.datetime) -> dict[str, int]:
    """How often each reply-coaching finding occurred in the person's replies sent in the window. One
    person's replies over a few weeks are few: counted here rather than with per-vendor JSON SQL."""
    from collections import Counter

    from kesu.complaints.models import ComplaintEvent

    counts: Counter[str] = Counter()
    rows = (
        ComplaintEvent.objects.filter(kind=ComplaintEvent.Kind.MESSAGE, actor=user, at__gte=start, at__lt=end)
        .order_by("at", "id")
        .values_list("data", flat=True)
    )
    for data in rows:
        if not isinstance(data, dict) or not data.get("reply"):
            continue
        for f in (data.get("coaching") or {}).get("findings") or []:
            if isinstance(f, dict) and f.get("code"):
                counts[str(f["code"])] += 1
    return dict(counts)


@dataclass(frozen=True)
class PersonBehaviour:
    person: User
    completed_on: dt.date
    weeks: int
    before_window: Window
    after_window: Window
    before: DeskKpis
    after: DeskKpis
    changes: list[KpiChange]
    findings: list[FindingRow]

    @property
    def chart(self) -> dict:
        return before_after_chart(self.changes)


def l3_person(
    *, person: User, completed_on: dt.date, weeks: int = DEFAULT_WEEKS, min_base: int = 5
) -> PersonBehaviour:
    """The person's desk KPIs in the ``weeks`` before vs after ``completed_on`` (the after-window ends
    now at the latest)."""
    weeks = max(1, min(int(weeks), 26))
    pivot = local_midnight(completed_on)
    before_w = _clip(pivot - dt.timedelta(weeks=weeks), pivot)
    after_w = _clip(pivot, pivot + dt.timedelta(weeks=weeks))
    before = handler_kpis(user_ids=[person.pk], start=before_w.start, end=before_w.end)[person.pk]
    after = handler_kpis(user_ids=[person.pk], start=after_w.start, end=after_w.end)[person.pk]
    from kesu.complaints.triage import FINDING_LABELS

    fb = reply_findings_by_code(user=person, start=before_w.start, end=before_w.end)
    fa = reply_findings_by_code(user=person, start=after_w.start, end=after_w.end)
    findings = [
        FindingRow(code, str(FINDING_LABELS.get(code, code)), fb.get(code, 0), fa.get(code, 0))
        for code in sorted(set(fb) | set(fa), key=lambda c: (-(fb.get(c, 0) + fa.get(c, 0)), c))
    ]
    return PersonBehaviour(
        person,
        completed_on,
        weeks,
        before_w,
        after_w,
        before,
        after,
        compare(before, after, min_base=min_base),
        findings,
    )


# --------------------------------------------------------------------------------------------------
# L4 results


@dataclass(frozen=True)
class TargetRow:
    code: str
    label: str
    target: str
    value: float | None  # the measured value, as a fraction (0.97 = 97 %)
    met: bool | None  # None: not measurable (no data)


@dataclass(frozen=True)
class TeamResults:
    department: Department | None
    cycle_start: dt.date
    cycle_end: dt.date
    before_window: Window
    after_window: Window
    before: DeskKpis
    after: DeskKpis
    changes: list[KpiChange]
    targets: list[TargetRow]
    l1: L1Summary

    @property
    def chart(self) -> dict:
        return before_after_chart(self.changes)


def efficiency_gain(before_hours: float | None, after_hours: float | None) -> float | None:
    """Handling efficiency gain: complaints per hour after vs before − 1 (time 10 h → 7 h is +42.9 %)."""
    if not before_hours or not after_hours:
        return None
    return before_hours / after_hours - 1


def l4_team(
    *, department: Department | None, cycle_start: dt.date, cycle_end: dt.date, weeks: int = DEFAULT_WEEKS
) -> TeamResults:
    """Team KPIs in the ``weeks`` before the training cycle vs the ``weeks`` after it, beside the seed
    targets: training coverage 100 % during the cycle, satisfaction ≥ 95 % after it, repeat-complaint
    rate −30 %, handling efficiency +40 %."""
    weeks = max(1, min(int(weeks), 26))
    if cycle_end < cycle_start:
        cycle_start, cycle_end = cycle_end, cycle_start
    dept_id = department.pk if department else None
    before_w = _clip(local_midnight(cycle_start) - dt.timedelta(weeks=weeks), local_midnight(cycle_start))
    after_start = local_midnight(cycle_end + dt.timedelta(days=1))
    after_w = _clip(after_start, after_start + dt.timedelta(weeks=weeks))
    before = team_kpis(department_id=dept_id, start=before_w.start, end=before_w.end)
    after = team_kpis(department_id=dept_id, start=after_w.start, end=after_w.end)
    changes = compare(before, after)
    coverage = sources.coverage_percent(department_id=dept_id, start=cycle_start, end=cycle_end)
    coverage = coverage / 100 if coverage is not None else None
    repeat = kpis.change(before.repeat_rate, after.repeat_rate)
    efficiency = efficiency_gain(before.avg_handling_hours, after.avg_handling_hours)
    sat = after.satisfaction_rate
    targets = [
        TargetRow(
            "coverage",
            _("Training coverage"),
            "100 %",
            coverage,
            None if coverage is None else coverage >= TARGET_COVERAGE,
        ),
        TargetRow(
            "satisfaction",
            _("Satisfaction rate"),
            "≥ 95 %",
            sat,
            None if sat is None else sat >= TARGET_SATISFACTION,
        ),
        TargetRow(
            "repeat",
            _("Repeat-complaint rate"),
            "−30 %",
            repeat,
            None if repeat is None else repeat <= TARGET_REPEAT_CHANGE,
        ),
        TargetRow(
            "efficiency",
            _("Handling efficiency"),
            "+40 %",
            efficiency,
            None if efficiency is None else efficiency >= TARGET_EFFICIENCY_GAIN,
        ),
    ]
    people = list(people_in(department=department).values_list("pk", flat=True)) if department else None
    l1 = l1_summary(
        user_ids=people,
        start=local_midnight(cycle_start),
        end=local_midnight(cycle_end + dt.timedelta(days=1)),
    )
    return TeamResults(
        department, cycle_start, cycle_end, before_w, after_w, before, after, changes, targets, l1
    )


# --------------------------------------------------------------------------------------------------
# Monthly review


@dataclass(frozen=True)
class CourseReview:
    code: str
    title: str
    item_codes: tuple[str, ...]
    people: int
    hours: Decimal
    l1: L1Summary
    l2: L2Result
    changes: list[KpiChange]
    verdict: str  # moved | moved_nothing | too_little_data

    @property
    def chart(self) -> dict:
        return before_after_chart(self.changes)

    @property
    def chart_id(self) -> str:
        return "review-" + "".join(ch if ch.isalnum() else "-" for ch in self.code)


@dataclass(frozen=True)
class MonthlyReview:
    month: dt.date
    before_window: Window
    after_window: Window
    courses: list[CourseReview]

    @property
    def moved_nothing(self) -> list[CourseReview]:
        return [c for c in self.courses if c.verdict == "moved_nothing"]


def verdict_of(changes: list[KpiChange], people: int) -> str:
    known = [c for c in changes if c.verdict != "unknown"]
    if people < MIN_PEOPLE or not known:
        return "too_little_data"
    return "moved" if any(c.verdict == "better" for c in known) else "moved_nothing"


def monthly_review(*, month: dt.date, weeks: int = DEFAULT_WEEKS, min_base: int = MIN_BASE) -> MonthlyReview:
    """For each course completed in ``month``: L1, L2 gain and the change of the KPIs its items relate
    to for the people who completed it — their pooled desk KPIs in the ``weeks`` before the month vs the
    ``weeks`` after it (ending now at the latest). Four queries for the desk figures, whatever the
    number of courses."""
    first, nxt = month_bounds(month)
    done = sources.completions(start=first, end=nxt - dt.timedelta(days=1))
    by_course: dict[str, set[int]] = defaultdict(set)
    hours: dict[str, Decimal] = defaultdict(Decimal)
    for c in done:
        by_course[c.course_code].add(c.user_id)
        hours[c.course_code] += c.hours or Decimal(0)
    before_w = _clip(local_midnight(first) - dt.timedelta(weeks=weeks), local_midnight(first))
    after_w = _clip(local_midnight(nxt), local_midnight(nxt) + dt.timedelta(weeks=weeks))
    everyone = sorted(set().union(*by_course.values())) if by_course else []
    before = handler_kpis(user_ids=everyone, start=before_w.start, end=before_w.end)
    after = handler_kpis(user_ids=everyone, start=after_w.start, end=after_w.end)
    info = sources.courses(by_course)
    reviews = []
    for code in sorted(by_course, key=lambda c: (info[c].title if c in info else c, c)):
        ids = sorted(by_course[code])
        course = info.get(code)
        items = course.item_codes if course else ()
        related = kpis.kpis_for_items(items) or list(KPIS)
        pooled_before = reduce(lambda a, b: a + b, (before[u] for u in ids), DeskKpis())
        pooled_after = reduce(lambda a, b: a + b, (after[u] for u in ids), DeskKpis())
        changes = compare(pooled_before, pooled_after, codes=related, min_base=min_base)
        reviews.append(
            CourseReview(
                code=code,
                title=course.title if course else code,
                item_codes=items,
                people=len(ids),
                hours=hours[code],
                l1=l1_summary(course_code=code, user_ids=ids),
                l2=l2_gain(user_ids=ids, course_code=code),
                changes=changes,
                verdict=verdict_of(changes, len(ids)),
            )
        )
    order = {"moved_nothing": 0, "moved": 1, "too_little_data": 2}
    reviews.sort(key=lambda r: order[r.verdict])
    return MonthlyReview(first, before_w, after_w, reviews)


# --------------------------------------------------------------------------------------------------
# Recognition and the performance summary


@dataclass(frozen=True)
class Suggestion:
    person: User
    kpis: DeskKpis


def recognition_suggestions(*, department: Department | None, month: dt.date) -> list[Suggestion]:
    """People whose satisfaction rate in the month reached the target (≥ 95 % over at least
    ``SUGGEST_MIN_RATED`` rated complaints) with no escalation among their complaints, and who have not
    been recognised for high satisfaction that month yet."""
    first, nxt = month_bounds(month)
    people = list(people_in(department=department, roles=handling_roles()))
    figures = handler_kpis(
        user_ids=[p.pk for p in people], start=local_midnight(first), end=local_midnight(nxt)
    )
    done = set(
        Recognition.objects.filter(period=first, kind=Recognition.Kind.HIGH_SATISFACTION).values_list(
            "user_id", flat=True
        )
    )
    out = []
    for p in people:
        k = figures[p.pk]
        if (
            p.pk not in done
            and k.rated >= SUGGEST_MIN_RATED
            and (k.satisfaction_rate or 0) >= TARGET_SATISFACTION
            and k.escalated == 0
        ):
            out.append(Suggestion(p, k))
    return out


def recognitions(*, user_ids: list[int], start: dt.date, end: dt.date) -> list[Recognition]:
    """Recognitions for months from ``start`` to ``end`` (inclusive)."""
    return list(
        Recognition.objects.filter(user_id__in=user_ids, period__gte=start.replace(day=1), period__lte=end)
        .select_related("user", "awarded_by")
        .order_by("-period", "-awarded_at", "-id")
    )


@dataclass(frozen=True)
class PerformanceRow:
    person: User
    kpis: DeskKpis
    courses: int
    hours: Decimal
    avg_course_score: float | None
    exams: sources.ExamSummary | None
    recognitions: list[Recognition]
    retrainings: list[sources.RetrainingRow]


def performance_summary(*, people: list[User], start: dt.date, end: dt.date) -> list[PerformanceRow]:
    """绩效汇总 per person over ``start`` … ``end`` (inclusive): desk KPIs, training hours and courses
    completed, exam results, recognition and retraining. A fixed number of queries for any number of
    people."""
    ids = [p.pk for p in people]
    s, e = local_midnight(start), local_midnight(end + dt.timedelta(days=1))
    figures = handler_kpis(user_ids=ids, start=s, end=e)
    done: dict[int, list[sources.Completion]] = defaultdict(list)
    for c in sources.completions(start=start, end=end, user_ids=ids):
        done[c.user_id].append(c)
    exams = sources.exam_summary(user_ids=ids, start=s, end=e)
    recs: dict[int, list[Recognition]] = defaultdict(list)
    for r in recognitions(user_ids=ids, start=start, end=end):
        recs[r.user_id].append(r)
    retr: dict[int, list[sources.RetrainingRow]] = defaultdict(list)
    for r in sources.retrainings(user_ids=ids, start=s, end=e):
        retr[r.user_id].append(r)
    rows = []
    for p in people:
        mine = done[p.pk]
        scores = [float(c.score) for c in mine if c.score is not None]
        rows.append(
            PerformanceRow(
                person=p,
                kpis=figures.get(p.pk, DeskKpis()),
                courses=len({c.course_code for c in mine}),
                hours=sum((c.hours or Decimal(0) for c in mine), Decimal(0)),
                avg_course_score=round(sum(scores) / len(scores), 1) if scores else None,
                exams=exams.get(p.pk),
                recognitions=recs[p.pk],
                retrainings=retr[p.pk],
            )
        )
    return rows
