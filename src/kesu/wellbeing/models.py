"""Emotion diary (情绪日记) and pain-point survey (岗位痛点调研).

Diary entries are private to their author: every read goes through ``selectors`` filtered on the
author, and the only view of other people's entries is ``selectors.team_trends`` — aggregated counts
that are suppressed below ``MIN_GROUP`` distinct people. A complaint is referred to by its number (a
string), not a foreign key, so the diary never holds up deleting complaints and shows nothing of them.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kesu.accounts.models import Department


class Emotion(models.TextChoices):
    ANGER = "anger", pgettext_lazy("emotion", "Angry")
    GRIEVANCE = "grievance", pgettext_lazy("emotion", "Wronged")
    ANXIETY = "anxiety", pgettext_lazy("emotion", "Anxious")
    HELPLESS = "helpless", pgettext_lazy("emotion", "Helpless")
    TENSE = "tense", pgettext_lazy("emotion", "Tense")
    SAD = "sad", pgettext_lazy("emotion", "Low")
    EXHAUSTED = "exhausted", pgettext_lazy("emotion", "Drained")
    CALM = "calm", pgettext_lazy("emotion", "Calm")


class Trigger(models.TextChoices):
    ABUSE = "abuse", _("Verbal abuse")
    EXPOSURE_THREAT = "exposure_threat", _("Threat to go public")
    UNREASONABLE = "unreasonable", _("Unreasonable demand")
    REPEAT_CALLS = "repeat_calls", _("Repeated calls")
    BUCK_PASSING = "buck_passing", _("Departments passing the buck")
    SYSTEM_FAILURE = "system_failure", _("System failure")
    DEADLINE = "deadline", _("Deadline pressure")
    NO_AUTHORITY = "no_authority", _("Not enough authority")
    LEGAL_THREAT = "legal_threat", _("Legal threat")
    WORKLOAD = "workload", _("Workload")


class Helper(models.TextChoices):
    BREATHING = "breathing", _("Deep breathing")
    COLLEAGUE = "colleague", _("Support from a colleague")
    SUPERVISOR = "supervisor", _("Supervisor stepped in")
    BREAK = "break", _("A short break")
    SCRIPT = "script", _("A prepared script")
    SELF_TALK = "self_talk", _("Positive self-talk")
    EXERCISE = "exercise", _("Exercise after work")
    NOTHING = "nothing", _("Nothing helped")


class DiaryEntry(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="diary_entries")
    # The author's department when the entry was written: team trends count it there.
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    occurred_at = models.DateTimeField(_("when"))
    complaint_number = models.CharField(_("complaint number"), max_length=20, blank=True)
    what_happened = models.TextField(_("what happened"), blank=True)
    emotion = models.CharField(_("emotion"), max_length=20, choices=Emotion.choices)
    intensity = models.PositiveSmallIntegerField(_("intensity"))
    triggers = models.JSONField(_("triggers"), default=list, blank=True)  # Trigger codes
    helpers = models.JSONField(_("what helped"), default=list, blank=True)  # Helper codes
    helped_note = models.TextField(_("what helped (notes)"), blank=True)
    # Set by the form (a key per rendered form) or an API client: a second submit returns the first entry.
    request_key = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name = _("diary entry")
        verbose_name_plural = _("diary entries")
        indexes = [
            models.Index(fields=["user", "-occurred_at"], name="diary_user_when"),
            models.Index(fields=["department", "occurred_at"], name="diary_dept_when"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(intensity__gte=1, intensity__lte=5), name="diary_intensity_1_5"
            ),
            models.UniqueConstraint(
                fields=["user", "request_key"], condition=~models.Q(request_key=""), name="diary_request_once"
            ),
        ]

    def __str__(self) -> str:
        # Never the text: this is what the admin and logs would show.
        return f"#{self.pk}"

    @property
    def trigger_labels(self) -> list[str]:
        labels = dict(Trigger.choices)
        return [str(labels[c]) for c in self.triggers if c in labels]

    @property
    def helper_labels(self) -> list[str]:
        labels = dict(Helper.choices)
        return [str(labels[c]) for c in self.helpers if c in labels]


class CheckinSuggestion(models.Model):
    """One streak of heavy entries. Created (and the mentor notified) once per streak; the streak goes on
    while heavy entries keep coming within the window of the previous one."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    started_at = models.DateTimeField()  # the first heavy entry of the streak
    last_heavy_at = models.DateTimeField()  # the latest heavy entry that belongs to it
    created_at = models.DateTimeField()
    dismissed_at = models.DateTimeField(null=True, blank=True)
    # Who was told "X may benefit from a check-in" (user ids), for the record.
    notified = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-last_heavy_at", "-id"]
        indexes = [models.Index(fields=["user", "-last_heavy_at"], name="checkin_user_last")]


class Survey(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("survey state", "Draft")
        OPEN = "open", pgettext_lazy("survey state", "Open")
        CLOSED = "closed", pgettext_lazy("survey state", "Closed")

    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("introduction"), blank=True)
    cycle = models.CharField(_("training cycle"), max_length=60)
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"))
    departments = models.ManyToManyField(
        Department, verbose_name=_("departments"), blank=True, related_name="+"
    )  # none = every department
    roles = models.JSONField(_("roles"), default=list, blank=True)  # Role codes; empty = every role
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.DRAFT)
    template_code = models.CharField(max_length=40, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("pain-point survey")
        verbose_name_plural = _("pain-point surveys")

    def __str__(self) -> str:
        return self.title


class SurveyQuestion(models.Model):
    class Kind(models.TextChoices):
        RATING = "rating", _("Rating 1–5 of one pain point")
        CHOICE = "choice", _("Choose pain points")
        TEXT = "text", _("Free text")

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField()
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    text = models.CharField(_("question"), max_length=300)
    area = models.CharField(_("pain-point area"), max_length=40, blank=True)  # rating questions
    options = models.JSONField(_("options"), default=list, blank=True)  # area codes, choice questions
    max_choices = models.PositiveSmallIntegerField(_("at most"), default=0)  # 0 = no limit
    required = models.BooleanField(_("required"), default=True)

    class Meta:
        ordering = ["survey", "position", "id"]


class SurveyResponse(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    # Where the person worked when answering: results are per department.
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["survey", "id"]
        constraints = [models.UniqueConstraint(fields=["survey", "user"], name="survey_once_per_person")]


class SurveyAnswer(models.Model):
    response = models.ForeignKey(SurveyResponse, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(SurveyQuestion, on_delete=models.CASCADE, related_name="answers")
    rating = models.PositiveSmallIntegerField(null=True, blank=True)
    choices = models.JSONField(default=list, blank=True)
    text = models.TextField(blank=True)

    class Meta:
        ordering = ["response", "question__position", "id"]
        constraints = [models.UniqueConstraint(fields=["response", "question"], name="survey_answer_once")]
