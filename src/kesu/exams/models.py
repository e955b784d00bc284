"""The exams app's data: question bank, blueprints (组卷规则), exams (a blueprint offered to people in a
window), attempts with their drawn paper and answers, and the daily question.

Questions are referred to by their stable ``code``; an attempt's ``paper`` holds a snapshot of every
question as it was asked (stem, options, answer, points), so editing or retiring a question never
changes what an old attempt shows or how it is graded. Competency items are referred to by their code
(docs/academy.md), never by a foreign key.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kesu.common.models import TimeStampedModel


class QuestionType(models.TextChoices):
    SINGLE = "single", _("Single choice")
    MULTIPLE = "multiple", _("Multiple choice")
    TRUE_FALSE = "true_false", _("True / false")
    JUDGEMENT = "judgement", _("Situational judgement")
    SHORT = "short", _("Short answer")


AUTO_GRADED = (QuestionType.SINGLE, QuestionType.MULTIPLE, QuestionType.TRUE_FALSE, QuestionType.JUDGEMENT)


class Industry(models.TextChoices):
    FINANCE = "finance", _("Finance")
    RETAIL = "retail", _("Retail and services")
    ECOMMERCE = "ecommerce", _("E-commerce")


class Question(TimeStampedModel):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        RETIRED = "retired", _("Retired")

    code = models.CharField(_("code"), max_length=40, unique=True)
    type = models.CharField(_("type"), max_length=12, choices=QuestionType.choices)
    items = models.JSONField(_("competency items"), default=list)  # item codes, the first is the main one
    difficulty = models.PositiveSmallIntegerField(_("difficulty"), default=2)  # 1 easy .. 3 hard
    industry = models.CharField(_("industry"), max_length=12, choices=Industry.choices, blank=True)
    stem = models.TextField(_("question"))
    # [{key, text, correct}] for choice questions; judgement options also carry score 0..1 and why.
    options = models.JSONField(_("options"), default=list, blank=True)
    answer = models.BooleanField(_("answer"), null=True, blank=True)  # true_false only
    reference_answer = models.TextField(_("reference answer"), blank=True)  # short only
    rubric = models.JSONField(_("rubric"), default=list, blank=True)  # short: [{point, keywords, weight}]
    explanation = models.TextField(_("explanation"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    version = models.PositiveIntegerField(_("version"), default=1)
    # True once an attempt or a daily answer has used this version: the next edit makes a new version.
    answered = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        indexes = [models.Index(fields=["status", "type"], name="exams_q_status_type")]

    def __str__(self) -> str:
        return self.code


class QuestionRevision(models.Model):
    """An earlier version of a question, kept when a question that had been answered was edited."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="revisions")
    version = models.PositiveIntegerField()
    snapshot = models.JSONField()
    replaced_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    replaced_at = models.DateTimeField()

    class Meta:
        ordering = ["question", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["question", "version"], name="exams_revision_once"),
        ]


class Blueprint(TimeStampedModel):
    """组卷规则: how a paper is drawn, how long it lasts and what counts as a pass."""

    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    time_limit_minutes = models.PositiveIntegerField(_("time limit (minutes)"), default=30)
    pass_mark = models.PositiveSmallIntegerField(_("pass mark (%)"), default=60)
    attempts_allowed = models.PositiveSmallIntegerField(_("attempts allowed"), default=1)
    # Role profile codes (docs/academy.md) the blueprint is meant for; informative and used by exams
    # that are open to a profile.
    audience_profiles = models.JSONField(_("audience profiles"), default=list, blank=True)
    certifies = models.BooleanField(_("passing issues a certificate"), default=False)
    certificate_valid_months = models.PositiveSmallIntegerField(
        _("certificate valid for (months)"), null=True, blank=True
    )
    active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["title", "id"]
        verbose_name = _("blueprint")
        verbose_name_plural = _("blueprints")

    def __str__(self) -> str:
        return self.title


class BlueprintRule(models.Model):
    """Draw ``count`` questions of ``type`` (and ``difficulty`` if set) tagged with ``item_code``, or with
    any item of ``dimension`` when no item is given. Each drawn question is worth ``points``."""

    blueprint = models.ForeignKey(Blueprint, on_delete=models.CASCADE, related_name="rules")
    position = models.PositiveSmallIntegerField(default=0)
    item_code = models.CharField(_("competency item"), max_length=40, blank=True)
    dimension = models.CharField(_("dimension"), max_length=12, blank=True)
    type = models.CharField(_("type"), max_length=12, choices=QuestionType.choices)
    difficulty = models.PositiveSmallIntegerField(_("difficulty"), null=True, blank=True)
    count = models.PositiveSmallIntegerField(_("number of questions"), default=1)
    points = models.PositiveSmallIntegerField(_("points each"), default=1)

    class Meta:
        ordering = ["blueprint", "position", "id"]


class Exam(TimeStampedModel):
    """A blueprint offered in a window to assigned people and/or everyone of some role profiles."""

    class Kind(models.TextChoices):
        REGULAR = "regular", _("Regular exam")
        PRE_TEST = "pre", _("Pre-test")
        POST_TEST = "post", _("Post-test")

    blueprint = models.ForeignKey(Blueprint, on_delete=models.PROTECT, related_name="exams")
    title = models.CharField(_("title"), max_length=120)
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("closes at"))
    assignees = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="assigned_exams")
    open_to_profiles = models.JSONField(_("open to role profiles"), default=list, blank=True)
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices, default=Kind.REGULAR)
    course_code = models.CharField(_("course code"), max_length=40, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-opens_at", "-id"]
        verbose_name = _("exam")
        verbose_name_plural = _("exams")

    def __str__(self) -> str:
        return self.title


class Attempt(models.Model):
    class Status(models.TextChoices):
        STARTED = "started", _("In progress")
        SUBMITTED = "submitted", _("Submitted")
        AWAITING_GRADING = "awaiting_grading", _("Awaiting grading")
        GRADED = "graded", _("Graded")

    class CloseReason(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted by the learner")
        TIMEOUT = "timeout", _("Time ran out")

    exam = models.ForeignKey(Exam, on_delete=models.PROTECT, related_name="attempts")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="exam_attempts")
    number = models.PositiveSmallIntegerField(default=1)  # the user's n-th attempt at this exam
    seed = models.BigIntegerField()
    # [{code, version, type, items, difficulty, stem, options, answer, reference_answer, rubric,
    #   explanation, points}] in the order shown.
    paper = models.JSONField(default=list)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.STARTED)
    started_at = models.DateTimeField()
    deadline = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)
    close_reason = models.CharField(max_length=10, choices=CloseReason.choices, blank=True)
    graded_at = models.DateTimeField(null=True, blank=True)
    score = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    max_score = models.DecimalField(max_digits=7, decimal_places=2, default=0)
    percent = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    passed = models.BooleanField(null=True, blank=True)
    pass_mark = models.PositiveSmallIntegerField(default=60)  # copied from the blueprint at start
    kind = models.CharField(max_length=8, choices=Exam.Kind.choices, default=Exam.Kind.REGULAR)
    course_code = models.CharField(max_length=40, blank=True)
    # Per item code: {"score", "max", "share", "level"} — what the evidence was recorded from.
    item_scores = models.JSONField(default=dict, blank=True)
    # What grading did beyond this row: {"evidence": [...], "retraining": ref, "certificate": ref}.
    effects = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["exam", "user", "number"], name="exams_attempt_number_once"),
        ]
        indexes = [
            models.Index(fields=["status", "deadline"], name="exams_attempt_open"),
            models.Index(fields=["user", "-started_at"], name="exams_attempt_user"),
            models.Index(fields=["course_code", "kind"], name="exams_attempt_course"),
        ]


class Answer(models.Model):
    """The learner's answer to one question of a paper (one row per position, upserted as they go)."""

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="answers")
    position = models.PositiveSmallIntegerField()
    question_code = models.CharField(max_length=40)
    # single/judgement: "B"; multiple: ["A", "C"]; true_false: true/false; short: "text".
    response = models.JSONField(null=True, blank=True)
    saved_at = models.DateTimeField()
    score = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    max_score = models.DecimalField(max_digits=6, decimal_places=2, default=0)
    # Short answers: the suggestion, the trainer's score per rubric point, the reply-coaching findings.
    suggested = models.JSONField(default=dict, blank=True)
    rubric_scores = models.JSONField(default=list, blank=True)
    grader_comment = models.TextField(blank=True)
    graded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    graded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["attempt", "position"]
        constraints = [
            models.UniqueConstraint(fields=["attempt", "position"], name="exams_answer_once"),
        ]


class DailyAnswer(models.Model):
    """每日一题: one question per person per day, answered once."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="daily_answers")
    day = models.DateField()
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    snapshot = models.JSONField(default=dict)
    response = models.JSONField(null=True, blank=True)
    correct = models.BooleanField(default=False)
    score = models.FloatField(default=0)  # 0..1 (judgement gives partial credit)
    answered_at = models.DateTimeField()

    class Meta:
        ordering = ["-day"]
        constraints = [models.UniqueConstraint(fields=["user", "day"], name="exams_daily_once")]
