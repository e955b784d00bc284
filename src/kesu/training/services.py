"""Writes of the training app.

Invariants:
- Every write checks the caller's capability here, not only in the view: TRAIN_MANAGE edits the
  catalogue, sessions, attendance and mentoring pairs; LEARN enrols oneself and reads online modules.
- A session never has more ENROLLED rows than its capacity. Enrolment, cancellation and capacity
  changes lock the session row (``select_for_update``) first, so two people racing for the last seat
  are served one after the other; the loser lands on the waiting list.
- Enrolling twice is one enrolment; a cancellation of an enrolled person promotes the first waiting
  person (requested_at, id) and notifies them after commit.
- A TrainingRecord is written only by ``_record_completion`` and is idempotent on ``source_ref``:
  attendance marked present with a score at or above the course's pass score (or present at a course
  without assessment) records the course;
  re-marking absent or failing removes that record again. Completing every module of an online-only
  course records it too.
- ``certificate_issue`` is idempotent on ``source_ref``; a renewal reminder goes out once per
  certificate (``reminded_at``).
- Every change writes a TrainingEvent in the same transaction.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kesu.accounts.models import User
from kesu.accounts.roles import Cap, can
from kesu.common import clock
from kesu.common.errors import NotFound, NotPermitted, TransitionRefused, ValidationFailed
from kesu.competency.content import ITEM_CODES as SHIPPED_ITEM_CODES
from kesu.training.models import (
    Certificate,
    CheckIn,
    Course,
    Enrolment,
    MentoringPair,
    Method,
    Module,
    ModuleProgress,
    Scenario,
    Track,
    TrainingEvent,
    TrainingRecord,
    TrainingSession,
)

REMINDER_DAYS = 30
# The shipped model's stable item codes (docs/academy.md); ``allowed_item_codes()`` adds those trainers created.
ITEM_CODES = frozenset(SHIPPED_ITEM_CODES)


def allowed_item_codes() -> frozenset[str]:
    """The competency items courses may be tagged with: the shipped ones and any a trainer added to a
    version of the model (codes are permanent, so an item of an archived version stays valid)."""
    from kesu.competency.models import CompetencyItem

    return ITEM_CODES | frozenset(CompetencyItem.objects.values_list("code", flat=True).distinct())


PROFILE_LABELS = {
    "new_handler": gettext_lazy("New handler"),
    "handler": gettext_lazy("Handler"),
    "senior_handler": gettext_lazy("Senior handler"),
    "supervisor": gettext_lazy("Supervisor / manager"),
    "pr_officer": gettext_lazy("PR officer"),
    "liaison": gettext_lazy("Department liaison"),
}
PROFILE_CODES = frozenset(PROFILE_LABELS)


def _event(kind: str, *, actor=None, user=None, course=None, session=None, **detail) -> None:
    TrainingEvent.objects.create(
        at=clock.now(), actor=actor, kind=kind, user=user, course=course, session=session, detail=detail
    )


def _require(user: User, cap: str) -> None:
    if not can(user, cap):
        raise NotPermitted(_("You are not allowed to do this."))


def _codes(values, allowed: frozenset[str], label: str) -> list[str]:
    out: list[str] = []
    for v in values or []:
        v = str(v).strip()
        if not v:
            continue
        if v not in allowed:
            raise ValidationFailed(_("Unknown %(what)s code: %(code)s") % {"what": label, "code": v})
        if v not in out:
            out.append(v)
    return out


# ---------------------------------------------------------------------------------------------- catalogue


@dataclass(frozen=True)
class CourseInput:
    code: str
    title: str
    track: str
    scenario: str = ""
    summary: str = ""
    audience: tuple[str, ...] = ()
    item_codes: tuple[str, ...] = ()
    target_level: int = 3
    hours: Decimal = Decimal("1")
    assessment: str = ""
    pass_score: int = 60


def _course_fields(data: CourseInput) -> dict:
    code = data.code.strip().upper()
    if not code or len(code) > 30:
        raise ValidationFailed(_("A course needs a code of at most 30 characters."))
    if not data.title.strip():
        raise ValidationFailed(_("A course needs a title."))
    if data.track not in Track.values:
        raise ValidationFailed(_("Unknown track."))
    scenario = data.scenario or ""
    if scenario and scenario not in Scenario.values:
        raise ValidationFailed(_("Unknown scenario."))
    if scenario and data.track != Track.KEY_SCENARIO:
        raise ValidationFailed(_("Only key-scenario courses have a scenario."))
    if not 1 <= int(data.target_level) <= 5:
        raise ValidationFailed(_("The target level is between 1 and 5."))
    hours = Decimal(data.hours)
    if not Decimal("0.5") <= hours <= Decimal("200"):
        raise ValidationFailed(_("Hours must be between 0.5 and 200."))
    if not 0 <= int(data.pass_score) <= 100:
        raise ValidationFailed(_("The pass score is between 0 and 100."))
    return {
        "pass_score": int(data.pass_score),
        "code": code,
        "title": data.title.strip(),
        "track": data.track,
        "scenario": scenario,
        "summary": data.summary.strip(),
        "audience": _codes(data.audience, PROFILE_CODES, _("role profile")),
        "item_codes": _codes(data.item_codes, allowed_item_codes(), _("competency item")),
        "target_level": int(data.target_level),
        "hours": hours,
        "assessment": data.assessment.strip(),
    }


@transaction.atomic
def course_create(*, by: User, data: CourseInput) -> Course:
    _require(by, Cap.TRAIN_MANAGE)
    fields = _course_fields(data)
    if Course.objects.filter(code=fields["code"]).exists():
        raise ValidationFailed(_("A course with this code exists already."))
    course = Course.objects.create(**fields, status=Course.Status.DRAFT)
    _event("course_created", actor=by, course=course)
    return course


@transaction.atomic
def course_update(*, by: User, course: Course, data: CourseInput) -> Course:
    _require(by, Cap.TRAIN_MANAGE)
    course = Course.objects.select_for_update().get(pk=course.pk)
    fields = _course_fields(data)
    if Course.objects.filter(code=fields["code"]).exclude(pk=course.pk).exists():
        raise ValidationFailed(_("A course with this code exists already."))
    changed = {k: v for k, v in fields.items() if getattr(course, k) != v}
    if not changed:
        return course
    for k, v in changed.items():
        setattr(course, k, v)
    course.version += 1
    course.save()
    _event("course_updated", actor=by, course=course, fields=sorted(changed))
    return course


@transaction.atomic
def course_set_status(*, by: User, course: Course, status: str) -> Course:
    _require(by, Cap.TRAIN_MANAGE)
    if status not in Course.Status.values:
        raise ValidationFailed(_("Unknown status."))
    course = Course.objects.select_for_update().get(pk=course.pk)
    if course.status == status:
        return course
    if status == Course.Status.PUBLISHED and not course.modules.exists():
        raise TransitionRefused(_("A course needs at least one module before it is published."))
    course.status = status
    course.save(update_fields=["status", "updated_at"])
    _event("course_" + status, actor=by, course=course)
    return course


@dataclass(frozen=True)
class ModuleInput:
    title: str
    method: str
    minutes: int = 30
    item_codes: tuple[str, ...] = ()
    body: str = ""
    order: int | None = None


def _module_fields(data: ModuleInput) -> dict:
    if not data.title.strip():
        raise ValidationFailed(_("A module needs a title."))
    if data.method not in Method.values:
        raise ValidationFailed(_("Unknown method."))
    if not 1 <= int(data.minutes) <= 1440:
        raise ValidationFailed(_("Minutes must be between 1 and 1440."))
    if data.method == Method.ONLINE and not data.body.strip():
        raise ValidationFailed(_("An online module needs content to read."))
    return {
        "title": data.title.strip(),
        "method": data.method,
        "minutes": int(data.minutes),
        "item_codes": _codes(data.item_codes, allowed_item_codes(), _("competency item")),
        "body": data.body,
    }


def _bump(course: Course) -> None:
    Course.objects.filter(pk=course.pk).update(version=course.version + 1, updated_at=clock.now())
    course.version += 1


@transaction.atomic
def module_create(*, by: User, course: Course, data: ModuleInput) -> Module:
    _require(by, Cap.TRAIN_MANAGE)
    course = Course.objects.select_for_update().get(pk=course.pk)
    fields = _module_fields(data)
    last = course.modules.order_by("-order").values_list("order", flat=True).first() or 0
    module = Module.objects.create(course=course, order=data.order or last + 1, **fields)
    _bump(course)
    _event("module_created", actor=by, course=course, module=module.pk)
    return module


@transaction.atomic
def module_update(*, by: User, module: Module, data: ModuleInput) -> Module:
    _require(by, Cap.TRAIN_MANAGE)
    course = Course.objects.select_for_update().get(pk=module.course_id)
    module = Module.objects.get(pk=module.pk)
    fields = _module_fields(data)
    if data.order is not None:
        fields["order"] = int(data.order)
    changed = {k: v for k, v in fields.items() if getattr(module, k) != v}
    if not changed:
        return module
    for k, v in changed.items():
        setattr(module, k, v)
    module.save()
    _bump(course)
    _event("module_updated", actor=by, course=course, module=module.pk, fields=sorted(changed))
    return module


@transaction.atomic
def module_delete(*, by: User, module: Module) -> None:
    _require(by, Cap.TRAIN_MANAGE)
    course = Course.objects.select_for_update().get(pk=module.course_id)
    if course.is_published and course.modules.count() == 1:
        raise TransitionRefused(_("A published course keeps at least one module; unpublish it first."))
    _event("module_deleted", actor=by, course=course, module=module.pk, title=module.title)
    module.delete()
    _bump(course)


# ----------------------------------------------------------------------------------------- online reading


def _readable(user: User, module: Module) -> None:
    if not can(user, Cap.LEARN):
        raise NotPermitted(_("You are not allowed to do this."))
    if not module.course.is_published and not can(user, Cap.TRAIN_MANAGE):
        raise NotFound(_("This course is not published."))
    if not module.is_online:
        raise ValidationFailed(_("Only online modules are read in the browser."))


@transaction.atomic
def module_open(*, user: User, module: Module) -> ModuleProgress:
    _readable(user, module)
    progress, _created = ModuleProgress.objects.get_or_create(
        user=user, module=module, defaults={"opened_at": clock.now()}
    )
    return progress


@transaction.atomic
def module_complete(*, user: User, module: Module) -> ModuleProgress:
    """Mark an online module as done (idempotent); the last module of an online-only course completes
    the course."""
    _readable(user, module)
    now = clock.now()
    progress, _created = ModuleProgress.objects.select_for_update().get_or_create(
        user=user, module=module, defaults={"opened_at": now}
    )
    if progress.completed_at is None:
        progress.completed_at = now
        progress.save(update_fields=["completed_at"])
        _event("module_completed", actor=user, user=user, course=module.course, module=module.pk)
    course = module.course
    modules = list(course.modules.values_list("id", "method"))
    if modules and all(m == Method.ONLINE for _i, m in modules):
        done = ModuleProgress.objects.filter(
            user=user, module_id__in=[i for i, _m in modules], completed_at__isnull=False
        ).count()
        if done == len(modules):
            _record_completion(
                user=user,
                course=course,
                session=None,
                score=None,
                completed_on=timezone.localdate(now),
                source=TrainingRecord.Source.ONLINE,
                source_ref=f"online:{user.pk}:{course.pk}",
                actor=user,
            )
    return progress


def _record_completion(
    *,
    user: User,
    course: Course,
    session: TrainingSession | None,
    score: Decimal | None,
    completed_on: dt.date,
    source: str,
    source_ref: str,
    actor: User | None,
) -> TrainingRecord:
    record, created = TrainingRecord.objects.update_or_create(
        source_ref=source_ref,
        defaults={
            "user": user,
            "course": course,
            "session": session,
            "course_version": course.version,
            "hours": course.hours,
            "score": score,
            "completed_on": completed_on,
            "source": source,
        },
    )
    if created:
        _event("course_completed", actor=actor, user=user, course=course, session=session, source=source)
    return record


# ----------------------------------------------------------------------------------------------- sessions


@dataclass(frozen=True)
class SessionInput:
    starts_at: dt.datetime
    ends_at: dt.datetime
    capacity: int
    room: str = ""
    online_link: str = ""
    trainer_id: int | None = None


def _session_fields(data: SessionInput) -> dict:
    if data.ends_at <= data.starts_at:
        raise ValidationFailed(_("A session ends after it starts."))
    if not 1 <= int(data.capacity) <= 500:
        raise ValidationFailed(_("Capacity must be between 1 and 500."))
    if not data.room.strip() and not data.online_link.strip():
        raise ValidationFailed(_("Give a room or an online link."))
    link = data.online_link.strip()
    if link and not link.startswith(("https://", "http://")):
        raise ValidationFailed(_("The online link must start with https:// or http://."))
    trainer = None
    if data.trainer_id:
        trainer = User.objects.filter(pk=data.trainer_id, is_active=True).first()
        if trainer is None:
            raise ValidationFailed(_("Unknown trainer."))
    return {
        "starts_at": data.starts_at,
        "ends_at": data.ends_at,
        "capacity": int(data.capacity),
        "room": data.room.strip(),
        "online_link": link,
        "trainer": trainer,
    }


@transaction.atomic
def session_create(*, by: User, course: Course, data: SessionInput) -> TrainingSession:
    _require(by, Cap.TRAIN_MANAGE)
    session = TrainingSession.objects.create(course=course, **_session_fields(data))
    _event("session_created", actor=by, course=course, session=session)
    return session


@transaction.atomic
def session_update(*, by: User, session: TrainingSession, data: SessionInput) -> TrainingSession:
    _require(by, Cap.TRAIN_MANAGE)
    session = TrainingSession.objects.select_for_update().get(pk=session.pk)
    if session.status == TrainingSession.Status.CANCELLED:
        raise TransitionRefused(_("This session was cancelled."))
    fields = _session_fields(data)
    enrolled = session.enrolments.filter(status=Enrolment.Status.ENROLLED).count()
    if fields["capacity"] < enrolled:
        raise ValidationFailed(
            _("%(n)s people are enrolled already: the capacity cannot be lower.") % {"n": enrolled}
        )
    for k, v in fields.items():
        setattr(session, k, v)
    session.save()
    _event("session_updated", actor=by, course=session.course, session=session)
    _promote(session, by=by)
    return session


@transaction.atomic
def session_set_status(*, by: User, session: TrainingSession, status: str) -> TrainingSession:
    _require(by, Cap.TRAIN_MANAGE)
    session = TrainingSession.objects.select_for_update().get(pk=session.pk)
    if status not in TrainingSession.Status.values or status == session.status:
        return session
    if session.status == TrainingSession.Status.CANCELLED:
        raise TransitionRefused(_("This session was cancelled."))
    if status == TrainingSession.Status.CANCELLED and session.enrolments.exclude(attendance="").exists():
        raise TransitionRefused(_("Attendance is marked already: the session took place."))
    session.status = status
    session.save(update_fields=["status", "updated_at"])
    _event("session_" + status, actor=by, course=session.course, session=session)
    if status == TrainingSession.Status.CANCELLED:
        people = [
            e.user
            for e in session.enrolments.select_related("user").exclude(status=Enrolment.Status.CANCELLED)
        ]
        _notify(
            people,
            "training_session_cancelled",
            _("The session %(session)s was cancelled.") % {"session": session},
            reverse("training:course_detail", args=[session.course.code]),
        )
    return session


def _notify(users, kind: str, message: str, link: str) -> None:
    from kesu.complaints.services import notify

    notify(users=users, complaint=None, kind=kind, message=message, link=link)


def _promote(session: TrainingSession, *, by: User | None) -> list[Enrolment]:
    """Fill free seats from the waiting list, first come first served. The caller holds the session lock."""
    enrolled = session.enrolments.filter(status=Enrolment.Status.ENROLLED).count()
    free = session.capacity - enrolled
    if free <= 0:
        return []
    promoted = list(
        session.enrolments.select_related("user")
        .filter(status=Enrolment.Status.WAITING)
        .order_by("requested_at", "id")[:free]
    )
    for e in promoted:
        e.status = Enrolment.Status.ENROLLED
        e.save(update_fields=["status"])
        _event("enrolment_promoted", actor=by, user=e.user, course=session.course, session=session)
    if promoted:
        for e in promoted:
            _notify(
                [e.user],
                "training_seat_free",
                _("A seat became free: you are now enrolled in %(session)s.") % {"session": session},
                reverse("training:session_detail", args=[session.pk]),
            )
    return promoted


@transaction.atomic
def enrolment_create(*, session: TrainingSession, user: User, by: User) -> Enrolment:
    """Enrol ``user`` (oneself, or anyone by a trainer). Idempotent: an active enrolment or waiting-list
    place is returned as it is."""
    if by.pk != user.pk:
        _require(by, Cap.TRAIN_MANAGE)
    if not can(user, Cap.LEARN):
        raise NotPermitted(_("This person does not take part in training."))
    session = TrainingSession.objects.select_for_update().select_related("course").get(pk=session.pk)
    existing = Enrolment.objects.filter(session=session, user=user).first()
    if existing and existing.status != Enrolment.Status.CANCELLED:
        return existing
    if session.status != TrainingSession.Status.SCHEDULED:
        raise TransitionRefused(_("This session is not open for enrolment."))
    if session.starts_at <= clock.now():
        raise TransitionRefused(_("This session has started already."))
    if not session.course.is_published:
        raise TransitionRefused(_("This course is not published."))
    enrolled = session.enrolments.filter(status=Enrolment.Status.ENROLLED).count()
    status = Enrolment.Status.ENROLLED if enrolled < session.capacity else Enrolment.Status.WAITING
    if existing:
        existing.status, existing.requested_at = status, clock.now()
        existing.save(update_fields=["status", "requested_at"])
        enrolment = existing
    else:
        enrolment = Enrolment.objects.create(
            session=session, user=user, status=status, requested_at=clock.now()
        )
    _event("enrolment_" + status, actor=by, user=user, course=session.course, session=session)
    return enrolment


@transaction.atomic
def enrolment_cancel(*, session: TrainingSession, user: User, by: User) -> Enrolment | None:
    """Cancel an enrolment or waiting-list place (idempotent); a freed seat goes to the first waiting."""
    if by.pk != user.pk:
        _require(by, Cap.TRAIN_MANAGE)
    session = TrainingSession.objects.select_for_update().select_related("course").get(pk=session.pk)
    enrolment = Enrolment.objects.filter(session=session, user=user).first()
    if enrolment is None or enrolment.status == Enrolment.Status.CANCELLED:
        return enrolment
    if enrolment.attendance:
        raise TransitionRefused(_("Attendance is marked already: the enrolment cannot be cancelled."))
    was = enrolment.status
    enrolment.status = Enrolment.Status.CANCELLED
    enrolment.save(update_fields=["status"])
    _event("enrolment_cancelled", actor=by, user=user, course=session.course, session=session, was=was)
    if was == Enrolment.Status.ENROLLED and session.status == TrainingSession.Status.SCHEDULED:
        _promote(session, by=by)
    return enrolment


@transaction.atomic
def attendance_mark(
    *, by: User, session: TrainingSession, user: User, present: bool, score: Decimal | None = None
) -> Enrolment:
    """The trainer marks one enrolled person present or absent, with the assessment score if any.
    Present and passed (score ≥ the course's pass score, or a course without assessment) records the
    course."""
    _require(by, Cap.TRAIN_MANAGE)
    session = TrainingSession.objects.select_for_update().select_related("course").get(pk=session.pk)
    if session.status == TrainingSession.Status.CANCELLED:
        raise TransitionRefused(_("This session was cancelled."))
    if session.starts_at > clock.now():
        raise TransitionRefused(_("Attendance is marked once the session has started."))
    enrolment = Enrolment.objects.filter(session=session, user=user, status=Enrolment.Status.ENROLLED).first()
    if enrolment is None:
        raise ValidationFailed(_("This person is not enrolled in the session."))
    if score is not None and not Decimal("0") <= score <= Decimal("100"):
        raise ValidationFailed(_("The score is between 0 and 100."))
    if not present and score is not None:
        raise ValidationFailed(_("An absent person has no score."))
    enrolment.attendance = Enrolment.Attendance.PRESENT if present else Enrolment.Attendance.ABSENT
    enrolment.score = score
    enrolment.save(update_fields=["attendance", "score"])
    _event(
        "attendance_marked",
        actor=by,
        user=user,
        course=session.course,
        session=session,
        attendance=enrolment.attendance,
        score=str(score) if score is not None else None,
    )
    ref = f"enrolment:{enrolment.pk}"
    needs_score = bool(session.course.assessment)
    passed = present and (score >= session.course.pass_score if score is not None else not needs_score)
    if passed:
        _record_completion(
            user=user,
            course=session.course,
            session=session,
            score=score,
            completed_on=timezone.localdate(session.ends_at),
            source=TrainingRecord.Source.SESSION,
            source_ref=ref,
            actor=by,
        )
    elif TrainingRecord.objects.filter(source_ref=ref).delete()[0]:
        _event("completion_withdrawn", actor=by, user=user, course=session.course, session=session)
    if session.status == TrainingSession.Status.SCHEDULED and session.ends_at <= clock.now():
        session.status = TrainingSession.Status.DONE
        session.save(update_fields=["status", "updated_at"])
    return enrolment


# ---------------------------------------------------------------------------------------------- mentoring


@transaction.atomic
def mentoring_pair_create(
    *,
    by: User,
    mentor: User,
    mentee: User,
    item_codes: list[str],
    starts_on: dt.date,
    ends_on: dt.date,
    every_days: int = 14,
) -> MentoringPair:
    """A 师傅带教 pair with check-ins every ``every_days`` days from the start up to the end."""
    _require(by, Cap.TRAIN_MANAGE)
    if mentor.pk == mentee.pk:
        raise ValidationFailed(_("A mentor cannot mentor themselves."))
    if ends_on <= starts_on:
        raise ValidationFailed(_("The pair ends after it starts."))
    if not 1 <= every_days <= 90:
        raise ValidationFailed(_("Check-ins are between 1 and 90 days apart."))
    if (ends_on - starts_on).days > 730:
        raise ValidationFailed(_("A mentoring pair lasts at most two years."))
    codes = _codes(item_codes, allowed_item_codes(), _("competency item"))
    if MentoringPair.objects.filter(
        mentor=mentor, mentee=mentee, starts_on__lte=ends_on, ends_on__gte=starts_on
    ).exists():
        raise ValidationFailed(_("These two are paired for this period already."))
    pair = MentoringPair.objects.create(
        mentor=mentor, mentee=mentee, item_codes=codes, starts_on=starts_on, ends_on=ends_on
    )
    day = starts_on + dt.timedelta(days=every_days)
    dates = []
    while day <= ends_on:
        dates.append(day)
        day += dt.timedelta(days=every_days)
    if not dates or dates[-1] != ends_on:
        dates.append(ends_on)
    CheckIn.objects.bulk_create([CheckIn(pair=pair, due_on=d) for d in dates])
    _event("mentoring_paired", actor=by, user=mentee, mentor=mentor.pk, pair=pair.pk)
    _notify(
        [mentor, mentee],
        "training_mentoring",
        _("Mentoring pair: %(mentor)s mentors %(mentee)s.") % {"mentor": mentor, "mentee": mentee},
        reverse("training:pair_detail", args=[pair.pk]),
    )
    return pair


@transaction.atomic
def checkin_log(*, by: User, checkin: CheckIn, notes: str) -> CheckIn:
    """The mentor (or a trainer) logs a check-in as done with notes; logging again edits the notes."""
    checkin = CheckIn.objects.select_for_update().select_related("pair").get(pk=checkin.pk)
    if by.pk != checkin.pair.mentor_id and not can(by, Cap.TRAIN_MANAGE):
        raise NotPermitted(_("Only the mentor logs check-ins."))
    notes = notes.strip()
    if not notes:
        raise ValidationFailed(_("Write what you talked about."))
    if len(notes) > 5000:
        raise ValidationFailed(_("Notes are at most 5000 characters."))
    checkin.notes = notes
    if checkin.done_at is None:
        checkin.done_at = clock.now()
    checkin.save(update_fields=["notes", "done_at"])
    _event("checkin_logged", actor=by, user=checkin.pair.mentee, pair=checkin.pair_id, checkin=checkin.pk)
    return checkin


# ------------------------------------------------------------------------------------------- certificates


@transaction.atomic
def certificate_issue(
    *, user: User, title: str, source_ref: str, issued_on: dt.date, valid_until: dt.date | None = None
) -> Certificate:
    """Issue a certificate; the same ``source_ref`` again returns the existing one unchanged."""
    title = (title or "").strip()
    if not title or len(title) > 120:
        raise ValidationFailed(_("A certificate needs a title of at most 120 characters."))
    if not source_ref or len(source_ref) > 80:
        raise ValidationFailed(_("A certificate needs a source reference of at most 80 characters."))
    if valid_until is not None and valid_until <= issued_on:
        raise ValidationFailed(_("A certificate expires after it was issued."))
    existing = Certificate.objects.filter(source_ref=source_ref).first()
    if existing:
        return existing
    try:
        with transaction.atomic():
            cert = Certificate.objects.create(
                user=user, title=title, source_ref=source_ref, issued_on=issued_on, valid_until=valid_until
            )
    except IntegrityError:  # issued by a concurrent call in between
        return Certificate.objects.get(source_ref=source_ref)
    _event("certificate_issued", user=user, certificate=cert.pk, title=title)
    return cert


def certificate_reminders_send(*, today: dt.date | None = None) -> int:
    """Remind the holders of certificates that expire within REMINDER_DAYS days, once per certificate.
    Returns how many reminders went out."""
    today = today or timezone.localdate(clock.now())
    horizon = today + dt.timedelta(days=REMINDER_DAYS)
    ids = list(
        Certificate.objects.filter(
            reminded_at__isnull=True,
            valid_until__isnull=False,
            valid_until__gte=today,
            valid_until__lte=horizon,
        )
        .order_by("valid_until", "id")
        .values_list("id", flat=True)
    )
    sent = 0
    for cid in ids:
        with transaction.atomic():
            cert = (
                Certificate.objects.select_for_update()
                .select_related("user")
                .filter(pk=cid, reminded_at__isnull=True)
                .first()
            )
            if cert is None:
                continue
            cert.reminded_at = clock.now()
            cert.save(update_fields=["reminded_at"])
            _event("certificate_reminded", user=cert.user, certificate=cert.pk)
            _notify(
                [cert.user],
                "training_certificate_expiring",
                _("Your certificate %(title)s expires on %(date)s: plan its renewal.")
                % {"title": cert.title, "date": cert.valid_until.isoformat()},
                reverse("training:records_me"),
            )
            sent += 1
    return sent
