"""The competency model (versioned), evidence of each person's level, and the desk-KPI mapping.

Other apps refer to competency items by their stable ``code`` (docs/academy.md), never by a foreign key to
a versioned row: a new model version copies the items, so an exam question tagged ``know_law`` stays
valid whatever the trainers change later.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

LEVELS = (1, 2, 3, 4, 5)


class Dimension(models.TextChoices):
    KNOWLEDGE = "knowledge", _("Professional knowledge")
    SKILL = "skill", _("Core skills")
    ATTITUDE = "attitude", _("Professional attitude")


class CompetencyModel(models.Model):
    """One version of the whole model. Exactly one is published at a time; at most one draft exists."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        ARCHIVED = "archived", _("Archived")

    number = models.PositiveIntegerField(_("version"), unique=True)
    label = models.CharField(_("name"), max_length=200)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    note = models.CharField(_("what changed"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-number"]
        verbose_name = _("competency model version")
        constraints = [
            models.UniqueConstraint(
                fields=["status"], condition=models.Q(status="published"), name="comp_one_published"
            ),
            models.UniqueConstraint(
                fields=["status"], condition=models.Q(status="draft"), name="comp_one_draft"
            ),
        ]

    def __str__(self) -> str:
        return f"v{self.number} {self.label}"


class CompetencyItem(models.Model):
    model = models.ForeignKey(CompetencyModel, on_delete=models.CASCADE, related_name="items")
    code = models.CharField(_("code"), max_length=40)
    dimension = models.CharField(_("dimension"), max_length=10, choices=Dimension.choices)
    name = models.CharField(_("name"), max_length=60)
    description = models.TextField(_("description"), blank=True)
    # {"1": ["indicator", ...], ..., "5": [...]}: observable behaviour at each level.
    levels = models.JSONField(_("behavioural indicators"), default=dict)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["model", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["model", "code"], name="comp_item_code")]

    def __str__(self) -> str:
        return self.name


class RoleProfile(models.Model):
    model = models.ForeignKey(CompetencyModel, on_delete=models.CASCADE, related_name="profiles")
    code = models.CharField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=60)
    description = models.TextField(_("description"), blank=True)
    next_code = models.CharField(_("next role on the career path"), max_length=40, blank=True)
    requirements = models.JSONField(_("required level per item"), default=dict)  # {item_code: 1..5}
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["model", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["model", "code"], name="comp_profile_code")]

    def __str__(self) -> str:
        return self.name


class Evidence(models.Model):
    """One dated, weighted observation of a person's level on one item. Idempotent per
    (user, source, ref, item_code): recording it again updates the row."""

    class Source(models.TextChoices):
        EXAM = "exam", _("Exam")
        ROLEPLAY = "roleplay", _("Role-play")
        RATING = "rating", _("Supervisor rating")
        DESK = "desk", _("Desk KPIs")
        SURVEY = "survey", _("Survey")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="evidence")
    item_code = models.CharField(max_length=40)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    ref = models.CharField(max_length=120)
    level = models.FloatField(_("level"), validators=[MinValueValidator(1), MaxValueValidator(5)])
    weight = models.FloatField(_("weight"), default=1.0)
    observed_on = models.DateField(_("observed on"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["-observed_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "source", "ref", "item_code"], name="evidence_once")
        ]
        indexes = [models.Index(fields=["user", "observed_on"], name="evidence_user_date")]


class KpiRule(models.Model):
    """How one desk KPI counts as evidence on one item: the KPI's value is mapped linearly from
    ``poor_value`` (level 1) to ``excellent_value`` (level 5), clamped; lower-is-better KPIs simply have
    poor > excellent. Trainers adjust these rows; no code change is needed."""

    class Kpi(models.TextChoices):
        SATISFACTION = "satisfaction", _("Average satisfaction (1–5)")
        FCR = "fcr_rate", _("First-contact resolution rate")
        ESCALATION = "escalation_rate", _("Escalation rate")
        REOPEN = "reopen_rate", _("Reopen rate")
        REPEAT = "repeat_rate", _("Repeat-complaint rate")
        OVERDUE = "overdue_rate", _("Overdue rate")
        REPLY_FINDINGS = "reply_findings", _("Reply-coaching findings per reply")
        COMP_ABOVE = "comp_above_rate", _("Share of compensation above the standard")

    kpi = models.CharField(_("desk KPI"), max_length=20, choices=Kpi.choices)
    item_code = models.CharField(_("competency item"), max_length=40)
    poor_value = models.FloatField(_("value at level 1"))
    excellent_value = models.FloatField(_("value at level 5"))
    weight = models.FloatField(_("weight"), default=1.0)
    min_cases = models.PositiveIntegerField(_("minimum cases in the month"), default=5)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["kpi", "item_code"]
        constraints = [models.UniqueConstraint(fields=["kpi", "item_code"], name="kpi_rule_once")]

    def level_for(self, value: float) -> float:
        span = self.excellent_value - self.poor_value
        if span == 0:
            return 3.0
        return round(min(5.0, max(1.0, 1 + 4 * (value - self.poor_value) / span)), 2)


class CompetencyLevel(models.Model):
    """A person's current level on an item, as computed from their evidence on ``as_of``: what team and
    organisation analyses read (one row per person and item instead of all their evidence). Kept in step
    by ``levels_refresh`` whenever evidence is recorded, and for everyone by the nightly job (recency
    weights move a little every day). A person's own page always computes from the evidence."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    item_code = models.CharField(max_length=40)
    level = models.FloatField()
    evidence_count = models.PositiveIntegerField()
    as_of = models.DateField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "item_code"], name="level_once")]


class NeedsSnapshot(models.Model):
    """A person's needs analysis as it stood on a date, under the model version of that date, so the
    record can show gaps over time and an old analysis stays explainable after the model changes."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    taken_on = models.DateField()
    model_number = models.PositiveIntegerField()
    profile_code = models.CharField(max_length=40)
    data = models.JSONField(default=dict)  # {item_code: {"required": r, "current": c, "gap": g}}

    class Meta:
        ordering = ["user", "taken_on"]
        constraints = [models.UniqueConstraint(fields=["user", "taken_on"], name="needs_snapshot_once")]
