from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from kesu.accounts.roles import Cap


class WellbeingConfig(AppConfig):
    name = "kesu.wellbeing"
    label = "wellbeing"
    verbose_name = _("Wellbeing and surveys")
    # Entries of the Academy menu: (label, url name, capability or None for every signed-in user).
    # Read by kesu.common.context_processors; an entry whose URL does not resolve yet is skipped.
    kesu_nav: list[tuple] = [
        (_("Emotion diary"), "wellbeing:diary", Cap.LEARN),
        (_("Team emotion trends"), "wellbeing:team", Cap.TRAIN_VIEW_TEAM),
        (_("Pain-point survey"), "wellbeing:surveys", Cap.LEARN),
        (_("Pain-point surveys (manage)"), "wellbeing:manage_list", Cap.TRAIN_MANAGE),
    ]
