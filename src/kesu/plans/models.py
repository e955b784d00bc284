"""Personal training plans (培训计划) and retraining (复训).

State fields are written only by kesu.plans.services: ``Plan.status`` and ``Plan.version`` by the plan
services (every write to a plan or one of its items bumps the version), ``Retraining.status`` by the
retraining services. Every change leaves a ``PlanEvent`` in the same transaction.

A plan item freezes what it was generated from — item code and name, current and target level, course
code and title — so a plan stays readable and valid when the competency model or the catalogue changes
afterwards (apps refer to competency items by code, never by a foreign key to a versioned row).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Method(models.TextChoices):
    LECTURE = "lecture", _("Lecture")
    CASE_STUDY = "case_study", _("Case study")
    ROLE_PLAY = "role_play", _("Role play")
    SIMULATION = "simulation", _("Simulation drill")
    GROUP_DISCUSSION = "group_discussion", _("Group discussion")
    E_LEARNING = "e_learning", _("E-learning")
    MENTORING = "mentoring", _("Mentoring")


class Assessment(models.TextChoices):
    EXAM = "exam", _("Exam")
    SCENARIO = "scenario", _("Scenario assessment")
    MENTOR_REVIEW = "mentor_review", _("Mentor's review")
    SUPERVISOR_RATING = "supervisor_rating", _("Supervisor's rating")
    DESK_KPI = "desk_kpi", _("Desk KPIs")


class AcademySettings(models.Model):
    """The plans' and retraining's knobs; one row (pk=1), edited in the admin."""

    retraining_due_days = models.PositiveSmallIntegerField(_("retraining due after (days)"), default=14)
    satisfaction_target = models.DecimalField(
        _("monthly satisfaction target (1–5)"), max_digits=3, decimal_places=2, default=Decimal("4.00")
    )
    satisfaction_min_follow_ups = models.PositiveSmallIntegerField(
        _("follow-ups needed before satisfaction counts"), default=3
    )
    mentoring_min_gap = models.DecimalField(
        _("skill/attitude gap that adds mentoring"), max_digits=3, decimal_places=1, default=Decimal("2.0")
    )
    plan_max_items = models.PositiveSmallIntegerField(_("gap items per generated plan"), default=6)

    class Meta:
        verbose_name = _("academy settings")
        verbose_name_plural = _("academy settings")

    def __str__(self) -> str:
        return str(_("Academy settings"))

    @classmethod
    def get(cls) -> AcademySettings:
        return cls.objects.get_or_create(pk=1)[0]


class Plan(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        APPROVED = "approved", _("Approved")
        IN_PROGRESS = "in_progress", _("In progress")
        COMPLETED = "completed", _("Completed")
        CANCELLED = "cancelled", _("Cancelled")

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("person"), on_delete=models.CASCADE, related_name="plans"
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    title = models.CharField(_("title"), max_length=120)
    # What the plan was generated from (frozen): the role profile and the competency model version.
    profile_code = models.CharField(_("role profile"), max_length=40, blank=True)
    profile_name = models.CharField(_("role profile name"), max_length=80, blank=True)
    model_version = models.PositiveIntegerField(_("competency model version"), null=True, blank=True)
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("until"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"))
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["person", "status"], name="plan_person_status")]
        verbose_name = _("training plan")
        verbose_name_plural = _("training plans")

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.DRAFT, self.Status.APPROVED, self.Status.IN_PROGRESS)

    @property
    def is_active(self) -> bool:
        """Approved and not over: the plan the learner works on."""
        return self.status in (self.Status.APPROVED, self.Status.IN_PROGRESS)


class PlanItem(models.Model):
    class Status(models.TextChoices):
        TODO = "todo", _("To do")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        DROPPED = "dropped", _("Dropped")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField(default=0)
    objective = models.CharField(_("objective"), max_length=300)
    item_code = models.CharField(_("competency item"), max_length=40, blank=True)
    item_name = models.CharField(_("competency item name"), max_length=80, blank=True)
    current_level = models.DecimalField(
        _("current level"), max_digits=3, decimal_places=1, null=True, blank=True
    )
    target_level = models.DecimalField(
        _("target level"), max_digits=3, decimal_places=1, null=True, blank=True
    )
    course_code = models.CharField(_("course code"), max_length=60, blank=True)
    course_title = models.CharField(_("course"), max_length=200, blank=True)
    method = models.CharField(_("method"), max_length=20, choices=Method.choices)
    planned_start = models.DateField(_("planned start"), null=True, blank=True)
    deadline = models.DateField(_("deadline"))
    place = models.CharField(_("place"), max_length=120, blank=True)
    trainer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("trainer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    assessment = models.CharField(_("assessment"), max_length=20, choices=Assessment.choices)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.TODO)
    progress_note = models.CharField(_("progress note"), max_length=500, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["plan", "position", "id"]
        verbose_name = _("plan item")
        verbose_name_plural = _("plan items")

    def __str__(self) -> str:
        return self.objective


class Retraining(models.Model):
    """复训: assigned after a failed exam or scenario assessment or poor desk KPIs."""

    class Kind(models.TextChoices):
        EXAM_FAILED = "exam_failed", _("Exam failed")
        ROLEPLAY_FAILED = "roleplay_failed", _("Scenario assessment failed")
        ESCALATION_CAUSED = "escalation_caused", _("Escalation caused")
        SATISFACTION_LOW = "satisfaction_low", _("Satisfaction below target")

    class Status(models.TextChoices):
        ASSIGNED = "assigned", _("Assigned")
        DONE = "done", _("Done")
        OVERDUE = "overdue", _("Overdue")
        ESCALATED = "escalated", _("Escalated")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="retrainings",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    reason = models.CharField(_("reason"), max_length=500)
    item_codes = models.JSONField(_("competency items"), default=list, blank=True)
    course_code = models.CharField(_("course code"), max_length=60, blank=True)
    course_title = models.CharField(_("course"), max_length=200, blank=True)
    due_on = models.DateField(_("due on"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ASSIGNED)
    # The idempotency key of whatever assigned it ("exam-attempt:42", "desk-sat:7:2026-10", …).
    source_ref = models.CharField(_("source"), max_length=100, unique=True)
    assigned_at = models.DateTimeField(_("assigned at"))
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    done_note = models.CharField(_("note"), max_length=500, blank=True)
    overdue_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-assigned_at", "-id"]
        indexes = [
            models.Index(fields=["user", "status"], name="retr_user_status"),
            models.Index(fields=["status", "due_on"], name="retr_status_due"),
        ]
        verbose_name = _("retraining")
        verbose_name_plural = _("retrainings")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.user}"

    @property
    def is_open(self) -> bool:
        return self.status != self.Status.DONE


class PlanEvent(models.Model):
    """Append-only history of plans and retraining: who did what, when."""

    plan = models.ForeignKey(Plan, null=True, blank=True, on_delete=models.CASCADE, related_name="events")
    retraining = models.ForeignKey(
        Retraining, null=True, blank=True, on_delete=models.CASCADE, related_name="events"
    )
    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=30)
    message = models.CharField(max_length=500, blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]

    LABELS = {
        "generated": _("Generated"),
        "status": _("Status change"),
        "item_added": _("Item added"),
        "item_changed": _("Item changed"),
        "item_removed": _("Item removed"),
        "item_dropped": _("Item dropped"),
        "progress": _("Progress"),
        "assigned": _("Assigned"),
        "done": _("Done"),
        "overdue": _("Overdue"),
        "escalated": _("Escalated"),
    }

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("plan events are append-only")
        super().save(*args, **kwargs)

    @property
    def label(self) -> str:
        return str(self.LABELS.get(self.kind, self.kind))
