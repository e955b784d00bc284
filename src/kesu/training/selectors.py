"""Reads of the training app (and the contract other apps call: courses_for_items, person_records,
completed_courses, module_for_micro, coverage)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from kesu.accounts.models import Department, User
from kesu.accounts.roles import ROLE_CAPS, Cap, Role, can
from kesu.common import clock
from kesu.common.errors import NotFound, NotPermitted
from kesu.training.models import (
    Certificate,
    CheckIn,
    Course,
    Enrolment,
    MentoringPair,
    Module,
    ModuleProgress,
    TrainingRecord,
    TrainingSession,
)

# ---------------------------------------------------------------------------------------------- catalogue


def item_names() -> dict[str, str]:
    """Competency item code → name in the current model (empty while the competency app has none)."""
    try:
        from kesu.competency.selectors import item_labels
    except ImportError:
        return {}
    return item_labels()


def profile_names() -> dict[str, str]:
    from kesu.training.services import PROFILE_LABELS

    return {code: str(name) for code, name in PROFILE_LABELS.items()}


def course_list(*, user: User, track: str = "", item: str = "", q: str = "") -> QuerySet[Course]:
    qs = Course.objects.annotate(module_count=Count("modules"))
    if not can(user, Cap.TRAIN_MANAGE):
        qs = qs.filter(status=Course.Status.PUBLISHED)
    if track:
        qs = qs.filter(track=track)
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(code__icontains=q) | Q(summary__icontains=q))
    courses = qs.order_by("track", "code")
    if item:
        # JSON containment is not portable across SQLite and PostgreSQL: filter the (small) list here.
        return [c for c in courses if item in c.item_codes]  # type: ignore[return-value]
    return courses


def course_get(*, user: User, code: str) -> Course:
    course = Course.objects.filter(code=code).first()
    if course is None or (not course.is_published and not can(user, Cap.TRAIN_MANAGE)):
        raise NotFound("course")
    return course


def courses_for_items(*, item_codes, track: str | None = None) -> list[Course]:
    """Published courses that build any of ``item_codes``, the best match first: most of the wanted
    items covered, then the fewest other items (a focused course), then code."""
    wanted = set(item_codes or ())
    if not wanted:
        return []
    qs = Course.objects.filter(status=Course.Status.PUBLISHED)
    if track:
        qs = qs.filter(track=track)
    scored = []
    for c in qs.order_by("code"):
        hit = len(wanted & set(c.item_codes))
        if hit:
            scored.append((-hit, len(set(c.item_codes) - wanted), c.code, c))
    scored.sort(key=lambda t: t[:3])
    return [t[3] for t in scored]


@dataclass(frozen=True)
class ModuleState:
    module: Module
    opened: bool
    completed: bool


def course_progress(*, user: User, course: Course) -> tuple[list[ModuleState], int]:
    """Each module with the user's progress, and the percentage of online modules completed."""
    modules = list(course.modules.all())
    progress = {p.module_id: p for p in ModuleProgress.objects.filter(user=user, module__course=course)}
    states = [
        ModuleState(m, m.pk in progress, bool(m.pk in progress and progress[m.pk].completed_at))
        for m in modules
    ]
    online = [s for s in states if s.module.is_online]
    pct = round(100 * sum(s.completed for s in online) / len(online)) if online else 0
    return states, pct


def module_for_micro(user: User, item_codes) -> list[Module]:
    """Five-minute modules (online, published) that build any of ``item_codes`` and that the user has
    not completed yet, most matching items first."""
    wanted = set(item_codes or ())
    done = ModuleProgress.objects.filter(user=user, completed_at__isnull=False).values("module_id")
    qs = (
        Module.objects.filter(minutes__lte=5, method="online", course__status=Course.Status.PUBLISHED)
        .exclude(pk__in=done)
        .select_related("course")
        .order_by("course__code", "order", "id")
    )
    scored = [(-len(wanted & set(m.item_codes)), i, m) for i, m in enumerate(qs)]
    return [m for score, _i, m in sorted(scored, key=lambda t: t[:2]) if score < 0]


def completed_courses(user: User) -> list[Course]:
    """Courses the user completed, most recent first, each once."""
    seen: dict[int, Course] = {}
    for r in (
        TrainingRecord.objects.filter(user=user).select_related("course").order_by("-completed_on", "-id")
    ):
        seen.setdefault(r.course_id, r.course)
    return list(seen.values())


def courses_in_progress_count(*, user: User) -> int:
    """Published courses of which the person has opened a module and that are not in their record yet."""
    completed = TrainingRecord.objects.filter(user=user).values("course_id")
    return (
        Course.objects.filter(status=Course.Status.PUBLISHED, modules__progress__user=user)
        .exclude(pk__in=completed)
        .values("pk")
        .distinct()
        .count()
    )


# ----------------------------------------------------------------------------------------------- sessions


def upcoming_sessions(*, course: Course) -> QuerySet[TrainingSession]:
    return (
        course.sessions.filter(status=TrainingSession.Status.SCHEDULED, starts_at__gt=clock.now())
        .select_related("trainer")
        .annotate(
            enrolled=Count("enrolments", filter=Q(enrolments__status=Enrolment.Status.ENROLLED)),
            waiting=Count("enrolments", filter=Q(enrolments__status=Enrolment.Status.WAITING)),
        )
        .order_by("starts_at", "id")
    )


def my_enrolments(*, user: User) -> QuerySet[Enrolment]:
    return (
        Enrolment.objects.filter(user=user)
        .exclude(status=Enrolment.Status.CANCELLED)
        .select_related("session", "session__course")
        .order_by("-session__starts_at", "-id")
    )


def next_session_start(*, user: User) -> dt.datetime | None:
    """When the next scheduled session the person holds a seat in starts (not the waiting list)."""
    return (
        Enrolment.objects.filter(
            user=user,
            status=Enrolment.Status.ENROLLED,
            session__status=TrainingSession.Status.SCHEDULED,
            session__starts_at__gt=clock.now(),
        )
        .order_by("session__starts_at", "session_id")
        .values_list("session__starts_at", flat=True)
        .first()
    )


def waiting_position(enrolment: Enrolment) -> int | None:
    if enrolment.status != Enrolment.Status.WAITING:
        return None
    ahead = Enrolment.objects.filter(session_id=enrolment.session_id, status=Enrolment.Status.WAITING).filter(
        Q(requested_at__lt=enrolment.requested_at)
        | Q(requested_at=enrolment.requested_at, id__lt=enrolment.pk)
    )
    return ahead.count() + 1


# ---------------------------------------------------------------------------------------------- mentoring


def pairs_for(*, user: User) -> dict[str, list[MentoringPair]]:
    base = MentoringPair.objects.select_related("mentor", "mentee").annotate(
        overdue=Count(
            "checkins",
            filter=Q(checkins__done_at__isnull=True, checkins__due_on__lt=timezone.localdate(clock.now())),
        )
    )
    out = {
        "as_mentor": list(base.filter(mentor=user).order_by("-starts_on", "id")),
        "as_mentee": list(base.filter(mentee=user).order_by("-starts_on", "id")),
        "all": [],
    }
    if can(user, Cap.TRAIN_MANAGE):
        out["all"] = list(base.order_by("-starts_on", "id")[:200])
    return out


def pair_get(*, user: User, pk: int) -> MentoringPair:
    pair = MentoringPair.objects.select_related("mentor", "mentee").filter(pk=pk).first()
    if pair is None:
        raise NotFound("pair")
    if user.pk not in (pair.mentor_id, pair.mentee_id) and not can_see_records(user, pair.mentee):
        raise NotPermitted("pair")
    return pair


def overdue_checkins(*, mentor: User) -> QuerySet[CheckIn]:
    return CheckIn.objects.filter(
        pair__mentor=mentor, done_at__isnull=True, due_on__lt=timezone.localdate(clock.now())
    ).select_related("pair__mentee")


# ------------------------------------------------------------------------------------------------ records


def can_see_records(viewer: User, person: User) -> bool:
    if viewer.pk == person.pk:
        return can(viewer, Cap.LEARN)
    if can(viewer, Cap.TRAIN_VIEW_ALL):
        return True
    return (
        can(viewer, Cap.TRAIN_VIEW_TEAM)
        and viewer.department_id is not None
        and viewer.department_id == person.department_id
    )


def record_person(*, viewer: User, pk: int) -> User:
    person = User.objects.select_related("department").filter(pk=pk).first()
    if person is None:
        raise NotFound("person")
    if not can_see_records(viewer, person):
        raise NotPermitted("records")
    return person


@dataclass
class CertificateRow:
    certificate: Certificate
    state: str  # valid | expiring | expired


@dataclass
class PersonRecords:
    person: User
    records: list[TrainingRecord]
    total_hours: Decimal
    average_score: Decimal | None
    certificates: list[CertificateRow]
    enrolments: list[Enrolment]
    hours_by_year: dict[int, Decimal] = field(default_factory=dict)


def hours_this_year(*, user: User) -> Decimal:
    """Training hours the person completed in the current calendar year (the record's hours by year)."""
    year = timezone.localdate(clock.now()).year
    total = TrainingRecord.objects.filter(
        user=user, completed_on__gte=dt.date(year, 1, 1), completed_on__lte=dt.date(year, 12, 31)
    ).aggregate(hours=Sum("hours"))["hours"]
    return total if total is not None else Decimal("0")


def person_records(user: User) -> PersonRecords:
    """The 培训档案 of one person: completed courses with hours and scores, certificates with their
    state, and the sessions they are enrolled in or waiting for."""
    today = timezone.localdate(clock.now())
    records = list(
        TrainingRecord.objects.filter(user=user)
        .select_related("course", "session")
        .order_by("-completed_on", "-id")
    )
    total = sum((r.hours for r in records), Decimal("0"))
    scores = [r.score for r in records if r.score is not None]
    average = (sum(scores, Decimal("0")) / len(scores)).quantize(Decimal("0.1")) if scores else None
    by_year: dict[int, Decimal] = {}
    for r in records:
        by_year[r.completed_on.year] = by_year.get(r.completed_on.year, Decimal("0")) + r.hours
    certs = []
    for c in Certificate.objects.filter(user=user).order_by("-issued_on", "-id"):
        if c.valid_until is None or c.valid_until > today + dt.timedelta(days=30):
            state = "valid"
        elif c.valid_until >= today:
            state = "expiring"
        else:
            state = "expired"
        certs.append(CertificateRow(c, state))
    enrolments = list(
        Enrolment.objects.filter(user=user, session__starts_at__gt=clock.now())
        .exclude(status=Enrolment.Status.CANCELLED)
        .select_related("session__course")
        .order_by("session__starts_at", "id")
    )
    return PersonRecords(
        person=user,
        records=records,
        total_hours=total,
        average_score=average,
        certificates=certs,
        enrolments=enrolments,
        hours_by_year=dict(sorted(by_year.items())),
    )


@dataclass(frozen=True)
class GapRow:
    item_code: str
    name: str
    required: int
    gaps: tuple[float | None, ...]  # one per date of GapHistory.dates, oldest first
    priority: str  # now


@dataclass(frozen=True)
class GapHistory:
    profile: str
    dates: tuple[dt.date, ...]
    rows: tuple[GapRow, ...]
    unassessed: tuple[str, ...]  # names of items without any evidence at any of the dates
    suggested: tuple[Course, ...]


GAP_POINTS_DAYS = (365, 180, 90, 0)


def person_gaps_over_time(user: User) -> GapHistory | None:
    """The person's competency gaps a year, half a year and a quarter ago and today, from the
    competency app's needs analysis (None while that app offers none or the person has no profile),
    with the published courses that build today's largest gaps."""
    try:
        from kesu.competency.selectors import person_needs
    except ImportError:
        return None
    today = timezone.localdate(clock.now())
    dates = tuple(today - dt.timedelta(days=d) for d in GAP_POINTS_DAYS)
    history = [person_needs(user=user, on=d) for d in dates]
    latest = history[-1]
    if latest.profile is None:
        return None
    by_date = [{g.item_code: g for g in needs.items} for needs in history]
    rows, unassessed = [], []
    for g in latest.items:
        gaps = tuple((b[g.item_code].gap if g.item_code in b else None) for b in by_date)
        if all(x is None for x in gaps):
            unassessed.append(g.name)
        else:
            rows.append(GapRow(g.item_code, g.name, g.required, gaps, g.priority))
    order = {"high": 0, "medium": 1, "low": 2, "unknown": 3, "none": 4}
    rows.sort(key=lambda r: (order.get(r.priority, 4), -(r.gaps[-1] or 0), r.item_code))
    top = [g.item_code for g in latest.gaps[:3]]
    suggested = tuple(courses_for_items(item_codes=top)[:4]) if top else ()
    return GapHistory(latest.profile.name, dates, tuple(rows), tuple(unassessed), suggested)


def people_visible(*, viewer: User) -> QuerySet[User]:
    qs = (
        User.objects.filter(is_active=True)
        .select_related("department")
        .order_by("department__code", "username")
    )
    qs = qs.filter(role__in=trainee_roles())
    if can(viewer, Cap.TRAIN_VIEW_ALL):
        return qs
    if can(viewer, Cap.TRAIN_VIEW_TEAM) and viewer.department_id:
        return qs.filter(department_id=viewer.department_id)
    return qs.none()


# ----------------------------------------------------------------------------------------------- coverage


@dataclass(frozen=True)
class CoverageRow:
    key: str
    label: str
    people: int
    covered: int

    @property
    def percent(self) -> float:
        return round(100 * self.covered / self.people, 1) if self.people else 0.0


@dataclass(frozen=True)
class RequiredCoverage:
    """New handlers and the required new-hire courses: who has completed all of them (at any time)."""

    courses: list[tuple[Course, int]]  # each required course with how many new handlers completed it
    people: list[tuple[User, int]]  # each new handler with how many required courses they completed
    complete: int

    @property
    def percent(self) -> float:
        return round(100 * self.complete / len(self.people), 1) if self.people else 0.0


def required_courses() -> list[Course]:
    """The courses every new handler must complete: published new-hire courses meant for new handlers."""
    return [
        c
        for c in Course.objects.filter(status=Course.Status.PUBLISHED, track="new_hire").order_by("code")
        if "new_handler" in c.audience
    ]


def required_coverage(*, department: Department | None = None) -> RequiredCoverage | None:
    """None while the competency app cannot tell who is a new handler, or no course is required."""
    try:
        from kesu.competency.selectors import profile_code_for
    except ImportError:
        return None
    courses = required_courses()
    if not courses:
        return None
    handlers = User.objects.filter(is_active=True, role=Role.HANDLER).order_by("username")
    if department is not None:
        handlers = handlers.filter(department=department)
    new = [u for u in handlers if profile_code_for(u) == "new_handler"]
    done: dict[int, set[int]] = {}
    for uid, cid in TrainingRecord.objects.filter(
        user__in=[u.pk for u in new], course__in=[c.pk for c in courses]
    ).values_list("user_id", "course_id"):
        done.setdefault(uid, set()).add(cid)
    return RequiredCoverage(
        courses=[(c, sum(1 for u in new if c.pk in done.get(u.pk, ()))) for c in courses],
        people=[(u, len(done.get(u.pk, ()))) for u in new],
        complete=sum(1 for u in new if len(done.get(u.pk, ())) == len(courses)),
    )


@dataclass(frozen=True)
class Coverage:
    start: dt.date
    end: dt.date
    by_role: list[CoverageRow]
    by_department: list[CoverageRow]
    people: int
    covered: int
    target: float = 100.0

    @property
    def percent(self) -> float:
        return round(100 * self.covered / self.people, 1) if self.people else 0.0


def trainee_roles() -> list[str]:
    """Roles whose people are trained (and counted in coverage): everyone who learns, except the
    trainers who teach and the administrators who run the system."""
    return [
        role
        for role, caps in ROLE_CAPS.items()
        if Cap.LEARN in caps and role not in (Role.TRAINER, Role.ADMIN)
    ]


def coverage(
    *, start: dt.date | None = None, end: dt.date | None = None, department: Department | None = None
) -> Coverage:
    """Training coverage: the share of active trainees (``trainee_roles``) with at least
    one course completed between ``start`` and ``end`` (default: the current calendar year), per role
    and per department; ``department`` narrows it to one department."""
    today = timezone.localdate(clock.now())
    start = start or dt.date(today.year, 1, 1)
    end = end or dt.date(today.year, 12, 31)
    learners = trainee_roles()
    people = User.objects.filter(is_active=True, role__in=learners)
    if department is not None:
        people = people.filter(department=department)
    covered_ids = set(
        TrainingRecord.objects.filter(
            completed_on__gte=start, completed_on__lte=end, user__in=people
        ).values_list("user_id", flat=True)
    )
    rows = list(people.values_list("id", "role", "department_id"))
    role_labels = dict(Role.choices)
    departments = {d.pk: d for d in Department.objects.order_by("kind", "code")}

    def tally(key_of) -> dict:
        out: dict = {}
        for uid, role, dept in rows:
            k = key_of(role, dept)
            n, c = out.get(k, (0, 0))
            out[k] = (n + 1, c + (uid in covered_ids))
        return out

    by_role_raw = tally(lambda role, dept: role)
    by_role = [
        CoverageRow(role, str(role_labels.get(role, role)), *by_role_raw[role])
        for role in learners
        if role in by_role_raw
    ]
    by_dept_raw = tally(lambda role, dept: dept)
    by_department = [
        CoverageRow(d.code, d.name, *by_dept_raw[pk]) for pk, d in departments.items() if pk in by_dept_raw
    ]
    if None in by_dept_raw:
        by_department.append(CoverageRow("", "—", *by_dept_raw[None]))
    return Coverage(
        start=start,
        end=end,
        by_role=by_role,
        by_department=by_department,
        people=len(rows),
        covered=sum(1 for uid, _r, _d in rows if uid in covered_ids),
    )
