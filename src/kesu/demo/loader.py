"""The 华启优选 demo organisation and its year of complaints, written through the real services.

Invariants:
- Deterministic for a seed (and a fixed ``now``): every random choice comes from a ``random.Random``
  seeded from the seed — one for the plan, one per complaint — and complaints are processed in a fixed
  order, so the same seed gives the same numbers, titles and timelines.
- Nothing bypasses the desk's services: each complaint is registered with ``complaint_register`` and
  walked along the loop with ``complaint_transition``, ``compensation_propose``, ``proposal_decide``,
  ``task_open``/``task_answer``, ``follow_up_record`` … inside ``clock.frozen_at(t)`` for the moment of
  each step. The SLA sweep runs on simulated time too, at the moment a pending stage's warning or due
  time passes, so warnings, overdue marks and the escalations they cause happen when they would have.
  (The loader mirrors each open complaint's pending deadlines — read back after every step that starts
  a stage — so that it need not run the sweep on a fixed tick through the whole year.)
- Steps of all complaints are interleaved in time order (a heap of per-complaint generators), so
  automatic assignment sees the real load of the moment and repeat complaints see their predecessors.
- A complaint's last step never lies after ``now``: open complaints are those whose story is not over.
- The load runs with the dummy e-mail backend and tasks run inline (``LoadTaskBackend``: no queue is
  left behind; back-dated staff notifications are not e-mailed), in one transaction per ``BATCH_STEPS``
  steps; callbacks queued with ``transaction.on_commit`` run with the clock of the step that queued
  them (see ``_on_commit_keeps_clock``).
- Handlers differ on purpose (``Profile``: pace, care, diligence, readiness to escalate), and so do
  teams: the academy's training-needs analysis reads those differences back from the timelines.

The organisation itself (teams, business departments, one login per role, all with the documented demo
password) is set up by ``organisation_setup``, shared with the bulk loader in bulk.py.
"""

from __future__ import annotations

import bisect
import contextlib
import contextvars
import datetime as dt
import heapq
import logging
import math
import random
import time
import unicodedata
from collections import Counter
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from unittest import mock

import chinese_calendar
from django.apps import apps as django_apps
from django.contrib.auth.hashers import make_password
from django.db import connection, models, transaction
from django.test import override_settings
from django.utils import timezone
from django_tasks.backends.immediate import ImmediateBackend

from kesu.accounts.models import AuthorityLimit, Department, User
from kesu.accounts.roles import Role
from kesu.common import clock, workcal
from kesu.common.errors import DomainError
from kesu.complaints import reference, services, sla
from kesu.complaints.models import (
    Category,
    CompensationItem,
    CompensationProposal,
    CompensationTier,
    Complaint,
    ComplaintEvent,
    Customer,
    DailySequence,
    DepartmentTask,
    Evidence,
    FollowUp,
    IdempotencyRecord,
    Notification,
    OutboundMessage,
    PiiAccessLog,
    SlaPolicy,
    StageDeadline,
)
from kesu.complaints.services import CompensationLine, ComplaintInput, CustomerInput
from kesu.complaints.workflow import STAGE_MET_ON_ENTRY, STAGES_STARTED_ON_ENTRY, Status
from kesu.demo import corpus

ORG_NAME = "华启优选"
DEMO_PASSWORD = "kesu-demo-2026"
EMAIL_DOMAIN = "huaqi-demo.example"

# Above this many complaints `kesu demo` switches to the bulk loader (bulk.py): the service path writes
# every step of every complaint, about 45 ms of CPU per complaint on a 2-core machine.
SERVICE_PATH_MAX = 10_000

BATCH_STEPS = 400


# --------------------------------------------------------------------------------------------------
# The organisation


@dataclass(frozen=True)
class TeamSpec:
    code: str
    name: str
    handles: tuple[str, ...]
    suffix: str  # in the usernames of the team's senior handler and supervisor
    # How the team's customers tend to feel and how fast its cases move, on top of each handler.
    care: float = 0.0
    pace: float = 1.0


TEAMS: tuple[TeamSpec, ...] = (
    # The reference team: generalist, takes what no other team claims (服务承诺, 其他).
    TeamSpec("complaints", "客诉中心", (), "hq"),
    TeamSpec("cs_ecom", "客诉一组·电商", ("logistics", "refund_return", "product_quality"), "ec", care=0.05),
    TeamSpec(
        "cs_store", "客诉二组·门店", ("attitude", "special_needs", "safety"), "store", care=-0.2, pace=1.05
    ),
    TeamSpec("cs_finance", "金融客诉组", ("technical_error", "privacy"), "fin", care=0.1, pace=1.15),
)

BUSINESS_DEPARTMENTS: tuple[tuple[str, str], ...] = (
    ("legal", "法务部"),
    ("quality", "质检部"),
    ("logistics", "物流部"),
    ("tech", "技术部"),
    ("finance", "财务部"),
    ("store_ops", "门店运营部"),
    ("product", "商品部"),
    ("pr", "品牌公关部"),
)


@dataclass(frozen=True)
class Profile:
    """How a person handles complaints. ``pace`` is the median share of an SLA stage they use (above
    0.8 they are often warned, above 1 late); ``care`` shifts the customer's satisfaction; ``diligence``
    is how often they write notes and gather evidence; ``escalate`` scales how readily they escalate."""

    pace: float = 0.5
    care: float = 0.0
    diligence: float = 0.5
    escalate: float = 1.0


STAR = Profile(pace=0.25, care=0.6, diligence=0.85, escalate=0.8)
GOOD = Profile(pace=0.33, care=0.3, diligence=0.7)
AVERAGE = Profile(pace=0.42, care=0.0, diligence=0.5)
SLOW = Profile(pace=0.62, care=-0.2, diligence=0.45, escalate=1.2)
RUSHED = Profile(pace=0.3, care=-0.65, diligence=0.2, escalate=0.6)  # fast, but customers feel brushed off
NEWCOMER = Profile(pace=0.55, care=-0.45, diligence=0.6, escalate=1.8)
SENIOR = Profile(pace=0.33, care=0.4, diligence=0.8, escalate=0.5)


@dataclass(frozen=True)
class Login:
    username: str
    display_name: str
    role: str
    department: str | None
    profile: Profile | None = None


def _roster() -> list[Login]:
    handlers = {
        "complaints": [
            ("王思远", STAR),
            ("李婷", GOOD),
            ("张浩", AVERAGE),
            ("刘佳琪", NEWCOMER),
            ("陈俊杰", SLOW),
        ],
        "cs_ecom": [("杨雪", STAR), ("赵磊", AVERAGE), ("黄晓燕", GOOD), ("周鹏", RUSHED), ("吴静", AVERAGE)],
        "cs_store": [("徐丽娟", GOOD), ("孙伟", RUSHED), ("马琳", AVERAGE), ("朱晨", NEWCOMER)],
        "cs_finance": [("胡志强", GOOD), ("郭敏", AVERAGE), ("何宇航", SLOW)],
    }
    seniors = {"complaints": "林慧敏", "cs_ecom": "罗建国", "cs_store": "郑雅婷", "cs_finance": "梁文博"}
    supervisors = {"complaints": "谢振华", "cs_ecom": "宋佳", "cs_store": "唐国强", "cs_finance": "许晓东"}
    liaisons = {
        "legal": "韩立新",
        "quality": "冯建华",
        "logistics": "邓超群",
        "tech": "曹宇",
        "finance": "彭丽",
        "store_ops": "曾凡",
        "product": "萧雨萱",
        "pr": "田甜",
    }
    out: list[Login] = []
    n = 0
    for team in TEAMS:
        for name, profile in handlers[team.code]:
            n += 1
            out.append(Login(f"handler{n}", name, Role.HANDLER, team.code, profile))
    for team in TEAMS:
        out.append(Login(f"senior_{team.suffix}", seniors[team.code], Role.SENIOR_HANDLER, team.code, SENIOR))
    for team in TEAMS:
        out.append(
            Login(f"supervisor_{team.suffix}", supervisors[team.code], Role.SUPERVISOR, team.code, SENIOR)
        )
    for code, _name in BUSINESS_DEPARTMENTS:
        out.append(Login(f"liaison_{code}", liaisons[code], Role.LIAISON, code))
    out += [
        Login("trainer", "董文清", Role.TRAINER, None),
        Login("pr", "袁媛", Role.PR_OFFICER, "pr"),
        Login("auditor", "蒋正", Role.AUDITOR, None),
        Login("admin", "潘立（系统管理员）", Role.ADMIN, None),
    ]
    return out


ROSTER: list[Login] = _roster()
ROSTER_USERNAMES: list[str] = [login.username for login in ROSTER]


@dataclass
class Org:
    teams: dict[str, Department]
    departments: dict[str, Department]
    users: dict[str, User]
    handlers: dict[str, list[User]]  # team code -> handlers and the senior handler (who is auto-assigned too)
    profiles: dict[int, Profile]
    team_of_category: dict[str, str]
    team_spec: dict[int, TeamSpec]  # department pk -> spec

    def user(self, username: str) -> User:
        return self.users[username]

    def team_login(self, role_prefix: str, department_id: int) -> User:
        return self.users[f"{role_prefix}_{self.team_spec[department_id].suffix}"]


def demo_users() -> list[User]:
    """The demo logins that exist now, in roster order."""
    found = {
        u.username: u for u in User.objects.filter(username__in=ROSTER_USERNAMES).select_related("department")
    }
    return [found[name] for name in ROSTER_USERNAMES if name in found]


def demo_data_exists() -> str | None:
    """Why a fresh load would clash with what is there, or None."""
    complaints = Complaint.objects.count()
    logins = User.objects.filter(username__in=ROSTER_USERNAMES).count()
    if complaints or logins:
        return f"{complaints} complaints and {logins} demo logins"
    return None


def _reference_data_ensure() -> None:
    """The reference data normally comes from the data migration; put back whatever an administrator
    deleted so that the demo's SLA timers and compensation standard are the documented ones."""
    reference.install(django_apps)
    Category.objects.filter(code__in=[c for c, _n, _e in reference.CATEGORIES]).update(active=True)


def organisation_setup() -> Org:
    """Create (or bring back to the documented state) the teams, departments and demo logins."""
    _reference_data_ensure()
    with transaction.atomic():
        teams, departments = {}, {}
        for spec in TEAMS:
            dept, _ = Department.objects.update_or_create(
                code=spec.code,
                defaults={
                    "name": spec.name,
                    "kind": Department.Kind.COMPLAINT_TEAM,
                    "handles_categories": list(spec.handles),
                },
            )
            teams[spec.code] = dept
        for code, name in BUSINESS_DEPARTMENTS:
            dept, _ = Department.objects.update_or_create(
                code=code, defaults={"name": name, "kind": Department.Kind.BUSINESS, "handles_categories": []}
            )
            departments[code] = dept
        # One hash for all: the default hasher takes a noticeable fraction of a second per call.
        password = make_password(DEMO_PASSWORD)
        users: dict[str, User] = {}
        for login in ROSTER:
            dept = teams.get(login.department or "") or departments.get(login.department or "")
            user, _ = User.objects.update_or_create(
                username=login.username,
                defaults={
                    "display_name": login.display_name,
                    "role": login.role,
                    "department": dept,
                    "email": f"{login.username}@{EMAIL_DOMAIN}",
                    "password": password,
                    "is_active": True,
                    "is_staff": login.role == Role.ADMIN,
                    "is_superuser": login.role == Role.ADMIN,
                    "first_name": login.display_name[1:].split("（")[0],
                    "last_name": login.display_name[0],
                },
            )
            users[login.username] = user
    return _org(teams, departments, users)


def _org(teams: dict[str, Department], departments: dict[str, Department], users: dict[str, User]) -> Org:
    handlers: dict[str, list[User]] = {code: [] for code in teams}
    profiles: dict[int, Profile] = {}
    for login in ROSTER:
        user = users[login.username]
        if login.profile is not None:
            profiles[user.pk] = login.profile
        if login.role in (Role.HANDLER, Role.SENIOR_HANDLER):
            handlers[login.department or ""].append(user)
    team_of_category = {}
    generalist = next(spec.code for spec in TEAMS if not spec.handles)
    for code, _n, _e in reference.CATEGORIES:
        team_of_category[code] = next((spec.code for spec in TEAMS if code in spec.handles), generalist)
    return Org(
        teams=teams,
        departments=departments,
        users=users,
        handlers=handlers,
        profiles=profiles,
        team_of_category=team_of_category,
        team_spec={teams[spec.code].pk: spec for spec in TEAMS},
    )


# Complaint data in dependency order (children first), wiped by --reset with one DELETE each.
_COMPLAINT_TABLES: tuple[type[models.Model], ...] = (
    CompensationItem,
    CompensationProposal,
    FollowUp,
    OutboundMessage,
    Notification,
    PiiAccessLog,
    IdempotencyRecord,
    ComplaintEvent,
    StageDeadline,
    Evidence,
    DepartmentTask,
)


def demo_reset(*, progress: Callable[[str], None] = lambda _m: None) -> None:
    """Delete every complaint, customer and demo login (reference data and departments stay).

    Known complaint tables are emptied with one DELETE each, which is what makes a reset of a million
    complaints take seconds; rows of other contexts that point at complaints, customers or demo users are
    deleted through the ORM first so that their own on_delete rules apply."""
    known = {*_COMPLAINT_TABLES, Complaint, Complaint.earlier_complaints.through, Customer, DailySequence}
    with transaction.atomic():
        for target in (Complaint, Customer):
            for rel in target._meta.related_objects:
                model = rel.related_model
                if model in known or rel.many_to_many:
                    continue
                progress(f"deleting {model._meta.label} rows linked to {target._meta.model_name}s")
                if rel.on_delete is models.SET_NULL:
                    model._base_manager.filter(**{f"{rel.field.name}__isnull": False}).update(
                        **{rel.field.name: None}
                    )
                else:
                    model._base_manager.filter(**{f"{rel.field.name}__isnull": False}).delete()
        with connection.cursor() as cursor:
            for model in (
                *_COMPLAINT_TABLES,
                Complaint.earlier_complaints.through,
                Complaint,
                Customer,
                DailySequence,
            ):
                cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")  # noqa: S608
        User.objects.filter(username__in=ROSTER_USERNAMES).delete()


def logins_table(users: list[User]) -> str:
    """username / role / department / password, aligned for a terminal (CJK characters are wide)."""
    rows = [("用户名 username", "角色 role", "部门 department", "密码 password")]
    for u in users:
        rows.append(
            (u.username, f"{u.get_role_display()}", u.department.name if u.department else "—", DEMO_PASSWORD)
        )
    widths = [max(_width(r[i]) for r in rows) for i in range(4)]
    lines = []
    for n, row in enumerate(rows):
        lines.append(
            "  ".join(cell + " " * (widths[i] - _width(cell)) for i, cell in enumerate(row)).rstrip()
        )
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


# --------------------------------------------------------------------------------------------------
# When complaints arrive


CHANNEL_WEIGHTS: dict[str, float] = {
    "phone": 0.30,
    "app": 0.22,
    "web": 0.14,
    "visit": 0.10,
    "email": 0.08,
    "api": 0.07,
    "social": 0.06,
    "letter": 0.03,
}

# Hour-of-day weights (0–23) by how the complaint comes in.
_HOURS_STAFFED = [0] * 8 + [1, 4, 6, 6, 4, 4, 5, 5, 5, 4, 4, 3, 3, 2, 1, 0]  # phone and visits, 8–22 h
_HOURS_ONLINE = [1, 1, 0.5, 0.3, 0.2, 0.3, 0.5, 1, 2, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 4, 5, 6, 5, 3]
_HOURS_OFFICE = [0] * 9 + [4, 5, 4, 1, 4, 5, 4, 3, 2] + [0] * 6  # letters and platform transfers
_HOURS = {
    "phone": _HOURS_STAFFED,
    "visit": _HOURS_STAFFED,
    "web": _HOURS_ONLINE,
    "app": _HOURS_ONLINE,
    "social": _HOURS_ONLINE,
    "email": _HOURS_ONLINE,
    "letter": _HOURS_OFFICE,
    "api": _HOURS_OFFICE,
}


def day_weight(day: dt.date) -> float:
    """Complaint volume of a day relative to an ordinary weekday: the 双十一 wave (presales, then weeks
    of delivery and after-sales trouble), the same after 618, fewer during 春节 and other holidays."""
    w = 1.0
    m, d = day.month, day.day
    if m == 11:
        w = 1.4 if d < 11 else (2.4 if d <= 25 else 1.6)
    elif m == 12 and d <= 20:
        w = 1.35 if d >= 12 else 1.2
    elif m == 6:
        w = 1.2 if d < 18 else 1.8
    elif m == 7 and d <= 10:
        w = 1.35
    try:
        on_holiday, name = chinese_calendar.get_holiday_detail(day)
    except NotImplementedError:
        on_holiday, name = day.weekday() >= 5, None
    if name == chinese_calendar.Holiday.spring_festival.value:
        w *= 0.35
    elif on_holiday and name:
        w *= 0.8
    elif day.weekday() >= 5:
        w *= 0.85
    return w


def registration_times(
    rng: random.Random, *, count: int, start: dt.datetime, end: dt.datetime, channels: list[str]
) -> list[dt.datetime]:
    """``count`` registration moments between start and end following ``day_weight`` and the channel's
    hours, in the order of ``channels`` (one per complaint)."""
    tz = timezone.get_default_timezone()
    first, last = timezone.localtime(start, tz).date(), timezone.localtime(end, tz).date()
    days = [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]
    cum, acc = [], 0.0
    for day in days:
        acc += day_weight(day)
        cum.append(acc)
    out = []
    for channel in channels:
        for _try in range(20):
            day = rng.choices(days, cum_weights=cum)[0]
            hour = rng.choices(range(24), weights=_HOURS[channel])[0]
            moment = dt.datetime.combine(day, dt.time(hour, rng.randrange(60), rng.randrange(60)), tzinfo=tz)
            if start <= moment <= end:
                break
        else:
            moment = start + (end - start) * rng.random()
        out.append(moment)
    return out


# Which state a complaint's story has reached by now, by its age in days.
_TARGETS_BY_AGE: tuple[tuple[float, dict[str, float]], ...] = (
    (
        1,
        {
            "registered": 30,
            "acknowledged": 22,
            "investigating": 28,
            "awaiting_approval": 6,
            "resolving": 8,
            "awaiting_follow_up": 4,
            "closed": 2,
        },
    ),
    (
        5,
        {
            "registered": 4,
            "acknowledged": 8,
            "investigating": 30,
            "awaiting_approval": 10,
            "resolving": 16,
            "awaiting_follow_up": 20,
            "closed": 12,
        },
    ),
    (
        20,
        {"investigating": 9, "awaiting_approval": 4, "resolving": 9, "awaiting_follow_up": 14, "closed": 64},
    ),
    (60, {"investigating": 2, "resolving": 1.5, "awaiting_follow_up": 2.5, "closed": 94}),
    (math.inf, {"investigating": 0.3, "resolving": 0.2, "awaiting_follow_up": 0.2, "closed": 99.3}),
)


def target_status(rng: random.Random, age_days: float) -> str:
    for limit, weights in _TARGETS_BY_AGE:
        if age_days < limit:
            return rng.choices(list(weights), weights=list(weights.values()))[0]
    raise AssertionError("unreachable")


def ensure_coverage(values: list[str], wanted: list[str], order: list[int]) -> None:
    """Make every value of ``wanted`` occur in ``values`` by overwriting entries, taken in ``order``,
    whose value occurs more than once. Deterministic; a no-op when everything occurs already."""
    counts = Counter(values)
    missing = [w for w in wanted if counts[w] == 0]
    for i in order:
        if not missing:
            return
        if counts[values[i]] > 1:
            counts[values[i]] -= 1
            values[i] = missing.pop(0)
            counts[values[i]] += 1


# --------------------------------------------------------------------------------------------------
# Plans: everything about a complaint that is decided before the simulation runs


@dataclass
class Plan:
    idx: int
    registered_at: dt.datetime
    channel: str
    text: corpus.ComplaintText
    customer: dict
    target: str
    seed: str
    registrar: User | None = None
    rng: random.Random = field(init=False)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)


def _text(
    rng: random.Random,
    *,
    channel: str,
    category: str | None,
    today: dt.date,
    severities: tuple[str, ...] = (),
) -> corpus.ComplaintText:
    text = corpus.complaint_text(rng, channel=channel, category=category, today=today)
    for _try in range(40):
        if not severities or text.severity in severities:
            break
        text = corpus.complaint_text(rng, channel=channel, category=category, today=today)
    return text


def make_plans(org: Org, *, seed: int, count: int, months: int, now: dt.datetime) -> list[Plan]:
    rng = random.Random(f"kesu-demo:{seed}")
    start = now - dt.timedelta(days=round(months * 30.44))
    end = now - dt.timedelta(minutes=10)
    channels = rng.choices(list(CHANNEL_WEIGHTS), weights=list(CHANNEL_WEIGHTS.values()), k=count)
    ensure_coverage(channels, list(CHANNEL_WEIGHTS), list(range(count)))
    categories = rng.choices(
        [c for c, _ in corpus.CATEGORIES],
        weights=[corpus.CATEGORY_WEIGHTS[c] for c, _ in corpus.CATEGORIES],
        k=count,
    )
    ensure_coverage(categories, [c for c, _ in corpus.CATEGORIES], list(range(count)))
    times = registration_times(rng, count=count, start=start, end=end, channels=channels)
    order = sorted(range(count), key=lambda i: times[i])
    times = [times[i] for i in order]
    channels = [channels[i] for i in order]
    categories = [categories[i] for i in order]

    targets = [target_status(rng, (now - t).total_seconds() / 86400) for t in times]
    # The newest complaints first: a small load still shows every state (and a pending approval).
    newest_first = list(range(count - 1, -1, -1))
    ensure_coverage(targets, list(Status.values), newest_first)

    plans: list[Plan] = []
    recent: list[tuple[dt.datetime, dict, str]] = []  # (registered, customer, category) for repeats
    used_phones: set[str] = set()
    for i in range(count):
        t, channel = times[i], channels[i]
        roll = rng.random()
        window = recent[bisect.bisect_left(recent, (t - dt.timedelta(days=28),)) :]
        category: str | None = categories[i]
        if roll < 0.085 and window:
            # 重复投诉: the same customer again within the repeat window, often about the same thing.
            _t, cust, prev_category = rng.choice(window[-60:])
            if rng.random() < 0.6:
                category = prev_category
        elif roll < 0.115 and len(recent) > len(window):
            # A returning customer from long ago: known, but not a repeat complaint.
            _t, cust, _c = rng.choice(recent[: len(recent) - len(window)])
        else:
            cust = corpus.customer(rng)
            for _try in range(10):
                if not cust.get("phone") or cust["phone"] not in used_phones:
                    break
                cust = corpus.customer(rng)
            if cust.get("phone"):
                used_phones.add(cust["phone"])
        # A pending approval above a handler's authority needs a serious complaint (the standard caps
        # low and medium ones near or below it).
        wanted = ("high", "critical") if targets[i] == Status.AWAITING_APPROVAL else ()
        text = _text(rng, channel=channel, category=category, today=timezone.localdate(t), severities=wanted)
        plan = Plan(
            idx=i,
            registered_at=t,
            channel=channel,
            text=text,
            customer=cust,
            target=targets[i],
            seed=f"kesu-demo:{seed}:{i}",
        )
        team = org.team_of_category[text.category]
        if channel in ("phone", "visit", "letter", "email", "social"):
            plan.registrar = rng.choice(org.handlers[team])
        plans.append(plan)
        recent.append((t, cust, text.category))
        if len(recent) > 4000:
            del recent[:1000]
    # Every severity at least once: redraw the text of a few closed complaints if one is missing.
    seen = Counter(p.text.severity for p in plans)
    spare = [p for p in plans if p.target == Status.CLOSED]
    for severity in corpus.SEVERITIES:
        if seen[severity] == 0 and spare:
            p = spare.pop(len(spare) // 2)
            seen[p.text.severity] -= 1
            p.text = _text(
                rng,
                channel=p.channel,
                category=p.text.category,
                today=timezone.localdate(p.registered_at),
                severities=(severity,),
            )
            seen[p.text.severity] += 1
    return plans


# --------------------------------------------------------------------------------------------------
# The simulation


@dataclass
class LoadStats:
    complaints: int = 0
    steps: int = 0
    sweeps: int = 0
    errors: list[str] = field(default_factory=list)
    stopped_by_now: int = 0
    seconds: float = 0.0
    status: Counter = field(default_factory=Counter)


_FAILED_REACH = (
    "电话无人接听",
    "客户手机关机",
    "电话占线，稍后再拨",
    "客户表示正在开会，约定稍后回访",
    "号码暂时无法接通",
    "短信回访未回复",
    "客户未接听，已发短信告知回访事由",
)

_TASK_ANSWERS: dict[str, tuple[str, ...]] = {
    "legal": (
        "经法务审核，处理方案符合合同约定及《消费者权益保护法》相关规定，可按方案执行。",
        "法务意见：我司在告知义务上存在瑕疵，建议以协商方式解决，避免进入诉讼程序。",
        "已审阅客户提供的材料，赔偿金额在合理范围内，同意按方案处理。",
    ),
    "quality": (
        "质检复核：该批次产品抽检合格，个别单品存在工艺瑕疵，支持换货处理。",
        "已调取质检记录并复检样品，确认存在质量问题，建议全额退款。",
        "检测结果显示产品符合国家标准，问题系使用不当所致，建议以解释为主、适当安抚。",
    ),
    "logistics": (
        "已与承运商核实轨迹，包裹在中转站滞留两天，承运商承认操作失误，愿承担赔付。",
        "经核查，配送员未按约定时间上门且未电话联系，已对配送站点考核处理。",
        "物流轨迹显示已签收，但签收人非本人，已要求承运商提供签收凭证并启动追责。",
    ),
    "tech": (
        "技术排查：系统在促销高峰时段出现缓存不一致，已修复并补录客户订单数据。",
        "日志显示客户操作正常，扣款重复系支付回调重试导致，已安排原路退回。",
        "已定位App版本缺陷，将在下个版本修复，临时方案已同步客服。",
    ),
    "finance": (
        "财务已核对账务，确认多收费用，将于三个工作日内原路退回。",
        "经核算，分期手续费计算无误，已整理明细供客服向客户解释。",
        "退款已发起，预计一至三个工作日到账，流水号已同步至工单。",
    ),
    "store_ops": (
        "门店已调取监控并约谈涉事员工，确认服务态度问题，已给予书面警告并安排再培训。",
        "店长已与客户电话沟通致歉，门店将加强高峰时段收银排班。",
        "经门店核实，促销规则告知不清，已更新店内物料并对员工进行培训。",
    ),
    "product": (
        "商品部已联系供应商，确认该批次存在问题，已下架并启动召回评估。",
        "商品页面描述存在歧义，已修改详情页参数说明。",
        "已与品牌方沟通，同意为客户提供同款新品换货。",
    ),
    "pr": (
        "公关部已关注相关帖子，建议尽快与客户达成和解，并准备统一回应口径。",
        "舆情监测显示讨论热度已下降，建议继续私下沟通，暂不公开回应。",
    ),
}

_TASK_DELAY_HOURS = {  # median working hours a department takes to answer
    "legal": 14,
    "quality": 10,
    "logistics": 4,
    "tech": 8,
    "finance": 6,
    "store_ops": 5,
    "product": 9,
    "pr": 3,
}

_UNDERLYING_NEEDS = {
    "refund": ("尽快拿回货款", "不想再为此事来回奔波"),
    "replacement": ("尽快用上正常的商品", "确认新品不再出问题"),
    "repair": ("尽快恢复正常使用", "确定上门时间以便安排"),
    "compensation": ("损失得到认可和弥补", "被公平对待"),
    "apology": ("被尊重、被认真对待", "得到真诚的道歉"),
    "explanation": ("弄清楚问题原因", "确认以后不会再发生"),
    "punish_staff": ("确认员工会被处理", "被尊重"),
    "cancel": ("尽快解除业务、不再被扣费", "不再被打扰"),
}

_SUPERVISOR_CLOSE = (
    "已多次沟通并给出最终方案，客户仍不满意但方案已执行完毕，经主管确认结案",
    "客户诉求超出公司政策范围，已书面说明，主管审核后结案",
    "主管亲自回电解释，客户表示保留意见，同意结案",
)


class _Simulation:
    def __init__(
        self, org: Org, plans: list[Plan], *, now: dt.datetime, strict: bool, progress: Callable[[str], None]
    ):
        self.org, self.plans, self.now, self.strict, self.progress = org, plans, now, strict, progress
        self.fit_limit = now - dt.timedelta(minutes=5)
        self.stats = LoadStats(complaints=len(plans))
        self.turns: Counter = Counter()
        self.limits = {r: Decimal(a) for r, a in AuthorityLimit.objects.values_list("role", "max_amount")}
        self.tiers = {t.severity: t for t in CompensationTier.objects.all()}

    # ---- the engine

    def run(self) -> LoadStats:
        started = time.monotonic()
        self.heap: list[tuple[dt.datetime, int, object]] = [
            (p.registered_at, i, p) for i, p in enumerate(self.plans)
        ]
        self.seq = len(self.heap)
        heapq.heapify(self.heap)
        # complaint id -> stage -> (warn_at, due_at) of its pending SLA stages, as the database has them.
        self.pending: dict[int, dict[str, tuple[dt.datetime, dt.datetime]]] = {}
        done = 0
        last_report = time.monotonic()
        heap = self.heap
        while heap:
            with transaction.atomic():
                for _ in range(BATCH_STEPS):
                    if not heap:
                        break
                    t, _s, item = heapq.heappop(heap)
                    if isinstance(item, _Due):
                        if self.pending.get(item.complaint_id, {}).get(item.stage) == item.deadline:
                            with clock.frozen_at(t):
                                sla.sweep(now=t)
                            self.stats.sweeps += 1
                        continue
                    if isinstance(item, Plan):
                        gen = self._life(item)
                        next(gen)  # runs nothing: the first yield is the registration time
                        done += 1
                    else:
                        gen = item  # type: ignore[assignment]
                    nxt = self._resume(gen, t)
                    if nxt is None:
                        continue
                    if nxt > self.now:
                        self.stats.stopped_by_now += 1
                        continue
                    self._push(max(nxt, t), gen)
            if time.monotonic() - last_report > 5:
                last_report = time.monotonic()
                rate = done / (last_report - started)
                self.progress(
                    f"  {done}/{len(self.plans)} complaints registered, {self.stats.steps} steps "
                    f"({rate:.0f} complaints/s)"
                )
        # Up to the minute: whatever fell due since the last step is marked now.
        with transaction.atomic(), clock.frozen_at(self.now):
            while sum(sla.sweep(now=self.now).values()):
                self.stats.sweeps += 1
        # People read their notifications: only those of the last few days are still unread.
        read_until = self.now - dt.timedelta(days=3)
        with transaction.atomic(), clock.frozen_at(read_until + dt.timedelta(hours=20)):
            for user in self.org.users.values():
                old = Notification.objects.filter(user=user, created_at__lt=read_until).values_list(
                    "pk", flat=True
                )
                services.notification_mark_read(user=user, notification_ids=list(old))
        self.stats.seconds = time.monotonic() - started
        self.stats.status = Counter(Complaint.objects.values_list("status", flat=True))
        return self.stats

    def _push(self, t: dt.datetime, item: object) -> None:
        heapq.heappush(self.heap, (t, self.seq, item))
        self.seq += 1

    def _track_deadlines(self, cid: int) -> None:
        """Mirror the complaint's pending stages and schedule a sweep at each unmarked moment."""
        stages = {}
        rows = StageDeadline.objects.filter(complaint_id=cid, met_at__isnull=True).values_list(
            "stage", "warn_at", "due_at", "warned_at", "overdue_at"
        )
        for stage, warn, due, warned, overdue in rows:
            stages[stage] = (warn, due)
            if warned is None and warn <= self.now:
                self._push(warn, _Due(cid, stage, (warn, due)))
            if overdue is None and due <= self.now:
                self._push(due, _Due(cid, stage, (warn, due)))
        self.pending[cid] = stages

    def _transition(self, cid: int, action: str, actor: User, reason: str = "") -> None:
        complaint = services.complaint_transition(complaint_id=cid, action=action, actor=actor, reason=reason)
        if complaint.status == Status.CLOSED:
            self.pending.pop(cid, None)
        elif action == "reopen" or complaint.status in STAGES_STARTED_ON_ENTRY:
            self._track_deadlines(cid)
        else:
            for stage in STAGE_MET_ON_ENTRY.get(complaint.status, ()):
                self.pending.get(cid, {}).pop(stage, None)

    def _resume(self, gen: Generator[dt.datetime, None, None], t: dt.datetime) -> dt.datetime | None:
        self.stats.steps += 1
        with clock.frozen_at(t):
            try:
                return gen.send(None)
            except StopIteration:
                return None
            except DomainError as exc:
                # A refused step ends this complaint's story where it is; the load goes on.
                self.stats.errors.append(f"{t:%Y-%m-%d %H:%M} {type(exc).__name__}: {exc.message}")
                if self.strict:
                    raise
                return None

    # ---- time

    def _later(
        self, p: Plan, t: dt.datetime, hours: float, *, working: bool = True, goal: dt.datetime | None = None
    ) -> dt.datetime:
        """The moment ``hours`` (working or natural) after ``t``. Steps on the way to a ``goal`` (the
        moment the handler means to have the solution carried out) are squeezed in before it; and a
        complaint that is to be left open must reach its state before now."""
        nxt = workcal.add_time(t, max(hours, 0.02), working=working)
        if goal is not None and t < goal < nxt:
            nxt = t + (goal - t) * p.rng.uniform(0.15, 0.4)
        if p.target != Status.CLOSED and nxt > self.fit_limit:
            nxt = t + (self.now - t) * p.rng.uniform(0.15, 0.4)
        return nxt

    @staticmethod
    def _share(p: Plan, pace: float) -> float:
        """The share of an SLA stage a person of this pace uses this time (log-normal around pace):
        above the warning ratio the sweep warns, above 1 the stage is overdue."""
        return p.rng.lognormvariate(math.log(pace), 0.45)

    # ---- one complaint's story

    def _life(self, p: Plan) -> Generator[dt.datetime, None, None]:
        rng, text = p.rng, p.text
        yield p.registered_at
        cust = p.customer
        data = ComplaintInput(
            channel=p.channel,
            category_code=text.category,
            title=text.title,
            description=text.description,
            severity=text.severity,
            product=text.product,
            order_ref=text.order_ref,
            demand=text.demand,
            customer=CustomerInput(
                name=cust["name"],
                phone=cust.get("phone", ""),
                email=cust.get("email", ""),
                tier=cust.get("tier", "regular"),
                special_group=cust.get("special_group", ""),
            ),
        )
        complaint = services.complaint_register(data=data, actor=p.registrar)
        cid = complaint.pk
        self._track_deadlines(cid)
        handler = complaint.assignee
        if handler is None:
            return
        policy = complaint.sla_policy
        working = policy is None or policy.basis == SlaPolicy.Basis.WORKING
        hours = {
            stage: (policy.hours_for(stage) if policy else sla._DEFAULT_HOURS[stage])
            for stage in ("acknowledge", "first_response", "resolve", "follow_up")
        }
        team = self.org.team_spec[complaint.department_id]
        # 分单: automatic assignment gives ties to the same handler while the queue is quiet, so the
        # supervisor hands out part of the new complaints in turn.
        members = self.org.handlers[team.code]
        turn = members[self.turns[team.code] % len(members)]
        self.turns[team.code] += 1
        if turn.pk != handler.pk and rng.random() < 0.5:
            supervisor = self.org.team_login("supervisor", complaint.department_id)
            services.complaint_assign(complaint_id=cid, assignee_id=turn.pk, actor=supervisor)
            handler = turn
        st = _Story(complaint_id=cid, handler=handler, team=team, working=working, hours=hours)
        if p.target == Status.REGISTERED:
            return

        # 受理: acknowledge within the stage (or not), and send by hand what could not be e-mailed.
        t = self._later(
            p, p.registered_at, hours["acknowledge"] * self._share(p, self._pace(st)), working=working
        )
        yield t
        self._transition(cid, "acknowledge", st.handler)
        self._send_manual_messages(cid, st.handler)
        if p.target == Status.ACKNOWLEDGED:
            return

        t = self._later(
            p, t, rng.uniform(0.05, 0.4) * hours["first_response"] * self._pace(st) * 2, working=working
        )
        yield t
        self._transition(cid, "start_investigation", st.handler)

        round_ = 0
        st.goal = workcal.add_time(
            p.registered_at, hours["resolve"] * self._share(p, self._pace(st)), working=working
        )
        while True:
            t = yield from self._investigate(p, st, t, round_)
            if p.target == Status.INVESTIGATING and round_ == 0:
                return
            t, outcome = yield from self._solve(p, st, t, round_)
            if outcome == "stop":
                return
            t = self._later(p, t, rng.uniform(0.3, 3.0), working=st.working, goal=st.goal)
            if st.goal > t and (p.target == Status.CLOSED or st.goal < self.fit_limit):
                t = st.goal
            yield t
            self._transition(cid, "resolve", st.handler)
            if p.target == Status.AWAITING_FOLLOW_UP:
                if rng.random() < 0.3:
                    t = self._later(
                        p, t, hours["follow_up"] * self._share(p, self._pace(st)) * 0.5, working=working
                    )
                    yield t
                    services.follow_up_record(
                        complaint_id=cid,
                        actor=st.handler,
                        channel="phone",
                        reached=False,
                        comment=rng.choice(_FAILED_REACH),
                    )
                return
            t, outcome = yield from self._follow_up(p, st, t, round_)
            if outcome == "reopen":
                round_ += 1
                # Reopening restarts the resolve stage.
                st.goal = workcal.add_time(
                    t, hours["resolve"] * self._share(p, self._pace(st)), working=working
                )
                continue
            return

    def _pace(self, st: _Story) -> float:
        return self.org.profiles.get(st.handler.pk, AVERAGE).pace * st.team.pace

    def _profile(self, st: _Story) -> Profile:
        return self.org.profiles.get(st.handler.pk, AVERAGE)

    def _send_manual_messages(self, cid: int, actor: User) -> None:
        for msg_id in OutboundMessage.objects.filter(
            complaint_id=cid, state=OutboundMessage.State.MANUAL
        ).values_list("pk", flat=True):
            services.outbound_message_mark_sent(message_id=msg_id, actor=actor)

    def _investigate(
        self, p: Plan, st: _Story, t: dt.datetime, round_: int
    ) -> Generator[dt.datetime, None, dt.datetime]:
        rng, text, prof = p.rng, p.text, self._profile(st)
        cid = st.complaint_id
        if round_ == 0 and not Complaint.objects.filter(pk=cid, escalated=True).exists():
            chance = {"low": 0.0, "medium": 0.02, "high": 0.1, "critical": 0.4}[text.severity] * prof.escalate
            if p.channel == "social" or p.customer.get("special_group"):
                chance += 0.05
            if rng.random() < chance:
                t = self._later(p, t, rng.uniform(0.1, 1.0), working=st.working, goal=st.goal)
                yield t
                services.complaint_escalate(
                    complaint_id=cid, actor=st.handler, reason=corpus.handler_note(rng, "escalate")
                )
                st.escalated = True
                if st.handler.role == Role.HANDLER and rng.random() < 0.5:
                    t = self._later(p, t, rng.uniform(0.2, 2.0), working=st.working, goal=st.goal)
                    yield t
                    senior = self.org.team_login("senior", st.team_dept_id(self.org))
                    services.complaint_assign(
                        complaint_id=cid,
                        assignee_id=senior.pk,
                        actor=self.org.team_login("supervisor", st.team_dept_id(self.org)),
                    )
                    st.handler = senior
        notes = sum(rng.random() < prof.diligence * 0.6 for _ in range(2 if round_ == 0 else 1))
        for _ in range(notes):
            t = self._later(
                p, t, rng.uniform(0.2, 3.0) * self._pace(st) * 2, working=st.working, goal=st.goal
            )
            yield t
            services.complaint_add_note(
                complaint_id=cid, actor=st.handler, text=corpus.handler_note(rng, "investigating")
            )
        if round_ == 0 and rng.random() < 0.1 + 0.25 * prof.diligence:
            t = self._later(p, t, rng.uniform(0.2, 2.0), working=st.working, goal=st.goal)
            yield t
            services.evidence_add(
                complaint_id=cid, actor=st.handler, note=corpus.handler_note(rng, "evidence")
            )
        # Cross-department tasks (the first round asks the departments the case needs; a reopened case
        # sometimes goes back to one of them).
        # Many complaints the team settles alone; serious ones need one or two departments.
        wanted = list(zip(text.departments, text.task_titles, strict=False))
        if round_ == 0:
            weights = {
                "low": (60, 35, 5),
                "medium": (45, 45, 10),
                "high": (20, 55, 25),
                "critical": (10, 50, 40),
            }
            wanted = wanted[: rng.choices((0, 1, 2), weights=weights[text.severity])[0]]
        else:
            wanted = wanted[:1] if wanted and rng.random() < 0.4 else []
        opened: list[tuple[int, str, dt.datetime]] = []
        for code, title in wanted:
            dept = self.org.departments.get(code)
            if dept is None:
                continue
            t = self._later(p, t, rng.uniform(0.1, 1.0), working=st.working, goal=st.goal)
            yield t
            due = workcal.add_time(t, 16 if p.text.severity in ("low", "medium") else 8, working=True)
            task = services.task_open(
                complaint_id=cid,
                actor=st.handler,
                department_id=dept.pk,
                title=title,
                due_at=due,
                blocking=rng.random() < 0.88,
            )
            answer_at = workcal.add_time(
                t, _TASK_DELAY_HOURS.get(code, 8) * rng.lognormvariate(0, 0.6), working=True
            )
            opened.append((task.pk, code, answer_at))
        leave_open = p.target in (Status.INVESTIGATING,) and round_ == 0
        last = t
        for task_id, code, answer_at in sorted(opened, key=lambda x: x[2]):
            if leave_open and (answer_at > self.fit_limit or rng.random() < 0.5):
                continue
            if st.goal and answer_at > st.goal > last and rng.random() < 0.75:
                # Most departments answer in time for the handler's plan; the others make it late.
                answer_at = last + (st.goal - last) * rng.uniform(0.3, 0.8)
            if p.target != Status.CLOSED and answer_at > self.fit_limit:
                answer_at = self._later(p, last, 1.0)
            answer_at = max(answer_at, last)
            yield answer_at
            last = answer_at
            if rng.random() < 0.04:
                services.task_cancel(
                    task_id=task_id, actor=st.handler, reason="客户已撤回相关诉求，无需该部门继续核查"
                )
            else:
                services.task_answer(
                    task_id=task_id,
                    actor=self.org.user(f"liaison_{code}"),
                    answer=rng.choice(_TASK_ANSWERS.get(code, _TASK_ANSWERS["quality"])),
                )
        t = last
        if leave_open:
            return t
        if round_ == 0:
            t = self._later(
                p, t, rng.uniform(0.2, 2.5) * self._pace(st) * 2, working=st.working, goal=st.goal
            )
            yield t
            needs = _UNDERLYING_NEEDS.get(text.demand, ("",))
            services.complaint_record_findings(
                complaint_id=cid,
                actor=st.handler,
                root_cause=text.root_cause,
                responsibility=text.responsibility,
                underlying_need=rng.choice(needs),
            )
        return t

    def _items(
        self, p: Plan, st: _Story, *, scale: float = 1.0, above: Decimal | None = None
    ) -> list[CompensationLine]:
        tier = self.tiers.get(p.text.severity)
        allowed = list(tier.allowed_types) if tier else [t for t, _a in p.text.compensation]
        lines = [(t, Decimal(a) * Decimal(str(scale))) for t, a in p.text.compensation if t in allowed]
        if not lines:
            lines = (
                [("written_apology", Decimal(0))]
                if "written_apology" in allowed
                else [(allowed[0], Decimal(20))]
            )
        total = sum((a for _t, a in lines), Decimal(0))
        if tier is not None and total > tier.max_amount:
            factor = tier.max_amount / total
            lines = [(t, (a * factor).quantize(Decimal(1), rounding="ROUND_DOWN")) for t, a in lines]
            total = sum((a for _t, a in lines), Decimal(0))
        if above is not None and total <= above and tier is not None:
            low, high = int(above - total) + 1, int(tier.max_amount - total)
            if low <= high:
                money = "refund" if "refund" in allowed else "voucher"
                lines.append((money, Decimal(p.rng.randint(low, min(high, low + 2000)))))
        return [CompensationLine(type=t, amount=a.quantize(Decimal(1))) for t, a in lines]

    def _solve(
        self, p: Plan, st: _Story, t: dt.datetime, round_: int
    ) -> Generator[dt.datetime, None, tuple[dt.datetime, str]]:
        """Propose the solution; if it is above the proposer's authority, get a decision (and after a
        rejection, propose again). Returns (time, "resolving" | "stop")."""
        rng, cid = p.rng, st.complaint_id
        limit = self.limits.get(st.handler.role, Decimal(0))
        want_pending = p.target == Status.AWAITING_APPROVAL and round_ == 0
        scale = 1.0 if round_ == 0 else rng.uniform(0.3, 0.8)
        items = self._items(p, st, scale=scale, above=limit if want_pending else None)
        if not want_pending and rng.random() < 0.55:
            # Most handlers keep their offer within their own authority.
            items = self._cap(items, limit)
        for attempt in range(3):
            t = self._later(
                p, t, rng.uniform(0.3, 2.0) * self._pace(st) * 2, working=st.working, goal=st.goal
            )
            yield t
            proposal = services.compensation_propose(
                complaint_id=cid, actor=st.handler, solution=p.text.resolution, items=items
            )
            if proposal.state == CompensationProposal.State.APPROVED:
                break
            if want_pending:
                return t, "stop"
            approver = self._approver(proposal.approver_role, st)
            t = self._later(
                p,
                t,
                rng.lognormvariate(math.log(3.0), 0.7),
                working=True,
                goal=st.goal if rng.random() < 0.85 else None,
            )
            yield t
            approve = attempt > 0 or rng.random() < 0.8
            services.proposal_decide(
                proposal_id=proposal.pk,
                actor=approver,
                approve=approve,
                reason=corpus.approval_reason(rng, approve) if (not approve or rng.random() < 0.5) else "",
            )
            if approve:
                break
            st.rejected = True
            # Back to investigating: a smaller offer, usually within the handler's own authority.
            if rng.random() < 0.6:
                items = self._cap(items, limit)
            else:
                items = [
                    CompensationLine(
                        type=i.type, amount=(Decimal(i.amount) * Decimal("0.7")).quantize(Decimal(1))
                    )
                    for i in items
                ]
        if p.target in (Status.RESOLVING, Status.AWAITING_APPROVAL) and round_ == 0:
            return t, "stop"
        return t, "resolving"

    @staticmethod
    def _cap(items: list[CompensationLine], limit: Decimal) -> list[CompensationLine]:
        total = sum((Decimal(i.amount) for i in items), Decimal(0))
        if total <= limit or total == 0:
            return items
        factor = limit / total
        return [
            CompensationLine(
                type=i.type, amount=(Decimal(i.amount) * factor).quantize(Decimal(1), rounding="ROUND_DOWN")
            )
            for i in items
        ]

    def _approver(self, role: str, st: _Story) -> User:
        if role == Role.ADMIN:
            return self.org.user("admin")
        prefix = {Role.SENIOR_HANDLER: "senior", Role.SUPERVISOR: "supervisor"}.get(role, "supervisor")
        return self.org.team_login(prefix, st.team_dept_id(self.org))

    def _satisfaction(self, p: Plan, st: _Story, round_: int) -> int:
        rng, prof = p.rng, self._profile(st)
        x = {"low": 4.4, "medium": 4.05, "high": 3.6, "critical": 3.25}[p.text.severity]
        x += prof.care + st.team.care + rng.gauss(0, 0.8) + 0.7 * round_
        late = StageDeadline.objects.filter(complaint_id=st.complaint_id, overdue_at__isnull=False).count()
        x -= 0.45 * late
        if st.rejected:
            x -= 0.35
        if p.customer.get("special_group"):
            x += 0.1
        return max(1, min(5, round(x)))

    def _follow_up(
        self, p: Plan, st: _Story, t: dt.datetime, round_: int
    ) -> Generator[dt.datetime, None, tuple[dt.datetime, str]]:
        rng, cid = p.rng, st.complaint_id
        handler = st.handler
        t = self._later(p, t, st.hours["follow_up"] * self._share(p, self._pace(st)), working=st.working)
        reach = 0.78 if p.customer.get("special_group") == "elderly" else 0.87
        for _attempt in range(3):
            yield t
            channel = rng.choices(["phone", "app", "email", "web"], weights=[75, 12, 9, 4])[0]
            if channel == "email" and not p.customer.get("email"):
                channel = "phone"
            if rng.random() < reach:
                sat = self._satisfaction(p, st, round_)
                resolved = sat >= 3 and not (sat == 3 and rng.random() < 0.15)
                services.follow_up_record(
                    complaint_id=cid,
                    actor=handler,
                    channel=channel,
                    reached=True,
                    satisfaction=sat,
                    resolved=resolved,
                    comment=corpus.follow_up_comment(rng, sat),
                )
                break
            services.follow_up_record(
                complaint_id=cid,
                actor=handler,
                channel="phone",
                reached=False,
                comment=rng.choice(_FAILED_REACH),
            )
            t = self._later(p, t, rng.uniform(1, 5), working=True)
        else:
            # Three attempts without reaching the customer allow closing.
            t = self._later(p, t, rng.uniform(0.1, 1.0), working=True)
            yield t
            self._transition(cid, "close", handler, "三次回访均未联系上客户，按规定结案")
            return t, "closed"
        unsatisfied = not resolved or sat <= 2
        t = self._later(p, t, rng.uniform(0.05, 1.0), working=st.working)
        yield t
        if unsatisfied and round_ < 2 and rng.random() < 0.7:
            self._transition(cid, "reopen", handler, corpus.handler_note(rng, "reopen"))
            return t, "reopen"
        if unsatisfied:
            # The sweep may have escalated it meanwhile (an overdue stage).
            if not Complaint.objects.filter(pk=cid, escalated=True).exists():
                services.complaint_escalate(
                    complaint_id=cid, actor=handler, reason="回访客户仍不满意，提请主管处理"
                )
                st.escalated = True
                t = self._later(p, t, rng.uniform(1, 8), working=True)
                yield t
            supervisor = self.org.team_login("supervisor", st.team_dept_id(self.org))
            self._transition(cid, "close", supervisor, rng.choice(_SUPERVISOR_CLOSE))
            return t, "closed"
        self._transition(cid, "close", handler)
        # Now and then a customer calls back within the reopen window: the problem came back.
        callback = workcal.add_time(t + dt.timedelta(days=rng.uniform(1, 12)), 0, working=True)
        if (
            round_ < 2
            and rng.random() < (0.02 if sat >= 4 else 0.06)
            and callback - t < dt.timedelta(days=14)
        ):
            t = callback
            yield t
            services.follow_up_record(
                complaint_id=cid,
                actor=handler,
                channel="phone",
                reached=True,
                satisfaction=rng.choice([1, 2]),
                resolved=False,
                comment=corpus.follow_up_comment(rng, 2),
            )
            t = self._later(p, t, rng.uniform(0.1, 1.0), working=True)
            yield t
            self._transition(cid, "reopen", handler, corpus.handler_note(rng, "reopen"))
            return t, "reopen"
        return t, "closed"


@dataclass(frozen=True)
class _Due:
    """A moment at which a pending SLA stage warns or falls due: the sweep runs then."""

    complaint_id: int
    stage: str
    deadline: tuple[dt.datetime, dt.datetime]


@dataclass
class _Story:
    """What a complaint's generator remembers between its steps."""

    complaint_id: int
    handler: User
    team: TeamSpec
    working: bool
    hours: dict[str, float]
    escalated: bool = False
    rejected: bool = False
    goal: dt.datetime | None = None

    def team_dept_id(self, org: Org) -> int:
        return org.teams[self.team.code].pk


@contextlib.contextmanager
def _on_commit_keeps_clock() -> Iterator[None]:
    """Run each on-commit callback in the context (the frozen clock) of the step that queued it.

    The load commits once per batch of steps, long after the clock has moved on; without this, a
    message queued at 09:12 one March morning would be marked sent at today's date."""
    real = transaction.on_commit

    def on_commit(func, using=None, robust=False):
        ctx = contextvars.copy_context()
        return real(lambda: ctx.run(func), using=using, robust=robust)

    with mock.patch.object(transaction, "on_commit", on_commit):
        yield


class LoadTaskBackend(ImmediateBackend):
    """The task backend during a load: tasks run inline, as with ImmediateBackend, so no queue is left
    behind — except the e-mail copies of staff notifications. A year of back-dated notifications is not
    e-mailed to anyone: they stay in the app with ``emailed=False``, which is the truth, and the load
    saves the third of its time those e-mails took. Messages to customers are still sent (to the dummy
    mail backend) so that each carries the moment it left."""

    NOT_RUN = frozenset({"kesu.complaints.tasks.send_notification_email"})

    def enqueue(self, task, args, kwargs):
        if task.module_path in self.NOT_RUN:
            return None  # callers of .enqueue() in the services do not use the result
        return super().enqueue(task, args, kwargs)


@contextlib.contextmanager
def quiet_side_effects() -> Iterator[None]:
    """No real e-mail and no queued jobs during a load: mail goes nowhere, tasks run inline (and do
    not log two lines each)."""
    task_log = logging.getLogger("django_tasks")
    level = task_log.level
    task_log.setLevel(logging.WARNING)
    try:
        with override_settings(
            EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",
            TASKS={
                "default": {
                    "BACKEND": f"{LoadTaskBackend.__module__}.{LoadTaskBackend.__qualname__}",
                    "QUEUES": ["default", "mail"],
                }
            },
        ):
            yield
    finally:
        task_log.setLevel(level)


def load(
    *,
    seed: int = 1,
    complaints: int = 3000,
    months: int = 12,
    now: dt.datetime | None = None,
    strict: bool = False,
    progress: Callable[[str], None] = lambda _m: None,
) -> LoadStats:
    """Set up the organisation and load ``complaints`` complaints through the services."""
    now = now or timezone.now()
    org = organisation_setup()
    t0 = time.monotonic()
    plans = make_plans(org, seed=seed, count=complaints, months=months, now=now)
    progress(
        f"Planned {len(plans)} complaints in {time.monotonic() - t0:.1f} s; walking them through the desk ..."
    )
    workcal.invalidate_overrides()
    with quiet_side_effects(), _on_commit_keeps_clock():
        stats = _Simulation(org, plans, now=now, strict=strict, progress=progress).run()
    return stats
