from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from kesu.accounts.roles import Cap


class EffectivenessConfig(AppConfig):
    name = "kesu.effectiveness"
    label = "effectiveness"
    verbose_name = _("Training effectiveness")
    # Entries of the Academy menu: (label, url name, capability or None for every signed-in user).
    # Read by kesu.common.context_processors; an entry whose URL does not resolve yet is skipped.
    # Enqueued once a day by `kesu worker` (common/management/commands/worker.py).
    kesu_daily_tasks = ["kesu.effectiveness.tasks.survey_requests_daily"]
    kesu_nav: list[tuple] = [
        (_("Training effect"), "effectiveness:overview", Cap.TRAIN_VIEW_TEAM),
        (_("Monthly review"), "effectiveness:review", Cap.TRAIN_MANAGE),
        (_("Performance and recognition"), "effectiveness:performance", Cap.TRAIN_VIEW_TEAM),
        (_("My pending surveys"), "effectiveness:surveys", Cap.LEARN),
    ]
