"""The complaint desk's data. State fields are written only by the services named in their comments;
every change leaves a ComplaintEvent in the same transaction."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kesu.accounts.models import Department
from kesu.complaints.workflow import Status

# The condition of the partial queue indexes; selectors filter open complaints with exactly this.
OPEN_Q = ~Q(status=Status.CLOSED)


class Channel(models.TextChoices):
    PHONE = "phone", _("Phone")
    WEB = "web", _("Web form")
    EMAIL = "email", _("E-mail")
    VISIT = "visit", _("Visit")
    LETTER = "letter", _("Letter")
    APP = "app", _("App")
    SOCIAL = "social", _("Social media")
    API = "api", _("API")


class Severity(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")
    CRITICAL = "critical", _("Critical")


class CustomerTier(models.TextChoices):
    REGULAR = "regular", _("Regular")
    SILVER = "silver", _("Silver")
    GOLD = "gold", _("Gold")
    PLATINUM = "platinum", _("Platinum")
    DIAMOND = "diamond", _("Diamond")


class SpecialGroup(models.TextChoices):
    NONE = "", _("None")
    ELDERLY = "elderly", _("Elderly")
    DISABLED = "disabled", _("Disabled")


class Demand(models.TextChoices):
    REFUND = "refund", _("Refund")
    REPLACEMENT = "replacement", _("Replacement")
    REPAIR = "repair", _("Repair")
    COMPENSATION = "compensation", _("Compensation")
    APOLOGY = "apology", _("Apology")
    EXPLANATION = "explanation", _("Explanation")
    PUNISH_STAFF = "punish_staff", _("Punish staff")
    CANCEL = "cancel", _("Cancellation")


class Responsibility(models.TextChoices):
    STAFF = "staff", _("Our staff")
    PRODUCT = "product", _("Product")
    LOGISTICS_PARTNER = "logistics_partner", _("Logistics partner")
    CUSTOMER = "customer", _("Customer")
    THIRD_PARTY = "third_party", _("Third party")
    UNDETERMINED = "undetermined", _("Undetermined")


class CompensationType(models.TextChoices):
    VOUCHER = "voucher", _("Voucher")
    POINTS = "points", _("Points")
    REFUND = "refund", _("Refund")
    REPLACEMENT = "replacement", _("Replacement")
    FEE_WAIVER = "fee_waiver", _("Fee waiver")
    WRITTEN_APOLOGY = "written_apology", _("Written apology")
    VALUE_ADDED = "value_added", _("Value-added service")


class Stage(models.TextChoices):
    ACKNOWLEDGE = "acknowledge", _("Acknowledge")
    FIRST_RESPONSE = "first_response", _("First response")
    RESOLVE = "resolve", _("Resolve")
    FOLLOW_UP = "follow_up", _("Follow-up")


class Category(models.Model):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=40)
    name_en = models.CharField(_("English name"), max_length=60, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self) -> str:
        return self.name


class DeskSettings(models.Model):
    """Organisation-wide desk rules an administrator may change (one row)."""

    repeat_window_days = models.PositiveIntegerField(_("repeat-complaint window (days)"), default=30)
    reopen_window_days = models.PositiveIntegerField(_("reopen window after closing (days)"), default=15)
    follow_up_max_attempts = models.PositiveSmallIntegerField(
        _("failed follow-up attempts that allow closing"), default=3
    )
    warning_ratio = models.DecimalField(
        _("warning at share of stage time"), max_digits=3, decimal_places=2, default=0.8
    )

    class Meta:
        verbose_name = _("desk settings")
        verbose_name_plural = _("desk settings")

    def __str__(self) -> str:
        return str(_("Desk settings"))

    @classmethod
    def current(cls) -> DeskSettings:
        obj = cls.objects.order_by("pk").first()
        return obj if obj is not None else cls.objects.create()


class SlaPolicy(models.Model):
    """时效: stage deadlines for complaints matching category × severity × tier × special group.
    Blank criteria match anything; the most specific matching policy wins, then the lowest rank."""

    class Basis(models.TextChoices):
        WORKING = "working", _("Working hours")
        NATURAL = "natural", _("Natural hours")

    name = models.CharField(_("name"), max_length=80)
    category = models.ForeignKey(
        Category, verbose_name=_("category"), null=True, blank=True, on_delete=models.CASCADE
    )
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices, blank=True)
    customer_tier = models.CharField(
        _("customer tier"), max_length=10, choices=CustomerTier.choices, blank=True
    )
    special_group_only = models.BooleanField(_("special group customers only"), default=False)
    basis = models.CharField(_("time basis"), max_length=10, choices=Basis.choices, default=Basis.WORKING)
    acknowledge_hours = models.DecimalField(_("acknowledge within (h)"), max_digits=6, decimal_places=2)
    first_response_hours = models.DecimalField(_("first response within (h)"), max_digits=6, decimal_places=2)
    resolve_hours = models.DecimalField(_("resolve within (h)"), max_digits=6, decimal_places=2)
    follow_up_hours = models.DecimalField(_("follow up within (h)"), max_digits=6, decimal_places=2)
    rank = models.PositiveSmallIntegerField(_("rank"), default=100)

    class Meta:
        ordering = ["rank", "pk"]
        verbose_name = _("SLA policy")
        verbose_name_plural = _("SLA policies")

    def __str__(self) -> str:
        return self.name

    def hours_for(self, stage: str) -> float:
        return float(getattr(self, f"{stage}_hours"))


class CompensationTier(models.Model):
    """补偿分级标准: what may be offered for a complaint of a given severity."""

    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices, unique=True)
    name = models.CharField(_("name"), max_length=60)
    description = models.TextField(_("description"), blank=True)
    allowed_types = models.JSONField(_("allowed compensation types"), default=list)
    suggested_amount = models.DecimalField(
        _("suggested amount (CNY)"), max_digits=12, decimal_places=2, default=0
    )
    max_amount = models.DecimalField(_("maximum amount (CNY)"), max_digits=12, decimal_places=2)

    class Meta:
        ordering = ["max_amount"]
        verbose_name = _("compensation tier")
        verbose_name_plural = _("compensation standard")

    def __str__(self) -> str:
        return self.name


class Customer(models.Model):
    name = models.CharField(_("name"), max_length=60)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    phone_normalized = models.CharField(max_length=20, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    email_normalized = models.CharField(max_length=254, blank=True)
    id_number = models.CharField(_("ID number"), max_length=30, blank=True)
    tier = models.CharField(
        _("member tier"), max_length=10, choices=CustomerTier.choices, default=CustomerTier.REGULAR
    )
    special_group = models.CharField(
        _("special group"), max_length=10, choices=SpecialGroup.choices, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        # Plain b-tree indexes: db_index=True on a CharField adds a LIKE-only twin on PostgreSQL.
        indexes = [
            models.Index(fields=["phone_normalized"], name="cust_phone"),
            models.Index(fields=["email_normalized"], name="cust_email"),
        ]

    def __str__(self) -> str:
        return self.name


class Complaint(models.Model):
    # Unique through Meta.constraints: a field's unique=True would add a second, LIKE-only index on
    # PostgreSQL that no query uses (every write pays for each index).
    number = models.CharField(_("number"), max_length=20)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    # Set at registration; changed afterwards only by complaint_confirm_category().
    category = models.ForeignKey(Category, verbose_name=_("category"), on_delete=models.PROTECT)
    severity = models.CharField(
        _("severity"), max_length=10, choices=Severity.choices, default=Severity.MEDIUM
    )
    customer = models.ForeignKey(
        Customer,
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="complaints",
        db_index=False,  # cmp_customer_reg starts with it
    )
    title = models.CharField(_("subject"), max_length=120)
    description = models.TextField(_("description"))
    product = models.CharField(_("product / service"), max_length=120, blank=True)
    order_ref = models.CharField(_("order reference"), max_length=60, blank=True)
    demand = models.CharField(_("demand"), max_length=20, choices=Demand.choices, blank=True)
    underlying_need = models.CharField(_("underlying need"), max_length=120, blank=True)

    # Written only by complaint_transition().
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.REGISTERED)
    # Written only by complaint_escalate() / complaint_transition() on close.
    escalated = models.BooleanField(_("escalated"), default=False)
    # Written only by complaint_assign().
    department = models.ForeignKey(
        Department, verbose_name=_("handling team"), on_delete=models.PROTECT, related_name="complaints"
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handler"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_complaints",
    )
    # Written only by the SLA service (sla.py).
    sla_policy = models.ForeignKey(SlaPolicy, null=True, blank=True, on_delete=models.SET_NULL)
    next_due_at = models.DateTimeField(_("next deadline"), null=True, blank=True)
    sla_warning = models.BooleanField(_("SLA warning"), default=False)
    is_overdue = models.BooleanField(_("overdue"), default=False)

    is_repeat = models.BooleanField(_("repeat complaint"), default=False)
    earlier_complaints = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="later_complaints"
    )

    root_cause = models.TextField(_("root cause"), blank=True)
    responsibility = models.CharField(
        _("responsibility"), max_length=20, choices=Responsibility.choices, blank=True
    )
    resolution = models.TextField(_("solution"), blank=True)
    compensation_cost = models.DecimalField(
        _("approved compensation (CNY)"), max_digits=12, decimal_places=2, default=0
    )
    satisfaction = models.PositiveSmallIntegerField(_("satisfaction"), null=True, blank=True)
    reopen_count = models.PositiveSmallIntegerField(_("times reopened"), default=0)
    first_contact_resolution = models.BooleanField(_("first-contact resolution"), null=True, blank=True)

    registered_at = models.DateTimeField(_("registered at"))
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Registered, but the registration's follow-up work (repeat link, SLA timers, assignment, triage,
    # acknowledgement) has not run yet: services.complaint_intake_finish does it, from a task after
    # commit, from the SLA sweep if that task was lost, or from the first service that locks the row.
    intake_pending = models.BooleanField(default=False, db_default=False)
    # Optimistic concurrency: every write bumps it; a write based on an older version is refused.
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        indexes = [
            # Open-queue order (overdue first, then nearest deadline), partial so that a million closed
            # complaints do not weigh on the queues. Open queues filter with ~Q(status="closed") so that
            # SQLite's planner recognises the same condition.
            models.Index(
                fields=["department", "-is_overdue", "next_due_at", "id"],
                name="cmp_open_team",
                condition=OPEN_Q,
            ),
            models.Index(
                fields=["assignee", "-is_overdue", "next_due_at", "id", "status"],
                name="cmp_open_mine",
                condition=OPEN_Q,
            ),
            # Covers the queue-tab counts: answered from the index alone (docs/benchmarks.md).
            models.Index(
                fields=["department", "assignee", "status", "is_overdue", "escalated"],
                name="cmp_open_counts",
                condition=OPEN_Q,
            ),
            models.Index(fields=["-is_overdue", "next_due_at", "id"], name="cmp_open_all", condition=OPEN_Q),
            models.Index(fields=["-registered_at", "-id"], name="cmp_registered"),
            models.Index(fields=["status", "registered_at"], name="cmp_status_reg"),
            models.Index(fields=["closed_at"], name="cmp_closed_at", condition=Q(closed_at__isnull=False)),
            models.Index(fields=["customer", "registered_at"], name="cmp_customer_reg"),
            models.Index(
                fields=["registered_at"], name="cmp_intake_pending", condition=Q(intake_pending=True)
            ),
        ]
        constraints = [models.UniqueConstraint(fields=["number"], name="uniq_complaint_number")]

    def __str__(self) -> str:
        return self.number


class ComplaintEvent(models.Model):
    """The append-only timeline: who did what, when and why."""

    class Kind(models.TextChoices):
        REGISTERED = "registered", _("Registered")
        TRANSITION = "transition", _("Status change")
        ASSIGNED = "assigned", _("Assigned")
        NOTE = "note", _("Note")
        EVIDENCE = "evidence", _("Evidence")
        INVESTIGATION = "investigation", _("Investigation findings")
        TASK = "task", _("Department task")
        COMPENSATION = "compensation", _("Compensation")
        APPROVAL = "approval", _("Approval decision")
        FOLLOW_UP = "follow_up", _("Follow-up")
        ESCALATED = "escalated", _("Escalated")
        SLA_WARNING = "sla_warning", _("SLA warning")
        SLA_OVERDUE = "sla_overdue", _("SLA overdue")
        MESSAGE = "message", _("Message to customer")
        REPEAT = "repeat", _("Repeat complaint")
        TRIAGE = "triage", _("Triage")
        CATEGORY = "category", _("Category")

    # evt_complaint_at starts with it.
    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="events", db_index=False)
    at = models.DateTimeField(_("at"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, blank=True)
    message = models.TextField(_("message"), blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["complaint", "at"], name="evt_complaint_at")]
        verbose_name = _("timeline event")
        verbose_name_plural = _("timeline events")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_kind_display()}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("timeline events are append-only")
        super().save(*args, **kwargs)


class ComplaintTriage(models.Model):
    """What the triage engine (kesu.triage, through complaints/triage.py) made of a complaint's text.

    One row per complaint, written at registration and replaced when the complaint is analysed again.
    The handler's confirmation of the category is not part of the analysis: it is kept when the row is
    replaced, and written only by ``complaint_confirm_category()``. Confirmed rows are the training data
    of the category model (``kesu triage train --from-desk``)."""

    complaint = models.OneToOneField(Complaint, on_delete=models.CASCADE, related_name="triage")
    category_code = models.CharField(_("suggested category"), max_length=40, blank=True)
    category_confidence = models.FloatField(_("confidence"), default=0.0)
    category_source = models.CharField(max_length=10, blank=True)  # "rules" or "model"
    model_version = models.CharField(_("model version"), max_length=80, blank=True)
    anger_level = models.PositiveSmallIntegerField(_("anger level"), default=0)
    anger_score = models.FloatField(default=0.0)
    flags = models.JSONField(_("sensitivity flags"), default=list, blank=True)  # flag codes
    demands = models.JSONField(_("demands"), default=list, blank=True)  # demand codes
    underlying_needs = models.JSONField(_("deeper needs"), default=list, blank=True)  # need codes
    # The engine's own labels of the codes above ({"flag:media": "媒体/舆情", ...}): the desk translates
    # the codes it knows and falls back to these for codes an administrator added to the lexicons.
    labels = models.JSONField(default=dict, blank=True)
    # Evidence: [{"for": "category" | "anger" | "flag:<code>" | "demand:<code>", "kind", "text", "start",
    # "end", "weight"}]; spans index the engine's normalised text.
    cues = models.JSONField(default=list, blank=True)
    script = models.TextField(_("soothing script"), blank=True)
    notes = models.JSONField(default=list, blank=True)  # what normalisation had to do (truncated, ...)
    degraded = models.BooleanField(_("degraded"), default=False)
    degraded_note = models.TextField(blank=True)
    engine_version = models.CharField(max_length=20, blank=True)
    analysed_at = models.DateTimeField(_("analysed at"))

    # Written only by complaint_confirm_category().
    category_confirmed = models.BooleanField(_("category confirmed"), default=False)
    confirmed_category_code = models.CharField(max_length=40, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("triage analysis")
        verbose_name_plural = _("triage analyses")
        indexes = [
            # The training export reads only confirmed rows.
            models.Index(
                fields=["confirmed_at"], name="triage_confirmed", condition=Q(category_confirmed=True)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.complaint_id}: {self.category_code} ({self.category_confidence:.2f})"


class StageDeadline(models.Model):
    """One row per SLA stage of a complaint. The sweep reads only rows that are due for a warning or
    an overdue mark, through the two partial indexes below, so it never scans all open complaints."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="deadlines")
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices)
    started_at = models.DateTimeField()
    warn_at = models.DateTimeField()
    due_at = models.DateTimeField(_("due at"))
    warned_at = models.DateTimeField(null=True, blank=True)
    overdue_at = models.DateTimeField(null=True, blank=True)
    met_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["complaint", "stage"], name="uniq_complaint_stage")]
        indexes = [
            models.Index(
                fields=["warn_at"],
                name="sla_pending_warn",
                condition=Q(met_at__isnull=True, warned_at__isnull=True),
            ),
            models.Index(
                fields=["due_at"],
                name="sla_pending_due",
                condition=Q(met_at__isnull=True, overdue_at__isnull=True),
            ),
        ]


class Evidence(models.Model):
    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="evidence")
    note = models.TextField(_("note"), blank=True)
    file = models.FileField(_("file"), upload_to="evidence/%Y/%m/", blank=True)
    original_name = models.CharField(max_length=200, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    from_customer = models.BooleanField(default=False)
    added_at = models.DateTimeField()

    class Meta:
        ordering = ["added_at", "id"]
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")


class DepartmentTask(models.Model):
    class State(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="tasks")
    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="tasks"
    )
    title = models.CharField(_("task"), max_length=200)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_tasks",
    )
    due_at = models.DateTimeField(_("deadline"))
    blocking = models.BooleanField(_("blocks resolution"), default=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.OPEN)
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["due_at", "id"]
        indexes = [models.Index(fields=["department", "state", "due_at"], name="task_dept_state")]
        verbose_name = _("department task")
        verbose_name_plural = _("department tasks")


class CompensationProposal(models.Model):
    """A proposed solution with compensation. Within the proposer's authority it is approved at once;
    above it, it waits for a user of ``approver_role``."""

    class State(models.TextChoices):
        PENDING = "pending", _("Awaiting approval")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        SUPERSEDED = "superseded", _("Superseded")

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="proposals")
    tier = models.ForeignKey(
        CompensationTier, verbose_name=_("compensation tier"), null=True, on_delete=models.PROTECT
    )
    solution = models.TextField(_("solution"))
    total = models.DecimalField(_("total (CNY)"), max_digits=12, decimal_places=2, default=0)
    state = models.CharField(_("state"), max_length=12, choices=State.choices)
    approver_role = models.CharField(max_length=20, blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    proposed_at = models.DateTimeField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(_("reason"), blank=True)

    class Meta:
        ordering = ["proposed_at", "id"]
        indexes = [models.Index(fields=["state", "approver_role"], name="proposal_pending")]
        verbose_name = _("compensation proposal")
        verbose_name_plural = _("compensation proposals")


class CompensationItem(models.Model):
    proposal = models.ForeignKey(CompensationProposal, on_delete=models.CASCADE, related_name="items")
    type = models.CharField(_("type"), max_length=20, choices=CompensationType.choices)
    amount = models.DecimalField(_("amount (CNY)"), max_digits=12, decimal_places=2, default=0)
    note = models.CharField(_("note"), max_length=200, blank=True)


class FollowUp(models.Model):
    """回访. ``reached=False`` records a failed attempt to reach the customer."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="follow_ups")
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    reached = models.BooleanField(_("customer reached"), default=True)
    satisfaction = models.PositiveSmallIntegerField(_("satisfaction (1–5)"), null=True, blank=True)
    resolved = models.BooleanField(_("problem solved"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField()
    # Which round of handling this follow-up belongs to (complaint.reopen_count at the time).
    round = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")


class OutboundMessage(models.Model):
    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        MANUAL = "manual", _("To send by hand")
        SENT_MANUALLY = "sent_manually", _("Sent by hand")

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="messages")
    channel = models.CharField(max_length=10, choices=Channel.choices)
    recipient = models.CharField(max_length=254, blank=True)
    subject = models.CharField(max_length=200)
    body = models.TextField()
    state = models.CharField(max_length=15, choices=State.choices)
    created_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["created_at", "id"]


class Notification(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    complaint = models.ForeignKey(
        Complaint, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(max_length=30)
    message = models.CharField(max_length=300)
    # Where the notification leads when it is not about a complaint (e.g. an academy page); a path.
    link = models.CharField(max_length=300, blank=True, default="")
    created_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)
    emailed = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at", "-created_at"], name="notif_user_unread")]


class PiiAccessLog(models.Model):
    """Audit of every explicit reveal of masked personal data."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="pii_access")
    field = models.CharField(max_length=20)
    reason = models.CharField(max_length=200)
    at = models.DateTimeField()
    ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("PII access log entry")
        verbose_name_plural = _("PII access log")


class IdempotencyRecord(models.Model):
    """Remembers API creates by Idempotency-Key so a retried request returns the original complaint."""

    key = models.CharField(max_length=100)
    # uniq_idempotency_key starts with it.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    request_hash = models.CharField(max_length=64)
    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="uniq_idempotency_key")]


class DailySequence(models.Model):
    """Counter behind TS-YYYYMMDD-NNNN numbers."""

    day = models.DateField(primary_key=True)
    last = models.PositiveIntegerField(default=0)
