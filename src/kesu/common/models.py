from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class HolidayOverride(models.Model):
    """A day whose working status an administrator sets by hand: a statutory holiday (休) or an
    adjusted working day (班) that the chinesecalendar package does not know yet."""

    date = models.DateField(_("date"), unique=True)
    is_workday = models.BooleanField(_("is a working day"), default=False)
    name = models.CharField(_("name"), max_length=60, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("holiday override")
        verbose_name_plural = _("holiday overrides")

    def __str__(self) -> str:
        return f"{self.date} {'班' if self.is_workday else '休'} {self.name}"
