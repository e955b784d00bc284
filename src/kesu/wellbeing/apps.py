from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WellbeingConfig(AppConfig):
    name = "kesu.wellbeing"
    label = "wellbeing"
    verbose_name = _("Wellbeing and surveys")
    # Entries of the Academy menu: (label, url name, capability or None for every signed-in user).
    # Read by kesu.common.context_processors; an entry whose URL does not resolve yet is skipped.
    kesu_nav: list[tuple] = []
