from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from kesu.accounts.roles import Cap
from kesu.common.academy import Figure, Purpose, Tile


class PlansConfig(AppConfig):
    name = "kesu.plans"
    label = "plans"
    verbose_name = _("Training plans and retraining")
    # Pages of this app on the Academy home page (kesu.common.academy: capabilities, purpose group,
    # description, live figures from this app's selectors). An entry whose URL does not resolve is skipped.
    kesu_nav: list[Tile] = [
        Tile(
            _("My training plan"),
            "plans:mine",
            Cap.LEARN,
            Purpose.LEARN,
            _("Your approved plan: objectives, courses and deadlines."),
            figures=(Figure("kesu.plans.selectors.plan_open_item_count", _("items to do")),),
            order=20,
        ),
        Tile(
            _("My retraining"),
            "plans:retraining",
            Cap.LEARN,
            Purpose.LEARN,
            _("Retraining assigned after a failed exam or assessment, or weak desk results."),
            figures=(Figure("kesu.plans.selectors.retraining_open_count", _("to complete"), urgent=True),),
            order=30,
        ),
        Tile(
            _("Training plan management"),
            "plans:manage",
            (Cap.TRAIN_MANAGE, Cap.TRAIN_VIEW_ALL, Cap.TRAIN_VIEW_TEAM),
            Purpose.TEAM,
            _("People's training plans: drafting, approval and progress."),
            order=20,
        ),
        Tile(
            _("Retraining follow-up"),
            "plans:retraining_all",
            (Cap.TRAIN_MANAGE, Cap.TRAIN_VIEW_ALL, Cap.TRAIN_VIEW_TEAM),
            Purpose.TEAM,
            _("Open and overdue retraining of the people you look after."),
            figures=(
                Figure("kesu.plans.selectors.retraining_overdue_count", _("overdue retraining"), urgent=True),
            ),
            order=25,
        ),
    ]
    # Run once a day by `kesu worker`: progress from completed courses, the desk-KPI retraining
    # triggers and the overdue-retraining sweep (all idempotent).
    kesu_daily_tasks: list[str] = ["kesu.plans.tasks.retraining_daily"]
