"""Effectiveness demo data for the 华启优选 organisation, loaded after the desk and the training demo:

- L1: every session the demo people attended (read from the training app) asks its attendees for the
  reaction survey; most answer a few hours to three days after the session, the rest leave it pending.
  Ratings depend on the course (some are better liked than others) and a little on the person.
- Recognition: for each of the last three full months, the supervisors recognise the people the app
  suggests (satisfaction ≥ 95 %, no escalation), and a well-handled high-severity complaint that was
  escalated and still ended satisfied is recognised as a crisis handled well.

Everything goes through the services inside ``clock.frozen_at`` for the moment of each step.
Deterministic for a seed and a fixed ``now`` (one ``random.Random``, fixed orders).
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from itertools import groupby

from django.db import transaction
from django.utils import timezone

from kesu.accounts.roles import Cap, Role, can
from kesu.common import clock
from kesu.common.errors import DomainError
from kesu.effectiveness import selectors, services, sources
from kesu.effectiveness.models import Recognition, SurveyRequest, SurveyResponse

WILL_APPLY = (
    "接到电话先复述客户的诉求，确认理解无误再给方案。",
    "不再说“这不归我们管”，改成“我来帮您联系负责的同事，今天下午给您回电”。",
    "补偿前先查补偿分级标准，超出权限的及时提交审批，不当场承诺。",
    "客户情绪激动时先共情安抚，等情绪平稳后再解释原因。",
    "涉及隐私泄露的投诉第一时间升级，并按要求留存证据。",
    "回访时多问一句“还有哪里我们可以做得更好”。",
    "跨部门转办时写清楚时限和要回复的问题，避免客户反复说明。",
    "遇到媒体或12315相关的投诉，按统一口径回复并同步主管。",
    "每天下班前看一眼预警列表，快到时限的先处理。",
    "用通俗的话解释技术问题，不堆专业术语。",
)


def _noop(_m: str) -> None:
    pass


def load(*, seed: int, now: dt.datetime, progress: Callable[[str], None] = _noop) -> dict[str, int]:
    from kesu.demo import loader

    rng = random.Random(f"effectiveness:{seed}")
    users = loader.demo_users()
    if not users:
        progress("effectiveness demo: no demo logins, nothing to do")
        return {}
    care = {login.username: (login.profile.care if login.profile else 0.0) for login in loader.ROSTER}
    stats = {"requests": 0, "answers": 0, "recognitions": 0}
    with loader.quiet_side_effects(), loader._on_commit_keeps_clock():
        _surveys(rng, now, users, care, stats)
        _recognitions(rng, now, users, stats)
    progress(
        "effectiveness demo: {requests} survey requests, {answers} answers, {recognitions} recognitions".format(
            **stats
        )
    )
    return stats


def _attendance(
    user_ids: list[int], now: dt.datetime
) -> list[tuple[int, int, str, str, dt.datetime, dt.datetime]]:
    """(session id, user id, course code, course title, starts, ends) of present attendance."""
    try:
        from kesu.training.models import Enrolment
    except ImportError:  # pragma: no cover - the training app is always installed
        return []
    return list(
        Enrolment.objects.filter(
            user_id__in=user_ids, attendance=Enrolment.Attendance.PRESENT, session__ends_at__lte=now
        )
        .order_by("session__starts_at", "session_id", "user_id")
        .values_list(
            "session_id", "user_id", "session__course__code", "session__course__title", "session__starts_at",
            "session__ends_at",
        )
    )  # fmt: skip


def _surveys(
    rng: random.Random, now: dt.datetime, users, care: dict[str, float], stats: dict[str, int]
) -> None:
    by_id = {u.pk: u for u in users if can(u, Cap.LEARN)}
    course_quality: dict[str, float] = {}
    rows = _attendance(sorted(by_id), now)
    for session_id, group in groupby(rows, key=lambda r: r[0]):
        members = list(group)
        _sid, _uid, code, title, starts, ends = members[0]
        ref = sources.SESSION_REF % session_id
        with clock.frozen_at(ends + dt.timedelta(hours=1)):
            stats["requests"] += services.survey_request(
                session_ref=ref,
                course_code=code,
                title=title,
                held_on=timezone.localdate(starts),
                user_ids=[m[1] for m in members],
            )
        quality = course_quality.setdefault(code, rng.uniform(3.5, 4.7))
        for _s, uid, *_rest in members:
            if rng.random() >= 0.85:
                continue  # left pending
            answered = ends + dt.timedelta(hours=rng.uniform(2, 72))
            if answered >= now:
                continue
            person = by_id[uid]
            mood = quality + 0.4 * care.get(person.username, 0.0)
            ratings = [max(1, min(5, round(rng.gauss(mood + bias, 0.6)))) for bias in (0.1, 0.2, 0.0, -0.2)]
            text = rng.choice(WILL_APPLY) if rng.random() < 0.6 else ""
            with clock.frozen_at(answered):
                services.survey_answer(
                    user=person,
                    session_ref=ref,
                    content=ratings[0],
                    trainer=ratings[1],
                    usefulness=ratings[2],
                    organisation=ratings[3],
                    will_apply=text,
                )
            stats["answers"] += 1


def _awarder(person, supervisors: dict[int, object], trainer):
    sup = supervisors.get(person.department_id)
    return sup if sup is not None and sup.pk != person.pk else trainer


def _recognitions(rng: random.Random, now: dt.datetime, users, stats: dict[str, int]) -> None:
    from kesu.complaints.models import Complaint

    trainer = next((u for u in users if u.role == Role.TRAINER), None)
    if trainer is None:
        return
    supervisors: dict[int, object] = {}
    for u in sorted(users, key=lambda u: u.pk):
        if u.role == Role.SUPERVISOR and u.department_id is not None:
            supervisors.setdefault(u.department_id, u)
    demo_ids = {u.pk for u in users}
    month = selectors.previous_month(timezone.localdate(now))
    for _ in range(3):
        first, nxt = selectors.month_bounds(month)
        award_at = selectors.local_midnight(nxt) + dt.timedelta(days=2, hours=10)
        if award_at >= now:
            award_at = now - dt.timedelta(minutes=5)
        with clock.frozen_at(award_at):
            picks = [
                s
                for s in selectors.recognition_suggestions(department=None, month=month)
                if s.person.pk in demo_ids
            ]
            picks.sort(key=lambda s: (-s.kpis.rated, s.person.pk))
            for s in picks[:3]:
                _award(
                    _awarder(s.person, supervisors, trainer),
                    s.person,
                    Recognition.Kind.HIGH_SATISFACTION,
                    f"{first:%Y年%m月}回访满意度{100 * (s.kpis.satisfaction_rate or 0):.0f}%（{s.kpis.rated}单），无升级投诉。",
                    first,
                    "",
                    stats,
                )
            crisis = (
                Complaint.objects.filter(
                    severity__in=("high", "critical"),
                    escalated=True,
                    satisfaction__gte=4,
                    closed_at__gte=selectors.local_midnight(first),
                    closed_at__lt=selectors.local_midnight(nxt),
                    assignee_id__in=demo_ids,
                )
                .select_related("assignee")
                .order_by("-severity", "closed_at", "pk")
                .first()
            )
            if crisis is not None:
                _award(
                    _awarder(crisis.assignee, supervisors, trainer),
                    crisis.assignee,
                    Recognition.Kind.CRISIS_HANDLED,
                    rng.choice(
                        (
                            "升级投诉处置得当：及时安抚、按统一口径答复，客户回访表示满意。",
                            "高敏感投诉响应迅速，与法务协同留存证据，最终客户满意结案。",
                        )
                    ),
                    first,
                    crisis.number,
                    stats,
                )
        month = selectors.previous_month(first)


def _award(actor, person, kind, reason, period, number, stats) -> None:
    try:
        _rec, created = services.recognition_award(
            actor=actor, user_id=person.pk, kind=kind, reason=reason, period=period, complaint_number=number
        )
    except DomainError:
        return
    stats["recognitions"] += int(created)


def reset(*, progress: Callable[[str], None] = _noop) -> None:
    """Delete the survey requests, answers and recognitions of the demo logins."""
    from kesu.demo import loader

    people = [u.pk for u in loader.demo_users()]
    with transaction.atomic():
        SurveyResponse.objects.filter(user_id__in=people).delete()
        SurveyRequest.objects.filter(user_id__in=people).delete()
        Recognition.objects.filter(user_id__in=people).delete()
        Recognition.objects.filter(awarded_by_id__in=people).delete()
    progress("effectiveness demo data deleted")
