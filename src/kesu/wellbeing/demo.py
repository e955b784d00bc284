"""Demo data of the wellbeing app: emotion-diary entries of the demo handlers over the last twelve weeks
and one completed pain-point survey. Deterministic for a seed and a ``now``.

The diary follows the desk: a handler whose complaints were harder (angry customers, escalations,
reopened cases, low satisfaction — read back from the demo complaints) writes more entries, and heavier
ones, often about those very complaints. Entries go through the services at their own moment (frozen
clock), so streaks of heavy entries leave the same check-in suggestions and notifications as real use.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable

from django.db import transaction
from django.db.models import Count, Q

from kesu.accounts.models import User
from kesu.accounts.roles import Role
from kesu.common import clock
from kesu.common.errors import DomainError
from kesu.complaints.models import Complaint
from kesu.wellbeing import content, services
from kesu.wellbeing.models import CheckinSuggestion, DiaryEntry, Survey

WEEKS = 12

# What a hard contact looked like, with the triggers and feelings it tends to bring.
SITUATIONS: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = (
    ("客户在电话里连续骂了十几分钟，说我们都是骗子。", ("abuse",), ("anger", "grievance")),
    ("客户说不给全额退款就发微博、找媒体曝光。", ("exposure_threat",), ("anxiety", "tense")),
    (
        "客户要求按订单金额十倍赔偿，怎么解释标准都不接受。",
        ("unreasonable", "no_authority"),
        ("helpless", "anger"),
    ),
    ("同一位客户今天第四次来电，问的还是同一件事。", ("repeat_calls",), ("exhausted", "helpless")),
    ("物流部两天没回复转办，客户追问进度我答不上来。", ("buck_passing",), ("helpless", "anxiety")),
    ("系统卡住查不到订单，客户在电话那头越等越火。", ("system_failure",), ("tense", "anxiety")),
    ("三张工单同时亮起超时预警，手忙脚乱。", ("deadline", "workload"), ("anxiety", "exhausted")),
    ("客户说已经咨询了律师，要去法院起诉我们。", ("legal_threat",), ("tense", "anxiety")),
    (
        "客户提出的补偿超出我的权限，只能让他等主管审批，被说踢皮球。",
        ("no_authority", "unreasonable"),
        ("grievance", "helpless"),
    ),
    ("客户情绪激动，说我态度冷漠，其实我一直在解释。", ("abuse", "unreasonable"), ("grievance", "sad")),
)
CALM_NOTES = (
    "客户一开始很急，听完处理方案后平静下来，还说了谢谢。",
    "回访时客户对结果满意，心里踏实了。",
    "按话术一步步来，这次沟通很顺利。",
)
HELPED_NOTES = (
    "挂电话后去窗边站了两分钟，喝了口水。",
    "和旁边的同事吐槽了几句，感觉好多了。",
    "主管接过了电话，我在旁边学到了怎么收尾。",
    "提前准备好的安抚话术帮了大忙。",
    "下班去跑了步。",
    "",
)
HELPERS_FOR = {
    "anger": ("breathing", "break", "exercise"),
    "grievance": ("colleague", "self_talk", "supervisor"),
    "anxiety": ("script", "breathing", "supervisor"),
    "helpless": ("supervisor", "colleague", "nothing"),
    "tense": ("breathing", "script"),
    "exhausted": ("break", "exercise", "colleague"),
    "sad": ("colleague", "self_talk"),
    "calm": ("script",),
}

SURVEY_TITLE = "投诉岗位痛点调研（演示）"
TEXT_ANSWERS = {
    "emotional_pressure": "连续接到情绪激动的客户时，很难马上调整好状态接下一个电话。",
    "cross_department": "转办给其他部门后没有明确的回复时限，只能一遍遍催。",
    "authority": "稍微超出额度就要走审批，客户等不及，夹在中间很难受。",
    "compensation_unclear": "同样的问题不同同事给的补偿不一样，客户拿来比较。",
    "system_cumbersome": "查订单、查物流、登记工单要开三个系统。",
    "training_impractical": "希望培训多用我们自己的真实案例来练。",
    "legal_risk": "客户一提起诉就不知道哪些话不能说。",
    "product_knowledge": "活动规则变得太快，客户比我们先知道。",
    "time_pressure": "工单多的时候顾不上每一单的时限。",
}
WISHES = (
    "希望多安排角色扮演，尤其是应对辱骂和威胁曝光的情景。",
    "希望有一份补偿标准速查表和真实案例讲解。",
    "希望跨部门一起参加培训，明确转办流程和回复时限。",
    "希望学习情绪调节的方法，比如短暂停顿和自我暗示。",
    "",
)


def _hardness(users: list[User], now: dt.datetime) -> dict[int, tuple[float, list[str]]]:
    """user id → (share of hard complaints in the period, numbers of some hard ones) from the desk."""
    since = now - dt.timedelta(weeks=WEEKS)
    hard_q = (
        Q(triage__anger_level__gte=3) | Q(escalated=True) | Q(reopen_count__gt=0) | Q(satisfaction__lte=2)
    )
    stats = {
        row["assignee_id"]: row
        for row in Complaint.objects.filter(
            assignee__in=users, registered_at__gte=since, registered_at__lte=now
        )
        .values("assignee_id")
        .annotate(total=Count("id"), hard=Count("id", filter=hard_q))
        .order_by("assignee_id")
    }
    out = {}
    for u in users:
        row = stats.get(u.pk)
        share = row["hard"] / row["total"] if row and row["total"] else 0.0
        numbers = list(
            Complaint.objects.filter(assignee=u, registered_at__gte=since, registered_at__lte=now)
            .filter(hard_q)
            .order_by("registered_at", "id")
            .values_list("number", flat=True)
            .distinct()[:40]
        )
        out[u.pk] = (share, numbers)
    return out


def _demo_people() -> list[User]:
    from kesu.demo.loader import ROSTER_USERNAMES

    return list(
        User.objects.filter(
            username__in=ROSTER_USERNAMES,
            role__in=[Role.HANDLER, Role.SENIOR_HANDLER, Role.SUPERVISOR],
            is_active=True,
        ).order_by("username")
    )


def _profile_weight(user: User) -> float:
    """Extra strain from the demo profile (newcomers and those who rush or lag feel it more)."""
    from kesu.demo import loader

    profile = next((login.profile for login in loader.ROSTER if login.username == user.username), None)
    return {
        loader.NEWCOMER: 0.35,
        loader.RUSHED: 0.2,
        loader.SLOW: 0.25,
        loader.AVERAGE: 0.1,
        loader.GOOD: 0.0,
        loader.STAR: -0.05,
        loader.SENIOR: 0.0,
    }.get(profile, 0.0)


def _diary(rng: random.Random, people: list[User], now: dt.datetime) -> int:
    handlers = [u for u in people if u.role in (Role.HANDLER, Role.SENIOR_HANDLER)]
    hardness = _hardness(handlers, now)
    # Most demo complaints are somewhat hard; what differs is how much harder one person's were than the
    # others': rank the shares (0 = easiest caseload, 1 = hardest).
    ranked = sorted(handlers, key=lambda u: (hardness[u.pk][0], u.username))
    rank = {u.pk: i / max(1, len(ranked) - 1) for i, u in enumerate(ranked)}
    written = 0
    for user in handlers:
        numbers = hardness[user.pk][1]
        strain = min(1.0, max(0.0, 0.7 * rank[user.pk] + _profile_weight(user)))
        count = 3 + round(strain * 22) + rng.randint(0, 3)
        start = now - dt.timedelta(weeks=WEEKS)
        span = (now - start).total_seconds()
        moments = sorted(start + dt.timedelta(seconds=rng.uniform(0, span)) for _ in range(count))
        for at in moments:
            # Working hours, never in the future.
            at = at.replace(hour=rng.randint(9, 17), minute=rng.randint(0, 59), second=0, microsecond=0)
            if at > now:
                continue
            heavy = rng.random() < 0.08 + 0.5 * strain
            if rng.random() < 0.12 * (1 - strain):
                what, triggers, emotion = rng.choice(CALM_NOTES), (), "calm"
                intensity = rng.randint(1, 2)
            else:
                what, triggers, feelings = rng.choice(SITUATIONS)
                emotion = rng.choice(feelings)
                intensity = rng.randint(4, 5) if heavy else rng.randint(2, 3)
            helpers = rng.sample(HELPERS_FOR[emotion], k=min(len(HELPERS_FOR[emotion]), rng.randint(0, 2)))
            number = rng.choice(numbers) if numbers and emotion != "calm" and rng.random() < 0.6 else ""
            with clock.frozen_at(at):
                try:
                    services.diary_entry_create(
                        user=user,
                        emotion=emotion,
                        intensity=intensity,
                        triggers=list(triggers),
                        helpers=helpers,
                        what_happened=what,
                        helped_note=rng.choice(HELPED_NOTES) if helpers else "",
                        complaint_number=number,
                    )
                except DomainError:
                    # A complaint that moved out of the person's sight: keep the entry, drop the number.
                    services.diary_entry_create(
                        user=user,
                        emotion=emotion,
                        intensity=intensity,
                        triggers=list(triggers),
                        what_happened=what,
                    )
            written += 1
    return written


def _survey(rng: random.Random, people: list[User], now: dt.datetime) -> Survey | None:
    trainer = User.objects.filter(username="trainer", is_active=True).first()
    if trainer is None or not people:
        return None
    opened = now - dt.timedelta(weeks=6)
    with clock.frozen_at(opened):
        survey = services.survey_create(
            actor=trainer,
            title=SURVEY_TITLE,
            cycle=f"{opened.year}年第{(opened.month - 1) // 3 + 1}季度",
            opens_on=opened.date(),
            closes_on=(opened + dt.timedelta(days=14)).date(),
            template_code="default",
            department_ids=sorted({u.department_id for u in people if u.department_id}),
        )
        services.survey_send(actor=trainer, survey_id=survey.pk)
    from kesu.demo import loader

    team_pain = {"cs_finance": "legal_risk", "cs_store": "emotional_pressure", "cs_ecom": "cross_department"}
    profile_pain = {
        loader.NEWCOMER: ("emotional_pressure", "training_impractical", "compensation_unclear"),
        loader.RUSHED: ("time_pressure", "system_cumbersome"),
        loader.SLOW: ("system_cumbersome", "cross_department"),
        loader.AVERAGE: ("authority",),
    }
    questions = list(survey.questions.order_by("position", "id"))
    areas = list(content.areas())
    for i, user in enumerate(people):
        if rng.random() < 0.12:
            continue  # did not answer
        login = next((lg for lg in loader.ROSTER if lg.username == user.username), None)
        felt = set(profile_pain.get(login.profile if login else None, ()))
        if user.department and user.department.code in team_pain:
            felt.add(team_pain[user.department.code])
        if user.role == Role.SUPERVISOR:
            felt |= {"authority", "cross_department"}
        answers: dict[int, object] = {}
        for q in questions:
            if q.kind == "rating":
                base = 4 if q.area in felt else 2
                answers[q.pk] = max(1, min(5, base + rng.choice((-1, 0, 0, 1))))
            elif q.kind == "choice":
                ranked = sorted(areas, key=lambda a: (a not in felt, rng.random()))
                picks = [a for a in ranked if a in q.options][: q.max_choices or 3]
                answers[q.pk] = picks
            elif q.position == len(questions) - 1 and felt and rng.random() < 0.6:
                answers[q.pk] = TEXT_ANSWERS[sorted(felt)[0]]
            elif rng.random() < 0.5:
                answers[q.pk] = rng.choice(WISHES)
        with clock.frozen_at(opened + dt.timedelta(days=1 + i % 10, hours=rng.randint(1, 8))):
            services.survey_answer(user=user, survey_id=survey.pk, answers=answers)
    with clock.frozen_at(opened + dt.timedelta(days=15)):
        services.survey_close(actor=trainer, survey_id=survey.pk)
    return survey


def load(
    *, seed: int = 1, now: dt.datetime | None = None, progress: Callable[[str], None] = lambda _m: None
) -> None:
    from kesu.demo.loader import quiet_side_effects

    now = now or clock.now()
    rng = random.Random(f"wellbeing-{seed}")
    people = _demo_people()
    if not people:
        progress("Wellbeing: no demo handlers; nothing to load.")
        return
    with quiet_side_effects(), transaction.atomic():
        entries = _diary(rng, people, now)
        survey = _survey(rng, people, now)
    answered = survey.responses.count() if survey else 0
    progress(
        f"Wellbeing: {entries} emotion-diary entries, {CheckinSuggestion.objects.count()} check-in "
        f"suggestions, one pain-point survey answered by {answered} people."
    )


def reset(*, progress: Callable[[str], None] = lambda _m: None) -> None:
    """Delete the wellbeing data of the demo logins (their diaries, suggestions, surveys they created)."""
    from kesu.demo.loader import ROSTER_USERNAMES

    with transaction.atomic():
        users = User.objects.filter(username__in=ROSTER_USERNAMES)
        Survey.objects.filter(created_by__in=users).delete()
        CheckinSuggestion.objects.filter(user__in=users).delete()
        deleted, _rows = DiaryEntry.objects.filter(user__in=users).delete()
    progress(f"Wellbeing: deleted the demo's diaries and surveys ({deleted} rows).")
