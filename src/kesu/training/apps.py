from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from kesu.accounts.roles import Cap


class TrainingConfig(AppConfig):
    name = "kesu.training"
    label = "training"
    verbose_name = _("Courses and training delivery")
    # Entries of the Academy menu: (label, url name, capability or None for every signed-in user).
    # Read by kesu.common.context_processors; an entry whose URL does not resolve yet is skipped.
    # Enqueued once a day by `kesu worker` (common/management/commands/worker.py).
    kesu_daily_tasks = ["kesu.training.tasks.certificate_reminders"]
    kesu_nav: list[tuple] = [
        (_("Course catalogue"), "training:catalogue", Cap.LEARN),
        (_("My training record"), "training:records_me", Cap.LEARN),
        (_("Mentoring"), "training:mentoring", Cap.LEARN),
        (_("Training coverage"), "training:coverage", Cap.TRAIN_VIEW_TEAM),
    ]
