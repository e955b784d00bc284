from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from kesu.accounts.roles import Cap


class ExamsConfig(AppConfig):
    name = "kesu.exams"
    label = "exams"
    verbose_name = _("Exams")
    # Entries of the Academy menu: (label, url name, capability or None for every signed-in user).
    # Read by kesu.common.context_processors; an entry whose URL does not resolve yet is skipped.
    # Run once a day by `kesu worker`: attempts whose time ran out are closed and graded (pages and the
    # API close a person's own attempts as soon as they are opened; this catches the abandoned ones).
    kesu_daily_tasks = ["kesu.exams.tasks.exam_attempts_close"]
    kesu_nav: list[tuple] = [
        (_("My exams"), "exams:mine", Cap.LEARN),
        (_("Daily question"), "exams:daily", Cap.LEARN),
        (_("Question bank"), "exams:bank", Cap.TRAIN_MANAGE),
        (_("Grading"), "exams:grading", Cap.TRAIN_MANAGE),
    ]
