"""Bulk demo load for benchmarks: a million complaints in minutes.

Unlike loader.py this path does not go through the services (a million complaints × a dozen service
calls would take hours); it writes rows in chunks of 10,000 complaints, one transaction each, keeping
what the rest of Kesu relies on:

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

Rows are inserted with ``executemany`` on column lists taken from the models' fields rather than with
``bulk_create``: at this volume bulk_create spends about 80 % of the load building model instances and
compiling every value into SQL (measured on SQLite: ~1,400 complaints/s with bulk_create against ~5,000
with executemany). Values are adapted with the connection's own operations, so the same code runs
on SQLite and PostgreSQL.
"""

from __future__ import annotations

import array
import bisect
import contextlib
import datetime as dt
import itertools
import math
import random
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from types import SimpleNamespace

from django.core.management.color import no_style
from django.db import connection, models, transaction
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
    StageDeadline,
)
from kesu.complaints.models import Stage as StageChoices
from kesu.complaints.workflow import Status as StatusChoices
from kesu.demo import corpus, loader

# Plain strings, not TextChoices members: the values go straight to the database driver.
Status = SimpleNamespace(**{m.name: m.value for m in StatusChoices})
Stage = SimpleNamespace(**{m.name: m.value for m in StageChoices})

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
    Status.AWAITING_FOLLOW_UP: "resolve",
    Status.CLOSED: "close",
}
_MET_ON = {
    Stage.ACKNOWLEDGE: Status.ACKNOWLEDGED,
    Stage.FIRST_RESPONSE: Status.INVESTIGATING,
    Stage.RESOLVE: Status.AWAITING_FOLLOW_UP,
}
_MOBILE_PREFIXES = (
    "130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "155", "156", "157",
    "158", "159", "177", "180", "181", "182", "183", "185", "186", "187", "188", "189", "198", "199",
)  # fmt: skip
_TIERS = ("regular", "silver", "gold", "platinum", "diamond")
_SPECIALS = ("", "elderly", "disabled")
_SAT_BASE = {"low": 4.4, "medium": 4.05, "high": 3.6, "critical": 3.25}
# Plain strings (not the TextChoices members) go to the database driver.
_K = {k: str(ComplaintEvent.Kind(k).value) for k in ComplaintEvent.Kind.values}
_ESCALATION_RATE = {"low": 0.01, "medium": 0.02, "high": 0.08, "critical": 0.25}

COMPLAINT_FIELDS = (
    "id", "number", "channel", "category", "severity", "customer", "title", "description", "product",
    "order_ref", "demand", "underlying_need", "status", "escalated", "department", "assignee", "sla_policy",
    "next_due_at", "sla_warning", "is_overdue", "is_repeat", "root_cause", "responsibility", "resolution",
    "compensation_cost", "satisfaction", "reopen_count", "first_contact_resolution", "registered_at",
    "acknowledged_at", "resolved_at", "closed_at", "registered_by", "version", "updated_at",
)  # fmt: skip
EVENT_FIELDS = ("id", "complaint", "at", "actor", "kind", "from_status", "to_status", "message", "data")
CUSTOMER_FIELDS = (
    "id", "name", "phone", "phone_normalized", "email", "email_normalized", "id_number", "tier",
    "special_group", "created_at",
)  # fmt: skip
DEADLINE_FIELDS = (
    "id",
    "complaint",
    "stage",
    "started_at",
    "warn_at",
    "due_at",
    "warned_at",
    "overdue_at",
    "met_at",
)


class _Inserter:
    """INSERT rows given as sequences in the order of ``names`` (model field names): ``executemany``,
    or COPY on PostgreSQL, where a round trip per row would otherwise dominate the load."""

    def __init__(self, model: type[models.Model], names: tuple[str, ...]):
        fields = [model._meta.get_field(n) for n in names]
        qn = connection.ops.quote_name
        table = qn(model._meta.db_table)
        columns = ", ".join(qn(f.column) for f in fields)  # type: ignore[union-attr]
        placeholders = ", ".join(["%s"] * len(fields))
        self.sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"  # noqa: S608
        self.copy_sql = f"COPY {table} ({columns}) FROM STDIN"
        self.adapters = [_adapter(f) for f in fields]
        self.adapted = [i for i, a in enumerate(self.adapters) if a is not None]

    def __call__(self, cursor, rows: list[list]) -> None:
        if not rows:
            return
        adapters, adapted = self.adapters, self.adapted
        for row in rows:
            for i in adapted:
                if row[i] is not None:
                    row[i] = adapters[i](row[i])  # type: ignore[misc]
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(self.copy_sql) as copy:  # the psycopg cursor behind Django's
                for row in rows:
                    copy.write_row(row)
        else:
            cursor.executemany(self.sql, rows)


def _adapter(field) -> Callable | None:
    ops = connection.ops
    if isinstance(field, models.DateTimeField):
        if connection.vendor == "sqlite":
            # What SQLite's adapt_datetimefield_value does (UTC, naive, str), without its checks.
            utc = dt.UTC
            return lambda v: str(v.astimezone(utc).replace(tzinfo=None))
        return ops.adapt_datetimefield_value
    if isinstance(field, models.JSONField):
        return lambda v: ops.adapt_json_value(v, field.encoder)
    return None


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


def _next_ids(*model_classes) -> list[int]:
    return [(m.objects.aggregate(m=Max("pk"))["m"] or 0) + 1 for m in model_classes]


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
        self.stage_label = {s: str(StageChoices(s).label) for s in StageChoices.values}
        self.insert_complaints = _Inserter(Complaint, COMPLAINT_FIELDS)
        self.insert_events = _Inserter(ComplaintEvent, EVENT_FIELDS)
        self.insert_customers = _Inserter(Customer, CUSTOMER_FIELDS)
        self.insert_deadlines = _Inserter(StageDeadline, DEADLINE_FIELDS)
        self.insert_links = _Inserter(
            Complaint.earlier_complaints.through, ("from_complaint", "to_complaint")
        )

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
        today = timezone.localdate(self.now)
        self.texts = []
        for ch, cat in zip(channels, categories, strict=True):
            text = corpus.complaint_text(self.rng, channel=ch, category=cat, today=today)
            self.texts.append((ch, text, self._compensation(text)))
        self.customer_pool = [corpus.customer(self.rng) for _i in range(min(self.count, CUSTOMER_POOL) or 1)]
        self.progress(
            f"  text pool of {len(self.texts):,} complaints and {len(self.customer_pool):,} customer profiles "
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
        short = self.count - sum(counts)
        for i in sorted(range(len(days)), key=lambda i: raw[i] - counts[i], reverse=True)[:short]:
            counts[i] += 1
        return list(zip(days, counts, strict=True))

    def _day_times(self, day: dt.date, k: int) -> list[tuple[dt.datetime, int]]:
        """k (moment, text index) pairs for ``day``, sorted by moment."""
        tz = timezone.get_default_timezone()
        rng, out = self.rng, []
        n_texts = len(self.texts)
        cum = {ch: list(itertools.accumulate(w)) for ch, w in loader._HOURS.items()}
        midnight = dt.datetime.combine(day, dt.time(0, 0), tzinfo=tz)
        for _i in range(k):
            ti = rng.randrange(n_texts)
            hour = rng.choices(range(24), cum_weights=cum[self.texts[ti][0]])[0]
            moment = midnight + dt.timedelta(hours=hour, seconds=rng.randrange(3600))
            moment = min(max(moment, self.start), self.end)
            out.append((moment, ti))
        out.sort(key=lambda x: x[0])
        return out

    # ---- the load

    def run(self) -> BulkStats:
        started = time.monotonic()
        self._pools()
        ids = _next_ids(Complaint, Customer, ComplaintEvent, StageDeadline)
        self.complaint_id, self.customer_id, self.event_id, self.deadline_id = ids
        self.first_customer_id = self.customer_id
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
        with _fast_sqlite():
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
                    if time.monotonic() - last_report > 5:
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

    def _customer_for(self, moment: dt.datetime, customers: list[list]) -> tuple[int, int | None]:
        """(customer id, earlier complaint id if this is a repeat complaint)."""
        rng = self.rng
        roll = rng.random()
        if roll < 0.078:
            first = bisect.bisect_left(self.window, (moment - dt.timedelta(days=self.window_days - 1),))
            first = max(first, len(self.window) - 2000)
            if first < len(self.window):
                _at, cust_id, earlier = self.window[rng.randrange(first, len(self.window))]
                return cust_id, earlier
        elif roll < 0.11 and self.customer_id - self.first_customer_id > 100:
            # A customer from long ago: known, and (almost always) not a repeat.
            seen = self.customer_id - self.first_customer_id
            return self.first_customer_id + rng.randrange(seen // 2), None
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
            [cid, profile["name"], phone, phone, email, email.lower(), "", tier, special, moment]
        )
        self.customer_tier.append(_TIERS.index(tier))
        self.customer_special.append(_SPECIALS.index(special))
        return cid, None

    def _customer_meta(self, cust_id: int) -> tuple[str, str]:
        i = cust_id - self.first_customer_id
        if i < 0:  # a customer from before this load
            return "regular", ""
        return _TIERS[self.customer_tier[i]], _SPECIALS[self.customer_special[i]]

    def _write(self, chunk: list[tuple[dt.datetime, int, str]]) -> None:
        rng, now = self.rng, self.now
        customers: list[list] = []
        complaints: list[list] = []
        events: list[list] = []
        deadlines: list[list] = []
        links: list[list] = []
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
            policy = self._policy(self.categories[text.category], text.severity, tier, bool(special))
            c = _Complaint(
                id=pk,
                number=number,
                channel=channel,
                severity=text.severity,
                status=loader.target_status(rng, age),
                assignee=handler,
                policy=policy,
                registered_at=moment,
            )
            registered_by = handler if channel in ("phone", "visit", "letter") else None
            if earlier is not None:
                links.append([pk, earlier])
                self.stats.repeats += 1
            self.window.append((moment, cust_id, pk))
            ev: list[list] = [
                [None, pk, moment, registered_by, _K["registered"], "", Status.REGISTERED,
                 self.registered_msg[channel], {}]
            ]  # fmt: skip
            reached = self._walk(c, ev, prof, comp, text)
            if c.status != Status.CLOSED:
                self._deadlines(c, ev, deadlines, reached)
            ev.sort(key=lambda e: e[2])
            for e in ev:
                e[0] = self.event_id
                self.event_id += 1
            events += ev
            complaints.append([
                pk, number, channel, self.categories[text.category], text.severity, cust_id, text.title[:120],
                text.description, text.product[:120], text.order_ref[:60], text.demand, "", c.status, c.escalated,
                self.team_pk[team], handler, policy.pk if policy else None, c.next_due_at, c.sla_warning,
                c.is_overdue, earlier is not None, c.root_cause, c.responsibility, c.resolution, c.compensation_cost,
                c.satisfaction, 0, c.first_contact_resolution, moment, c.acknowledged_at, c.resolved_at,
                c.closed_at, registered_by, len(ev), now,
            ])  # fmt: skip
        with transaction.atomic(), connection.cursor() as cursor:
            self.insert_customers(cursor, customers)
            self.insert_complaints(cursor, complaints)
            self.insert_events(cursor, events)
            self.insert_deadlines(cursor, deadlines)
            self.insert_links(cursor, links)
        self.stats.complaints += len(complaints)
        self.stats.customers += len(customers)
        self.stats.events += len(events)
        self.stats.deadlines += len(deadlines)

    def _walk(
        self, c: _Complaint, ev: list[list], prof: loader.Profile, comp: Decimal, text: corpus.ComplaintText
    ) -> dict[str, dt.datetime]:
        """Timestamps, findings and transition events up to ``c.status``, all before now. Returns when
        each status was reached."""
        rng, status = self.rng, c.status
        reached: dict[str, dt.datetime] = {}
        if rng.random() < _ESCALATION_RATE[c.severity]:
            at = c.registered_at + dt.timedelta(minutes=rng.randint(5, 120))
            if at < self.now:
                c.escalated = True
                ev.append([None, c.id, at, c.assignee, _K["escalated"], "", "",
                           corpus.handler_note(rng, "escalate"), {}])  # fmt: skip
        investigating = _PATH.index(Status.INVESTIGATING)
        target = _PATH.index(status) if status != Status.AWAITING_APPROVAL else investigating
        approval = status == Status.AWAITING_APPROVAL or (target >= 3 and comp > 200 and rng.random() < 0.6)
        # Natural-hour gaps scaled by the handler's pace; squeezed into the time left when needed.
        gaps = [
            rng.lognormvariate(math.log(1.5 * prof.pace / 0.5), 0.7),  # acknowledge
            rng.uniform(0.1, 2.0),  # start investigating
            rng.lognormvariate(math.log(40 * prof.pace / 0.5), 0.6),  # investigation and solution
            rng.lognormvariate(math.log(30), 0.7),  # carry out the solution
            rng.lognormvariate(math.log(24), 0.8),  # follow up and close
        ]
        span = sum(gaps[:target]) + (gaps[2] if status == Status.AWAITING_APPROVAL else 0)
        available = (self.now - c.registered_at).total_seconds() / 3600 * 0.95
        if span > available:
            gaps = [g * available / span for g in gaps]
        t = c.registered_at
        for step in range(1, target + 1):
            t = t + dt.timedelta(hours=gaps[step - 1])
            into = _PATH[step]
            if into == Status.RESOLVING:
                if approval:
                    asked = t - dt.timedelta(hours=gaps[step - 1] * 0.3)
                    ev.append(
                        self._transition(
                            c, asked, Status.INVESTIGATING, Status.AWAITING_APPROVAL, "request_approval"
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
            t = t + dt.timedelta(hours=gaps[2])
            ev.append(
                self._transition(c, t, Status.INVESTIGATING, Status.AWAITING_APPROVAL, "request_approval")
            )
            c.resolution = text.resolution
        if (
            target > investigating
            or status == Status.AWAITING_APPROVAL
            or (target == investigating and rng.random() < 0.5)
        ):
            c.root_cause, c.responsibility = text.root_cause, text.responsibility
        return reached

    @staticmethod
    def _transition(c: _Complaint, at: dt.datetime, src: str, dst: str, action: str) -> list:
        return [None, c.id, at, c.assignee, _K["transition"], src, dst, "", {"action": action}]

    def _deadlines(
        self, c: _Complaint, ev: list[list], out: list[list], times: dict[str, dt.datetime]
    ) -> None:
        """The stage deadlines of an open complaint, marked (with their events and the escalation) as
        the sweep would have marked them."""
        policy = c.policy
        working = policy is None or policy.basis == SlaPolicy.Basis.WORKING
        stages = [(s, c.registered_at) for s in (Stage.ACKNOWLEDGE, Stage.FIRST_RESPONSE, Stage.RESOLVE)]
        if c.status == Status.AWAITING_FOLLOW_UP:
            stages.append((Stage.FOLLOW_UP, c.resolved_at))
        pending_due = []
        for stage, started in stages:
            hours = policy.hours_for(stage) if policy else sla._DEFAULT_HOURS[stage]
            due = workcal.add_time(started, hours, working=working)
            warn = workcal.add_time(started, hours * self.ratio, working=working)
            met = times.get(_MET_ON.get(stage, ""))
            until = met or self.now
            warned = warn if warn <= until else None
            overdue = due if due <= until else None
            label = self.stage_label[stage]
            if warned:
                ev.append([None, c.id, warn, None, _K["sla_warning"], "", "",
                           _("%(stage)s is due at %(due)s") % {"stage": label, "due": _fmt(due)},
                           {"stage": stage, "due_at": due.isoformat()}])  # fmt: skip
            if overdue:
                ev.append([None, c.id, due, None, _K["sla_overdue"], "", "",
                           _("%(stage)s overdue since %(due)s") % {"stage": label, "due": _fmt(due)},
                           {"stage": stage, "due_at": due.isoformat()}])  # fmt: skip
                if not c.escalated:
                    c.escalated = True
                    ev.append([None, c.id, due, None, _K["escalated"], "", "",
                               _("%(stage)s overdue") % {"stage": label}, {}])  # fmt: skip
            if met is None:
                pending_due.append(due)
                c.sla_warning = c.sla_warning or warned is not None
                c.is_overdue = c.is_overdue or overdue is not None
            out.append([self.deadline_id, c.id, stage, started, warn, due, warned, overdue, met])
            self.deadline_id += 1
        c.next_due_at = min(pending_due, default=None)


class _Complaint:
    """The fields of one complaint that the walk decides (a plain object: no model instance)."""

    __slots__ = (
        "id", "number", "channel", "severity", "status", "assignee", "policy", "registered_at", "escalated",
        "acknowledged_at", "resolved_at", "closed_at", "satisfaction", "first_contact_resolution", "root_cause",
        "responsibility", "resolution", "compensation_cost", "next_due_at", "sla_warning", "is_overdue",
    )  # fmt: skip

    def __init__(self, *, id, number, channel, severity, status, assignee, policy, registered_at):  # noqa: A002
        self.id, self.number, self.channel, self.severity, self.status = id, number, channel, severity, status
        self.assignee, self.policy, self.registered_at = assignee, policy, registered_at
        self.escalated = self.sla_warning = self.is_overdue = False
        self.acknowledged_at = self.resolved_at = self.closed_at = self.next_due_at = None
        self.satisfaction = self.first_contact_resolution = None
        self.root_cause = self.responsibility = self.resolution = ""
        self.compensation_cost = Decimal(0)


@contextlib.contextmanager
def _fast_sqlite():
    """A bigger page cache for the load: the indexes of a million rows do not fit SQLite's default 2 MB,
    and every insert would then read index pages back from the OS. Per connection, not persistent."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        before = cursor.fetchone()[0]
        cursor.execute("PRAGMA cache_size = -262144")  # 256 MiB
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(before)}")


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
