"""Bulk demo load for benchmarks: a million complaints in minutes.

Unlike loader.py this path does not go through the services (a million complaints × a dozen service
calls would take hours); it writes rows with ``bulk_create`` in chunks, keeping what the rest of Kesu
relies on:

- numbers TS-YYYYMMDD-NNNN are unique, sequential per day in registration order, and DailySequence
  holds each day's last number so that complaints registered later do not collide;
- every complaint has a ``registered`` event and one ``transition`` event per status change up to its
  current status (no notes, tasks, proposals or follow-ups: the minimum that keeps the timeline true);
- open complaints have their StageDeadline rows, with the warning and overdue marks the sweep would
  have set (and its SLA events and escalation), and ``next_due_at`` / ``sla_warning`` / ``is_overdue``
  summarise them exactly as sla._summarise does; closed complaints have met every stage, so they have no
  deadline rows;
- about 8 % of complaints come from a customer who complained in the previous 30 days and are flagged
  and linked as repeats;
- primary keys are assigned here (so that children can point at parents without a round trip) and the
  database sequences are reset afterwards.

Texts come from a pool of generated complaints (corpus.complaint_text), sampled with replacement.
"""

from __future__ import annotations

import array
import bisect
import datetime as dt
import math
import random
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Count, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from kesu.common import workcal
from kesu.complaints import sla
from kesu.complaints.models import (
    Category,
    Channel,
    CompensationTier,
    Complaint,
    ComplaintEvent,
    Customer,
    DailySequence,
    DeskSettings,
    SlaPolicy,
    Stage,
    StageDeadline,
)
from kesu.complaints.workflow import Status
from kesu.demo import corpus, loader

CHUNK = 10_000
TEXT_POOL = 20_000
CUSTOMER_POOL = 5_000

# The path of statuses a complaint has walked to reach its current one (approval detour aside).
_PATH = [
    Status.REGISTERED,
    Status.ACKNOWLEDGED,
    Status.INVESTIGATING,
    Status.RESOLVING,
    Status.AWAITING_FOLLOW_UP,
    Status.CLOSED,
]
_ACTION_INTO = {
    Status.ACKNOWLEDGED: "acknowledge",
    Status.INVESTIGATING: "start_investigation",
    Status.AWAITING_APPROVAL: "request_approval",
    Status.AWAITING_FOLLOW_UP: "resolve",
    Status.CLOSED: "close",
}
_MOBILE_PREFIXES = (
    "130",
    "131",
    "132",
    "133",
    "135",
    "136",
    "137",
    "138",
    "139",
    "150",
    "151",
    "152",
    "155",
    "156",
    "157",
    "158",
    "159",
    "177",
    "180",
    "181",
    "182",
    "183",
    "185",
    "186",
    "187",
    "188",
    "189",
    "198",
    "199",
)
_TIERS = ("regular", "silver", "gold", "platinum", "diamond")
_SPECIALS = ("", "elderly", "disabled")
_SAT_BASE = {"low": 4.4, "medium": 4.05, "high": 3.6, "critical": 3.25}


@dataclass
class BulkStats:
    complaints: int = 0
    customers: int = 0
    events: int = 0
    deadlines: int = 0
    repeats: int = 0
    seconds: float = 0.0
    status: Counter | None = None


def _phone(i: int) -> str:
    """A distinct, well-formed mobile number for customer ``i`` (i < 29 × 10^8)."""
    prefix = _MOBILE_PREFIXES[i % len(_MOBILE_PREFIXES)]
    # 7919 is coprime with 10^8, so this permutes the suffixes: neighbours do not look sequential.
    return f"{prefix}{(i // len(_MOBILE_PREFIXES) * 7919 + 13_572_468) % 100_000_000:08d}"


def _next_ids(*models) -> list[int]:
    return [(m.objects.aggregate(m=Max("pk"))["m"] or 0) + 1 for m in models]


class _Loader:
    def __init__(
        self,
        org: loader.Org,
        *,
        seed: int,
        count: int,
        months: int,
        now: dt.datetime,
        progress: Callable[[str], None],
    ):
        self.org, self.count, self.now, self.progress = org, count, now, progress
        self.rng = random.Random(f"kesu-bulk:{seed}")
        self.start = now - dt.timedelta(days=round(months * 30.44))
        self.end = now - dt.timedelta(minutes=10)
        self.categories = {c.code: c.pk for c in Category.objects.all()}
        self.tiers = {t.severity: t for t in CompensationTier.objects.all()}
        self.ratio = float(DeskSettings.current().warning_ratio or Decimal("0.8"))
        self.policies: dict[tuple, SlaPolicy | None] = {}
        self.handlers = {code: [u.pk for u in users] for code, users in org.handlers.items()}
        self.profile_of = {
            pk: org.profiles.get(pk, loader.AVERAGE) for users in self.handlers.values() for pk in users
        }
        self.team_pk = {code: dept.pk for code, dept in org.teams.items()}
        self.stats = BulkStats()
        self.registered_msg = {
            ch: _("Registered via %(channel)s") % {"channel": Channel(ch).label} for ch in Channel.values
        }

    # ---- pools

    def _pools(self) -> None:
        t0 = time.monotonic()
        size = min(self.count, TEXT_POOL) or 1
        channels = self.rng.choices(
            list(loader.CHANNEL_WEIGHTS), weights=list(loader.CHANNEL_WEIGHTS.values()), k=size
        )
        loader.ensure_coverage(channels, list(loader.CHANNEL_WEIGHTS), list(range(size)))
        cats = [c for c, _n in corpus.CATEGORIES]
        categories = self.rng.choices(cats, weights=[corpus.CATEGORY_WEIGHTS[c] for c in cats], k=size)
        loader.ensure_coverage(categories, cats, list(range(size)))
        self.texts = []
        for ch, cat in zip(channels, categories, strict=True):
            text = corpus.complaint_text(
                self.rng, channel=ch, category=cat, today=timezone.localdate(self.now)
            )
            self.texts.append((ch, text, self._compensation(text)))
        self.customer_pool = [corpus.customer(self.rng) for _ in range(min(self.count, CUSTOMER_POOL) or 1)]
        self.progress(
            f"  text pool of {len(self.texts)} complaints and {len(self.customer_pool)} customer profiles "
            f"generated in {time.monotonic() - t0:.1f} s"
        )

    def _compensation(self, text: corpus.ComplaintText) -> Decimal:
        tier = self.tiers.get(text.severity)
        total = Decimal(sum(a for t, a in text.compensation if tier is None or t in tier.allowed_types))
        return min(total, tier.max_amount) if tier else total

    def _policy(self, category_id: int, severity: str, tier: str, special: bool) -> SlaPolicy | None:
        key = (category_id, severity, tier, special)
        if key not in self.policies:
            self.policies[key] = sla.policy_for(
                category_id=category_id, severity=severity, tier=tier, special_group=special
            )
        return self.policies[key]

    # ---- time

    def _days(self) -> list[tuple[dt.date, int]]:
        tz = timezone.get_default_timezone()
        first, last = timezone.localtime(self.start, tz).date(), timezone.localtime(self.end, tz).date()
        days = [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]
        weights = [loader.day_weight(d) for d in days]
        # Largest-remainder apportionment: exact total, deterministic, no million-element sample.
        total = sum(weights)
        raw = [self.count * w / total for w in weights]
        counts = [int(r) for r in raw]
        for i in sorted(range(len(days)), key=lambda i: raw[i] - counts[i], reverse=True)[
            : self.count - sum(counts)
        ]:
            counts[i] += 1
        return list(zip(days, counts, strict=True))

    def _day_times(self, day: dt.date, k: int) -> list[tuple[dt.datetime, int]]:
        """k (moment, text index) pairs for ``day``, sorted by moment."""
        tz = timezone.get_default_timezone()
        rng, out = self.rng, []
        n_texts = len(self.texts)
        for _i in range(k):
            ti = rng.randrange(n_texts)
            hour = rng.choices(range(24), weights=loader._HOURS[self.texts[ti][0]])[0]
            moment = dt.datetime.combine(day, dt.time(hour, rng.randrange(60), rng.randrange(60)), tzinfo=tz)
            moment = min(max(moment, self.start), self.end)
            out.append((moment, ti))
        out.sort(key=lambda x: x[0])
        return out

    # ---- the load

    def run(self) -> BulkStats:
        started = time.monotonic()
        self._pools()
        complaint_id, customer_id, event_id, deadline_id = _next_ids(
            Complaint, Customer, ComplaintEvent, StageDeadline
        )
        self.complaint_id, self.customer_id, self.event_id, self.deadline_id = (
            complaint_id,
            customer_id,
            event_id,
            deadline_id,
        )
        self.first_customer_id = customer_id
        # Tier and special group of the customers created so far, by id - first id (1 byte each).
        self.customer_tier = array.array("b")
        self.customer_special = array.array("b")
        # Recent complaints (registered, customer id, complaint id) for repeats within the window.
        self.window: list[tuple[dt.datetime, int, int]] = []
        self.window_days = DeskSettings.current().repeat_window_days
        sequences: list[DailySequence] = []
        pending: list[tuple[dt.datetime, int, str]] = []  # (moment, text index, number)
        done = 0
        last_report = time.monotonic()
        for day, k in self._days():
            if not k:
                continue
            for n, (moment, ti) in enumerate(self._day_times(day, k), start=1):
                pending.append((moment, ti, f"TS-{day:%Y%m%d}-{n:04d}"))
            sequences.append(DailySequence(day=day, last=k))
            while len(pending) >= CHUNK:
                self._write(pending[:CHUNK])
                del pending[:CHUNK]
                done += CHUNK
                if time.monotonic() - last_report > 3:
                    last_report = time.monotonic()
                    self._report(done, started)
        if pending:
            self._write(pending)
            done += len(pending)
        self._report(done, started)
        with transaction.atomic():
            DailySequence.objects.bulk_create(
                sequences,
                batch_size=1000,
                update_conflicts=True,
                unique_fields=["day"],
                update_fields=["last"],
            )
            self._reset_sequences()
        self.stats.seconds = time.monotonic() - started
        return self.stats

    def _report(self, done: int, started: float) -> None:
        elapsed = time.monotonic() - started
        self.progress(
            f"  {done:,} / {self.count:,} complaints, {self.stats.events:,} events "
            f"({done / elapsed if elapsed else 0:,.0f} complaints/s, {elapsed:.0f} s)"
        )

    @staticmethod
    def _reset_sequences() -> None:
        statements = connection.ops.sequence_reset_sql(
            no_style(), [Complaint, Customer, ComplaintEvent, StageDeadline]
        )
        if statements:
            with connection.cursor() as cursor:
                for sql in statements:
                    cursor.execute(sql)

    def _customer_for(self, moment: dt.datetime, customers: list[Customer]) -> tuple[int, int | None]:
        """(customer id, earlier complaint id if this is a repeat complaint)."""
        rng = self.rng
        roll = rng.random()
        if roll < 0.078 and self.window:
            earlier_at, cust_id, earlier = self.window[-1 - rng.randrange(min(len(self.window), 2000))]
            if moment - earlier_at < dt.timedelta(days=self.window_days - 1):
                return cust_id, earlier
        elif roll < 0.11 and self.customer_id - self.first_customer_id > 100:
            # A customer from long ago: known, and (almost always) not a repeat.
            old = rng.randrange(
                self.first_customer_id,
                self.first_customer_id + (self.customer_id - self.first_customer_id) // 2,
            )
            return old, None
        profile = self.customer_pool[rng.randrange(len(self.customer_pool))]
        cid = self.customer_id
        self.customer_id += 1
        email = ""
        if profile.get("email"):
            local, _at, domain = profile["email"].partition("@")
            email = f"{local}{cid}@{domain}"
        phone = _phone(cid)
        tier, special = profile.get("tier") or "regular", profile.get("special_group") or ""
        customers.append(
            Customer(
                id=cid,
                name=profile["name"],
                phone=phone,
                phone_normalized=phone,
                email=email,
                email_normalized=email.lower(),
                tier=tier,
                special_group=special,
                created_at=moment,
            )
        )
        self.customer_tier.append(_TIERS.index(tier))
        self.customer_special.append(_SPECIALS.index(special))
        return cid, None

    def _customer_meta(self, cust_id: int) -> tuple[str, str]:
        i = cust_id - self.first_customer_id
        return _TIERS[self.customer_tier[i]], _SPECIALS[self.customer_special[i]]

    def _write(self, chunk: list[tuple[dt.datetime, int, str]]) -> None:
        rng, now = self.rng, self.now
        customers: list[Customer] = []
        complaints: list[Complaint] = []
        events: list[ComplaintEvent] = []
        deadlines: list[StageDeadline] = []
        links = []
        Link = Complaint.earlier_complaints.through
        cutoff = chunk[0][0] - dt.timedelta(days=self.window_days)
        del self.window[: bisect.bisect_left(self.window, (cutoff,))]
        for moment, ti, number in chunk:
            channel, text, comp = self.texts[ti]
            cust_id, earlier = self._customer_for(moment, customers)
            tier, special = self._customer_meta(cust_id)
            pk = self.complaint_id
            self.complaint_id += 1
            team = self.org.team_of_category[text.category]
            handler = self.handlers[team][rng.randrange(len(self.handlers[team]))]
            prof = self.profile_of[handler]
            age = (now - moment).total_seconds() / 86400
            status = loader.target_status(rng, age)
            policy = self._policy(self.categories[text.category], text.severity, tier, bool(special))
            c = Complaint(
                id=pk,
                number=number,
                channel=channel,
                category_id=self.categories[text.category],
                severity=text.severity,
                customer_id=cust_id,
                title=text.title[:120],
                description=text.description,
                product=text.product[:120],
                order_ref=text.order_ref[:60],
                demand=text.demand,
                status=status,
                department_id=self.team_pk[team],
                assignee_id=handler,
                sla_policy=policy,
                registered_at=moment,
                registered_by_id=handler if channel in ("phone", "visit", "letter") else None,
                is_repeat=earlier is not None,
            )
            if earlier is not None:
                links.append(Link(from_complaint_id=pk, to_complaint_id=earlier))
                self.stats.repeats += 1
            self.window.append((moment, cust_id, pk))
            ev = [
                ComplaintEvent(
                    complaint_id=pk,
                    at=moment,
                    kind=ComplaintEvent.Kind.REGISTERED,
                    to_status=Status.REGISTERED,
                    message=self.registered_msg[channel],
                    actor_id=c.registered_by_id,
                )
            ]
            reached = self._walk(c, ev, prof, comp, text)
            if status != Status.CLOSED:
                self._deadlines(c, ev, deadlines, reached)
            c.version = len(ev)
            for e in ev:
                e.id = self.event_id
                self.event_id += 1
            events += ev
            complaints.append(c)
        with transaction.atomic():
            Customer.objects.bulk_create(customers, batch_size=2000)
            Complaint.objects.bulk_create(complaints, batch_size=1000)
            ComplaintEvent.objects.bulk_create(events, batch_size=4000)
            StageDeadline.objects.bulk_create(deadlines, batch_size=4000)
            Link.objects.bulk_create(links, batch_size=4000)
        self.stats.complaints += len(complaints)
        self.stats.customers += len(customers)
        self.stats.events += len(events)
        self.stats.deadlines += len(deadlines)

    def _walk(
        self,
        c: Complaint,
        ev: list[ComplaintEvent],
        prof: loader.Profile,
        comp: Decimal,
        text: corpus.ComplaintText,
    ) -> dict[str, dt.datetime]:
        """Timestamps, findings and transition events up to ``c.status``, all before now. Returns when
        each status was reached."""
        rng, status = self.rng, c.status
        reached: dict[str, dt.datetime] = {}
        if rng.random() < {"low": 0.01, "medium": 0.02, "high": 0.08, "critical": 0.25}[c.severity]:
            c.escalated = True
            at = c.registered_at + dt.timedelta(minutes=rng.randint(5, 120))
            if at < self.now:
                ev.append(
                    ComplaintEvent(
                        complaint_id=c.pk,
                        at=at,
                        actor_id=c.assignee_id,
                        kind=ComplaintEvent.Kind.ESCALATED,
                        message=corpus.handler_note(rng, "escalate"),
                    )
                )
            else:
                c.escalated = False
        target = (
            _PATH.index(status) if status != Status.AWAITING_APPROVAL else _PATH.index(Status.INVESTIGATING)
        )
        approval = status == Status.AWAITING_APPROVAL or (target >= 3 and comp > 200 and rng.random() < 0.6)
        # Natural-hour gaps scaled by the handler's pace; squeezed into the time left when needed.
        gaps = [
            rng.lognormvariate(math.log(1.5 * prof.pace / 0.5), 0.7),  # acknowledge
            rng.uniform(0.1, 2.0),  # start investigating
            rng.lognormvariate(math.log(40 * prof.pace / 0.5), 0.6),  # investigation and solution
            rng.lognormvariate(math.log(30), 0.7),  # carry out the solution
            rng.lognormvariate(math.log(24), 0.8),  # follow up and close
        ]
        span = sum(gaps[:target]) if target else 0
        available = (self.now - c.registered_at).total_seconds() / 3600 * 0.95
        if span > available and span > 0:
            gaps = [g * available / span for g in gaps]
        t = c.registered_at
        for step in range(1, target + 1):
            t = t + dt.timedelta(hours=gaps[step - 1])
            into = _PATH[step]
            if into == Status.RESOLVING:
                if approval:
                    half = t - dt.timedelta(hours=gaps[step - 1] * 0.3)
                    ev.append(
                        self._transition(
                            c, half, Status.INVESTIGATING, Status.AWAITING_APPROVAL, "request_approval"
                        )
                    )
                    ev.append(self._transition(c, t, Status.AWAITING_APPROVAL, Status.RESOLVING, "approve"))
                else:
                    ev.append(
                        self._transition(c, t, Status.INVESTIGATING, Status.RESOLVING, "start_resolution")
                    )
                c.resolution = text.resolution
                c.compensation_cost = comp
                continue
            ev.append(self._transition(c, t, _PATH[step - 1], into, _ACTION_INTO[into]))
            if into == Status.ACKNOWLEDGED:
                c.acknowledged_at = t
            elif into == Status.AWAITING_FOLLOW_UP:
                c.resolved_at = t
            elif into == Status.CLOSED:
                c.closed_at = t
                sat = round(_SAT_BASE[c.severity] + prof.care + rng.gauss(0, 0.8))
                c.satisfaction = max(1, min(5, sat))
                c.first_contact_resolution = not c.escalated
            reached[into] = t
        if status == Status.AWAITING_APPROVAL:
            left = (self.now - t).total_seconds() / 3600 * 0.9
            t = t + dt.timedelta(hours=min(gaps[2], left))
            ev.append(
                self._transition(c, t, Status.INVESTIGATING, Status.AWAITING_APPROVAL, "request_approval")
            )
            c.resolution = text.resolution
        if (
            target >= 3
            or status == Status.AWAITING_APPROVAL
            or (status == Status.INVESTIGATING and rng.random() < 0.5)
        ):
            c.root_cause, c.responsibility = text.root_cause, text.responsibility
        return reached

    @staticmethod
    def _transition(c: Complaint, at: dt.datetime, src: str, dst: str, action: str) -> ComplaintEvent:
        return ComplaintEvent(
            complaint_id=c.pk,
            at=at,
            actor_id=c.assignee_id,
            kind=ComplaintEvent.Kind.TRANSITION,
            from_status=src,
            to_status=dst,
            data={"action": action},
        )

    def _deadlines(
        self, c: Complaint, ev: list[ComplaintEvent], out: list[StageDeadline], times: dict[str, dt.datetime]
    ) -> None:
        """The stage deadlines of an open complaint, marked (with their events and the escalation) as
        the sweep would have marked them."""
        policy = c.sla_policy
        working = policy is None or policy.basis == SlaPolicy.Basis.WORKING
        met_on = {
            Stage.ACKNOWLEDGE: Status.ACKNOWLEDGED,
            Stage.FIRST_RESPONSE: Status.INVESTIGATING,
            Stage.RESOLVE: Status.AWAITING_FOLLOW_UP,
        }
        stages = [(s, c.registered_at) for s in (Stage.ACKNOWLEDGE, Stage.FIRST_RESPONSE, Stage.RESOLVE)]
        if c.status == Status.AWAITING_FOLLOW_UP:
            stages.append((Stage.FOLLOW_UP, c.resolved_at))
        pending_due, warned, overdue = [], False, False
        for stage, started in stages:
            hours = policy.hours_for(stage) if policy else sla._DEFAULT_HOURS[stage]
            due = workcal.add_time(started, hours, working=working)
            warn = workcal.add_time(started, hours * self.ratio, working=working)
            met = times.get(met_on.get(stage, ""))
            d = StageDeadline(
                id=self.deadline_id,
                complaint_id=c.pk,
                stage=stage,
                started_at=started,
                warn_at=warn,
                due_at=due,
                met_at=met,
            )
            self.deadline_id += 1
            if warn <= (met or self.now):
                d.warned_at = warn
                ev.append(
                    ComplaintEvent(
                        complaint_id=c.pk,
                        at=warn,
                        kind=ComplaintEvent.Kind.SLA_WARNING,
                        message=_("%(stage)s is due at %(due)s")
                        % {"stage": Stage(stage).label, "due": _fmt(due)},
                        data={"stage": stage, "due_at": due.isoformat()},
                    )
                )
            if due <= (met or self.now):
                d.overdue_at = due
                ev.append(
                    ComplaintEvent(
                        complaint_id=c.pk,
                        at=due,
                        kind=ComplaintEvent.Kind.SLA_OVERDUE,
                        message=_("%(stage)s overdue since %(due)s")
                        % {"stage": Stage(stage).label, "due": _fmt(due)},
                        data={"stage": stage, "due_at": due.isoformat()},
                    )
                )
                if not c.escalated:
                    c.escalated = True
                    ev.append(
                        ComplaintEvent(
                            complaint_id=c.pk,
                            at=due,
                            kind=ComplaintEvent.Kind.ESCALATED,
                            message=_("%(stage)s overdue") % {"stage": Stage(stage).label},
                        )
                    )
            if met is None:
                pending_due.append(due)
                warned = warned or d.warned_at is not None
                overdue = overdue or d.overdue_at is not None
            out.append(d)
        c.next_due_at = min(pending_due, default=None)
        c.sla_warning, c.is_overdue = warned, overdue
        ev.sort(key=lambda e: e.at)


def _fmt(value: dt.datetime) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")


def load(
    *,
    seed: int = 1,
    complaints: int = 1_000_000,
    months: int = 12,
    now: dt.datetime | None = None,
    progress: Callable[[str], None] = lambda _m: None,
) -> BulkStats:
    """Set up the organisation and bulk-insert ``complaints`` complaints."""
    org = loader.organisation_setup()
    workcal.invalidate_overrides()
    stats = _Loader(
        org, seed=seed, count=complaints, months=months, now=now or timezone.now(), progress=progress
    ).run()
    stats.status = Counter(dict(Complaint.objects.values_list("status").annotate(n=Count("id")).order_by()))
    return stats
