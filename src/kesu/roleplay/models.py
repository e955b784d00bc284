"""Role-play scenarios (versioned), sessions and their turns, classroom votes and crisis drills.

A session points at the exact scenario version it was played on and keeps the rubric version the engine
reported, so a debrief is reproducible after trainers edit the scenario.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Industry(models.TextChoices):
    FINANCE = "finance", _("Finance")
    RETAIL = "retail", _("Retail")
    ECOMMERCE = "ecommerce", _("E-commerce")
    SERVICE = "service", _("Services")
    GENERAL = "general", _("General")


class ScenarioCategory(models.TextChoices):
    PROMISE_BROKEN = "promise_broken", _("Service promise not kept")
    TECHNICAL_ERROR = "technical_error", _("Professional or technical error")
    ATTITUDE = "attitude", _("Staff attitude")
    SPECIAL_NEEDS = "special_needs", _("Special needs")
    PRODUCT_QUALITY = "product_quality", _("Product quality")
    LOGISTICS = "logistics", _("Logistics")
    BILLING = "billing", _("Billing")
    PRIVACY_LEAK = "privacy_leak", _("Privacy leak")
    SAFETY = "safety", _("Safety incident")
    MEDIA = "media", _("Journalist enquiry")
    CRISIS = "crisis", _("Crisis")


class Scenario(models.Model):
    code = models.CharField(_("code"), max_length=40, unique=True)
    # Denormalised from the current version, for the library's filters.
    title = models.CharField(_("title"), max_length=120)
    industry = models.CharField(_("industry"), max_length=12, choices=Industry.choices)
    category = models.CharField(_("category"), max_length=20, choices=ScenarioCategory.choices)
    difficulty = models.PositiveSmallIntegerField(_("difficulty"))
    items = models.JSONField(_("competency items"), default=list)
    is_drill = models.BooleanField(_("crisis drill"), default=False)
    active = models.BooleanField(_("active"), default=True)
    current = models.ForeignKey(
        "ScenarioVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["industry", "difficulty", "code"]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class ScenarioVersion(models.Model):
    scenario = models.ForeignKey(Scenario, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    data = models.JSONField()  # the YAML shape (kesu.roleplay.engine.scenario_to_dict)
    rubric_version = models.CharField(max_length=16)
    note = models.CharField(_("what changed"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["scenario", "-number"]
        constraints = [models.UniqueConstraint(fields=["scenario", "number"], name="rp_version_once")]


class Mode(models.TextChoices):
    PRACTICE = "practice", _("Practice")
    ASSESSMENT = "assessment", _("Assessment")
    CLASSROOM = "classroom", _("Classroom")


class SessionStatus(models.TextChoices):
    ACTIVE = "active", _("In progress")
    RESOLVED = "resolved", _("Resolved")
    ESCALATED = "escalated", _("Escalated")
    ABANDONED = "abandoned", _("Abandoned")


class RolePlaySession(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="roleplay_sessions"
    )
    version = models.ForeignKey(ScenarioVersion, on_delete=models.PROTECT, related_name="sessions")
    mode = models.CharField(_("mode"), max_length=12, choices=Mode.choices)
    status = models.CharField(_("status"), max_length=10, choices=SessionStatus.choices, default="active")
    rubric_version = models.CharField(max_length=16)
    state = models.JSONField(default=dict)
    turn_count = models.PositiveSmallIntegerField(default=0)
    turn_seconds = models.PositiveIntegerField(_("seconds per reply"), null=True, blank=True)
    turn_deadline = models.DateTimeField(null=True, blank=True)
    hints_used = models.PositiveSmallIntegerField(default=0)
    join_code = models.CharField(max_length=6, blank=True, db_index=True)  # classroom sessions
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    score = models.PositiveSmallIntegerField(_("score"), null=True, blank=True)
    passed = models.BooleanField(_("passed"), null=True, blank=True)
    debrief = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["user", "-started_at"], name="rp_session_user")]


class RolePlayTurn(models.Model):
    session = models.ForeignKey(RolePlaySession, on_delete=models.CASCADE, related_name="turns")
    number = models.PositiveSmallIntegerField()
    reply = models.TextField()
    line = models.TextField()
    line_source = models.CharField(max_length=10, default="scripted")  # scripted | llm
    score = models.PositiveSmallIntegerField()
    anger = models.PositiveSmallIntegerField()
    trust = models.PositiveSmallIntegerField()
    reaction = models.CharField(max_length=12)
    checks = models.JSONField(default=list)
    coaching = models.JSONField(default=dict)
    opinion = models.JSONField(default=dict, blank=True)  # the LLM's second opinion, if any
    late = models.BooleanField(default=False)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["session", "number"]
        constraints = [models.UniqueConstraint(fields=["session", "number"], name="rp_turn_once")]


class ClassroomProposal(models.Model):
    """A reply a trainee proposes for the classroom session's next turn."""

    session = models.ForeignKey(RolePlaySession, on_delete=models.CASCADE, related_name="proposals")
    turn_number = models.PositiveSmallIntegerField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    text = models.TextField()
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["session", "turn_number", "id"]
        constraints = [
            models.UniqueConstraint(fields=["session", "turn_number", "author"], name="rp_one_proposal")
        ]


class ClassroomVote(models.Model):
    proposal = models.ForeignKey(ClassroomProposal, on_delete=models.CASCADE, related_name="votes")
    session = models.ForeignKey(RolePlaySession, on_delete=models.CASCADE, related_name="+")
    turn_number = models.PositiveSmallIntegerField()
    voter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "turn_number", "voter"], name="rp_one_vote")
        ]


class DrillRun(models.Model):
    """A multi-person crisis drill: injects appear as time passes; the team acts; scored afterwards."""

    version = models.ForeignKey(ScenarioVersion, on_delete=models.PROTECT, related_name="drills")
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    participants = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="drills")
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    score = models.PositiveSmallIntegerField(null=True, blank=True)
    result = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]


class DrillAction(models.Model):
    class Kind(models.TextChoices):
        GRADE = "grade", _("Crisis grade")
        STATEMENT = "statement", _("Holding statement")
        ASSIGN = "assign", _("Task assignment")
        NOTE = "note", _("Note")

    run = models.ForeignKey(DrillRun, on_delete=models.CASCADE, related_name="actions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    text = models.TextField(_("text"))
    minute = models.PositiveIntegerField()  # minutes after the drill started
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["run", "created_at", "id"]
