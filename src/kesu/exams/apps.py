from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from kesu.accounts.roles import Cap


class ExamsConfig(AppConfig):
    name = "kesu.exams"
    label = "exams"
    verbose_name = _("Exams")
    # Entries of the Academy menu: (label, url name, capability or None for every signed-in user).
    # Read by kesu.common.context_processors; an entry whose URL does not resolve yet is skipped.
    kesu_nav: list[tuple] = [
        (_("My exams"), "exams:mine", Cap.LEARN),
        (_("Daily question"), "exams:daily", Cap.LEARN),
        (_("Question bank"), "exams:bank", Cap.TRAIN_MANAGE),
        (_("Grading"), "exams:grading", Cap.TRAIN_MANAGE),
    ]
