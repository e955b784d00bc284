"""The catalogue (courses, modules), online reading progress, sessions with enrolment and attendance,
mentoring pairs, training records and certificates.

Competency items are referred to by their stable code (a string), never by a foreign key: the
competency model is versioned and a course must stay valid when it changes.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kesu.common.models import TimeStampedModel


class Track(models.TextChoices):
    NEW_HIRE = "new_hire", _("New hire foundations")
    ADVANCED = "advanced", _("On-the-job advanced")
    MGMT_CRISIS = "mgmt_crisis", _("Management crisis coordination")
    PR_CRISIS = "pr_crisis", _("PR crisis communication")
    CROSS_DEPT = "cross_dept", _("Cross-department collaboration")
    INDUSTRY_FINANCE = "industry_finance", _("Industry: finance")
    INDUSTRY_SERVICE = "industry_service", _("Industry: services")
    INDUSTRY_ECOMMERCE = "industry_ecommerce", _("Industry: e-commerce")
    KEY_SCENARIO = "key_scenario", _("Key scenarios")


class Scenario(models.TextChoices):
    MASS_COMPLAINT = "mass_complaint", _("Mass complaints")
    HIGH_SENSITIVITY = "high_sensitivity", _("Highly sensitive complaints")
    PUBLIC_OPINION = "public_opinion", _("Public opinion crisis")


class Method(models.TextChoices):
    LECTURE = "lecture", _("Lecture")
    CASE_STUDY = "case_study", _("Case study")
    ROLE_PLAY = "role_play", _("Role play")
    SIMULATION = "simulation", _("Simulation drill")
    DISCUSSION = "discussion", _("Group discussion")
    ONLINE = "online", _("Online learning")
    MENTORING = "mentoring", _("Mentoring")


class Course(TimeStampedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    code = models.CharField(_("code"), max_length=30, unique=True)
    title = models.CharField(_("title"), max_length=120)
    track = models.CharField(_("track"), max_length=30, choices=Track.choices)
    scenario = models.CharField(_("scenario"), max_length=30, choices=Scenario.choices, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    # Role profile codes (new_handler, handler, …) and competency item codes (know_law, …).
    audience = models.JSONField(_("audience"), default=list, blank=True)
    item_codes = models.JSONField(_("competency items"), default=list, blank=True)
    target_level = models.PositiveSmallIntegerField(_("target level"), default=3)
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=1, default=1)
    assessment = models.TextField(_("assessment"), blank=True)
    # The score (0–100) a session's assessment needs for the course to be completed.
    pass_score = models.PositiveSmallIntegerField(_("pass score"), default=60)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    # Raised on every edit of the course or its modules: records keep the version they were earned on.
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        ordering = ["track", "code"]
        verbose_name = _("course")
        verbose_name_plural = _("courses")

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED


class Module(models.Model):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="modules")
    order = models.PositiveSmallIntegerField(_("order"), default=1)
    title = models.CharField(_("title"), max_length=120)
    method = models.CharField(_("method"), max_length=20, choices=Method.choices)
    minutes = models.PositiveSmallIntegerField(_("minutes"), default=30)
    item_codes = models.JSONField(_("competency items"), default=list, blank=True)
    body = models.TextField(_("content (Markdown)"), blank=True)

    class Meta:
        ordering = ["course", "order", "id"]
        verbose_name = _("module")
        verbose_name_plural = _("modules")

    def __str__(self) -> str:
        return self.title

    @property
    def is_online(self) -> bool:
        return self.method == Method.ONLINE


class ModuleProgress(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="progress")
    opened_at = models.DateTimeField()
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "module"], name="training_progress_once")]


class TrainingSession(TimeStampedModel):
    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        DONE = "done", _("Held")
        CANCELLED = "cancelled", _("Cancelled")

    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="sessions")
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    room = models.CharField(_("room"), max_length=120, blank=True)
    online_link = models.URLField(_("online link"), blank=True)
    trainer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("trainer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    capacity = models.PositiveSmallIntegerField(_("capacity"), default=20)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.SCHEDULED)

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = _("session")
        verbose_name_plural = _("sessions")

    def __str__(self) -> str:
        return f"{self.course.title} {self.starts_at:%Y-%m-%d %H:%M}"


class Enrolment(models.Model):
    class Status(models.TextChoices):
        ENROLLED = "enrolled", _("Enrolled")
        WAITING = "waiting", _("Waiting list")
        CANCELLED = "cancelled", _("Cancelled")

    class Attendance(models.TextChoices):
        UNKNOWN = "", _("Not marked")
        PRESENT = "present", _("Present")
        ABSENT = "absent", _("Absent")

    session = models.ForeignKey(TrainingSession, on_delete=models.CASCADE, related_name="enrolments")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices)
    # The waiting list is served in the order people asked (requested_at, then id).
    requested_at = models.DateTimeField()
    attendance = models.CharField(max_length=10, choices=Attendance.choices, blank=True, default="")
    score = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True)

    class Meta:
        ordering = ["requested_at", "id"]
        constraints = [models.UniqueConstraint(fields=["session", "user"], name="training_enrol_once")]


class TrainingRecord(models.Model):
    """One completed course of one person: the row the 培训档案 and coverage are made of."""

    class Source(models.TextChoices):
        SESSION = "session", _("Session")
        ONLINE = "online", _("Online learning")
        MENTORING = "mentoring", _("Mentoring")
        EXTERNAL = "external", _("External")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="records")
    session = models.ForeignKey(
        TrainingSession, null=True, blank=True, on_delete=models.SET_NULL, related_name="records"
    )
    course_version = models.PositiveIntegerField(default=1)
    hours = models.DecimalField(max_digits=5, decimal_places=1)
    score = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True)
    completed_on = models.DateField()
    source = models.CharField(max_length=10, choices=Source.choices)
    # What earned it ("enrolment:12", "online:<user>:<course>"): completing the same thing twice is one row.
    source_ref = models.CharField(max_length=80, unique=True)

    class Meta:
        ordering = ["-completed_on", "-id"]
        indexes = [models.Index(fields=["user", "completed_on"], name="training_record_user")]


class MentoringPair(TimeStampedModel):
    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("mentor"), on_delete=models.CASCADE, related_name="+"
    )
    mentee = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("mentee"), on_delete=models.CASCADE, related_name="+"
    )
    item_codes = models.JSONField(_("focus items"), default=list, blank=True)
    starts_on = models.DateField(_("start"))
    ends_on = models.DateField(_("end"))

    class Meta:
        ordering = ["-starts_on", "id"]
        verbose_name = _("mentoring pair")
        verbose_name_plural = _("mentoring pairs")


class CheckIn(models.Model):
    pair = models.ForeignKey(MentoringPair, on_delete=models.CASCADE, related_name="checkins")
    due_on = models.DateField(_("date"))
    notes = models.TextField(_("notes"), blank=True)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "id"]


class Certificate(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    title = models.CharField(_("title"), max_length=120)
    source_ref = models.CharField(max_length=80, unique=True)
    issued_on = models.DateField(_("issued on"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-issued_on", "-id"]
        indexes = [models.Index(fields=["valid_until", "reminded_at"], name="training_cert_expiry")]


class TrainingEvent(models.Model):
    """The audit trail of the training app: who changed what, written with the change."""

    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=30)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    course = models.ForeignKey(Course, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    session = models.ForeignKey(
        TrainingSession, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
