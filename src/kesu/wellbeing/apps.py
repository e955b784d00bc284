from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from kesu.accounts.roles import Cap
from kesu.common.academy import Figure, Purpose, Tile


class WellbeingConfig(AppConfig):
    name = "kesu.wellbeing"
    label = "wellbeing"
    verbose_name = _("Wellbeing and surveys")
    # Pages of this app on the Academy home page (kesu.common.academy: capabilities, purpose group,
    # description, live figures from this app's selectors). An entry whose URL does not resolve is skipped.
    kesu_nav: list[Tile] = [
        Tile(
            _("Emotion diary"),
            "wellbeing:diary",
            Cap.LEARN,
            Purpose.CARE,
            _("Write down how a hard day felt, and find ways to recover."),
            order=10,
        ),
        Tile(
            _("Team emotion trends"),
            "wellbeing:team",
            (Cap.TRAIN_VIEW_TEAM, Cap.TRAIN_VIEW_ALL),
            Purpose.TEAM,
            _("How the team's mood moves week by week."),
            order=60,
        ),
        Tile(
            _("Pain-point survey"),
            "wellbeing:surveys",
            Cap.LEARN,
            Purpose.CARE,
            _("Tell the trainers which parts of the job are hardest."),
            figures=(Figure("kesu.wellbeing.selectors.surveys_open_count", _("to answer"), urgent=True),),
            order=20,
        ),
        Tile(
            _("Pain-point surveys (manage)"),
            "wellbeing:manage_list",
            Cap.TRAIN_MANAGE,
            Purpose.MANAGE,
            _("Write, send and analyse pain-point surveys."),
            order=50,
        ),
    ]
