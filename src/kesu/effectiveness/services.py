"""Writes of the effectiveness app: L1 survey requests and answers, recognition.

Invariants:
- One survey answer per person per session (``SurveyResponse`` unique on session_ref + user). Answering
  again — a double submit, a second tab — returns the first answer unchanged (``created`` is False).
- A person answers only a survey they were asked for: ``SurveyRequest`` rows come from the training
  app's attendance (``survey_requests_sync``) or from ``survey_request`` (a trainer or the demo).
- Recognition is awarded by a trainer (anyone) or a supervisor (members of their own department);
  the same award (person, kind, month, complaint, reason) given twice is one award. The person is
  notified after commit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from kesu.accounts.models import User
from kesu.accounts.roles import Cap, can
from kesu.common import clock
from kesu.common.errors import NotFound, NotPermitted, ValidationFailed
from kesu.complaints.models import Complaint
from kesu.complaints.validation import check_text
from kesu.effectiveness import sources
from kesu.effectiveness.models import RATING_FIELDS, Recognition, SurveyRequest, SurveyResponse


def survey_request(
    *, session_ref: str, course_code: str, title: str, held_on: dt.date, user_ids: Iterable[int]
) -> int:
    """Ask these people for an L1 survey of a session. Idempotent; returns how many requests are new."""
    session_ref, course_code, title = session_ref.strip(), course_code.strip(), title.strip()
    if not session_ref or not course_code or not title:
        raise ValidationFailed(_("A survey needs a session, a course and a title."))
    at = clock.now()
    ids = sorted(set(user_ids))
    existing = set(
        SurveyRequest.objects.filter(session_ref=session_ref, user_id__in=ids).values_list(
            "user_id", flat=True
        )
    )
    rows = [
        SurveyRequest(
            session_ref=session_ref[:80],
            course_code=course_code[:60],
            title=title[:200],
            user_id=uid,
            held_on=held_on,
            requested_at=at,
        )
        for uid in ids
        if uid not in existing
    ]
    SurveyRequest.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def survey_requests_sync(*, user: User, days: int = 90) -> int:
    """Create the survey requests of the sessions ``user`` attended in the last ``days`` days (read
    from the training app's attendance). Idempotent; returns how many are new."""
    since = clock.now() - dt.timedelta(days=days)
    new = 0
    for a in sources.attended_sessions(user_id=user.pk, since=since):
        new += survey_request(
            session_ref=a.session_ref,
            course_code=a.course_code,
            title=a.title,
            held_on=a.held_on,
            user_ids=[user.pk],
        )
    return new


def survey_requests_recent(*, days: int = 7) -> int:
    """Ask everyone marked present at a session that ended in the last ``days`` days for the L1
    survey, and tell each person with a new survey where to answer it (one notification per person
    and run). Idempotent: a request that exists is neither created nor announced again."""
    from kesu.complaints.services import notify

    since = clock.now() - dt.timedelta(days=days)
    by_session: dict[str, tuple[sources.Attended, list[int]]] = {}
    for session, uid in sources.recent_attendance(since=since):
        by_session.setdefault(session.session_ref, (session, []))[1].append(uid)
    new_for: dict[int, list[str]] = {}
    for ref, (session, uids) in by_session.items():
        existing = set(
            SurveyRequest.objects.filter(session_ref=ref, user_id__in=uids).values_list("user_id", flat=True)
        )
        survey_request(
            session_ref=ref,
            course_code=session.course_code,
            title=session.title,
            held_on=session.held_on,
            user_ids=uids,
        )
        for uid in uids:
            if uid not in existing:
                new_for.setdefault(uid, []).append(session.title)
    if new_for:
        link = reverse("effectiveness:surveys")
        for user in User.objects.filter(pk__in=list(new_for)).order_by("pk"):
            notify(
                users=[user],
                complaint=None,
                kind="survey",
                message=_("Please rate the training you attended: %(titles)s")
                % {"titles": "、".join(new_for[user.pk])[:200]},
                link=link,
            )
    return sum(len(v) for v in new_for.values())


def _rating(value: object, name: str) -> int:
    try:
        number = int(str(value))
    except (TypeError, ValueError):
        number = 0
    if not 1 <= number <= 5:
        raise ValidationFailed(_("Each rating must be a whole number from 1 to 5."), details={"field": name})
    return number


def survey_answer(
    *,
    user: User,
    session_ref: str,
    content: object,
    trainer: object,
    usefulness: object,
    organisation: object,
    will_apply: str = "",
) -> tuple[SurveyResponse, bool]:
    """Record ``user``'s L1 answer for a session. Returns (answer, created); an answer that already
    exists is returned unchanged."""
    if not can(user, Cap.LEARN):
        raise NotPermitted(_("You may not answer training surveys."))
    request = SurveyRequest.objects.filter(session_ref=session_ref, user=user).first()
    if request is None:
        raise NotFound(_("There is no survey for you about this session."))
    prior = SurveyResponse.objects.filter(session_ref=session_ref, user=user).first()
    if prior is not None:
        return prior, False
    ratings = {
        name: _rating(value, name)
        for name, value in zip(RATING_FIELDS, (content, trainer, usefulness, organisation), strict=True)
    }
    will_apply = check_text(
        will_apply, field="will_apply", label=_("What will you apply"), required=False, max_chars=2000
    )
    overall = (Decimal(sum(ratings.values())) / len(ratings)).quantize(Decimal("0.01"), ROUND_HALF_UP)
    try:
        with transaction.atomic():
            answer = SurveyResponse.objects.create(
                session_ref=request.session_ref,
                course_code=request.course_code,
                user=user,
                overall=overall,
                will_apply=will_apply,
                answered_at=clock.now(),
                **ratings,
            )
    except IntegrityError:  # the same person submitting from two tabs at once
        return SurveyResponse.objects.get(session_ref=session_ref, user=user), False
    return answer, True


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def can_recognise(actor: User, person: User) -> bool:
    if not actor.is_authenticated or actor.pk == person.pk:
        return False
    if can(actor, Cap.TRAIN_MANAGE):
        return True
    return (
        can(actor, Cap.SUPERVISE)
        and can(actor, Cap.TRAIN_VIEW_TEAM)
        and actor.department_id is not None
        and actor.department_id == person.department_id
    )


def recognition_award(
    *,
    actor: User,
    user_id: int,
    kind: str,
    reason: str,
    period: dt.date,
    complaint_number: str = "",
) -> tuple[Recognition, bool]:
    """Recognise a person's work in the month of ``period``. Returns (recognition, created)."""
    person = User.objects.filter(pk=user_id, is_active=True).first()
    if person is None:
        raise NotFound(_("Person not found."))
    if not can_recognise(actor, person):
        raise NotPermitted(_("You may not recognise this person."))
    if kind not in Recognition.Kind.values:
        raise ValidationFailed(_("Choose the kind of recognition."), details={"field": "kind"})
    reason = check_text(reason, field="reason", label=_("Reason"), max_chars=500)
    complaint_number = complaint_number.strip().upper()
    if complaint_number and not Complaint.objects.filter(number=complaint_number).exists():
        raise ValidationFailed(
            _("No complaint has the number %(number)s.") % {"number": complaint_number},
            details={"field": "complaint_number"},
        )
    period = month_start(period)
    if period > month_start(clock.now().date()):
        raise ValidationFailed(_("A month in the future cannot be recognised."), details={"field": "period"})
    key = dict(user=person, kind=kind, period=period, complaint_number=complaint_number, reason=reason)
    prior = Recognition.objects.filter(**key).first()
    if prior is not None:
        return prior, False
    try:
        with transaction.atomic():
            rec = Recognition.objects.create(**key, awarded_by=actor, awarded_at=clock.now())
            from kesu.complaints.services import notify

            notify(
                users=[person],
                complaint=None,
                kind="recognition",
                message=_("%(actor)s recognised you: %(kind)s — %(reason)s")
                % {"actor": actor, "kind": rec.get_kind_display(), "reason": reason[:200]},
                link=reverse("effectiveness:performance") + f"?month={period:%Y-%m}",
            )
    except IntegrityError:
        return Recognition.objects.get(**key), False
    return rec, True
