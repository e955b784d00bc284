from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from kesu.accounts.roles import Cap


class PlansConfig(AppConfig):
    name = "kesu.plans"
    label = "plans"
    verbose_name = _("Training plans and retraining")
    # Entries of the Academy menu: (label, url name, capability or None for every signed-in user).
    # Read by kesu.common.context_processors; an entry whose URL does not resolve yet is skipped.
    kesu_nav: list[tuple] = [
        (_("My training plan"), "plans:mine", Cap.LEARN),
        (_("Training plan management"), "plans:manage", Cap.TRAIN_MANAGE),
        (_("Retraining"), "plans:retraining", Cap.LEARN),
    ]
    # Run once a day by `kesu worker`: progress from completed courses, the desk-KPI retraining
    # triggers and the overdue-retraining sweep (all idempotent).
    kesu_daily_tasks: list[str] = ["kesu.plans.tasks.retraining_daily"]
