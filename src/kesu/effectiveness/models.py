"""Training effectiveness: L1 reaction surveys and recognition (激励). L2–L4 are computed from other
apps' data (exam scores, desk KPIs) and stored nowhere."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class SurveyRequest(models.Model):
    """A person owes an L1 reaction survey for a training session they attended. Created from the
    training app's attendance (services.survey_requests_sync), one per person per session."""

    session_ref = models.CharField(_("session"), max_length=80)  # e.g. "training-session:42"
    course_code = models.CharField(_("course"), max_length=60)
    title = models.CharField(_("title"), max_length=200)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    held_on = models.DateField(_("held on"))
    requested_at = models.DateTimeField()

    class Meta:
        ordering = ["-held_on", "id"]
        constraints = [models.UniqueConstraint(fields=["session_ref", "user"], name="eff_request_once")]
        verbose_name = _("survey request")
        verbose_name_plural = _("survey requests")

    def __str__(self) -> str:
        return f"{self.title} — {self.user}"


RATING_FIELDS = ("content", "trainer", "usefulness", "organisation")


class SurveyResponse(models.Model):
    """An L1 reaction survey answer (培训反馈): four 1–5 ratings and what the person will apply.
    One per person per session; ``overall`` is the mean of the four ratings."""

    session_ref = models.CharField(_("session"), max_length=80)
    course_code = models.CharField(_("course"), max_length=60, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    content = models.PositiveSmallIntegerField(_("content"))
    trainer = models.PositiveSmallIntegerField(_("trainer"))
    usefulness = models.PositiveSmallIntegerField(_("usefulness"))
    organisation = models.PositiveSmallIntegerField(_("organisation"))
    overall = models.DecimalField(_("overall"), max_digits=3, decimal_places=2)
    will_apply = models.TextField(_("what I will apply"), blank=True)
    answered_at = models.DateTimeField(_("answered at"))

    class Meta:
        ordering = ["-answered_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["session_ref", "user"], name="eff_response_once"),
            *[
                models.CheckConstraint(
                    condition=Q(**{f"{name}__gte": 1, f"{name}__lte": 5}), name=f"eff_response_{name}_1_5"
                )
                for name in RATING_FIELDS
            ],
        ]
        indexes = [models.Index(fields=["answered_at"], name="eff_response_answered")]
        verbose_name = _("survey answer")
        verbose_name_plural = _("survey answers")

    def __str__(self) -> str:
        return f"{self.session_ref} — {self.user}"


class Recognition(models.Model):
    """表彰: a trainer or supervisor recognises a person's work in a month."""

    class Kind(models.TextChoices):
        HIGH_SATISFACTION = "high_satisfaction", _("High satisfaction")
        CRISIS_HANDLED = "crisis_handled", _("Crisis handled well")
        MENTOR_OF_MONTH = "mentor_of_month", _("Mentor of the month")
        OTHER = "other", _("Other")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("person"), on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    reason = models.CharField(_("reason"), max_length=500)
    complaint_number = models.CharField(_("complaint number"), max_length=20, blank=True)
    period = models.DateField(_("month"))  # first day of the month it recognises
    awarded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    awarded_at = models.DateTimeField(_("awarded at"))

    class Meta:
        ordering = ["-awarded_at", "-id"]
        constraints = [
            # A double submit of the same award is one award.
            models.UniqueConstraint(
                fields=["user", "kind", "period", "complaint_number", "reason"], name="eff_recognition_once"
            )
        ]
        indexes = [models.Index(fields=["period", "user"], name="eff_recognition_period")]
        verbose_name = _("recognition")
        verbose_name_plural = _("recognitions")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.user}"
