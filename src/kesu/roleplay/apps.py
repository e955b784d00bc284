from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RoleplayConfig(AppConfig):
    name = "kesu.roleplay"
    label = "roleplay"
    verbose_name = _("Role-play simulator")
    # Entries of the Academy menu: (label, url name, capability or None for every signed-in user).
    # Read by kesu.common.context_processors; an entry whose URL does not resolve yet is skipped.
    kesu_nav: list[tuple] = [
        (_("Role-play practice"), "roleplay:library", "learn"),
        (_("Join a classroom role-play"), "roleplay:join", "learn"),
        (_("Role-play results"), "roleplay:results", "train_view_team"),
    ]
