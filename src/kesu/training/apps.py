from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from kesu.accounts.roles import Cap
from kesu.common.academy import Figure, Purpose, Tile


class TrainingConfig(AppConfig):
    name = "kesu.training"
    label = "training"
    verbose_name = _("Courses and training delivery")
    # Pages of this app on the Academy home page (kesu.common.academy: capabilities, purpose group,
    # description, live figures from this app's selectors). An entry whose URL does not resolve is skipped.
    # Enqueued once a day by `kesu worker` (common/management/commands/worker.py).
    kesu_daily_tasks = ["kesu.training.tasks.certificate_reminders"]
    kesu_nav: list[Tile] = [
        Tile(
            _("Course catalogue"),
            "training:catalogue",
            Cap.LEARN,
            Purpose.LEARN,
            _("Courses by track, online reading, and sign-up for classroom sessions."),
            figures=(
                Figure("kesu.training.selectors.courses_in_progress_count", _("courses in progress")),
                Figure("kesu.training.selectors.next_session_start", _("next session")),
            ),
            order=40,
        ),
        Tile(
            _("My training record"),
            "training:records_me",
            Cap.LEARN,
            Purpose.LEARN,
            _("Completed courses, hours and certificates; export as PDF or Excel."),
            figures=(Figure("kesu.training.selectors.hours_this_year", _("hours this year")),),
            order=60,
        ),
        Tile(
            _("Mentoring"),
            "training:mentoring",
            Cap.LEARN,
            Purpose.LEARN,
            _("Mentor and mentee pairs and their regular check-ins."),
            order=70,
        ),
        Tile(
            _("Training coverage"),
            "training:coverage",
            Cap.TRAIN_VIEW_TEAM,
            Purpose.TEAM,
            _("Who has completed the required courses, by department."),
            order=30,
        ),
    ]
