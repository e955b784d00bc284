"""Writes on the complaint desk.

Invariants:
- ``complaint_transition`` is the only function that writes ``Complaint.status``. It locks the row,
  checks the transition table in workflow.py and the guards below, bumps ``version`` and writes a
  timeline event in the same transaction.
- Every service that changes a complaint records a ComplaintEvent in its transaction. Services that
  change the complaint's own fields bump ``version``; callers that pass ``expected_version`` get
  ConcurrentEdit instead of overwriting a change made since they read the complaint. Notes and evidence
  only append, so they leave ``version`` alone: adding a note must not invalidate a colleague's form.
- Guards: a solution needs root cause and responsibility; a proposal above the proposer's authority
  waits for approval by the lowest role whose limit covers it; resolving needs an approved proposal and
  no open blocking department task; closing needs a follow-up that reached the customer in this round
  (and a satisfied one, unless a supervisor closes) or N failed attempts; reopening needs an
  unsatisfied follow-up and happens within the reopen window.
- E-mails and notifications leave only after commit (tasks take ids and are idempotent).
- Complaint numbers are unique and increase within a day; a registration that fails after taking its
  number leaves a gap.
- Registration stores the complaint; its intake work (repeat link, SLA timers, assignment, triage,
  acknowledgement) runs in the same transaction, or — ``defer=True``, the API — later: the flag
  ``intake_pending`` is the outbox, drained in batches by the ``intake_pump`` task (enqueued by the
  worker's scheduler while pending complaints exist), by the SLA sweep task, or by the first ``_lock``
  of the complaint. It is the same work either way, as of the registration time, and does not bump
  ``version``.
- Triage (complaints/triage.py) is part of the intake work and can never make registration fail: an
  engine failure stores a degraded analysis. Flags never change the severity; a flag listed
  in KESU_TRIAGE_ESCALATE_FLAGS (privacy leak, safety) escalates the complaint to the supervisors.
  ``complaint_confirm_category`` is the only writer of Complaint.category after registration and of the
  confirmation fields of ComplaintTriage (the category model's training data).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from kesu.accounts.models import AuthorityLimit, Department, User
from kesu.accounts.roles import APPROVAL_LADDER, Cap, Role, can
from kesu.common import clock
from kesu.common.errors import ConcurrentEdit, NotFound, NotPermitted, TransitionRefused, ValidationFailed
from kesu.common.prepared import InsertChain, PreparedInsert, PreparedRead
from kesu.complaints import refcache, sla, triage
from kesu.complaints.models import (
    OPEN_Q,
    Category,
    Channel,
    CompensationItem,
    CompensationProposal,
    CompensationTier,
    CompensationType,
    Complaint,
    ComplaintEvent,
    ComplaintTriage,
    Customer,
    CustomerTier,
    DailySequence,
    Demand,
    DepartmentTask,
    DeskSettings,
    Evidence,
    FollowUp,
    IdempotencyRecord,
    Notification,
    OutboundMessage,
    PiiAccessLog,
    Responsibility,
    Severity,
    SpecialGroup,
    Stage,
)
from kesu.complaints.validation import check_text, check_upload, normalize_email, normalize_phone
from kesu.complaints.workflow import (
    STAGE_MET_ON_ENTRY,
    STAGES_STARTED_ON_ENTRY,
    TRANSITIONS,
    Action,
    Status,
    target_of,
)

log = logging.getLogger(__name__)
HANDLER_ROLES = (Role.HANDLER, Role.SENIOR_HANDLER)


# --------------------------------------------------------------------------------------------------
# Input shapes (plain data: views, the API and the demo loader build these)


@dataclass(frozen=True)
class CustomerInput:
    name: str
    phone: str = ""
    email: str = ""
    id_number: str = ""
    tier: str = CustomerTier.REGULAR
    special_group: str = SpecialGroup.NONE


@dataclass(frozen=True)
class ComplaintInput:
    channel: str
    category_code: str
    title: str
    description: str
    customer: CustomerInput
    severity: str = Severity.MEDIUM
    product: str = ""
    order_ref: str = ""
    demand: str = ""
    attachments: Sequence = field(default_factory=tuple)


# --------------------------------------------------------------------------------------------------
# Helpers


def _lock(complaint_id: int) -> Complaint:
    try:
        # The row alone: most steps never read the customer, category or SLA policy, and joining them
        # on every lock cost a sixth of a demo load's time. Those that do fetch them on first access.
        complaint = Complaint.objects.select_for_update().get(pk=complaint_id)
    except Complaint.DoesNotExist:
        raise NotFound(_("Complaint not found.")) from None
    if complaint.intake_pending:
        # Its registration's follow-up work has not run yet (task still queued): do it now, under this
        # lock, so that no step ever acts on a complaint without its timers, assignee or triage.
        _finish_intake_locked([complaint], clear_flag=True)
    return complaint


def _check_version(complaint: Complaint, expected_version: int | None) -> None:
    if expected_version is not None and expected_version != complaint.version:
        raise ConcurrentEdit(
            _(
                "Complaint %(number)s was changed by someone else while you were working on it. "
                "Reload it to see the change, then try again."
            )
            % {"number": complaint.number},
            details={"current_version": complaint.version},
        )


# Rows every registration writes (kesu.common.prepared: the statements built once per process). Timeline
# events are append-only, so every service writes them this way too.
_REGISTRATION_ROWS = InsertChain()
_INSERT_EVENT = PreparedInsert(ComplaintEvent)


def _bump(complaint: Complaint, *fields: str) -> None:
    complaint.version += 1
    complaint.save(update_fields=[*fields, "version", "updated_at"])


def _event(
    complaint: Complaint, kind: str, *, actor: User | None, at: dt.datetime, message: str = "", **extra: Any
) -> ComplaintEvent:
    return _INSERT_EVENT.insert(_event_row(complaint, kind, actor=actor, at=at, message=message, **extra))


def _event_row(
    complaint: Complaint | None,
    kind: str,
    *,
    actor: User | None,
    at: dt.datetime,
    message: str = "",
    **extra: Any,
) -> ComplaintEvent:
    """A timeline event, not yet written (``complaint`` None: linked by the caller's InsertChain)."""
    return ComplaintEvent(
        complaint=complaint,
        at=at,
        actor=actor,
        kind=kind,
        message=message,
        from_status=extra.pop("from_status", ""),
        to_status=extra.pop("to_status", ""),
        data=extra,
    )


def can_handle(user: User, complaint: Complaint) -> bool:
    if not can(user, Cap.HANDLE):
        return False
    if can(user, Cap.READ_ALL):
        return True
    return complaint.department_id == user.department_id


def _require_handle(user: User, complaint: Complaint) -> None:
    if not can_handle(user, complaint):
        raise NotPermitted(_("You may not work on complaint %(number)s.") % {"number": complaint.number})


def authority_limit(role: str) -> Decimal:
    limit = AuthorityLimit.objects.filter(role=role).values_list("max_amount", flat=True).first()
    return limit if limit is not None else Decimal("0")


def _money(value: object) -> Decimal:
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        raise ValidationFailed(
            _("Enter an amount in yuan, e.g. 50 or 49.90."), details={"field": "amount"}
        ) from None
    if amount < 0 or amount > Decimal("10000000"):
        raise ValidationFailed(
            _("The amount must be between 0 and 10,000,000 yuan."), details={"field": "amount"}
        )
    return amount


def team_supervisors(complaint: Complaint) -> list[User]:
    users = list(
        User.objects.filter(is_active=True, role=Role.SUPERVISOR, department_id=complaint.department_id)
    )
    return users or list(User.objects.filter(is_active=True, role=Role.ADMIN))


# --------------------------------------------------------------------------------------------------
# Notifications and messages (rows now, delivery after commit)


def notify(
    *,
    users: Iterable[User | None],
    complaint: Complaint | None,
    kind: str,
    message: str,
    link: str = "",
) -> list[Notification]:
    """In-app notifications (and their e-mails after commit). ``link`` is a site path for notifications
    that are not about a complaint (the academy's); it must come from ``reverse()``, never from input."""
    at = clock.now()
    created = []
    seen: set[int] = set()
    for user in users:
        if user is None or user.pk in seen or not user.is_active:
            continue
        seen.add(user.pk)
        created.append(
            Notification(
                user=user, complaint=complaint, kind=kind, message=message[:300], link=link, created_at=at
            )
        )
    if created:
        Notification.objects.bulk_create(created)
        from kesu.complaints import tasks

        ids = [n.pk for n in created]

        def enqueue() -> None:
            # One transaction for the batch: with the database task backend that is one commit.
            with transaction.atomic():
                for i in ids:
                    tasks.send_notification_email.enqueue(i)

        transaction.on_commit(enqueue)
    return created


def _notify_many(alerts: Sequence[tuple[Iterable[User | None], Complaint | None, str, str]]) -> None:
    """``notify()`` for several (users, complaint, kind, message) at once: one insert, one enqueue."""
    at = clock.now()
    created = []
    for users, complaint, kind, message in alerts:
        seen: set[int] = set()
        for user in users:
            if user is None or user.pk in seen or not user.is_active:
                continue
            seen.add(user.pk)
            created.append(
                Notification(user=user, complaint=complaint, kind=kind, message=message[:300], created_at=at)
            )
    if not created:
        return
    Notification.objects.bulk_create(created)
    from kesu.complaints import tasks

    ids = [n.pk for n in created]

    def enqueue() -> None:
        with transaction.atomic():
            for i in ids:
                tasks.send_notification_email.enqueue(i)

    transaction.on_commit(enqueue)


def message_to_customer(
    *,
    complaint: Complaint,
    subject: str,
    body: str,
    actor: User | None = None,
    event_data: dict[str, Any] | None = None,
) -> OutboundMessage:
    """E-mail the customer when an address is known; otherwise record it for the handler to send by hand.
    ``event_data`` is kept with the timeline event (e.g. the coaching of a handler's reply)."""
    at = clock.now()
    email = complaint.customer.email
    msg = OutboundMessage.objects.create(
        complaint=complaint,
        channel=Channel.EMAIL if email else Channel.PHONE,
        recipient=email or complaint.customer.phone,
        subject=subject,
        body=body,
        state=OutboundMessage.State.QUEUED if email else OutboundMessage.State.MANUAL,
        created_at=at,
    )
    _event(
        complaint,
        ComplaintEvent.Kind.MESSAGE,
        actor=actor,
        at=at,
        message=subject if email else _("To send by hand: %(subject)s") % {"subject": subject},
        message_id=msg.pk,
        **(event_data or {}),
    )
    if email:
        from kesu.complaints import tasks

        transaction.on_commit(lambda: tasks.send_outbound_message.enqueue(msg.pk))
    return msg


def outbound_message_mark_sent(*, message_id: int, actor: User) -> OutboundMessage:
    with transaction.atomic():
        msg = OutboundMessage.objects.select_for_update().select_related("complaint").get(pk=message_id)
        _require_handle(actor, msg.complaint)
        if msg.state != OutboundMessage.State.MANUAL:
            raise TransitionRefused(_("This message is not waiting to be sent by hand."))
        msg.state = OutboundMessage.State.SENT_MANUALLY
        msg.sent_at = clock.now()
        msg.save(update_fields=["state", "sent_at"])
        _event(
            msg.complaint,
            ComplaintEvent.Kind.MESSAGE,
            actor=actor,
            at=msg.sent_at,
            message=_("Sent by hand: %(subject)s") % {"subject": msg.subject},
            message_id=msg.pk,
        )
    return msg


def notification_mark_read(*, user: User, notification_ids: Sequence[int] | None = None) -> int:
    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if notification_ids is not None:
        qs = qs.filter(pk__in=notification_ids)
    return qs.update(read_at=clock.now())


# --------------------------------------------------------------------------------------------------
# Registration


def _next_number(at: dt.datetime) -> str:
    """The day's next complaint number, from one upsert statement (the first of the day creates the row).

    Outside a transaction (the API and form paths) it commits on its own, so the sequence row is locked
    only for that one statement; on PostgreSQL that commit is asynchronous (no wait for the WAL flush):
    the registration that uses the number commits synchronously afterwards, and flushing its commit
    record flushes the increment before it, so a crash can lose an increment only together with every
    complaint that used it — numbers are never handed out twice. Inside a caller's transaction it is a
    plain statement of that transaction. A registration that fails after taking its number leaves a gap.
    """
    day = timezone.localtime(at).date()
    qn = connection.ops.quote_name
    table, last, day_col = qn(DailySequence._meta.db_table), qn("last"), qn("day")
    upsert = (
        f"INSERT INTO {table} ({day_col}, {last}) {{values}} "
        f"ON CONFLICT ({day_col}) DO UPDATE SET {last} = {table}.{last} + 1 RETURNING {last}"
    )
    # Identifiers are the model's own, quoted; the day is a parameter.
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        async_commit = "WITH a AS (SELECT set_config('synchronous_commit', 'off', true)) "
        sql = async_commit + upsert.format(values="SELECT %s, 1 FROM a")
    else:
        sql = upsert.format(values="VALUES (%s, 1)")
    with connection.cursor() as cur:
        cur.execute(sql, [connection.ops.adapt_datefield_value(day)])
        (n,) = cur.fetchone()
    return f"TS-{day:%Y%m%d}-{n:04d}"


def _customer_match(data: CustomerInput, *, phone: str, email: str) -> tuple[Customer, list[str]]:
    """The customer a registration is for: a known one with what is new filled in (and the names of the
    fields to save), or a new, unsaved one."""
    # One read for both keys: the phone match wins, then the e-mail match (each the oldest customer).
    if phone and email:
        candidates = _CUSTOMER_BY_PHONE_OR_EMAIL.objects(phone=phone, email=email.lower())
    elif phone:
        candidates = _CUSTOMER_BY_PHONE.objects(phone=phone)
    else:
        candidates = _CUSTOMER_BY_EMAIL.objects(email=email.lower())
    existing = None
    for c in candidates:
        if phone and c.phone_normalized == phone:
            existing = c
            break
        if existing is None:
            existing = c
    if existing is None:
        new = Customer(
            name=data.name,
            phone=phone,
            phone_normalized=phone,
            email=email,
            email_normalized=email.lower(),
            id_number=data.id_number,
            tier=data.tier,
            special_group=data.special_group,
        )
        return new, []
    # A returning customer: keep what we knew and fill in what is new.
    changed = []
    for attr, value in (("name", data.name), ("email", email), ("id_number", data.id_number)):
        if value and getattr(existing, attr) != value:
            setattr(existing, attr, value)
            changed.append(attr)
    if email and existing.email_normalized != email.lower():
        existing.email_normalized = email.lower()
        changed.append("email_normalized")
    if phone and not existing.phone:
        existing.phone, existing.phone_normalized = phone, phone
        changed += ["phone", "phone_normalized"]
    if data.special_group and existing.special_group != data.special_group:
        existing.special_group = data.special_group
        changed.append("special_group")
    if data.tier != CustomerTier.REGULAR and existing.tier != data.tier:
        existing.tier = data.tier
        changed.append("tier")
    return existing, changed


def _pick_team(category: Category) -> Department:
    teams = refcache.complaint_teams()
    if not teams:
        raise ValidationFailed(
            _("No complaint team is set up. An administrator must create one."), code="no_team"
        )
    for team in teams:
        if category.code in (team.handles_categories or []):
            return team
    generalists = [t for t in teams if not t.handles_categories]
    return (generalists or teams)[0]


# The choices registration checks (an enum's .values builds a new list on every access).
_CHANNELS = frozenset(Channel.values)
_SEVERITIES = frozenset(Severity.values)
_DEMANDS = frozenset(Demand.values)
_TIERS = frozenset(CustomerTier.values)
_SPECIAL_GROUPS = frozenset(SpecialGroup.values)


def complaint_register(
    *, data: ComplaintInput, actor: User | None, idempotency_key: str = "", defer: bool = False
) -> Complaint:
    """Register a complaint (登记): validate, number, store it with its customer, then the intake work:
    link repeats, start SLA timers, assign, triage (escalating high-sensitivity flags), acknowledge
    receipt to the customer. With ``idempotency_key`` a repeated call returns the first complaint.

    ``defer=True`` (the API) stores the complaint with ``intake_pending`` and leaves the intake work to
    the ``finish_intake`` task (complaint_intake_finish), which runs it after commit; otherwise it runs
    in this transaction. Either way it is the same work with the same registration time."""
    if actor is not None and not can(actor, Cap.INTAKE):
        raise NotPermitted(_("You may not register complaints."))
    if data.channel not in _CHANNELS:
        raise ValidationFailed(_("Unknown channel."), details={"field": "channel"})
    if data.severity not in _SEVERITIES:
        raise ValidationFailed(_("Unknown severity."), details={"field": "severity"})
    if data.demand and data.demand not in _DEMANDS:
        raise ValidationFailed(_("Unknown demand."), details={"field": "demand"})
    if data.customer.tier not in _TIERS:
        raise ValidationFailed(_("Unknown member tier."), details={"field": "tier"})
    if data.customer.special_group not in _SPECIAL_GROUPS:
        raise ValidationFailed(_("Unknown special group."), details={"field": "special_group"})
    title = check_text(data.title, field="title", label=_("Subject"), max_chars=120)
    description = check_text(data.description, field="description", label=_("Description"))
    name = check_text(data.customer.name, field="name", label=_("Customer name"), max_chars=60)
    product = check_text(data.product, field="product", label=_("Product"), required=False, max_chars=120)
    order_ref = check_text(
        data.order_ref, field="order_ref", label=_("Order reference"), required=False, max_chars=60
    )
    phone = normalize_phone(data.customer.phone)
    email = normalize_email(data.customer.email)
    if not phone and not email:
        raise ValidationFailed(
            _("Give a phone number or an e-mail address so that we can reach the customer."),
            details={"field": "phone"},
        )
    id_number = data.customer.id_number.strip()
    if id_number:
        from stdnum.cn import ric

        if not ric.is_valid(id_number):
            raise ValidationFailed(
                _("The ID number is not a valid resident ID."), details={"field": "id_number"}
            )
        id_number = ric.compact(id_number)
    category = refcache.category(data.category_code)
    if category is None:
        raise ValidationFailed(_("Unknown category."), details={"field": "category"})
    uploads = [(u, *check_upload(u)) for u in data.attachments]
    request_hash = hashlib.sha256(
        json.dumps(
            [data.channel, data.category_code, title, description, phone, email], ensure_ascii=False
        ).encode()
    ).hexdigest()

    prior = _idempotent_prior(actor, idempotency_key)
    if prior is not None:
        return _replay(prior, request_hash)
    # Pure computation (~0.1 ms once the engine is built); never raises. Deferred: the task runs it.
    analysis = None if defer else triage.run_analysis(triage.complaint_text(title, description))

    saved_files: list[str] = []
    at = clock.now()
    # The day's number is taken before the registration's transaction (see _next_number): holding the
    # sequence row's lock through the whole registration serialised concurrent intake.
    number = _next_number(at)
    # A read, before any write: matching outside the transaction races no more than inside it (two first
    # complaints of one new customer at the same moment may each create the customer either way).
    customer, customer_changes = _customer_match(
        CustomerInput(
            name=name,
            phone=phone,
            email=email,
            id_number=id_number,
            tier=data.customer.tier,
            special_group=data.customer.special_group,
        ),
        phone=phone,
        email=email,
    )
    complaint = Complaint(
        number=number,
        channel=data.channel,
        category=category,
        severity=data.severity,
        customer=customer if customer.pk else None,
        title=title,
        description=description,
        product=product,
        order_ref=order_ref,
        demand=data.demand,
        department=_pick_team(category),
        registered_at=at,
        registered_by=actor,
        sla_policy=sla.policy_for(
            category_id=category.pk,
            severity=data.severity,
            tier=customer.tier,
            special_group=bool(customer.special_group),
        ),
        intake_pending=defer,
    )
    # The registration's rows, written by one InsertChain (one statement on PostgreSQL).
    rows: list[Any] = [] if customer.pk else [customer]
    rows.append(complaint)
    at_complaint = len(rows) - 1
    links: dict[int, dict[str, int]] = {at_complaint: {"customer": 0}} if at_complaint else {}
    if idempotency_key and actor is not None:
        rows.append(IdempotencyRecord(key=idempotency_key, user=actor, request_hash=request_hash))
        links[len(rows) - 1] = {"complaint": at_complaint}
    rows.append(
        _event_row(
            None,
            ComplaintEvent.Kind.REGISTERED,
            actor=actor,
            at=at,
            to_status=Status.REGISTERED,
            message=_("Registered via %(channel)s") % {"channel": Channel(data.channel).label},
        )
    )
    links[len(rows) - 1] = {"complaint": at_complaint}
    # The usual API registration — a new or unchanged customer, no attachments, intake deferred — is
    # that one statement alone, atomic by itself: no transaction around it (two round trips fewer).
    # Inside a caller's transaction it still gets a savepoint, so that a refused row leaves the caller's
    # transaction usable (the idempotency race below reads after the failure).
    alone = defer and not customer_changes and not uploads and not connection.in_atomic_block
    try:
        with contextlib.nullcontext() if alone else transaction.atomic():
            if customer_changes:
                customer.save(update_fields=customer_changes)
            _REGISTRATION_ROWS.insert(rows, links=links)
            for upload, original_name, content_type in uploads:
                ev = Evidence.objects.create(
                    complaint=complaint,
                    file=upload,
                    original_name=original_name,
                    content_type=content_type,
                    size=upload.size,
                    added_by=actor,
                    from_customer=True,
                    added_at=at,
                )
                saved_files.append(ev.file.name)
                _event(
                    complaint,
                    ComplaintEvent.Kind.EVIDENCE,
                    actor=actor,
                    at=at,
                    message=original_name,
                    evidence_id=ev.pk,
                )
            if not defer:
                _finish_intake_locked([complaint], analyses={complaint.pk: analysis}, clear_flag=False)
    except IntegrityError:
        _delete_stored_files(saved_files)
        # Two identical retries raced: the other one won; hand back its complaint.
        prior = _idempotent_prior(actor, idempotency_key)
        if prior is not None:
            return _replay(prior, request_hash)
        raise
    except BaseException:
        # The rows are rolled back; the attachment files written meanwhile must go with them.
        _delete_stored_files(saved_files)
        raise
    return complaint


# --------------------------------------------------------------------------------------------------
# Intake work (after registration, in the request or from a task)

# How many pending complaints the pump finishes per transaction (one statement per kind of row each).
INTAKE_BATCH = 50
# A complaint still pending after this long means no pump is running (no scheduler, or the queue was
# flushed): the periodic SLA sweep task finishes it (tasks.sla_sweep).
INTAKE_STALE_AFTER = dt.timedelta(minutes=2)


def complaint_intake_finish(
    *, complaint_ids: Sequence[int] = (), fold: int = 0, registered_before: dt.datetime | None = None
) -> int:
    """Run the intake work of pending complaints: ``complaint_ids``, plus up to ``fold`` more of the oldest
    pending ones (registered before ``registered_before`` when given). Idempotent: a complaint whose work
    is done (by another task, the sweep or a service that locked it) is skipped. One transaction; rows
    another worker is finishing right now are skipped, not waited for. Returns how many it finished."""
    with transaction.atomic():
        ids: set[int] = set()
        if complaint_ids:
            ids.update(
                Complaint.objects.filter(pk__in=list(complaint_ids), intake_pending=True).values_list(
                    "pk", flat=True
                )
            )
        if fold:
            extra = Complaint.objects.filter(intake_pending=True)
            if registered_before is not None:
                extra = extra.filter(registered_at__lt=registered_before)
            ids.update(extra.order_by("registered_at").values_list("pk", flat=True)[:fold])
        if not ids:
            return 0
        # FOR NO KEY UPDATE (the work never changes a key): inserting rows that reference a complaint
        # (the repeat links of another batch, or of a service finishing one under _lock) takes a key-share
        # lock, which this does not block, so two finishers never wait on each other in a cycle.
        complaints = list(
            Complaint.objects.select_for_update(skip_locked=True, no_key=True, of=("self",))
            .select_related("customer")
            .filter(pk__in=sorted(ids), intake_pending=True)
            .order_by("pk")
        )
        _finish_intake_locked(complaints, clear_flag=True)
    return len(complaints)


def _finish_intake_locked(
    complaints: list[Complaint],
    *,
    analyses: dict[int, triage.Analysis | None] | None = None,
    clear_flag: bool,
) -> None:
    """The intake work of registered complaints whose rows the caller has locked (or just inserted), as
    of their registration time, for a batch at once (a handful of statements however many there are):

    1. repeat link to the same customer's complaints in the repeat window;
    2. SLA deadlines of the registration's stages (sla.start_initial_stages_many);
    3. assignment to the least-loaded handler of the team (loads counted once per team, then kept up to
       date in memory: the same choices as one complaint after the other);
    4. triage analysis (``analyses``: already computed, by complaint id), its flags event, and escalation
       to the supervisors for a flag in KESU_TRIAGE_ESCALATE_FLAGS;
    5. the acknowledgement to the customer (e-mail after commit, or recorded for sending by hand).

    Each complaint's timeline gets the same events in the same order as before the work was batched. It
    belongs to the registration, so it does not bump ``version``: the version the registration answered
    with stays valid."""
    if not complaints:
        return
    desk = DeskSettings.current()
    at_now = clock.now()
    events: list[ComplaintEvent] = []  # in timeline order per complaint
    alerts: list[tuple[list[User], Complaint, str, str]] = []  # notify() arguments

    def event(c: Complaint, kind: str, message: str, **data: Any) -> ComplaintEvent:
        e = ComplaintEvent(complaint=c, at=c.registered_at, actor=None, kind=kind, message=message, data=data)
        events.append(e)
        return e

    earlier = _earlier_complaints(complaints, window_days=desk.repeat_window_days)
    sla.start_initial_stages_many(complaints, ratio=float(desk.warning_ratio or Decimal("0.8")))
    handlers = _handler_loads({c.department_id for c in complaints if c.assignee_id is None})
    supervisors: dict[int, list[User]] = {}
    links = []
    triage_rows = []
    messages = []
    for c in complaints:
        found = earlier.get(c.pk, [])
        if found:
            c.is_repeat = True
            links += [
                Complaint.earlier_complaints.through(from_complaint_id=c.pk, to_complaint_id=pk)
                for pk, _n in found
            ]
            event(
                c,
                ComplaintEvent.Kind.REPEAT,
                _(
                    "Repeat complaint: the customer complained %(n)d time(s) in the last %(days)d days "
                    "(%(numbers)s)"
                )
                % {
                    "n": len(found),
                    "days": desk.repeat_window_days,
                    "numbers": ", ".join(n for _pk, n in found),
                },
                earlier=[n for _pk, n in found],
            )
        team = handlers.get(c.department_id)
        if c.assignee_id is None and team:
            handler = min(team, key=lambda u: (u.load, u.pk))  # type: ignore[attr-defined]
            handler.load += 1  # type: ignore[attr-defined]
            c.assignee = handler
            event(
                c,
                ComplaintEvent.Kind.ASSIGNED,
                _("Assigned to %(user)s") % {"user": handler}
                + " — "
                + _("Automatic assignment (least loaded)"),
                assignee=handler.pk,
                previous=None,
            )
            alerts.append(
                (
                    [handler],
                    c,
                    "assigned",
                    _("%(number)s was assigned to you: %(title)s") % {"number": c.number, "title": c.title},
                )
            )
        analysis = (analyses or {}).get(c.pk) or triage.run_analysis(
            triage.complaint_text(c.title, c.description)
        )
        row = ComplaintTriage(complaint=c, **triage.analysis_values(analysis, at=c.registered_at))
        triage_rows.append(row)
        if row.flags:
            names = [triage.label("flag", code, row) for code in row.flags]
            event(
                c,
                ComplaintEvent.Kind.TRIAGE,
                _("Sensitivity flags: %(flags)s") % {"flags": triage.join(names)},
                flags=list(row.flags),
            )
            high = [code for code in row.flags if code in settings.KESU_TRIAGE_ESCALATE_FLAGS]
            if high and not c.escalated:
                reason = _(
                    "High-sensitivity complaint (%(flags)s): escalated to the supervisors at intake"
                ) % {"flags": triage.join(triage.label("flag", code, row) for code in high)}
                c.escalated = True
                event(c, ComplaintEvent.Kind.ESCALATED, reason)
                if c.department_id not in supervisors:
                    supervisors[c.department_id] = team_supervisors(c)
                alerts.append(
                    (
                        supervisors[c.department_id],
                        c,
                        "escalated",
                        _("%(number)s escalated: %(reason)s") % {"number": c.number, "reason": reason},
                    )
                )
        customer = c.customer
        email = customer.email
        subject = _("We have received your complaint %(number)s") % {"number": c.number}
        msg = OutboundMessage(
            complaint=c,
            channel=Channel.EMAIL if email else Channel.PHONE,
            recipient=email or customer.phone,
            subject=subject,
            body=_(
                'Dear %(name)s,\n\nwe have received your complaint "%(title)s" and registered it under '
                "number %(number)s. A complaint handler will contact you soon. You can check its progress at "
                "%(url)s with this number and the last four digits of your phone number.\n\n%(org)s"
            )
            % {
                "name": customer.name,
                "title": c.title,
                "number": c.number,
                "url": f"{settings.KESU_SITE_URL}/c/status/",
                "org": settings.KESU_ORG_NAME,
            },
            state=OutboundMessage.State.QUEUED if email else OutboundMessage.State.MANUAL,
            created_at=at_now,
        )
        messages.append(msg)
        # The message's id is known once it is inserted (below); the event is completed then.
        event(
            c,
            ComplaintEvent.Kind.MESSAGE,
            subject if email else _("To send by hand: %(subject)s") % {"subject": subject},
        )._message = msg  # type: ignore[attr-defined]
        c.intake_pending = False
        c.updated_at = at_now

    if links:
        Complaint.earlier_complaints.through.objects.bulk_create(links)
    ComplaintTriage.objects.bulk_create(triage_rows)
    OutboundMessage.objects.bulk_create(messages)
    for e in events:
        sent: OutboundMessage | None = getattr(e, "_message", None)
        if sent is not None:
            e.data = {"message_id": sent.pk}
    ComplaintEvent.objects.bulk_create(events)
    fields = ["is_repeat", "next_due_at", "sla_warning", "is_overdue", "assignee", "escalated", "updated_at"]
    if clear_flag:
        fields.append("intake_pending")
    Complaint.objects.bulk_update(complaints, fields)
    _notify_many(alerts)
    mail_ids = [m.pk for m in messages if m.state == OutboundMessage.State.QUEUED]
    if mail_ids:
        from kesu.complaints import tasks

        def enqueue() -> None:
            with transaction.atomic():  # one commit for the batch with the database task backend
                for i in mail_ids:
                    tasks.send_outbound_message.enqueue(i)

        transaction.on_commit(enqueue)


def _earlier_complaints(complaints: list[Complaint], *, window_days: int) -> dict[int, list[tuple[int, str]]]:
    """For each complaint, the same customer's complaints (normalised phone or e-mail) registered in the
    ``window_days`` before it (up to its own registration time), oldest first: one query for a batch."""
    phones = {c.customer.phone_normalized for c in complaints if c.customer.phone_normalized}
    emails = {c.customer.email_normalized for c in complaints if c.customer.email_normalized}
    q = Q()
    if phones:
        q |= Q(customer__phone_normalized__in=sorted(phones))
    if emails:
        q |= Q(customer__email_normalized__in=sorted(emails))
    if not q:
        return {}
    window = dt.timedelta(days=window_days)
    rows = list(
        Complaint.objects.filter(
            q,
            registered_at__gte=min(c.registered_at for c in complaints) - window,
            registered_at__lte=max(c.registered_at for c in complaints),
        )
        .order_by("registered_at", "pk")
        .values_list(
            "pk", "number", "registered_at", "customer__phone_normalized", "customer__email_normalized"
        )
    )
    out: dict[int, list[tuple[int, str]]] = {}
    for c in complaints:
        phone, email = c.customer.phone_normalized, c.customer.email_normalized
        found = [
            (pk, number)
            for pk, number, at, p, e in rows
            if pk != c.pk
            and c.registered_at - window <= at <= c.registered_at
            and ((phone and p == phone) or (email and e == email))
        ]
        if found:
            out[c.pk] = found
    return out


def _handler_loads(team_ids: set[int]) -> dict[int, list[User]]:
    """The active handlers of each team with their open complaints counted (``load``): one query."""
    if not team_ids:
        return {}
    open_load = (
        Complaint.objects.filter(OPEN_Q, assignee=OuterRef("pk"))
        .order_by()
        .values("assignee")
        .annotate(n=Count("pk"))
        .values("n")
    )
    teams: dict[int, list[User]] = {}
    for user in (
        User.objects.filter(is_active=True, department_id__in=sorted(team_ids), role__in=HANDLER_ROLES)
        .annotate(load=Coalesce(Subquery(open_load), 0))
        .order_by("pk")
    ):
        if user.department_id is not None:
            teams.setdefault(user.department_id, []).append(user)
    return teams


def _delete_stored_files(names: list[str]) -> None:
    from django.core.files.storage import default_storage

    for name in names:
        try:
            default_storage.delete(name)
        except OSError:  # already gone, or the disk refuses: nothing a retry would fix
            log.warning("could not delete orphaned attachment %s", name)


# Reads every API registration runs (kesu.common.prepared: the ORM's SQL, compiled once per process).
_CUSTOMER_BY_PHONE_OR_EMAIL: PreparedRead[Customer] = PreparedRead(
    lambda phone, email: Customer.objects.filter(
        Q(phone_normalized=phone) | Q(email_normalized=email)
    ).order_by("pk"),
    model=Customer,
    phone=str,
    email=str,
)
_CUSTOMER_BY_PHONE: PreparedRead[Customer] = PreparedRead(
    lambda phone: Customer.objects.filter(phone_normalized=phone).order_by("pk"), model=Customer, phone=str
)
_CUSTOMER_BY_EMAIL: PreparedRead[Customer] = PreparedRead(
    lambda email: Customer.objects.filter(email_normalized=email).order_by("pk"), model=Customer, email=str
)
# At most one row (unique per user and key): no ORDER BY, and only the two columns a replay needs.
_IDEMPOTENCY_READ: PreparedRead[IdempotencyRecord] = PreparedRead(
    lambda user_id, key: IdempotencyRecord.objects.filter(user_id=user_id, key=key).values_list(
        "request_hash", "complaint_id"
    ),
    user_id=int,
    key=str,
)


def _idempotent_prior(actor: User | None, key: str) -> tuple[str, int] | None:
    if not key or actor is None:
        return None
    rows = _IDEMPOTENCY_READ.rows(user_id=actor.pk, key=key)
    return rows[0] if rows else None


def _replay(prior: tuple[str, int], request_hash: str) -> Complaint:
    prior_hash, complaint_id = prior
    if prior_hash != request_hash:
        raise ValidationFailed(
            _("This Idempotency-Key was already used for a different complaint."),
            code="idempotency_key_reused",
        )
    complaint = Complaint.objects.select_related("customer", "category", "department", "assignee").get(
        pk=complaint_id
    )
    complaint._replayed = True  # type: ignore[attr-defined]
    return complaint


# --------------------------------------------------------------------------------------------------
# The state machine


def complaint_transition(
    *,
    complaint_id: int,
    action: str,
    actor: User | None,
    reason: str = "",
    expected_version: int | None = None,
    _internal: bool = False,
) -> Complaint:
    """Move a complaint along the loop. The only writer of ``Complaint.status``."""
    with transaction.atomic():
        complaint = _lock(complaint_id)
        _check_version(complaint, expected_version)
        if actor is not None and not _internal:
            # Internal calls come from services that have already checked the actor's rights.
            _require_handle(actor, complaint)
        target = target_of(action, complaint.status)
        if target is None:
            raise TransitionRefused(
                _("Cannot %(action)s a complaint that is %(status)s.")
                % {
                    "action": str(Action(action).label).lower() if action in Action.values else action,
                    "status": str(Status(complaint.status).label).lower(),
                },
                details={"status": complaint.status, "action": action},
            )
        if not TRANSITIONS[action].direct and not _internal:
            raise TransitionRefused(_("This step happens through a proposal or an approval decision."))
        reason = check_text(reason, field="reason", label=_("Reason"), required=False, max_chars=2000)
        _guard(complaint, action, actor, reason)
        at = clock.now()
        source = complaint.status
        complaint.status = target
        fields = ["status"]
        if target == Status.ACKNOWLEDGED:
            complaint.acknowledged_at = at
            fields.append("acknowledged_at")
        elif target == Status.AWAITING_FOLLOW_UP:
            complaint.resolved_at = at
            fields.append("resolved_at")
        elif target == Status.CLOSED:
            complaint.closed_at = at
            complaint.first_contact_resolution = complaint.reopen_count == 0 and not complaint.escalated
            fields += ["closed_at", "first_contact_resolution"]
        if action == Action.REOPEN:
            complaint.reopen_count += 1
            complaint.closed_at = None
            complaint.first_contact_resolution = False
            fields += ["reopen_count", "closed_at", "first_contact_resolution"]
        _bump(complaint, *fields)
        _event(
            complaint,
            ComplaintEvent.Kind.TRANSITION,
            actor=actor,
            at=at,
            from_status=source,
            to_status=target,
            message=reason,
            action=action,
        )
        if action == Action.REOPEN:
            sla.start_stages(complaint, (Stage.RESOLVE,), at=at)
            sla.meet_stages(complaint, (Stage.FOLLOW_UP,), at=at)
        elif target == Status.CLOSED:
            sla.clear_pending(complaint, at=at)
        else:
            met = STAGE_MET_ON_ENTRY.get(target, ())
            if met:
                sla.meet_stages(complaint, met, at=at)
            started = STAGES_STARTED_ON_ENTRY.get(target, ())
            if started:
                sla.start_stages(complaint, started, at=at)
        if target == Status.ACKNOWLEDGED:
            message_to_customer(
                complaint=complaint,
                actor=actor,
                subject=_("Your complaint %(number)s is being handled") % {"number": complaint.number},
                body=_(
                    "We have accepted your complaint %(number)s and %(handler)s is handling it. We will contact you with the result."
                )
                % {"number": complaint.number, "handler": complaint.assignee or _("a complaint handler")},
            )
    return complaint


def _guard(complaint: Complaint, action: str, actor: User | None, reason: str) -> None:
    if action == Action.RESOLVE:
        if not complaint.proposals.filter(state=CompensationProposal.State.APPROVED).exists():
            raise TransitionRefused(_("Propose a solution (and get it approved if needed) before resolving."))
        blocking = list(
            complaint.tasks.filter(state=DepartmentTask.State.OPEN, blocking=True).select_related(
                "department"
            )
        )
        if blocking:
            raise TransitionRefused(
                _("Cannot resolve while department tasks are open: %(tasks)s")
                % {"tasks": "; ".join(f"{t.department.name}: {t.title}" for t in blocking)},
                code="blocking_tasks_open",
            )
    elif action == Action.CLOSE:
        round_ = complaint.follow_ups.filter(round=complaint.reopen_count)
        reached = round_.filter(reached=True).order_by("-at", "-id").first()
        if reached is None:
            attempts = round_.filter(reached=False).count()
            needed = DeskSettings.current().follow_up_max_attempts
            if attempts < needed:
                raise TransitionRefused(
                    _(
                        "Record a follow-up with the customer before closing (or %(needed)d failed attempts to reach them; %(n)d so far)."
                    )
                    % {"needed": needed, "n": attempts},
                    code="follow_up_required",
                )
        elif _unsatisfied(reached) and not (actor is not None and can(actor, Cap.SUPERVISE)):
            raise TransitionRefused(
                _(
                    "The customer was not satisfied at follow-up: reopen or escalate the complaint; only a supervisor may close it now."
                ),
                code="customer_unsatisfied",
            )
    elif action == Action.REOPEN:
        if not reason:
            raise ValidationFailed(_("Give the reason for reopening."), details={"field": "reason"})
        last = (
            complaint.follow_ups.filter(round=complaint.reopen_count, reached=True)
            .order_by("-at", "-id")
            .first()
        )
        if last is None or not _unsatisfied(last):
            raise TransitionRefused(
                _("Reopening needs a follow-up in which the customer was not satisfied."),
                code="not_unsatisfied",
            )
        if complaint.status == Status.CLOSED:
            window = DeskSettings.current().reopen_window_days
            if complaint.closed_at and clock.now() - complaint.closed_at > dt.timedelta(days=window):
                raise TransitionRefused(
                    _(
                        "The reopen window of %(days)d days after closing has passed; register a new complaint instead."
                    )
                    % {"days": window},
                    code="reopen_window_passed",
                )


def _unsatisfied(f: FollowUp) -> bool:
    return f.resolved is False or (f.satisfaction is not None and f.satisfaction <= 2)


# --------------------------------------------------------------------------------------------------
# Assignment and escalation


def _assign(
    complaint: Complaint, user: User, *, actor: User | None, at: dt.datetime, reason: str = ""
) -> None:
    previous_id = complaint.assignee_id
    complaint.assignee = user
    _bump(complaint, "assignee")
    _event(
        complaint,
        ComplaintEvent.Kind.ASSIGNED,
        actor=actor,
        at=at,
        message=_("Assigned to %(user)s") % {"user": user} + (f" — {reason}" if reason else ""),
        assignee=user.pk,
        previous=previous_id,
    )
    if actor is None or actor.pk != user.pk:
        notify(
            users=[user],
            complaint=complaint,
            kind="assigned",
            message=_("%(number)s was assigned to you: %(title)s")
            % {"number": complaint.number, "title": complaint.title},
        )


def complaint_assign(
    *, complaint_id: int, assignee_id: int, actor: User, expected_version: int | None = None
) -> Complaint:
    with transaction.atomic():
        complaint = _lock(complaint_id)
        _check_version(complaint, expected_version)
        self_assign = assignee_id == actor.pk
        if not (can(actor, Cap.SUPERVISE) or (self_assign and complaint.assignee_id is None)):
            raise NotPermitted(_("Only a supervisor may assign complaints to others."))
        _require_handle(actor, complaint)
        user = User.objects.filter(pk=assignee_id, is_active=True).first()
        if user is None or not can_handle(user, complaint):
            raise ValidationFailed(
                _("That person cannot handle complaints of this team."), details={"field": "assignee"}
            )
        if complaint.status == Status.CLOSED:
            raise TransitionRefused(_("A closed complaint cannot be reassigned."))
        _assign(complaint, user, actor=actor, at=clock.now())
    return complaint


def escalate_locked(complaint: Complaint, *, actor: User | None, at: dt.datetime, reason: str) -> None:
    """Escalate a complaint whose row the caller has locked. Idempotent: already escalated stays so."""
    if complaint.escalated:
        return
    complaint.escalated = True
    _bump(complaint, "escalated")
    _event(complaint, ComplaintEvent.Kind.ESCALATED, actor=actor, at=at, message=reason)
    notify(
        users=team_supervisors(complaint),
        complaint=complaint,
        kind="escalated",
        message=_("%(number)s escalated: %(reason)s") % {"number": complaint.number, "reason": reason},
    )


def complaint_escalate(
    *, complaint_id: int, actor: User, reason: str, expected_version: int | None = None
) -> Complaint:
    reason = check_text(reason, field="reason", label=_("Reason"), max_chars=2000)
    with transaction.atomic():
        complaint = _lock(complaint_id)
        _check_version(complaint, expected_version)
        _require_handle(actor, complaint)
        if complaint.status == Status.CLOSED:
            raise TransitionRefused(_("A closed complaint cannot be escalated; reopen it first."))
        if complaint.escalated:
            raise TransitionRefused(_("This complaint is already escalated."), code="already_escalated")
        escalate_locked(complaint, actor=actor, at=clock.now(), reason=reason)
    return complaint


# --------------------------------------------------------------------------------------------------
# Investigation


def complaint_add_note(*, complaint_id: int, actor: User, text: str) -> ComplaintEvent:
    text = check_text(text, field="text", label=_("Note"), max_chars=5000)
    with transaction.atomic():
        complaint = _lock(complaint_id)
        _require_handle(actor, complaint)
        return _event(complaint, ComplaintEvent.Kind.NOTE, actor=actor, at=clock.now(), message=text)


def evidence_add(
    *, complaint_id: int, actor: User, note: str = "", upload: UploadedFile | None = None
) -> Evidence:
    note = check_text(note, field="note", label=_("Note"), required=upload is None, max_chars=5000)
    original_name, content_type = check_upload(upload) if upload is not None else ("", "")
    with transaction.atomic():
        complaint = _lock(complaint_id)
        _require_handle(actor, complaint)
        if complaint.status == Status.CLOSED:
            raise TransitionRefused(_("Evidence cannot be added to a closed complaint."))
        at = clock.now()
        ev = Evidence.objects.create(
            complaint=complaint,
            note=note,
            file=upload or "",
            original_name=original_name,
            content_type=content_type,
            size=(upload.size or 0) if upload is not None else 0,
            added_by=actor,
            added_at=at,
        )
        _event(
            complaint,
            ComplaintEvent.Kind.EVIDENCE,
            actor=actor,
            at=at,
            message=note or original_name,
            evidence_id=ev.pk,
        )
    return ev


def complaint_record_findings(
    *,
    complaint_id: int,
    actor: User,
    root_cause: str,
    responsibility: str,
    underlying_need: str = "",
    expected_version: int | None = None,
) -> Complaint:
    root_cause = check_text(root_cause, field="root_cause", label=_("Root cause"), max_chars=5000)
    underlying_need = check_text(
        underlying_need, field="underlying_need", label=_("Underlying need"), required=False, max_chars=120
    )
    if responsibility not in Responsibility.values:
        raise ValidationFailed(_("Choose who is responsible."), details={"field": "responsibility"})
    with transaction.atomic():
        complaint = _lock(complaint_id)
        _check_version(complaint, expected_version)
        _require_handle(actor, complaint)
        if complaint.status != Status.INVESTIGATING:
            raise TransitionRefused(_("Findings are recorded while the complaint is under investigation."))
        complaint.root_cause, complaint.responsibility, complaint.underlying_need = (
            root_cause,
            responsibility,
            underlying_need,
        )
        _bump(complaint, "root_cause", "responsibility", "underlying_need")
        _event(
            complaint,
            ComplaintEvent.Kind.INVESTIGATION,
            actor=actor,
            at=clock.now(),
            message=f"{Responsibility(responsibility).label}: {root_cause}",
            responsibility=responsibility,
        )
    return complaint


# --------------------------------------------------------------------------------------------------
# Department tasks


def task_open(
    *,
    complaint_id: int,
    actor: User,
    department_id: int,
    title: str,
    due_at: dt.datetime,
    owner_id: int | None = None,
    blocking: bool = True,
) -> DepartmentTask:
    title = check_text(title, field="title", label=_("Task"), max_chars=200)
    if timezone.is_naive(due_at):
        due_at = timezone.make_aware(due_at)
    with transaction.atomic():
        complaint = _lock(complaint_id)
        _require_handle(actor, complaint)
        if complaint.status not in (
            Status.ACKNOWLEDGED,
            Status.INVESTIGATING,
            Status.AWAITING_APPROVAL,
            Status.RESOLVING,
        ):
            raise TransitionRefused(
                _("Department tasks are opened while the complaint is being investigated or resolved.")
            )
        at = clock.now()
        if due_at <= at:
            raise ValidationFailed(_("The deadline must be in the future."), details={"field": "due_at"})
        department = Department.objects.filter(pk=department_id).first()
        if department is None:
            raise ValidationFailed(_("Unknown department."), details={"field": "department"})
        owner = None
        if owner_id:
            owner = User.objects.filter(pk=owner_id, department=department, is_active=True).first()
            if owner is None:
                raise ValidationFailed(
                    _("The owner must belong to that department."), details={"field": "owner"}
                )
        task = DepartmentTask.objects.create(
            complaint=complaint,
            department=department,
            title=title,
            owner=owner,
            due_at=due_at,
            blocking=blocking,
            created_by=actor,
            created_at=at,
        )
        _bump(complaint)
        _event(
            complaint,
            ComplaintEvent.Kind.TASK,
            actor=actor,
            at=at,
            message=_("Task for %(dept)s: %(title)s") % {"dept": department.name, "title": title},
            task_id=task.pk,
            state="open",
        )
        liaisons = (
            [owner]
            if owner
            else list(User.objects.filter(department=department, role=Role.LIAISON, is_active=True))
        )
        notify(
            users=liaisons,
            complaint=complaint,
            kind="task",
            message=_("New task from %(number)s: %(title)s") % {"number": complaint.number, "title": title},
        )
    return task


def can_answer_task(user: User, task: DepartmentTask) -> bool:
    if can(user, Cap.ANSWER_TASKS) and user.department_id == task.department_id:
        return True
    return can(user, Cap.SUPERVISE) and can_handle(user, task.complaint)


def task_answer(*, task_id: int, actor: User, answer: str) -> DepartmentTask:
    answer = check_text(answer, field="answer", label=_("Answer"), max_chars=5000)
    with transaction.atomic():
        task = (
            DepartmentTask.objects.select_for_update()
            .select_related("complaint", "department")
            .filter(pk=task_id)
            .first()
        )
        if task is None:
            raise NotFound(_("Task not found."))
        if not can_answer_task(actor, task):
            raise NotPermitted(_("Only %(dept)s may answer this task.") % {"dept": task.department.name})
        if task.state != DepartmentTask.State.OPEN:
            raise TransitionRefused(
                _("This task is already %(state)s.") % {"state": task.get_state_display()}
            )
        complaint = _lock(task.complaint_id)
        at = clock.now()
        task.state, task.answer, task.answered_by, task.answered_at = (
            DepartmentTask.State.DONE,
            answer,
            actor,
            at,
        )
        task.save(update_fields=["state", "answer", "answered_by", "answered_at"])
        _bump(complaint)
        _event(
            complaint,
            ComplaintEvent.Kind.TASK,
            actor=actor,
            at=at,
            message=_("%(dept)s answered: %(answer)s") % {"dept": task.department.name, "answer": answer},
            task_id=task.pk,
            state="done",
        )
        notify(
            users=[complaint.assignee],
            complaint=complaint,
            kind="task_answered",
            message=_("%(dept)s answered the task on %(number)s")
            % {"dept": task.department.name, "number": complaint.number},
        )
    return task


def task_cancel(*, task_id: int, actor: User, reason: str) -> DepartmentTask:
    reason = check_text(reason, field="reason", label=_("Reason"), max_chars=2000)
    with transaction.atomic():
        task = (
            DepartmentTask.objects.select_for_update().select_related("department").filter(pk=task_id).first()
        )
        if task is None:
            raise NotFound(_("Task not found."))
        complaint = _lock(task.complaint_id)
        _require_handle(actor, complaint)
        if task.state != DepartmentTask.State.OPEN:
            raise TransitionRefused(
                _("This task is already %(state)s.") % {"state": task.get_state_display()}
            )
        task.state = DepartmentTask.State.CANCELLED
        task.save(update_fields=["state"])
        _bump(complaint)
        _event(
            complaint,
            ComplaintEvent.Kind.TASK,
            actor=actor,
            at=clock.now(),
            message=_("Task for %(dept)s cancelled: %(reason)s")
            % {"dept": task.department.name, "reason": reason},
            task_id=task.pk,
            state="cancelled",
        )
    return task


# --------------------------------------------------------------------------------------------------
# Solution, compensation and approval


@dataclass(frozen=True)
class CompensationLine:
    type: str
    amount: Decimal | str | int | float = 0
    note: str = ""


def _approver_role_for(total: Decimal) -> str | None:
    limits = dict(AuthorityLimit.objects.values_list("role", "max_amount"))
    for role in APPROVAL_LADDER:
        if role in limits and limits[role] >= total:
            return role
    return None


def compensation_propose(
    *,
    complaint_id: int,
    actor: User,
    solution: str,
    items: Sequence[CompensationLine],
    expected_version: int | None = None,
) -> CompensationProposal:
    """Propose the solution. Within the proposer's authority it is approved at once and the complaint
    moves to resolving; above it, it waits for the lowest role whose limit covers the total."""
    solution = check_text(solution, field="solution", label=_("Solution"), max_chars=5000)
    lines = []
    for item in items:
        if item.type not in CompensationType.values:
            raise ValidationFailed(_("Unknown compensation type."), details={"field": "items"})
        lines.append(
            (
                item.type,
                _money(item.amount),
                check_text(item.note, field="note", label=_("Note"), required=False, max_chars=200),
            )
        )
    total = sum((amount for _t, amount, _n in lines), Decimal("0.00"))
    with transaction.atomic():
        complaint = _lock(complaint_id)
        _check_version(complaint, expected_version)
        _require_handle(actor, complaint)
        if complaint.status != Status.INVESTIGATING:
            raise TransitionRefused(_("A solution is proposed at the end of the investigation."))
        if not complaint.root_cause or not complaint.responsibility:
            raise TransitionRefused(
                _("Record the root cause and who is responsible before proposing a solution."),
                code="findings_required",
            )
        tier = CompensationTier.objects.filter(severity=complaint.severity).first()
        if tier is not None:
            disallowed = sorted({t for t, _a, _n in lines if t not in (tier.allowed_types or [])})
            if disallowed:
                raise ValidationFailed(
                    _("The compensation standard for %(tier)s does not allow: %(types)s")
                    % {
                        "tier": tier.name,
                        "types": ", ".join(str(CompensationType(t).label) for t in disallowed),
                    },
                    code="compensation_not_in_standard",
                    details={"field": "items"},
                )
            if total > tier.max_amount:
                raise ValidationFailed(
                    _("%(total)s yuan is above the standard's maximum of %(max)s yuan for %(tier)s.")
                    % {"total": total, "max": tier.max_amount, "tier": tier.name},
                    code="compensation_above_standard",
                    details={"field": "items"},
                )
        at = clock.now()
        complaint.proposals.filter(state=CompensationProposal.State.PENDING).update(
            state=CompensationProposal.State.SUPERSEDED
        )
        within = total <= authority_limit(actor.role)
        approver_role = "" if within else _approver_role_for(total)
        if approver_role is None:
            raise ValidationFailed(
                _("%(total)s yuan is above every authority limit; lower the compensation.")
                % {"total": total},
                code="above_all_limits",
                details={"field": "items"},
            )
        proposal = CompensationProposal.objects.create(
            complaint=complaint,
            tier=tier,
            solution=solution,
            total=total,
            proposed_by=actor,
            proposed_at=at,
            state=CompensationProposal.State.APPROVED if within else CompensationProposal.State.PENDING,
            approver_role=approver_role,
            decided_by=actor if within else None,
            decided_at=at if within else None,
        )
        CompensationItem.objects.bulk_create(
            [CompensationItem(proposal=proposal, type=t, amount=a, note=n) for t, a, n in lines]
        )
        complaint.resolution = solution
        if within:
            complaint.compensation_cost = total
        _bump(complaint, "resolution", "compensation_cost")
        summary = ", ".join(f"{CompensationType(t).label} {a}" for t, a, _n in lines) or _("no compensation")
        _event(
            complaint,
            ComplaintEvent.Kind.COMPENSATION,
            actor=actor,
            at=at,
            message=_("Proposed: %(solution)s (%(items)s; total %(total)s yuan)")
            % {"solution": solution, "items": summary, "total": total},
            proposal_id=proposal.pk,
            total=str(total),
            within_authority=within,
        )
        complaint_transition(
            complaint_id=complaint.pk,
            action=Action.START_RESOLUTION if within else Action.REQUEST_APPROVAL,
            actor=actor,
            _internal=True,
            reason=""
            if within
            else _("%(total)s yuan is above the authority of a %(role)s")
            % {"total": total, "role": actor.get_role_display()},
        )
        if not within:
            notify(
                users=_approvers(complaint, approver_role),
                complaint=complaint,
                kind="approval_request",
                message=_("%(number)s needs your approval: %(total)s yuan")
                % {"number": complaint.number, "total": total},
            )
    return proposal


def _approvers(complaint: Complaint, role: str) -> list[User]:
    """Who is asked to decide: the team's users of ``role``, or, where the team has none, of the next
    rung up the ladder (administrators are organisation-wide)."""
    for rung in APPROVAL_LADDER[APPROVAL_LADDER.index(role) :]:
        qs = User.objects.filter(is_active=True, role=rung)
        if rung != Role.ADMIN:
            qs = qs.filter(department_id=complaint.department_id)
        users = list(qs)
        if users:
            return users
    return []


def proposal_decide(
    *, proposal_id: int, actor: User, approve: bool, reason: str = ""
) -> CompensationProposal:
    reason = check_text(reason, field="reason", label=_("Reason"), required=not approve, max_chars=2000)
    with transaction.atomic():
        proposal = CompensationProposal.objects.select_for_update().filter(pk=proposal_id).first()
        if proposal is None:
            raise NotFound(_("Approval request not found."))
        complaint = _lock(proposal.complaint_id)
        if proposal.state != CompensationProposal.State.PENDING:
            raise TransitionRefused(_("This request was already decided."), code="already_decided")
        if not can(actor, Cap.APPROVE) or not can_handle(actor, complaint):
            raise NotPermitted(_("You may not decide approvals for this complaint."))
        if proposal.proposed_by_id == actor.pk:
            raise NotPermitted(_("You cannot approve your own proposal."))
        if authority_limit(actor.role) < proposal.total:
            raise NotPermitted(
                _("%(total)s yuan is above your authority of %(limit)s yuan.")
                % {"total": proposal.total, "limit": authority_limit(actor.role)}
            )
        at = clock.now()
        proposal.state = (
            CompensationProposal.State.APPROVED if approve else CompensationProposal.State.REJECTED
        )
        proposal.decided_by, proposal.decided_at, proposal.decision_reason = actor, at, reason
        proposal.save(update_fields=["state", "decided_by", "decided_at", "decision_reason"])
        if approve:
            complaint.compensation_cost = proposal.total
            _bump(complaint, "compensation_cost")
        _event(
            complaint,
            ComplaintEvent.Kind.APPROVAL,
            actor=actor,
            at=at,
            message=(_("Approved %(total)s yuan") if approve else _("Rejected %(total)s yuan"))
            % {"total": proposal.total}
            + (f": {reason}" if reason else ""),
            proposal_id=proposal.pk,
            approved=approve,
        )
        complaint_transition(
            complaint_id=complaint.pk,
            action=Action.APPROVE if approve else Action.REJECT,
            actor=actor,
            reason=reason,
            _internal=True,
        )
        notify(
            users=[proposal.proposed_by],
            complaint=complaint,
            kind="approval",
            message=(
                _("Approved: %(number)s, %(total)s yuan")
                if approve
                else _("Rejected: %(number)s, %(total)s yuan")
            )
            % {"number": complaint.number, "total": proposal.total},
        )
    return proposal


# --------------------------------------------------------------------------------------------------
# Follow-up


def follow_up_record(
    *,
    complaint_id: int,
    actor: User,
    channel: str,
    reached: bool,
    satisfaction: int | None = None,
    resolved: bool | None = None,
    comment: str = "",
) -> FollowUp:
    comment = check_text(comment, field="comment", label=_("Comment"), required=False, max_chars=5000)
    if channel not in Channel.values:
        raise ValidationFailed(_("Unknown channel."), details={"field": "channel"})
    if reached:
        if satisfaction is None or not 1 <= int(satisfaction) <= 5:
            raise ValidationFailed(
                _("Satisfaction must be between 1 and 5."), details={"field": "satisfaction"}
            )
        if resolved is None:
            raise ValidationFailed(_("Say whether the problem is solved."), details={"field": "resolved"})
    else:
        satisfaction, resolved = None, None
    with transaction.atomic():
        complaint = _lock(complaint_id)
        _require_handle(actor, complaint)
        if complaint.status == Status.CLOSED:
            window = DeskSettings.current().reopen_window_days
            if not complaint.closed_at or clock.now() - complaint.closed_at > dt.timedelta(days=window):
                raise TransitionRefused(
                    _("The complaint was closed more than %(days)d days ago.") % {"days": window}
                )
        elif complaint.status != Status.AWAITING_FOLLOW_UP:
            raise TransitionRefused(_("Follow-up happens after the solution has been carried out."))
        at = clock.now()
        fu = FollowUp.objects.create(
            complaint=complaint,
            channel=channel,
            reached=reached,
            satisfaction=satisfaction,
            resolved=resolved,
            comment=comment,
            by=actor,
            at=at,
            round=complaint.reopen_count,
        )
        fields = []
        if reached:
            complaint.satisfaction = satisfaction
            fields.append("satisfaction")
        _bump(complaint, *fields)
        if reached:
            text = _("Follow-up: satisfaction %(s)d/5, %(res)s") % {
                "s": satisfaction,
                "res": _("solved") if resolved else _("not solved"),
            }
        else:
            text = _("Follow-up attempt: customer not reached")
        _event(
            complaint,
            ComplaintEvent.Kind.FOLLOW_UP,
            actor=actor,
            at=at,
            message=text + (f" — {comment}" if comment else ""),
            follow_up_id=fu.pk,
            satisfaction=satisfaction,
            resolved=resolved,
            reached=reached,
        )
        if reached and _unsatisfied(fu):
            notify(
                users=team_supervisors(complaint),
                complaint=complaint,
                kind="unsatisfied",
                message=_("%(number)s: customer unsatisfied at follow-up") % {"number": complaint.number},
            )
    return fu


# --------------------------------------------------------------------------------------------------
# Triage: category confirmation, re-analysis, coached replies


def complaint_analyse(*, complaint_id: int, actor: User) -> ComplaintTriage:
    """(Re)analyse a complaint's text, e.g. one registered before triage existed or loaded in bulk.
    Keeps an earlier confirmation of the category; records flags like registration (no escalation:
    routing is decided at intake or by a person)."""
    with transaction.atomic():
        complaint = _lock(complaint_id)
        _require_handle(actor, complaint)
        at = clock.now()
        had = ComplaintTriage.objects.filter(complaint=complaint).exists()
        row = triage.analyse_complaint(complaint, at=at)
        names = [triage.label("flag", code, row) for code in row.flags]
        _event(
            complaint,
            ComplaintEvent.Kind.TRIAGE,
            actor=actor,
            at=at,
            message=(_("Analysed again") if had else _("Analysed"))
            + (": " + _("Sensitivity flags: %(flags)s") % {"flags": triage.join(names)} if names else ""),
            flags=list(row.flags),
        )
    return row


def complaint_confirm_category(
    *, complaint_id: int, actor: User, category_code: str, expected_version: int | None = None
) -> ComplaintTriage:
    """The handler confirms the complaint's category or corrects it. A correction changes
    Complaint.category (bumps ``version``); either way the triage row records that a person confirmed
    ``category_code`` — the category model's training data — and the timeline says so. Routing and SLA
    deadlines stay as they were decided at registration."""
    with transaction.atomic():
        complaint = _lock(complaint_id)
        _check_version(complaint, expected_version)
        _require_handle(actor, complaint)
        category = Category.objects.filter(code=category_code, active=True).first()
        if category is None:
            raise ValidationFailed(_("Unknown category."), details={"field": "category"})
        at = clock.now()
        row = ComplaintTriage.objects.select_for_update().filter(complaint=complaint).first()
        if row is None:
            row = triage.analyse_complaint(complaint, at=at)
        previous = complaint.category
        if category.pk != previous.pk:
            complaint.category = category
            _bump(complaint, "category")
            message = _("Category corrected from %(old)s to %(new)s") % {
                "old": previous.name,
                "new": category.name,
            }
        else:
            message = _("Category confirmed: %(name)s") % {"name": category.name}
        row.category_confirmed = True
        row.confirmed_category_code = category.code
        row.confirmed_by = actor
        row.confirmed_at = at
        row.save(
            update_fields=["category_confirmed", "confirmed_category_code", "confirmed_by", "confirmed_at"]
        )
        _event(
            complaint,
            ComplaintEvent.Kind.CATEGORY,
            actor=actor,
            at=at,
            message=message,
            category=category.code,
            previous=previous.code,
            suggested=row.category_code,
            confidence=row.category_confidence,
            model_version=row.model_version,
        )
    return row


def complaint_reply(*, complaint_id: int, actor: User, text: str) -> OutboundMessage:
    """Send the handler's reply to the customer. The reply is coached first and the coaching (score,
    findings, credits) is kept with the timeline event; findings do not stop the reply (the handler saw
    them while typing)."""
    text = check_text(text, field="text", label=_("Reply"), max_chars=5000)
    with transaction.atomic():
        complaint = _lock(complaint_id)
        _require_handle(actor, complaint)
        row = ComplaintTriage.objects.filter(complaint=complaint).first()
        report = triage.lint(text, row)
        return message_to_customer(
            complaint=complaint,
            subject=_("Reply to your complaint %(number)s") % {"number": complaint.number},
            body=text,
            actor=actor,
            event_data={"reply": True, "coaching": triage.lint_summary(report)},
        )


# --------------------------------------------------------------------------------------------------
# Privacy


PII_FIELDS = ("phone", "email", "id_number")


def pii_reveal(*, complaint_id: int, actor: User, field: str, reason: str, ip: str | None = None) -> str:
    """Unmask one personal-data field of one complaint's customer, leaving an audit record."""
    if field not in PII_FIELDS:
        raise ValidationFailed(_("Unknown field."), details={"field": "field"})
    reason = check_text(reason, field="reason", label=_("Reason"), max_chars=200)
    complaint = Complaint.objects.select_related("customer").filter(pk=complaint_id).first()
    if complaint is None:
        raise NotFound(_("Complaint not found."))
    from kesu.complaints.selectors import can_view

    if not (can(actor, Cap.REVEAL_PII) and can_view(actor, complaint)):
        raise NotPermitted(_("You may not see this customer's personal data."))
    PiiAccessLog.objects.create(
        user=actor, complaint=complaint, field=field, reason=reason, at=clock.now(), ip=ip
    )
    return str(getattr(complaint.customer, field))
