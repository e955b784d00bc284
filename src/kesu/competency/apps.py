from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from kesu.accounts.roles import Cap
from kesu.common.academy import Figure, Purpose, Tile


class CompetencyConfig(AppConfig):
    name = "kesu.competency"
    label = "competency"
    verbose_name = _("Competency model and needs analysis")
    # Pages of this app on the Academy home page (kesu.common.academy: capabilities, purpose group,
    # description, live figures from this app's selectors). An entry whose URL does not resolve is skipped.
    kesu_daily_tasks = ["kesu.competency.tasks.desk_evidence_daily"]
    kesu_nav: list[Tile] = [
        Tile(
            _("My growth"),
            "competency:home",
            Cap.LEARN,
            Purpose.LEARN,
            _("Where you stand on each competency your role requires, and what to work on next."),
            figures=(Figure("kesu.competency.selectors.high_gap_count", _("high-priority gaps")),),
            order=10,
        ),
        Tile(
            _("Needs analysis"),
            "competency:people",
            (Cap.TRAIN_VIEW_TEAM, Cap.TRAIN_VIEW_ALL),
            Purpose.TEAM,
            _("Each person's competency gaps against their role profile."),
            figures=(
                Figure(
                    "kesu.competency.selectors.people_with_high_gaps_count",
                    _("people with high-priority gaps"),
                ),
            ),
            order=10,
        ),
        Tile(
            _("Organisation needs"),
            "competency:organisation",
            Cap.TRAIN_VIEW_ALL,
            Purpose.TEAM,
            _("Gaps common across departments, for planning the year's training."),
            order=15,
        ),
        Tile(
            _("Competency model"),
            "competency:model",
            (Cap.TRAIN_MANAGE, Cap.TRAIN_VIEW_ALL),
            Purpose.MANAGE,
            _("Competency items, role profiles and the rules that turn desk KPIs into evidence."),
            order=10,
        ),
    ]
