"""Exams demo data for the 华启优选 organisation: blueprints, a year of exams with attempts by the demo
handlers, short answers graded by the trainer, a pre-/post-test pair for one course, an exam open now,
and a few weeks of daily questions.

Everything goes through the exams services inside ``clock.frozen_at`` for the moment of each step, so
grading writes its competency evidence, retraining and certificates (other apps' services) with the date
they would have had. Deterministic for a seed and a fixed ``now``: one ``random.Random`` and fixed
iteration orders.

Scores follow the handler's desk profile (kesu.demo.loader.Profile): ability = 0.64 + 0.3 × care +
0.35 × (diligence − 0.5), lower on the items their profile is weak at (newcomers on law and process,
rushed handlers on empathy, patience and communication, slow ones on adaptability), rising a little over
the year. So the needs analysis sees the same people struggle on the desk and in exams, and some fail.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils import timezone

from kesu.accounts.roles import Role
from kesu.common import clock
from kesu.common.errors import DomainError
from kesu.exams import grading, papers, selectors, services
from kesu.exams.models import Answer, Attempt, Blueprint, BlueprintRule, DailyAnswer, Exam, Question

# (title, description, minutes, pass mark, attempts, certifies, valid months, audience, rules)
# rules: (item code or dimension, type, count, points each)
BLUEPRINTS: tuple[tuple[Any, ...], ...] = (
    (
        "上岗认证考试",
        "新员工独立接诉前的认证：投诉处理流程、法律底线、服务理论与共情回应。",
        45,
        70,
        2,
        True,
        12,
        ["new_handler", "handler"],
        [
            ("know_process", "single", 4, 2),
            ("know_law", "single", 3, 2),
            ("know_service", "true_false", 2, 2),
            ("att_empathy", "judgement", 2, 4),
            ("skill_communication", "judgement", 1, 4),
            ("know_process", "short", 1, 10),
        ],
    ),
    (
        "法律法规专项",
        "消费者权益保护法、民法典合同编、广告法、个人信息保护法在投诉处理中的应用。",
        30,
        70,
        2,
        False,
        None,
        ["handler", "senior_handler", "supervisor"],
        [
            ("know_law", "single", 6, 2),
            ("know_law", "multiple", 2, 3),
            ("know_law", "true_false", 3, 2),
            ("know_law", "judgement", 2, 4),
        ],
    ),
    (
        "沟通与情绪管理测评",
        "沟通理论、情绪识别与安抚、同理心和耐心的情景判断。",
        30,
        60,
        2,
        False,
        None,
        ["handler", "senior_handler"],
        [
            ("know_communication", "single", 3, 2),
            ("know_emotion", "single", 3, 2),
            ("att_empathy", "judgement", 2, 4),
            ("att_patience", "judgement", 2, 4),
            ("skill_communication", "judgement", 2, 4),
            ("know_emotion", "short", 1, 8),
        ],
    ),
    (
        "危机与舆情应对测评",
        "重大客诉与舆情事件中的判断、应变和统一口径。",
        30,
        65,
        1,
        False,
        None,
        ["senior_handler", "supervisor", "pr_officer"],
        [
            ("know_crisis", "single", 4, 2),
            ("know_crisis", "multiple", 2, 3),
            ("skill_judgement", "judgement", 2, 4),
            ("skill_adaptability", "judgement", 2, 4),
        ],
    ),
    (
        "核心技能综合测评",
        "观察、判断、表达、应变、协调与学习能力的年度测评。",
        40,
        60,
        1,
        False,
        None,
        ["handler", "senior_handler"],
        [("skill", "single", 8, 2), ("skill", "judgement", 4, 4)],
    ),
)
# (blueprint title, months ago the window opened, audience roles)
SCHEDULE: tuple[tuple[str, int, tuple[str, ...]], ...] = (
    ("上岗认证考试", 11, (Role.HANDLER,)),
    ("法律法规专项", 10, (Role.HANDLER, Role.SENIOR_HANDLER)),
    ("沟通与情绪管理测评", 8, (Role.HANDLER, Role.SENIOR_HANDLER)),
    ("危机与舆情应对测评", 7, (Role.SENIOR_HANDLER, Role.SUPERVISOR, Role.PR_OFFICER)),
    ("上岗认证考试", 5, (Role.HANDLER,)),
    ("法律法规专项", 4, (Role.HANDLER, Role.SENIOR_HANDLER)),
    ("核心技能综合测评", 3, (Role.HANDLER, Role.SENIOR_HANDLER)),
    ("沟通与情绪管理测评", 2, (Role.HANDLER, Role.SENIOR_HANDLER)),
)
WEAK_ITEMS = {
    "newcomer": ("know_law", "know_process", "skill_adaptability"),
    "rushed": ("att_empathy", "att_patience", "skill_communication", "know_emotion"),
    "slow": ("skill_adaptability", "skill_judgement", "know_crisis"),
}
BUCK_PASSING = "这个问题需要您自己去找快递公司处理。"


def _noop(_m: str) -> None:
    pass


def _ability(profile) -> float:
    if profile is None:
        return 0.65
    value = 0.64 + 0.3 * profile.care + 0.35 * (profile.diligence - 0.5)
    return min(0.93, max(0.35, value))


def _weakness(profile) -> tuple[str, ...]:
    if profile is None:
        return ()
    if profile.care <= -0.5:
        return WEAK_ITEMS["rushed"]
    if profile.escalate >= 1.5:
        return WEAK_ITEMS["newcomer"]
    if profile.pace >= 0.6:
        return WEAK_ITEMS["slow"]
    return ()


class _Learner:
    def __init__(self, user, profile, rng: random.Random):
        self.user = user
        self.profile = profile
        self.base = _ability(profile)
        self.weak = set(_weakness(profile))
        self.rng = rng

    def p(self, question: dict[str, Any], progress: float, bonus: float = 0.0) -> float:
        value = self.base + 0.1 * progress + bonus
        value += {1: 0.1, 2: 0.0, 3: -0.12}.get(question.get("difficulty", 2), 0.0)
        if self.weak & set(question["items"]):
            value -= 0.2
        return min(0.97, max(0.05, value))

    def respond(self, question: dict[str, Any], p: float) -> Any:
        rng = self.rng
        qtype = question["type"]
        options = question.get("options") or []
        right = rng.random() < p
        if qtype == "true_false":
            return question["answer"] if right else not question["answer"]
        if qtype == "single":
            correct = [o["key"] for o in options if o["correct"]]
            wrong = [o["key"] for o in options if not o["correct"]]
            return correct[0] if right or not wrong else rng.choice(wrong)
        if qtype == "multiple":
            correct = sorted(o["key"] for o in options if o["correct"])
            if right:
                return correct
            wrong = [o["key"] for o in options if not o["correct"]]
            chosen = set(correct)
            if len(correct) > 1 and (not wrong or rng.random() < 0.6):
                chosen.discard(rng.choice(correct))
            elif wrong:
                chosen.add(rng.choice(wrong))
            return sorted(chosen)
        if qtype == "judgement":
            ranked = sorted(options, key=lambda o: -o.get("score", 0))
            if right:
                return ranked[0]["key"]
            return (ranked[1] if len(ranked) > 1 and rng.random() < 0.6 else ranked[-1])["key"]
        # short: one sentence per rubric point the person knows
        parts = []
        for point in question.get("rubric") or []:
            if point["keywords"] and rng.random() < p:
                parts.append(f"{point['point']}：{'、'.join(point['keywords'][:2])}")
        if "att_empathy" in self.weak and rng.random() < 0.5:
            parts.append(BUCK_PASSING)
        return "；".join(parts) or "按流程处理。"


def load(*, seed: int, now: dt.datetime, progress: Callable[[str], None] = _noop) -> dict[str, int]:
    from kesu.demo import loader

    rng = random.Random(f"exams:{seed}")
    users = {u.username: u for u in loader.demo_users()}
    trainer = users.get("trainer")
    if trainer is None:
        progress("exams demo: no demo logins, nothing to do")
        return {}
    profiles = {login.username: login.profile for login in loader.ROSTER}
    learners = {
        name: _Learner(u, profiles.get(name), rng)
        for name, u in users.items()
        if u.role in (Role.HANDLER, Role.SENIOR_HANDLER, Role.SUPERVISOR, Role.PR_OFFICER)
    }
    stats = {"blueprints": 0, "exams": 0, "attempts": 0, "failed": 0, "awaiting_grading": 0, "daily": 0}
    with loader.quiet_side_effects(), loader._on_commit_keeps_clock():
        blueprints = _blueprints(trainer, now, stats)
        if not blueprints:
            progress("exams demo: the question bank is empty, no exams")
            return stats
        start_of_year = now - dt.timedelta(days=365)
        for title, months_ago, roles in SCHEDULE:
            opens = _morning(now - dt.timedelta(days=30 * months_ago))
            people = [lr for lr in learners.values() if lr.user.role in roles]
            exam = _exam(trainer, blueprints[title], opens, opens + dt.timedelta(days=14), people, stats)
            progress_share = (opens - start_of_year) / (now - start_of_year)
            for learner in people:
                _sit(rng, learner, exam, trainer, now, progress_share, stats)
        _pre_post(rng, trainer, blueprints, learners, now, stats)
        _open_now(rng, trainer, blueprints, learners, now, stats)
        _daily(rng, learners, now, stats)
    progress(
        "exams demo: {blueprints} blueprints, {exams} exams, {attempts} attempts ({failed} failed, "
        "{awaiting_grading} awaiting grading), {daily} daily answers".format(**stats)
    )
    return stats


def _morning(moment: dt.datetime) -> dt.datetime:
    local = timezone.localtime(moment)
    day = local.date()
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(9, 0)))


def _available(bank: list[Question], scope: str, qtype: str) -> int:
    codes = grading.DIMENSIONS.get(scope, (scope,))
    return sum(1 for q in bank if q.type == qtype and set(codes) & set(q.items))


def _blueprints(trainer, now: dt.datetime, stats: dict[str, int]) -> dict[str, Blueprint]:
    """The demo blueprints; a rule asks for no more questions than the bank has (the starter bank may
    be smaller than a real one), and a blueprint with nothing to draw is left out."""
    bank = list(Question.objects.filter(status=Question.Status.ACTIVE).order_by("code"))
    out = {}
    for title, description, minutes, mark, attempts, certifies, months, audience, rules in BLUEPRINTS:
        fitted = []
        for scope, qtype, count, points in rules:
            count = min(count, _available(bank, scope, qtype))
            if count:
                dim = scope in grading.DIMENSIONS
                fitted.append(
                    {
                        "item_code": "" if dim else scope,
                        "dimension": scope if dim else "",
                        "type": qtype,
                        "count": count,
                        "points": points,
                    }
                )
        if not fitted:
            continue
        with clock.frozen_at(now - dt.timedelta(days=380)):
            out[title] = services.blueprint_save(
                actor=trainer,
                fields={
                    "title": title,
                    "description": description,
                    "time_limit_minutes": minutes,
                    "pass_mark": mark,
                    "attempts_allowed": attempts,
                    "audience_profiles": audience,
                    "certifies": certifies,
                    "certificate_valid_months": months,
                    "active": True,
                },
                rules=fitted,
            )
        stats["blueprints"] += 1
    return out


def _exam(trainer, blueprint, opens, closes, people, stats, **kw) -> Exam:
    with clock.frozen_at(opens - dt.timedelta(days=3)):
        exam = services.exam_create(
            actor=trainer,
            blueprint_id=blueprint.pk,
            opens_at=opens,
            closes_at=closes,
            assignee_ids=[lr.user.pk for lr in people],
            **kw,
        )
    stats["exams"] += 1
    return exam


def _sit(
    rng, learner, exam, trainer, now, progress_share, stats, *, bonus=0.0, take=None, start=None
) -> None:
    """One person's attempt(s) at an exam: most sit it, some retake after failing."""
    diligence = learner.profile.diligence if learner.profile else 0.7
    if take is None:
        take = rng.random() < 0.7 + 0.3 * diligence
    if not take:
        return
    at = exam.opens_at + dt.timedelta(
        days=rng.randint(0, 8), hours=rng.randint(1, 7), minutes=rng.randint(0, 59)
    )
    for number in range(exam.blueprint.attempts_allowed):
        if at >= min(now, exam.closes_at):
            return
        attempt = _attempt(rng, learner, exam, trainer, at, now, progress_share, bonus + 0.08 * number, stats)
        if attempt is None or attempt.passed is not False:
            return
        if rng.random() > 0.4 + 0.5 * diligence:
            return
        at = at + dt.timedelta(days=rng.randint(3, 5), hours=rng.randint(0, 3))


def _attempt(rng, learner, exam, trainer, at, now, progress_share, bonus, stats) -> Attempt | None:
    user = learner.user
    try:
        with clock.frozen_at(at), transaction.atomic():
            attempt = services.attempt_start(user=user, exam_id=exam.pk)
    except DomainError:
        return None
    stats["attempts"] += 1
    limit = exam.blueprint.time_limit_minutes
    handed_in = at + dt.timedelta(minutes=limit * rng.uniform(0.4, 0.95))
    responses = {
        i: learner.respond(q, learner.p(q, progress_share, bonus)) for i, q in enumerate(attempt.paper)
    }
    if rng.random() < 0.03:  # left the page open: answers were saved, the deadline closed the attempt
        with clock.frozen_at(at + dt.timedelta(minutes=5)), transaction.atomic():
            for i, value in responses.items():
                if i % 2 == 0:
                    services.answer_save(user=user, attempt_id=attempt.pk, position=i, response=value)
        with clock.frozen_at(attempt.deadline + dt.timedelta(minutes=2)):
            services.attempts_close_expired()
    else:
        with clock.frozen_at(handed_in):
            services.attempt_submit(user=user, attempt_id=attempt.pk, responses=responses)
    attempt.refresh_from_db()
    if attempt.status == Attempt.Status.AWAITING_GRADING:
        graded_at = handed_in + dt.timedelta(days=rng.randint(1, 3), hours=rng.randint(0, 4))
        if graded_at < now:
            _grade(rng, attempt, trainer, graded_at)
            attempt.refresh_from_db()
    if attempt.status == Attempt.Status.AWAITING_GRADING:
        stats["awaiting_grading"] += 1
    if attempt.passed is False:
        stats["failed"] += 1
    return attempt


def _grade(rng, attempt, trainer, at) -> None:
    """The trainer follows the suggestion per rubric point, now and then a little more generous."""
    for answer in Answer.objects.filter(attempt=attempt, score__isnull=True).order_by("position"):
        points = answer.suggested.get("points") or []
        maxima = grading.rubric_max(attempt.paper[answer.position])
        scores = []
        for hint, worth in zip(points, maxima, strict=True):
            value = (
                float(hint["score"]) if hint["hits"] else (float(worth) / 2 if rng.random() < 0.25 else 0.0)
            )
            scores.append(f"{value:.2f}")
        comment = "注意措辞，避免推诿。" if answer.suggested.get("findings") else ""
        with clock.frozen_at(at):
            services.answer_grade(grader=trainer, answer_id=answer.pk, rubric_scores=scores, comment=comment)


def _pre_post(rng, trainer, blueprints, learners, now, stats) -> None:
    """A pre-test and a post-test around one course, for the effectiveness app's L2."""
    blueprint = blueprints.get("沟通与情绪管理测评")
    courses_for_items = services._contract("kesu.training.selectors", "courses_for_items")
    if blueprint is None or courses_for_items is None:
        return
    courses = courses_for_items(item_codes=["att_empathy", "know_emotion", "skill_communication"])
    if not courses:
        return
    code = courses[0].code
    people = [lr for lr in learners.values() if lr.user.role == Role.HANDLER][:10]
    pre_opens = _morning(now - dt.timedelta(days=75))
    post_opens = _morning(now - dt.timedelta(days=40))
    pre = _exam(
        trainer,
        blueprint,
        pre_opens,
        pre_opens + dt.timedelta(days=5),
        people,
        stats,
        kind="pre",
        course_code=code,
    )
    post = _exam(
        trainer,
        blueprint,
        post_opens,
        post_opens + dt.timedelta(days=7),
        people,
        stats,
        kind="post",
        course_code=code,
    )
    for learner in people:
        _sit(rng, learner, pre, trainer, now, 0.8, stats, bonus=-0.05, take=True)
        _sit(rng, learner, post, trainer, now, 0.9, stats, bonus=0.1, take=True)


def _open_now(rng, trainer, blueprints, learners, now, stats) -> None:
    """An exam open now to every handler: a few have taken it already, the others can."""
    blueprint = blueprints.get("沟通与情绪管理测评") or next(iter(blueprints.values()))
    opens = now - dt.timedelta(days=3)
    with clock.frozen_at(opens - dt.timedelta(days=1)):
        exam = services.exam_create(
            actor=trainer,
            blueprint_id=blueprint.pk,
            title=f"{blueprint.title}（本月）",
            opens_at=opens,
            closes_at=now + dt.timedelta(days=11),
            open_to_profiles=["handler", "senior_handler"],
        )
    stats["exams"] += 1
    for learner in list(learners.values())[::4]:
        if learner.user.role in (Role.HANDLER, Role.SENIOR_HANDLER):
            start = now - dt.timedelta(hours=rng.randint(3, 60))
            _sit(rng, learner, exam, trainer, now - dt.timedelta(hours=1), 1.0, stats, take=True, start=start)


def _daily(rng, learners, now, stats) -> None:
    """Daily questions over the last three weeks; diligent people keep longer streaks."""
    for learner in learners.values():
        if learner.user.role not in (Role.HANDLER, Role.SENIOR_HANDLER):
            continue
        diligence = learner.profile.diligence if learner.profile else 0.7
        for days_ago in range(21, 0, -1):
            if rng.random() > diligence:
                continue
            moment = _morning(now - dt.timedelta(days=days_ago)) + dt.timedelta(minutes=rng.randint(0, 90))
            if moment.date() != (now - dt.timedelta(days=days_ago)).date():
                continue  # a weekend day: no question
            with clock.frozen_at(moment):
                question = selectors.daily_question(user=learner.user, day=moment.date())
                if question is None:
                    return
                snap = papers.snapshot(question)
                response = learner.respond(snap, learner.p(snap, 1.0))
                services.daily_answer(user=learner.user, response=response)
            stats["daily"] += 1


def reset(*, progress: Callable[[str], None] = _noop) -> None:
    """Delete the exams' demo data: attempts, exams and blueprints of the demo logins and their daily
    answers (the question bank stays)."""
    from kesu.demo import loader

    users = loader.demo_users()
    ids = [u.pk for u in users]
    with transaction.atomic():
        attempts = Attempt.objects.filter(user_id__in=ids) | Attempt.objects.filter(
            exam__created_by_id__in=ids
        )
        attempt_ids = list(attempts.values_list("pk", flat=True))
        Answer.objects.filter(attempt_id__in=attempt_ids).delete()
        Attempt.objects.filter(pk__in=attempt_ids).delete()
        exams = Exam.objects.filter(created_by_id__in=ids)
        count = exams.count()
        exams.delete()
        blueprints = Blueprint.objects.filter(created_by_id__in=ids).exclude(exams__isnull=False)
        BlueprintRule.objects.filter(blueprint__in=blueprints).delete()
        blueprints.delete()
        DailyAnswer.objects.filter(user_id__in=ids).delete()
    progress(f"exams demo: removed {len(attempt_ids)} attempts and {count} exams")
