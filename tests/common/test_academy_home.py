"""The Academy home page (/academy/): which tiles each role gets, that every tile opens, the live figures
on a small organisation, the top-bar link, and a query count that does not grow with the data."""

from __future__ import annotations

import datetime as dt
import itertools
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kesu.accounts.models import Department
from kesu.accounts.roles import Cap, Role
from kesu.common import academy, clock
from kesu.competency import services as competency
from kesu.competency.models import RoleProfile
from kesu.effectiveness.models import SurveyRequest
from kesu.effectiveness.models import SurveyResponse as Reaction
from kesu.exams.models import Answer, Attempt, Blueprint, DailyAnswer, Exam, Question
from kesu.plans.models import Plan, PlanItem, Retraining
from kesu.roleplay.models import RolePlaySession, ScenarioVersion
from kesu.training.models import Course, Enrolment, ModuleProgress, TrainingRecord, TrainingSession
from kesu.wellbeing.models import Survey
from kesu.wellbeing.models import SurveyResponse as PainPointResponse
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

HOME = "/academy/"

LEARNER = [
    "competency:home",
    "plans:mine",
    "plans:retraining",
    "training:catalogue",
    "exams:mine",
    "training:records_me",
    "training:mentoring",
    "exams:daily",
    "roleplay:library",
    "roleplay:join",
    "wellbeing:diary",
    "wellbeing:surveys",
    "effectiveness:surveys",
]
SUPERVISOR = [
    *LEARNER,
    "competency:people",
    "plans:manage",
    "plans:retraining_all",
    "training:coverage",
    "effectiveness:overview",
    "effectiveness:performance",
    "roleplay:results",
    "wellbeing:team",
]
TRAINER = [
    *LEARNER,
    "competency:people",
    "competency:organisation",
    "plans:manage",
    "plans:retraining_all",
    "training:coverage",
    "effectiveness:overview",
    "effectiveness:performance",
    "roleplay:results",
    "wellbeing:team",
    "competency:model",
    "exams:grading",
    "exams:bank",
    "effectiveness:review",
    "wellbeing:manage_list",
]
# Read-only: the analyses, plans and results of everyone, and the competency model to read.
AUDITOR = [
    "competency:people",
    "competency:organisation",
    "plans:manage",
    "plans:retraining_all",
    "roleplay:results",
    "wellbeing:team",
    "competency:model",
]
TILES_OF = {
    Role.HANDLER: LEARNER,
    Role.SENIOR_HANDLER: LEARNER,
    Role.LIAISON: LEARNER,
    Role.PR_OFFICER: LEARNER,
    Role.SUPERVISOR: SUPERVISOR,
    Role.TRAINER: TRAINER,
    Role.ADMIN: TRAINER,
    Role.AUDITOR: AUDITOR,
}


def login(user) -> Client:
    c = Client(HTTP_ACCEPT_LANGUAGE="en")
    c.force_login(user)
    return c


def tiles(response) -> list[str]:
    return [t.url_name for g in response.context["groups"] for t in g.tiles]


def figures(response) -> dict[str, dict[str, object]]:
    """{url name: {caption: value}} of the tiles that show figures."""
    return {
        t.url_name: {str(f.caption): f.value for f in t.figures}
        for g in response.context["groups"]
        for t in g.tiles
        if t.figures
    }


def alerts(response) -> set[str]:
    return {str(f.caption) for g in response.context["groups"] for t in g.tiles for f in t.figures if f.alert}


# --------------------------------------------------------------------------------------------------
# Who sees what


@pytest.mark.parametrize("role", list(TILES_OF))
def test_each_role_gets_the_tiles_its_capabilities_open(team, role):
    user = make_user(f"u_{role}", role, None if role in (Role.AUDITOR, Role.TRAINER, Role.ADMIN) else team)

    response = login(user).get(HOME)

    assert response.status_code == 200
    assert tiles(response) == TILES_OF[role]


def test_a_handler_is_not_shown_the_trainers_tiles(handler):
    page = login(handler).get(HOME).content.decode()

    assert f'href="{reverse("plans:mine")}"' in page
    for name in ("exams:grading", "exams:bank", "competency:model", "plans:manage", "competency:people"):
        assert f'href="{reverse(name)}"' not in page, name


def test_tiles_are_grouped_by_purpose_in_a_fixed_order(supervisor):
    groups = login(supervisor).get(HOME).context["groups"]

    assert [g.purpose for g in groups] == ["learn", "practice", "care", "team"]
    assert [str(g.label) for g in groups] == [
        "My learning",
        "Practice",
        "Care and feedback",
        "People and results",
    ]


@pytest.mark.parametrize("role", [Role.HANDLER, Role.LIAISON, Role.SUPERVISOR, Role.TRAINER, Role.AUDITOR])
def test_every_tile_a_role_is_shown_opens_for_that_role(team, role):
    user = make_user(f"u_{role}", role, None if role in (Role.AUDITOR, Role.TRAINER) else team)
    c = login(user)

    refused = [name for name in tiles(c.get(HOME)) if c.get(reverse(name)).status_code != 200]

    assert refused == []


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(HOME)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={HOME}"


def test_the_home_page_is_the_academy_root_and_my_growth_keeps_its_name():
    assert reverse("academy:home") == HOME
    assert reverse("competency:home") == "/academy/growth/"


def _academy_link(page: str) -> tuple[str, bool]:
    """(the classes, whether it is marked current) of the top bar's Academy link, which must be a plain
    link to the home page."""
    found = re.findall(r'<a class="nav-link([^"]*)"([^>]*)\s+href="([^"]*)">Academy</a>', page)
    assert len(found) == 1
    classes, attrs, href = found[0]
    assert href == HOME
    return classes.strip(), 'aria-current="page"' in attrs


def test_the_top_bar_academy_link_opens_the_tiles(handler):
    c = login(handler)

    assert _academy_link(c.get(reverse("desk:home")).content.decode()) == ("", False)
    assert _academy_link(c.get(HOME).content.decode()) == ("active", True)
    # Inside the academy the link is highlighted, but only the home page itself is "current".
    assert _academy_link(c.get(reverse("plans:mine")).content.decode()) == ("active", False)


# --------------------------------------------------------------------------------------------------
# Live figures


def _now() -> dt.datetime:
    return clock.now()


def _exam(title: str, *, opens: dt.datetime, closes: dt.datetime, assignee=None, profiles=()) -> Exam:
    bp = Blueprint.objects.create(title=f"{title} 规则", attempts_allowed=2)
    exam = Exam.objects.create(
        blueprint=bp, title=title, opens_at=opens, closes_at=closes, open_to_profiles=list(profiles)
    )
    if assignee is not None:
        exam.assignees.add(assignee)
    return exam


def _attempt(exam: Exam, user, status: str, *, deadline: dt.datetime) -> Attempt:
    return Attempt.objects.create(
        exam=exam,
        user=user,
        seed=1,
        status=status,
        started_at=_now() - dt.timedelta(minutes=10),
        deadline=deadline,
    )


def _retraining(user, ref: str, *, due: dt.date, status: str = Retraining.Status.ASSIGNED) -> Retraining:
    return Retraining.objects.create(
        user=user,
        kind=Retraining.Kind.EXAM_FAILED,
        reason="考试未通过",
        due_on=due,
        status=status,
        source_ref=ref,
        assigned_at=_now() - dt.timedelta(days=20),
    )


def _practice(user, status: str, *, started: dt.datetime, mode: str = "practice") -> RolePlaySession:
    return RolePlaySession.objects.create(
        user=user,
        version=ScenarioVersion.objects.order_by("id").first(),
        mode=mode,
        status=status,
        rubric_version="1",
        started_at=started,
    )


def _pain_point_survey(
    title: str, *, state=Survey.State.OPEN, closes_in=7, roles=(), departments=()
) -> Survey:
    today = _now().date()
    survey = Survey.objects.create(
        title=title,
        cycle="2026 第二季度",
        opens_on=today - dt.timedelta(days=3),
        closes_on=today + dt.timedelta(days=closes_in),
        roles=list(roles),
        state=state,
        created_at=_now(),
    )
    survey.departments.set(departments)
    return survey


def _high_gaps(user, count: int, profile: str) -> None:
    """Evidence that leaves ``count`` items of the person's profile two levels short (a high priority)."""
    reqs = RoleProfile.objects.get(model__status="published", code=profile).requirements
    codes = sorted(code for code, req in reqs.items() if req >= 3)[:count]
    for code in codes:
        competency.evidence_record(
            user=user,
            item_code=code,
            level=reqs[code] - 2,
            source="exam",
            ref="t:gap",
            observed_on=_now().date(),
        )


@pytest.fixture
def organisation(team, handler, supervisor):
    """A handler with a little of everything, a colleague in another department, and a trainer."""
    trainer = make_user("trainer1", Role.TRAINER, None)
    legal = make_user("legal_h", Role.HANDLER, Department.objects.get(code="legal"))
    now, today = _now(), timezone.localdate(_now())

    # Plan: two items still open, one done, one dropped.
    plan = Plan.objects.create(
        person=handler,
        status=Plan.Status.IN_PROGRESS,
        title="新人培训计划",
        period_start=today,
        period_end=today + dt.timedelta(days=90),
        created_at=now,
    )
    for status in ("todo", "in_progress", "done", "dropped"):
        PlanItem.objects.create(
            plan=plan, objective=status, method="lecture", deadline=today, assessment="exam", status=status
        )
    # Retraining: two open (one of them overdue), one done; the other department's one is overdue.
    _retraining(handler, "r:open", due=today + dt.timedelta(days=7))
    _retraining(handler, "r:late", due=today - dt.timedelta(days=3), status=Retraining.Status.OVERDUE)
    _retraining(handler, "r:done", due=today - dt.timedelta(days=10), status=Retraining.Status.DONE)
    _retraining(legal, "r:legal", due=today - dt.timedelta(days=1))

    # Courses: one started online, one completed this year; a record from last year on a third.
    started, completed, older = Course.objects.filter(status="published", modules__isnull=False).distinct()[
        :3
    ]
    ModuleProgress.objects.create(user=handler, module=started.modules.first(), opened_at=now)
    ModuleProgress.objects.create(
        user=handler, module=completed.modules.first(), opened_at=now, completed_at=now
    )
    TrainingRecord.objects.create(
        user=handler,
        course=completed,
        hours=Decimal("2.5"),
        completed_on=today,
        source="online",
        source_ref="t:1",
    )
    TrainingRecord.objects.create(
        user=handler,
        course=older,
        hours=Decimal("4.0"),
        completed_on=dt.date(today.year - 1, 6, 1),
        source="session",
        source_ref="t:2",
    )
    # Sessions: the next one with a seat (in two days); an earlier one only on the waiting list, a past one
    # and a cancelled one do not count.
    next_start = (now + dt.timedelta(days=2)).replace(microsecond=0)
    for starts, seat, status in (
        (next_start, "enrolled", "scheduled"),
        (now + dt.timedelta(days=1), "waiting", "scheduled"),
        (now - dt.timedelta(days=1), "enrolled", "scheduled"),
        (now + dt.timedelta(hours=5), "enrolled", "cancelled"),
    ):
        session = TrainingSession.objects.create(
            course=started, starts_at=starts, ends_at=starts + dt.timedelta(hours=2), status=status
        )
        Enrolment.objects.create(session=session, user=handler, status=seat, requested_at=now)

    # Exams: open and not attempted, open with a running attempt → waiting; attempted, closed, or open
    # only to supervisors → not.
    hour = dt.timedelta(hours=1)
    _exam("待考", opens=now - hour, closes=now + 24 * hour, assignee=handler)
    running = _exam("进行中", opens=now - hour, closes=now + 24 * hour, assignee=handler)
    _attempt(running, handler, "started", deadline=now + hour)
    done = _exam("已考", opens=now - hour, closes=now + 24 * hour, assignee=handler)
    _attempt(done, handler, "graded", deadline=now - dt.timedelta(minutes=5))
    _exam("已截止", opens=now - 48 * hour, closes=now - hour, assignee=handler)
    _exam("主管考试", opens=now - hour, closes=now + 24 * hour, profiles=["supervisor"])
    # Grading: two answers wait for a trainer (a third is scored; a graded attempt's blank one is not).
    waiting = _attempt(
        _exam("简答", opens=now - 48 * hour, closes=now + hour), legal, "awaiting_grading", deadline=now
    )
    graded = _attempt(
        _exam("简答二", opens=now - 48 * hour, closes=now + hour), legal, "graded", deadline=now
    )
    for attempt, position, score in (
        (waiting, 0, None),
        (waiting, 1, None),
        (waiting, 2, 1),
        (graded, 0, None),
    ):
        Answer.objects.create(
            attempt=attempt, position=position, question_code="T", saved_at=now, score=score
        )
    # Daily question: yesterday and today (a streak of two); a gap before that.
    question = Question.objects.filter(type="single").first()
    day = now.date()
    for back in (0, 1, 3):
        DailyAnswer.objects.create(
            user=handler, day=day - dt.timedelta(days=back), question=question, answered_at=now
        )

    # Role-play: two practices finished this month; an abandoned one, an assessment and one from an earlier
    # month do not count.
    _practice(handler, "resolved", started=now)
    _practice(handler, "escalated", started=now)
    _practice(handler, "abandoned", started=now)
    _practice(handler, "resolved", started=now, mode="assessment")
    _practice(handler, "resolved", started=now - dt.timedelta(days=40))

    # Training feedback: two requests, one answered.
    for ref in ("training-session:1", "training-session:2"):
        SurveyRequest.objects.create(
            session_ref=ref,
            course_code="C",
            title="投诉处理流程",
            user=handler,
            held_on=today,
            requested_at=now,
        )
    Reaction.objects.create(
        session_ref="training-session:1",
        course_code="C",
        user=handler,
        content=4,
        trainer=4,
        usefulness=4,
        organisation=4,
        overall=Decimal("4"),
        answered_at=now,
    )
    # Pain-point surveys: for everyone, and for the handler's department → to answer; answered, for
    # another department, for supervisors only, closed, or past its last day → not.
    _pain_point_survey("全员调研")
    _pain_point_survey("投诉组调研", departments=[team])
    answered = _pain_point_survey("已答调研")
    PainPointResponse.objects.create(survey=answered, user=handler, submitted_at=now, updated_at=now)
    _pain_point_survey("法务调研", departments=[Department.objects.get(code="legal")])
    _pain_point_survey("主管调研", roles=[Role.SUPERVISOR])
    _pain_point_survey("已关闭", state=Survey.State.CLOSED)
    _pain_point_survey("已过期", closes_in=-1)

    # Competency: the handler is two levels short on three items; so is the colleague in legal.
    _high_gaps(handler, 3, "new_handler")
    _high_gaps(legal, 1, "new_handler")
    return {
        "handler": handler,
        "supervisor": supervisor,
        "trainer": trainer,
        "legal": legal,
        "next": next_start,
    }


def test_a_handlers_figures(organisation):
    response = login(organisation["handler"]).get(HOME)

    assert figures(response) == {
        "competency:home": {"high-priority gaps": 3},
        "plans:mine": {"items to do": 2},
        "plans:retraining": {"to complete": 2},
        "training:catalogue": {"courses in progress": 1, "next session": organisation["next"]},
        "exams:mine": {"exams to take": 2},
        "training:records_me": {"hours this year": Decimal("2.5")},
        "exams:daily": {"days answered in a row": 2},
        "roleplay:library": {"practices finished this month": 2},
        "wellbeing:surveys": {"to answer": 2},
        "effectiveness:surveys": {"to fill in": 1},
    }
    assert alerts(response) == {"to complete", "exams to take", "to answer", "to fill in"}
    local = timezone.localtime(organisation["next"]).strftime("%m-%d %H:%M")
    assert f'<span class="kesu-tile-value">{local}</span>' in response.content.decode()


def test_figures_for_the_people_a_supervisor_or_trainer_looks_after(organisation):
    supervisor = figures(login(organisation["supervisor"]).get(HOME))
    trainer = figures(login(organisation["trainer"]).get(HOME))

    assert supervisor["competency:people"] == {"people with high-priority gaps": 1}
    assert supervisor["plans:retraining_all"] == {"overdue retraining": 1}
    assert "exams:grading" not in supervisor
    assert trainer["competency:people"] == {"people with high-priority gaps": 2}
    assert trainer["plans:retraining_all"] == {"overdue retraining": 2}
    assert trainer["exams:grading"] == {"answers to grade": 2}
    # Without a role profile there is no own analysis to count, and no figure on My growth.
    assert "competency:home" not in trainer


def test_a_person_without_an_active_plan_gets_no_plan_figure(liaison):
    assert "plans:mine" not in figures(login(liaison).get(HOME))


def test_a_failing_figure_leaves_its_tile_and_the_page_standing(handler, monkeypatch, caplog):
    def broken(*, user):
        raise RuntimeError("boom")

    monkeypatch.setattr("kesu.plans.selectors.retraining_open_count", broken)
    academy._selector.cache_clear()
    try:
        response = login(handler).get(HOME)
    finally:
        monkeypatch.undo()
        academy._selector.cache_clear()

    assert response.status_code == 200
    assert "plans:retraining" in tiles(response)
    assert "plans:retraining" not in figures(response)
    assert "kesu.plans.selectors.retraining_open_count failed" in caplog.text


# --------------------------------------------------------------------------------------------------
# Cost


def _queries(client) -> int:
    client.get(HOME)  # per-process caches (the competency model's view) warm up on a first visit
    with CaptureQueriesContext(connection) as captured:
        assert client.get(HOME).status_code == 200
    return len(captured)


def _more_of_everything(organisation, n: int) -> None:
    handler, legal = organisation["handler"], organisation["legal"]
    now, today = _now(), timezone.localdate(_now())
    plan = Plan.objects.get(person=handler)
    team = handler.department
    for i in range(n):
        PlanItem.objects.create(
            plan=plan, objective=f"x{i}", method="lecture", deadline=today, assessment="exam"
        )
        _retraining(handler, f"r:more:{i}", due=today - dt.timedelta(days=1))
        _practice(handler, "resolved", started=now)
        peer = make_user(f"peer{i}", Role.HANDLER, team)
        _high_gaps(peer, 2, "new_handler")
        exam = _exam(
            f"more{i}", opens=now - dt.timedelta(hours=1), closes=now + dt.timedelta(days=1), assignee=handler
        )
        attempt = _attempt(exam, legal, "awaiting_grading", deadline=now)
        Answer.objects.create(attempt=attempt, position=0, question_code="T", saved_at=now)
        _pain_point_survey(f"更多{i}")


def test_the_page_costs_a_bounded_number_of_queries_whatever_the_data(organisation):
    trainer, handler = login(organisation["trainer"]), login(organisation["handler"])
    shown = sum(len(t.figures) for g in trainer.get(HOME).context["groups"] for t in g.tiles)
    before = (_queries(trainer), _queries(handler))

    _more_of_everything(organisation, 8)

    assert (_queries(trainer), _queries(handler)) == before
    # Session, user and unread notifications, then at most two queries per figure shown.
    assert before[0] <= 3 + 2 * shown


def test_every_declared_figure_costs_at_most_two_queries(organisation):
    measured = []
    for user, entry in itertools.product(
        (organisation["handler"], organisation["supervisor"], organisation["trainer"]), academy.entries()
    ):
        if entry not in academy.visible(user):
            continue
        for figure in entry.tile.figures:
            select = academy._selector(figure.selector)
            select(user=user)  # warm per-process caches
            with CaptureQueriesContext(connection) as captured:
                select(user=user)
            measured.append((figure.selector, user.username, len(captured)))

    declared = {f.selector for e in academy.entries() for f in e.tile.figures}
    assert {selector for selector, _u, _n in measured} == declared
    assert [m for m in measured if m[2] > 2] == []


# --------------------------------------------------------------------------------------------------
# Declarations


def test_an_old_style_menu_tuple_becomes_a_tile_in_the_group_of_its_capability():
    tile = academy._as_tile(("Question bank", "exams:bank", Cap.TRAIN_MANAGE), "exams")

    assert (tile.label, tile.url_name, tile.caps, tile.purpose, tile.description) == (
        "Question bank",
        "exams:bank",
        Cap.TRAIN_MANAGE,
        "manage",
        "",
    )


def test_a_tile_with_an_unknown_purpose_is_refused():
    with pytest.raises(ImproperlyConfigured, match="purpose 'fun'"):
        academy._as_tile(academy.Tile("Games", "exams:bank", Cap.LEARN, purpose="fun"), "exams")
