"""Training demo data for the 华启优选 organisation: a year of sessions with enrolments, waiting lists,
attendance and scores, online courses read by some people, mentoring pairs with their check-ins and
certificates (some expiring soon).

Everything goes through the training services inside ``clock.frozen_at`` for the moment of each step,
so events, records and notifications carry the time they would have had. Deterministic for a seed (and
a fixed ``now``): one ``random.Random`` and fixed iteration orders. Handlers with a weak desk profile
(newcomers, rushed, slow) attend less and score lower, so records and coverage differ between people.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from kesu.accounts.roles import Cap, Role, can
from kesu.common import clock
from kesu.common.errors import DomainError
from kesu.training import services
from kesu.training.models import (
    Certificate,
    CheckIn,
    Course,
    Enrolment,
    MentoringPair,
    ModuleProgress,
    TrainingEvent,
    TrainingRecord,
    TrainingSession,
)

ROOMS = ("总部 3F 培训室", "总部 5F 多功能厅", "华东客服中心 201", "线上（腾讯会议）")
CERTIFICATES = (
    ("NH", "投诉处理上岗资格证", 365),
    ("KS", "重大客诉应急处置认证", 365),
    ("PR", "舆情回应发言人认证", 730),
)
# How likely each desk profile attends and how well it scores (see kesu.demo.loader profiles).
_DILIGENCE_DEFAULT = 0.7


def _progress_noop(_m: str) -> None:
    pass


def load(*, seed: int, now: dt.datetime, progress: Callable[[str], None] = _progress_noop) -> dict[str, int]:
    from kesu.demo import loader

    rng = random.Random(f"training:{seed}")
    users = [u for u in loader.demo_users() if can(u, Cap.LEARN)]
    trainer = next((u for u in loader.demo_users() if u.role == Role.TRAINER), None)
    if not users or trainer is None:
        progress("training demo: no demo logins, nothing to do")
        return {}
    courses = list(
        Course.objects.filter(status=Course.Status.PUBLISHED).prefetch_related("modules").order_by("code")
    )
    if not courses:
        progress("training demo: the catalogue is empty, no sessions")
        return {}
    diligence = {
        login.username: (login.profile.diligence if login.profile else _DILIGENCE_DEFAULT)
        for login in loader.ROSTER
    }
    stats = {"sessions": 0, "enrolments": 0, "records": 0, "pairs": 0, "certificates": 0}
    classroom = [c for c in courses if any(not m.is_online for m in c.modules.all())]
    with_online = [c for c in courses if any(m.is_online for m in c.modules.all())]
    progress(
        f"training demo: {len(classroom)} courses with classroom modules, {len(with_online)} with online ones"
    )
    with loader.quiet_side_effects(), loader._on_commit_keeps_clock():
        _sessions(rng, now, users, trainer, classroom or courses, diligence, stats)
        _online(rng, now, users, with_online, diligence, stats)
        _mentoring(rng, now, users, trainer, stats)
        _certificates(rng, now, users, stats)
        with clock.frozen_at(now):
            services.certificate_reminders_send()
    progress(
        "training demo: {sessions} sessions, {enrolments} enrolments, {records} records, "
        "{pairs} mentoring pairs, {certificates} certificates".format(**stats)
    )
    return stats


def _audience_fits(course: Course, user) -> bool:
    profile = {
        Role.HANDLER: "handler",
        Role.SENIOR_HANDLER: "senior_handler",
        Role.SUPERVISOR: "supervisor",
        Role.PR_OFFICER: "pr_officer",
        Role.LIAISON: "liaison",
    }.get(user.role)
    return (
        not course.audience
        or profile in course.audience
        or (profile == "handler" and "new_handler" in course.audience)
    )


def _sessions(rng, now, users, trainer, courses, diligence, stats) -> None:
    # Two sessions a month for the past twelve months, then three in the coming weeks.
    starts = []
    for months_back in range(12, 0, -1):
        for week in (1, 3):
            day = (now - dt.timedelta(days=30 * months_back)).date().replace(day=1) + dt.timedelta(weeks=week)
            starts.append(day)
    starts += [(now + dt.timedelta(days=d)).date() for d in (6, 13, 24)]
    for i, day in enumerate(starts):
        while day.weekday() >= 5:
            day += dt.timedelta(days=1)
        course = courses[i % len(courses)]
        start = timezone.make_aware(dt.datetime.combine(day, dt.time(14 if i % 2 else 9, 30)))
        end = start + dt.timedelta(hours=max(1, min(7, int(course.hours))))
        if end > now and start <= now:  # never a session running at "now": the story must be complete
            continue
        fits = [u for u in users if _audience_fits(course, u)] or users
        capacity = rng.choice((6, 8, 10, 12))
        wanting = rng.sample(fits, k=min(len(fits), capacity + rng.randint(-3, 3)))
        created_at = start - dt.timedelta(days=14)
        with clock.frozen_at(created_at), transaction.atomic():
            room = rng.choice(ROOMS)
            session = services.session_create(
                by=trainer,
                course=course,
                data=services.SessionInput(
                    starts_at=start,
                    ends_at=end,
                    capacity=capacity,
                    room=room if "线上" not in room else "",
                    online_link="https://meeting.example.cn/huaqi-training" if "线上" in room else "",
                    trainer_id=trainer.pk,
                ),
            )
        stats["sessions"] += 1
        for k, u in enumerate(wanting):
            with clock.frozen_at(created_at + dt.timedelta(hours=2 + 5 * k)):
                services.enrolment_create(session=session, user=u, by=u)
            stats["enrolments"] += 1
        # One or two people drop out a few days before; the waiting list moves up.
        enrolled = list(session.enrolments.filter(status=Enrolment.Status.ENROLLED).order_by("id"))
        for e in rng.sample(enrolled, k=min(len(enrolled), rng.randint(0, 2))):
            with clock.frozen_at(start - dt.timedelta(days=rng.randint(1, 4))):
                services.enrolment_cancel(session=session, user=e.user, by=e.user)
        if start > now:
            continue
        with clock.frozen_at(end + dt.timedelta(hours=1)):
            for e in (
                session.enrolments.filter(status=Enrolment.Status.ENROLLED)
                .select_related("user")
                .order_by("id")
            ):
                d = diligence.get(e.user.username, _DILIGENCE_DEFAULT)
                present = rng.random() < 0.55 + 0.45 * d
                score = None
                if present and course.assessment:
                    score = Decimal(min(100, max(30, round(rng.gauss(58 + 35 * d, 9)))))
                services.attendance_mark(
                    by=trainer, session=session, user=e.user, present=present, score=score
                )
                stats["records"] += int(present and (score is None or score >= course.pass_score))


def _online(rng, now, users, courses, diligence, stats) -> None:
    for u in users:
        d = diligence.get(u.username, _DILIGENCE_DEFAULT)
        for course in courses:
            if not _audience_fits(course, u) or rng.random() > 0.35 + 0.4 * d:
                continue
            modules = [m for m in course.modules.all() if m.is_online]
            day = now - dt.timedelta(days=rng.randint(5, 330), hours=rng.randint(0, 8))
            # Some stop half-way: the progress bar shows it.
            upto = len(modules) if rng.random() < 0.75 else rng.randint(1, len(modules))
            for j, m in enumerate(modules[:upto]):
                with clock.frozen_at(day + dt.timedelta(minutes=20 * j)):
                    services.module_open(user=u, module=m)
                    if j < upto - 1 or upto == len(modules) or rng.random() < 0.5:
                        services.module_complete(user=u, module=m)
            online_only = all(m.is_online for m in course.modules.all())
            stats["records"] += int(online_only and upto == len(modules))


def _mentoring(rng, now, users, trainer, stats) -> None:
    by_name = {u.username: u for u in users}
    seniors = {u.department_id: u for u in users if u.role == Role.SENIOR_HANDLER}
    # Newcomers and the rushed handlers of each team get their team's senior handler as 师傅.
    from kesu.demo import loader

    mentees = [
        by_name[login.username]
        for login in loader.ROSTER
        if login.username in by_name
        and login.profile in (loader.NEWCOMER, loader.RUSHED, loader.SLOW)
        and login.role == Role.HANDLER
    ]
    focus = {
        loader.NEWCOMER: ["know_process", "skill_judgement"],
        loader.RUSHED: ["att_empathy", "att_patience"],
        loader.SLOW: ["skill_adaptability", "know_process"],
    }
    profile_of = {login.username: login.profile for login in loader.ROSTER}
    for mentee in mentees:
        mentor = seniors.get(mentee.department_id)
        if mentor is None:
            continue
        start = (now - dt.timedelta(days=rng.randint(50, 110))).date()
        with clock.frozen_at(timezone.make_aware(dt.datetime.combine(start, dt.time(9)))):
            try:
                pair = services.mentoring_pair_create(
                    by=trainer,
                    mentor=mentor,
                    mentee=mentee,
                    item_codes=focus[profile_of[mentee.username]],
                    starts_on=start,
                    ends_on=start + dt.timedelta(days=120),
                    every_days=14,
                )
            except DomainError:
                continue
        stats["pairs"] += 1
        today = timezone.localdate(now)
        for c in pair.checkins.filter(due_on__lt=today).order_by("due_on"):
            if rng.random() < 0.8:  # the rest stay overdue: the mentor's page shows them
                with clock.frozen_at(timezone.make_aware(dt.datetime.combine(c.due_on, dt.time(17)))):
                    services.checkin_log(by=mentor, checkin=c, notes=rng.choice(_CHECKIN_NOTES))


_CHECKIN_NOTES = (
    "一起复盘了本周两通升级电话，重点练习先共情再解释的顺序。",
    "旁听了三通来电，提醒承诺回访时间要具体到几点。",
    "讨论了一起退款争议，梳理了首问负责的边界和转交话术。",
    "本周满意度有回升；约定下次重点看超时工单的原因。",
    "练习了面对情绪激动客户时的暂停与确认技巧，效果不错。",
)


def _certificates(rng, now, users, stats) -> None:
    today = timezone.localdate(now)
    for u in users:
        if rng.random() < 0.3:
            continue
        prefix, title, days = CERTIFICATES[rng.randrange(len(CERTIFICATES))]
        # Spread the issue dates so that some certificates run out within the month and one or two expired.
        issued = today - dt.timedelta(
            days=rng.randint(days - 45, days + 10) if rng.random() < 0.3 else rng.randint(20, days - 60)
        )
        with clock.frozen_at(timezone.make_aware(dt.datetime.combine(issued, dt.time(10)))):
            services.certificate_issue(
                user=u,
                title=title,
                source_ref=f"demo:{prefix}:{u.username}",
                issued_on=issued,
                valid_until=issued + dt.timedelta(days=days),
            )
        stats["certificates"] += 1


def reset(*, progress: Callable[[str], None] = _progress_noop) -> None:
    """Delete what ``load`` made: the sessions the demo trainer runs, and the training rows of the demo
    logins. Courses stay (they are the catalogue)."""
    from kesu.demo import loader

    people = [u.pk for u in loader.demo_users()]
    with transaction.atomic():
        TrainingSession.objects.filter(trainer_id__in=people).delete()
        TrainingRecord.objects.filter(user_id__in=people).delete()
        Enrolment.objects.filter(user_id__in=people).delete()
        ModuleProgress.objects.filter(user_id__in=people).delete()
        CheckIn.objects.filter(pair__mentee_id__in=people).delete()
        MentoringPair.objects.filter(mentee_id__in=people).delete()
        Certificate.objects.filter(source_ref__startswith="demo:").delete()
        TrainingEvent.objects.filter(user_id__in=people).delete()
        TrainingEvent.objects.filter(actor_id__in=people).delete()
    progress("training demo data deleted")
