from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from kesu.accounts.roles import Cap
from kesu.common.academy import Figure, Purpose, Tile


class EffectivenessConfig(AppConfig):
    name = "kesu.effectiveness"
    label = "effectiveness"
    verbose_name = _("Training effectiveness")
    # Pages of this app on the Academy home page (kesu.common.academy: capabilities, purpose group,
    # description, live figures from this app's selectors). An entry whose URL does not resolve is skipped.
    # Enqueued once a day by `kesu worker` (common/management/commands/worker.py).
    kesu_daily_tasks = ["kesu.effectiveness.tasks.survey_requests_daily"]
    kesu_nav: list[Tile] = [
        Tile(
            _("Training effect"),
            "effectiveness:overview",
            Cap.TRAIN_VIEW_TEAM,
            Purpose.TEAM,
            _("Desk KPIs before and after training, by team and person."),
            order=40,
        ),
        Tile(
            _("Monthly review"),
            "effectiveness:review",
            Cap.TRAIN_MANAGE,
            Purpose.MANAGE,
            _("The month's training, what it changed on the desk, and what to adjust."),
            order=40,
        ),
        Tile(
            _("Performance and recognition"),
            "effectiveness:performance",
            Cap.TRAIN_VIEW_TEAM,
            Purpose.TEAM,
            _("Each person's training and desk results, and recognition of good work."),
            order=45,
        ),
        Tile(
            _("My pending surveys"),
            "effectiveness:surveys",
            Cap.LEARN,
            Purpose.CARE,
            _("Rate the training sessions you attended."),
            figures=(
                Figure("kesu.effectiveness.selectors.pending_survey_count", _("to fill in"), urgent=True),
            ),
            order=30,
        ),
    ]
