"""Writes of the wellbeing app: the emotion diary and the pain-point survey.

Invariants:
- A diary entry is written, changed and deleted only by its author (anyone else gets NotFound, the same
  answer as for an entry that does not exist). Nothing here ever copies diary text anywhere else.
- A streak of heavy entries (``conf.streak_entries()`` entries of intensity ≥ ``conf.heavy_intensity()``
  within ``conf.streak_days()`` days) creates one ``CheckinSuggestion`` and one notification to the
  person's mentor — or, without one, the department's supervisors — that names the person and nothing
  else. Heavy entries within the window of the streak's latest one extend it without a new notification.
  The author's row is locked while the streak is evaluated, so two entries saved at once notify once.
- A survey goes draft → open (sent: the audience is notified) → closed; questions change only in draft.
  A person answers an open survey once: answering again replaces their answers (until it closes).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kesu.accounts.models import Department, User
from kesu.accounts.roles import Cap, Role, can
from kesu.common import clock
from kesu.common.errors import NotFound, NotPermitted, TransitionRefused, ValidationFailed
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

TEXT_MAX = 2000
BACKDATE_DAYS = 30

# --------------------------------------------------------------------------------------------------
# Emotion diary


def _require_learn(user: User) -> None:
    if not can(user, Cap.LEARN):
        raise NotPermitted(_("You may not keep an emotion diary."))


def _codes(values: Iterable[str] | None, allowed: type, what: str) -> list[str]:
    out: list[str] = []
    valid = set(allowed.values)  # type: ignore[attr-defined]
    for value in values or ():
        value = str(value).strip()
        if not value:
            continue
        if value not in valid:
            raise ValidationFailed(
                _("Unknown %(what)s: %(value)s") % {"what": what, "value": value[:40]},
                details={"field": what},
            )
        if value not in out:
            out.append(value)
    return out


def _text(value: str | None, field: str, label: str) -> str:
    value = (value or "").strip()
    if len(value) > TEXT_MAX:
        raise ValidationFailed(
            _("%(label)s is too long (at most %(max)d characters).") % {"label": label, "max": TEXT_MAX},
            details={"field": field},
        )
    return value


def _complaint_ref(user: User, number: str | None) -> str:
    """The number, once it is certain that ``user`` may see that complaint."""
    number = (number or "").strip().upper()
    if not number:
        return ""
    from kesu.complaints.selectors import complaint_get

    try:
        return complaint_get(user=user, number=number).number
    except NotFound:
        raise ValidationFailed(
            _("No complaint %(number)s that you may see.") % {"number": number[:20]},
            details={"field": "complaint_number"},
        ) from None


def _clean_entry(
    *,
    user: User,
    emotion: str,
    intensity: int | str,
    triggers: Iterable[str] | None,
    helpers: Iterable[str] | None,
    what_happened: str | None,
    helped_note: str | None,
    complaint_number: str | None,
    occurred_at: dt.datetime | None,
) -> dict[str, Any]:
    if emotion not in Emotion.values:
        raise ValidationFailed(_("Choose how you felt."), details={"field": "emotion"})
    try:
        level = int(intensity)
    except (TypeError, ValueError):
        level = 0
    if not 1 <= level <= 5:
        raise ValidationFailed(_("Intensity is a number from 1 to 5."), details={"field": "intensity"})
    now = clock.now()
    when = occurred_at or now
    if when > now + dt.timedelta(minutes=5):
        raise ValidationFailed(_("The moment cannot be in the future."), details={"field": "occurred_at"})
    if when < now - dt.timedelta(days=BACKDATE_DAYS):
        raise ValidationFailed(
            _("Entries can go back at most %(days)d days.") % {"days": BACKDATE_DAYS},
            details={"field": "occurred_at"},
        )
    return {
        "emotion": emotion,
        "intensity": level,
        "triggers": _codes(triggers, Trigger, "triggers"),
        "helpers": _codes(helpers, Helper, "helpers"),
        "what_happened": _text(what_happened, "what_happened", _("What happened")),
        "helped_note": _text(helped_note, "helped_note", _("What helped")),
        "complaint_number": _complaint_ref(user, complaint_number),
        "occurred_at": min(when, now),
    }


@transaction.atomic
def diary_entry_create(
    *,
    user: User,
    emotion: str,
    intensity: int | str,
    triggers: Iterable[str] | None = None,
    helpers: Iterable[str] | None = None,
    what_happened: str | None = "",
    helped_note: str | None = "",
    complaint_number: str | None = "",
    occurred_at: dt.datetime | None = None,
    request_key: str = "",
) -> DiaryEntry:
    """A new entry. With ``request_key`` (one per rendered form or API request), submitting the same
    request again returns the entry it created instead of writing a second one."""
    _require_learn(user)
    request_key = (request_key or "").strip()[:64]
    fields = _clean_entry(
        user=user,
        emotion=emotion,
        intensity=intensity,
        triggers=triggers,
        helpers=helpers,
        what_happened=what_happened,
        helped_note=helped_note,
        complaint_number=complaint_number,
        occurred_at=occurred_at,
    )
    at = clock.now()
    User.objects.select_for_update().filter(pk=user.pk).first()  # one streak evaluation at a time
    if request_key:
        earlier = DiaryEntry.objects.filter(user=user, request_key=request_key).first()
        if earlier is not None:
            return earlier
    entry = DiaryEntry.objects.create(
        user=user,
        department_id=user.department_id,
        request_key=request_key,
        created_at=at,
        updated_at=at,
        **fields,
    )
    _streak_check(user, entry)
    return entry


def _own_entry(user: User, entry_id: int, *, lock: bool = False) -> DiaryEntry:
    qs = DiaryEntry.objects.filter(pk=entry_id, user=user)
    if lock:
        qs = qs.select_for_update()
    entry = qs.first()
    if entry is None:
        raise NotFound(_("No such diary entry."))
    return entry


@transaction.atomic
def diary_entry_update(
    *,
    user: User,
    entry_id: int,
    emotion: str,
    intensity: int | str,
    triggers: Iterable[str] | None = None,
    helpers: Iterable[str] | None = None,
    what_happened: str | None = "",
    helped_note: str | None = "",
    complaint_number: str | None = "",
    occurred_at: dt.datetime | None = None,
) -> DiaryEntry:
    _require_learn(user)
    User.objects.select_for_update().filter(pk=user.pk).first()
    entry = _own_entry(user, entry_id, lock=True)
    number = (complaint_number or "").strip().upper()
    fields = _clean_entry(
        user=user,
        emotion=emotion,
        intensity=intensity,
        triggers=triggers,
        helpers=helpers,
        what_happened=what_happened,
        helped_note=helped_note,
        # A number kept as it was is not checked again: the person may have lost sight of the complaint.
        complaint_number="" if number == entry.complaint_number else number,
        occurred_at=occurred_at or entry.occurred_at,
    )
    if number and number == entry.complaint_number:
        fields["complaint_number"] = entry.complaint_number
    for name, value in fields.items():
        setattr(entry, name, value)
    entry.updated_at = clock.now()
    entry.save()
    _streak_check(user, entry)
    return entry


@transaction.atomic
def diary_entry_delete(*, user: User, entry_id: int) -> None:
    _own_entry(user, entry_id, lock=True).delete()


def _streak_check(user: User, entry: DiaryEntry) -> CheckinSuggestion | None:
    heavy = conf.heavy_intensity()
    if entry.intensity < heavy:
        return None
    window = dt.timedelta(days=conf.streak_days())
    last = CheckinSuggestion.objects.filter(user=user).order_by("-last_heavy_at", "-id").first()
    if last is not None and last.started_at <= entry.occurred_at <= last.last_heavy_at + window:
        # Part of the streak already suggested: it goes on, nobody is told again.
        if entry.occurred_at > last.last_heavy_at:
            last.last_heavy_at = entry.occurred_at
            last.save(update_fields=["last_heavy_at"])
        return None
    qs = DiaryEntry.objects.filter(
        user=user,
        intensity__gte=heavy,
        occurred_at__gt=entry.occurred_at - window,
        occurred_at__lte=entry.occurred_at,
    )
    if last is not None and entry.occurred_at > last.last_heavy_at:
        qs = qs.filter(occurred_at__gt=last.last_heavy_at)
    times = sorted(qs.values_list("occurred_at", flat=True))
    if len(times) < conf.streak_entries():
        return None
    recipients = checkin_recipients(user)
    suggestion = CheckinSuggestion.objects.create(
        user=user,
        started_at=times[0],
        last_heavy_at=times[-1],
        created_at=clock.now(),
        notified=[u.pk for u in recipients],
    )
    if recipients:
        from kesu.complaints.services import notify

        name = str(user)
        notify(
            users=recipients,
            complaint=None,
            kind="wellbeing_checkin",
            # The name and nothing else: no emotion, no trigger, no text, no date of an entry.
            message=_("%(name)s may benefit from a check-in.") % {"name": name},
            link=reverse("wellbeing:checkin_guide"),
        )
    return suggestion


def checkin_recipients(user: User) -> list[User]:
    """The person's current mentors (the training app's mentoring pairs, where that app is installed),
    otherwise the active supervisors of the person's department. Never the person themselves."""
    mentors = _mentors(user)
    if mentors:
        return mentors
    if user.department_id is None:
        return []
    return [
        u
        for u in User.objects.filter(department_id=user.department_id, is_active=True)
        .exclude(pk=user.pk)
        .order_by("id")
        if can(u, Cap.SUPERVISE)
    ]


def _mentors(user: User) -> list[User]:
    """Mentors of the pairs in which ``user`` is the mentee today, read through the training app's
    selector ``pairs_for(*, user)`` (``{"as_mentee": [MentoringPair, ...], ...}``) when it exists."""
    try:
        from kesu.training import selectors as training_selectors  # type: ignore[attr-defined,unused-ignore]
    except ImportError:
        return []
    pairs_for = getattr(training_selectors, "pairs_for", None)
    if pairs_for is None:
        return []
    today = timezone.localdate(clock.now())
    out: list[User] = []
    for pair in pairs_for(user=user).get("as_mentee", ()):
        mentor = pair.mentor
        if (
            pair.starts_on <= today <= pair.ends_on
            and mentor.is_active
            and mentor.pk != user.pk
            and mentor not in out
        ):
            out.append(mentor)
    return out


@transaction.atomic
def checkin_dismiss(*, user: User, suggestion_id: int) -> None:
    suggestion = CheckinSuggestion.objects.select_for_update().filter(pk=suggestion_id, user=user).first()
    if suggestion is None:
        raise NotFound(_("No such suggestion."))
    if suggestion.dismissed_at is None:
        suggestion.dismissed_at = clock.now()
        suggestion.save(update_fields=["dismissed_at"])


# --------------------------------------------------------------------------------------------------
# Pain-point survey


def _require_manage(user: User) -> None:
    if not can(user, Cap.TRAIN_MANAGE):
        raise NotPermitted(_("Only trainers manage pain-point surveys."))


def _survey_for_update(survey_id: int) -> Survey:
    survey = Survey.objects.select_for_update().filter(pk=survey_id).first()
    if survey is None:
        raise NotFound(_("No such survey."))
    return survey


def _clean_survey(
    *,
    title: str,
    description: str,
    cycle: str,
    opens_on: dt.date | None,
    closes_on: dt.date | None,
) -> dict[str, Any]:
    title, cycle = (title or "").strip(), (cycle or "").strip()
    if not title:
        raise ValidationFailed(_("Give the survey a title."), details={"field": "title"})
    if len(title) > 120:
        raise ValidationFailed(
            _("The title is too long (at most 120 characters)."), details={"field": "title"}
        )
    if not cycle:
        raise ValidationFailed(_("Name the training cycle the survey prepares."), details={"field": "cycle"})
    if len(cycle) > 60:
        raise ValidationFailed(
            _("The training cycle is too long (at most 60 characters)."), details={"field": "cycle"}
        )
    if opens_on is None or closes_on is None:
        raise ValidationFailed(_("Give the period the survey is open."), details={"field": "opens_on"})
    if closes_on < opens_on:
        raise ValidationFailed(_("The survey cannot close before it opens."), details={"field": "closes_on"})
    return {
        "title": title,
        "description": _text(description, "description", _("Introduction")),
        "cycle": cycle,
        "opens_on": opens_on,
        "closes_on": closes_on,
    }


def _clean_audience(
    department_ids: Iterable[int] | None, roles: Iterable[str] | None
) -> tuple[list[int], list[str]]:
    ids = sorted({int(i) for i in department_ids or ()})
    if ids and Department.objects.filter(pk__in=ids).count() != len(ids):
        raise ValidationFailed(_("Unknown department."), details={"field": "departments"})
    role_codes = []
    for role in roles or ():
        if role not in Role.values:
            raise ValidationFailed(_("Unknown role."), details={"field": "roles"})
        if role not in role_codes:
            role_codes.append(role)
    return ids, role_codes


@transaction.atomic
def survey_create(
    *,
    actor: User,
    title: str,
    cycle: str,
    opens_on: dt.date | None,
    closes_on: dt.date | None,
    description: str = "",
    department_ids: Iterable[int] | None = None,
    roles: Iterable[str] | None = None,
    template_code: str = "",
) -> Survey:
    """A draft survey; with ``template_code`` its questions are a copy of that shipped template's."""
    _require_manage(actor)
    fields = _clean_survey(
        title=title, description=description, cycle=cycle, opens_on=opens_on, closes_on=closes_on
    )
    ids, role_codes = _clean_audience(department_ids, roles)
    template = None
    if template_code:
        template = content.templates().get(template_code)
        if template is None:
            raise ValidationFailed(_("Unknown survey template."), details={"field": "template"})
    survey = Survey.objects.create(
        **fields,
        roles=role_codes,
        template_code=template_code,
        created_by=actor,
        created_at=clock.now(),
    )
    survey.departments.set(ids)
    if template is not None:
        SurveyQuestion.objects.bulk_create(
            SurveyQuestion(
                survey=survey,
                position=i,
                kind=q.kind,
                text=q.text,
                area=q.area,
                options=list(q.options),
                max_choices=q.max_choices,
                required=q.required,
            )
            for i, q in enumerate(template.questions, start=1)
        )
    return survey


@transaction.atomic
def survey_update(
    *,
    actor: User,
    survey_id: int,
    title: str,
    cycle: str,
    opens_on: dt.date | None,
    closes_on: dt.date | None,
    description: str = "",
    department_ids: Iterable[int] | None = None,
    roles: Iterable[str] | None = None,
) -> Survey:
    """Title, introduction and period change until the survey closes; the audience only in draft."""
    _require_manage(actor)
    survey = _survey_for_update(survey_id)
    if survey.state == Survey.State.CLOSED:
        raise TransitionRefused(_("The survey is closed."))
    fields = _clean_survey(
        title=title, description=description, cycle=cycle, opens_on=opens_on, closes_on=closes_on
    )
    ids, role_codes = _clean_audience(department_ids, roles)
    if survey.state != Survey.State.DRAFT:
        current = sorted(survey.departments.values_list("pk", flat=True))
        if ids != current or role_codes != list(survey.roles):
            raise TransitionRefused(_("The audience cannot change once the survey was sent."))
    for name, value in fields.items():
        setattr(survey, name, value)
    survey.roles = role_codes
    survey.version += 1
    survey.save()
    if survey.state == Survey.State.DRAFT:
        survey.departments.set(ids)
    return survey


def _draft(survey: Survey) -> None:
    if survey.state != Survey.State.DRAFT:
        raise TransitionRefused(_("Questions can only change while the survey is a draft."))


@transaction.atomic
def survey_question_add(
    *,
    actor: User,
    survey_id: int,
    kind: str,
    text: str,
    area: str = "",
    options: Iterable[str] | None = None,
    max_choices: int | str | None = 0,
    required: bool = True,
) -> SurveyQuestion:
    _require_manage(actor)
    survey = _survey_for_update(survey_id)
    _draft(survey)
    text = (text or "").strip()
    if not text:
        raise ValidationFailed(_("Write the question."), details={"field": "text"})
    if len(text) > 300:
        raise ValidationFailed(
            _("The question is too long (at most 300 characters)."), details={"field": "text"}
        )
    areas = content.areas()
    option_codes: list[str] = []
    limit = 0
    if kind == SurveyQuestion.Kind.RATING:
        if area not in areas:
            raise ValidationFailed(
                _("Choose the pain-point area the rating is about."), details={"field": "area"}
            )
    elif kind == SurveyQuestion.Kind.CHOICE:
        area = ""
        for code in options or ():
            if code not in areas:
                raise ValidationFailed(_("Unknown pain-point area."), details={"field": "options"})
            if code not in option_codes:
                option_codes.append(code)
        if len(option_codes) < 2:
            raise ValidationFailed(
                _("Offer at least two pain points to choose from."), details={"field": "options"}
            )
        try:
            limit = int(max_choices or 0)
        except (TypeError, ValueError):
            limit = -1
        if not 0 <= limit <= len(option_codes):
            raise ValidationFailed(
                _("'At most' is a number between 0 (no limit) and the number of options."),
                details={"field": "max_choices"},
            )
    elif kind == SurveyQuestion.Kind.TEXT:
        area = ""
    else:
        raise ValidationFailed(_("Unknown kind of question."), details={"field": "kind"})
    last = survey.questions.order_by("-position").values_list("position", flat=True).first() or 0
    question = SurveyQuestion.objects.create(
        survey=survey,
        position=last + 1,
        kind=kind,
        text=text,
        area=area,
        options=option_codes,
        max_choices=limit,
        required=bool(required),
    )
    survey.version += 1
    survey.save(update_fields=["version"])
    return question


@transaction.atomic
def survey_question_delete(*, actor: User, survey_id: int, question_id: int) -> None:
    _require_manage(actor)
    survey = _survey_for_update(survey_id)
    _draft(survey)
    deleted, _rows = SurveyQuestion.objects.filter(pk=question_id, survey=survey).delete()
    if not deleted:
        raise NotFound(_("No such question."))
    survey.version += 1
    survey.save(update_fields=["version"])


@transaction.atomic
def survey_question_move(*, actor: User, survey_id: int, question_id: int, up: bool) -> None:
    _require_manage(actor)
    survey = _survey_for_update(survey_id)
    _draft(survey)
    questions = list(survey.questions.order_by("position", "id"))
    index = next((i for i, q in enumerate(questions) if q.pk == question_id), None)
    if index is None:
        raise NotFound(_("No such question."))
    other = index - 1 if up else index + 1
    if 0 <= other < len(questions):
        questions[index], questions[other] = questions[other], questions[index]
    for position, q in enumerate(questions, start=1):
        q.position = position
    SurveyQuestion.objects.bulk_update(questions, ["position"])


def survey_audience(survey: Survey):
    """Active users the survey is for: LEARN, in one of its departments and roles (none = all)."""
    roles = [r for r in (survey.roles or Role.values) if can_learn_role(r)]
    qs = User.objects.filter(is_active=True, role__in=roles)
    ids = list(survey.departments.values_list("pk", flat=True))
    if ids:
        qs = qs.filter(department_id__in=ids)
    return qs.order_by("id")


def can_learn_role(role: str) -> bool:
    from kesu.accounts.roles import ROLE_CAPS

    return Cap.LEARN in ROLE_CAPS.get(role, frozenset())


@transaction.atomic
def survey_send(*, actor: User, survey_id: int) -> int:
    """Open the survey and notify its audience; returns how many people were notified."""
    _require_manage(actor)
    survey = _survey_for_update(survey_id)
    if survey.state != Survey.State.DRAFT:
        raise TransitionRefused(_("The survey was already sent."))
    if not survey.questions.exists():
        raise ValidationFailed(_("Add at least one question before sending the survey."))
    today = clock.now().date()
    if survey.closes_on < today:
        raise ValidationFailed(_("The survey's period is already over."), details={"field": "closes_on"})
    audience = list(survey_audience(survey))
    if not audience:
        raise ValidationFailed(_("Nobody is in the survey's audience."), details={"field": "departments"})
    survey.state = Survey.State.OPEN
    survey.sent_at = clock.now()
    survey.version += 1
    survey.save(update_fields=["state", "sent_at", "version"])
    from kesu.complaints.services import notify

    notify(
        users=audience,
        complaint=None,
        kind="wellbeing_survey",
        message=_("Pain-point survey: %(title)s — please answer by %(date)s.")
        % {"title": survey.title, "date": survey.closes_on.isoformat()},
        link=reverse("wellbeing:survey_answer", args=[survey.pk]),
    )
    return len(audience)


@transaction.atomic
def survey_close(*, actor: User, survey_id: int) -> Survey:
    _require_manage(actor)
    survey = _survey_for_update(survey_id)
    if survey.state != Survey.State.OPEN:
        raise TransitionRefused(_("Only an open survey can be closed."))
    survey.state = Survey.State.CLOSED
    survey.closed_at = clock.now()
    survey.version += 1
    survey.save(update_fields=["state", "closed_at", "version"])
    return survey


@transaction.atomic
def survey_delete(*, actor: User, survey_id: int) -> None:
    _require_manage(actor)
    survey = _survey_for_update(survey_id)
    if survey.state != Survey.State.DRAFT:
        raise TransitionRefused(_("Only a draft can be deleted; close a sent survey instead."))
    survey.delete()


def survey_accepts_answers(survey: Survey, today: dt.date | None = None) -> bool:
    today = today or clock.now().date()
    # opens_on is the planned start; once sent, a survey takes answers until its last day.
    return survey.state == Survey.State.OPEN and today <= survey.closes_on


def in_audience(user: User, survey: Survey, *, department_ids: Iterable[int] | None = None) -> bool:
    """Whether ``user`` is in ``survey_audience(survey)``, decided for this one person. Pass the survey's
    department ids when they are already loaded (a list of surveys prefetches them); otherwise one query."""
    if department_ids is None:
        department_ids = survey.departments.values_list("pk", flat=True)
    ids = set(department_ids)
    roles = survey.roles or Role.values
    return (
        user.is_active
        and user.role in roles
        and can_learn_role(user.role)
        and (not ids or user.department_id in ids)
    )


def _clean_answer(question: SurveyQuestion, value: Any) -> dict[str, Any] | None:
    """The answer's stored fields, or None for a question left blank."""
    if question.kind == SurveyQuestion.Kind.RATING:
        if value in (None, ""):
            return None
        try:
            rating = int(value)
        except (TypeError, ValueError):
            rating = 0
        if not 1 <= rating <= 5:
            raise ValidationFailed(
                _("Answer question %(n)d with a rating from 1 to 5.") % {"n": question.position},
                details={"field": f"q{question.pk}"},
            )
        return {"rating": rating}
    if question.kind == SurveyQuestion.Kind.CHOICE:
        picks = value if isinstance(value, list | tuple) else ([value] if value else [])
        codes: list[str] = []
        for code in picks:
            if code not in question.options:
                raise ValidationFailed(
                    _("Question %(n)d has no such option.") % {"n": question.position},
                    details={"field": f"q{question.pk}"},
                )
            if code not in codes:
                codes.append(code)
        if not codes:
            return None
        if question.max_choices and len(codes) > question.max_choices:
            raise ValidationFailed(
                _("Choose at most %(max)d options in question %(n)d.")
                % {"max": question.max_choices, "n": question.position},
                details={"field": f"q{question.pk}"},
            )
        return {"choices": codes}
    text = _text(str(value or ""), f"q{question.pk}", _("Answer"))
    return {"text": text} if text else None


@transaction.atomic
def survey_answer(*, user: User, survey_id: int, answers: Mapping[int, Any]) -> SurveyResponse:
    """Record the person's answers (question id → rating, list of area codes or text). Answering again
    replaces the earlier answers; one response per person whatever the number of submits."""
    if not can(user, Cap.LEARN):
        raise NotPermitted(_("You may not answer surveys."))
    survey = Survey.objects.select_for_update().filter(pk=survey_id).first()
    if survey is None or survey.state == Survey.State.DRAFT or not in_audience(user, survey):
        raise NotFound(_("No such survey."))
    if not survey_accepts_answers(survey):
        raise TransitionRefused(_("The survey is closed; answers can no longer change."))
    questions = list(survey.questions.order_by("position", "id"))
    known = {q.pk for q in questions}
    unknown = {int(k) for k in answers} - known
    if unknown:
        raise ValidationFailed(_("The answers refer to questions this survey does not have."))
    cleaned: dict[int, dict[str, Any]] = {}
    for q in questions:
        value = _clean_answer(q, answers.get(q.pk))
        if value is None:
            if q.required:
                raise ValidationFailed(
                    _("Question %(n)d needs an answer.") % {"n": q.position}, details={"field": f"q{q.pk}"}
                )
            continue
        cleaned[q.pk] = value
    at = clock.now()
    try:
        with transaction.atomic():
            response, created = SurveyResponse.objects.get_or_create(
                survey=survey,
                user=user,
                defaults={"department_id": user.department_id, "submitted_at": at, "updated_at": at},
            )
    except IntegrityError:  # a second tab won the race: that row is the response
        response, created = SurveyResponse.objects.get(survey=survey, user=user), False
    if not created:
        response.updated_at = at
        response.department_id = user.department_id
        response.save(update_fields=["updated_at", "department"])
        response.answers.all().delete()
    SurveyAnswer.objects.bulk_create(
        SurveyAnswer(response=response, question_id=qid, **fields) for qid, fields in cleaned.items()
    )
    return response
