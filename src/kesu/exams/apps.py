from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from kesu.accounts.roles import Cap
from kesu.common.academy import Figure, Purpose, Tile


class ExamsConfig(AppConfig):
    name = "kesu.exams"
    label = "exams"
    verbose_name = _("Exams")
    # Pages of this app on the Academy home page (kesu.common.academy: capabilities, purpose group,
    # description, live figures from this app's selectors). An entry whose URL does not resolve is skipped.
    # Run once a day by `kesu worker`: attempts whose time ran out are closed and graded (pages and the
    # API close a person's own attempts as soon as they are opened; this catches the abandoned ones).
    kesu_daily_tasks = ["kesu.exams.tasks.exam_attempts_close"]
    kesu_nav: list[Tile] = [
        Tile(
            _("My exams"),
            "exams:mine",
            Cap.LEARN,
            Purpose.LEARN,
            _("Exams open to you, your attempts and your results."),
            figures=(Figure("kesu.exams.selectors.exams_waiting_count", _("exams to take"), urgent=True),),
            order=50,
        ),
        Tile(
            _("Daily question"),
            "exams:daily",
            Cap.LEARN,
            Purpose.PRACTICE,
            _("One question a day on the competencies you most need."),
            figures=(Figure("kesu.exams.selectors.daily_streak", _("days answered in a row")),),
            order=10,
        ),
        Tile(
            _("Question bank"),
            "exams:bank",
            Cap.TRAIN_MANAGE,
            Purpose.MANAGE,
            _("Questions, exam blueprints and scheduled exams."),
            order=30,
        ),
        Tile(
            _("Grading"),
            "exams:grading",
            Cap.TRAIN_MANAGE,
            Purpose.MANAGE,
            _("Short answers waiting for a trainer's score."),
            figures=(Figure("kesu.exams.selectors.grading_count", _("answers to grade"), urgent=True),),
            order=20,
        ),
    ]
