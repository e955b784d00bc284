from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from kesu.accounts.roles import Cap
from kesu.common.academy import Figure, Purpose, Tile


class RoleplayConfig(AppConfig):
    name = "kesu.roleplay"
    label = "roleplay"
    verbose_name = _("Role-play simulator")
    # Pages of this app on the Academy home page (kesu.common.academy: capabilities, purpose group,
    # description, live figures from this app's selectors). An entry whose URL does not resolve is skipped.
    kesu_nav: list[Tile] = [
        Tile(
            _("Role-play practice"),
            "roleplay:library",
            Cap.LEARN,
            Purpose.PRACTICE,
            _("Practise with simulated angry customers and read the debrief."),
            figures=(
                Figure(
                    "kesu.roleplay.selectors.practice_count_this_month", _("practices finished this month")
                ),
            ),
            order=20,
        ),
        Tile(
            _("Join a classroom role-play"),
            "roleplay:join",
            Cap.LEARN,
            Purpose.PRACTICE,
            _("Enter the code your trainer shows, and vote from your phone."),
            order=30,
        ),
        Tile(
            _("Role-play results"),
            "roleplay:results",
            (Cap.TRAIN_VIEW_TEAM, Cap.TRAIN_VIEW_ALL),
            Purpose.TEAM,
            _("Scores of practice and assessment role-plays."),
            order=50,
        ),
    ]
