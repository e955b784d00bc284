"""What effectiveness reads from the other academy apps, in one place.

Training (sessions, attendance, training records, coverage), exams (pre/post scores, graded attempts)
and plans (retraining) are read here and nowhere else in this app, as plain data. Each reader degrades
to "nothing known" (empty results / None) while the other app is not installed or not migrated yet, so
the effectiveness pages keep working on the desk's data alone; they never invent figures.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

SESSION_REF = "training-session:%d"


@dataclass(frozen=True)
class Attended:
    session_ref: str
    course_code: str
    title: str
    held_on: dt.date


@dataclass(frozen=True)
class Completion:
    user_id: int
    course_code: str
    completed_on: dt.date
    hours: Decimal
    score: Decimal | None


@dataclass(frozen=True)
class CourseInfo:
    code: str
    title: str
    item_codes: tuple[str, ...]


def _training():
    try:
        from kesu.training import models
    except ImportError:  # pragma: no cover - the app is always installed
        return None
    return models if hasattr(models, "TrainingRecord") and hasattr(models, "Enrolment") else None


def attended_sessions(*, user_id: int, since: dt.datetime | None = None) -> list[Attended]:
    """Sessions the person attended (attendance marked present) that have ended, newest first."""
    m = _training()
    if m is None:
        return []
    from kesu.common import clock

    qs = m.Enrolment.objects.filter(
        user_id=user_id, attendance=m.Enrolment.Attendance.PRESENT, session__ends_at__lte=clock.now()
    ).exclude(session__status=m.TrainingSession.Status.CANCELLED)
    if since is not None:
        qs = qs.filter(session__ends_at__gte=since)
    rows = qs.order_by("-session__ends_at", "-session_id").values_list(
        "session_id", "session__course__code", "session__course__title", "session__starts_at"
    )
    from django.utils import timezone

    return [
        Attended(SESSION_REF % sid, code, title, timezone.localdate(starts))
        for sid, code, title, starts in rows
    ]


def recent_attendance(*, since: dt.datetime) -> list[tuple[Attended, int]]:
    """(session, person) for every present attendance of a session that ended since ``since``."""
    m = _training()
    if m is None:
        return []
    from django.utils import timezone

    from kesu.common import clock

    rows = (
        m.Enrolment.objects.filter(
            attendance=m.Enrolment.Attendance.PRESENT,
            session__ends_at__gte=since,
            session__ends_at__lte=clock.now(),
        )
        .exclude(session__status=m.TrainingSession.Status.CANCELLED)
        .order_by("session__ends_at", "session_id", "user_id")
        .values_list(
            "session_id", "session__course__code", "session__course__title", "session__starts_at", "user_id"
        )
    )
    return [
        (Attended(SESSION_REF % sid, code, title, timezone.localdate(starts)), uid)
        for sid, code, title, starts, uid in rows
    ]


def session_attendees(*, session_ref: str) -> list[int]:
    """The people marked present at a session."""
    m = _training()
    if m is None or not session_ref.startswith("training-session:"):
        return []
    try:
        sid = int(session_ref.split(":", 1)[1])
    except ValueError:
        return []
    return list(
        m.Enrolment.objects.filter(session_id=sid, attendance=m.Enrolment.Attendance.PRESENT)
        .order_by("user_id")
        .values_list("user_id", flat=True)
    )


def completions(*, start: dt.date, end: dt.date, user_ids: Iterable[int] | None = None) -> list[Completion]:
    """Training records completed between ``start`` and ``end`` (inclusive)."""
    m = _training()
    if m is None:
        return []
    qs = m.TrainingRecord.objects.filter(completed_on__gte=start, completed_on__lte=end)
    if user_ids is not None:
        qs = qs.filter(user_id__in=list(user_ids))
    return [
        Completion(uid, code, day, hours, score)
        for uid, code, day, hours, score in qs.order_by("completed_on", "id").values_list(
            "user_id", "course__code", "completed_on", "hours", "score"
        )
    ]


def courses(codes: Iterable[str]) -> dict[str, CourseInfo]:
    m = _training()
    wanted = sorted(set(codes))
    if m is None or not wanted:
        return {}
    return {
        code: CourseInfo(code, title, tuple(items or ()))
        for code, title, items in m.Course.objects.filter(code__in=wanted).values_list(
            "code", "title", "item_codes"
        )
    }


def coverage_percent(*, department_id: int | None, start: dt.date, end: dt.date) -> float | None:
    """Training coverage (share of learners with a completed course) from the training app."""
    try:
        from kesu.training import selectors
    except ImportError:
        return None
    if not hasattr(selectors, "coverage") or _training() is None:
        return None
    from kesu.accounts.models import Department

    department = Department.objects.filter(pk=department_id).first() if department_id else None
    result = selectors.coverage(start=start, end=end, department=department)
    return float(result.percent) if result.people else None


def exam_scores(*, user_ids: Iterable[int], course_code: str, kind: str) -> dict[int, float]:
    """L2: per person, the percent of their latest graded pre- or post-test of the course."""
    try:
        from kesu.exams import selectors
    except ImportError:
        return {}
    if not hasattr(selectors, "scores_for"):
        return {}
    return {int(k): float(v) for k, v in selectors.scores_for(list(user_ids), course_code, kind).items()}


@dataclass(frozen=True)
class ExamSummary:
    attempts: int
    passed: int
    avg_percent: float | None


def exam_summary(*, user_ids: Iterable[int], start: dt.datetime, end: dt.datetime) -> dict[int, ExamSummary]:
    """Graded exam attempts closed in the window, per person."""
    try:
        from kesu.exams import models
    except ImportError:
        return {}
    if not hasattr(models, "Attempt"):
        return {}
    from django.db.models import Avg, Count, Q

    rows = (
        models.Attempt.objects.filter(
            user_id__in=list(user_ids), status="graded", closed_at__gte=start, closed_at__lt=end
        )
        .values("user_id")
        .annotate(n=Count("pk"), ok=Count("pk", filter=Q(passed=True)), avg=Avg("percent"))
        .order_by("user_id")
    )
    return {
        r["user_id"]: ExamSummary(r["n"], r["ok"], float(r["avg"]) if r["avg"] is not None else None)
        for r in rows
    }


@dataclass(frozen=True)
class RetrainingRow:
    user_id: int
    kind: str
    kind_label: str
    reason: str
    status: str
    status_label: str
    due_on: dt.date


def retrainings(*, user_ids: Iterable[int], start: dt.datetime, end: dt.datetime) -> list[RetrainingRow]:
    """Retraining (复训) assigned to these people in the window."""
    try:
        from kesu.plans import models
    except ImportError:
        return []
    if not hasattr(models, "Retraining"):
        return []
    return [
        RetrainingRow(
            r.person_id,
            r.kind,
            str(r.get_kind_display()),
            r.reason,
            r.status,
            str(r.get_status_display()),
            r.due_on,
        )
        for r in models.Retraining.objects.filter(
            person_id__in=list(user_ids), assigned_at__gte=start, assigned_at__lt=end
        ).order_by("assigned_at", "id")
    ]
