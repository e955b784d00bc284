from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CompetencyConfig(AppConfig):
    name = "kesu.competency"
    label = "competency"
    verbose_name = _("Competency model and needs analysis")
    # Entries of the Academy menu: (label, url name, capability or None for every signed-in user).
    # Read by kesu.common.context_processors; an entry whose URL does not resolve yet is skipped.
    kesu_daily_tasks = ["kesu.competency.tasks.desk_evidence_daily"]
    kesu_nav: list[tuple] = [
        (_("My growth"), "competency:home", "learn"),
        (_("Needs analysis"), "competency:people", "train_view_team"),
        (_("Organisation needs"), "competency:organisation", "train_view_all"),
        (_("Competency model"), "competency:model", "train_manage"),
    ]
