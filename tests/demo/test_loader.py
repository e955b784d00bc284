"""The demo loaders: a small service-path load is complete and consistent, the same seed gives the same
data, and the bulk path gives unique numbers and usable queues."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from kesu.accounts.models import AuthorityLimit, User
from kesu.accounts.roles import Role
from kesu.common import clock
from kesu.complaints import selectors, services
from kesu.complaints.models import (
    Category,
    Channel,
    CompensationProposal,
    Complaint,
    ComplaintEvent,
    DailySequence,
    DepartmentTask,
    FollowUp,
    Notification,
    OutboundMessage,
    Severity,
    StageDeadline,
)
from kesu.complaints.workflow import Status
from kesu.demo import bulk, loader
from tests.complaints.factories import complaint_input

# A fixed "now" keeps the loads reproducible whatever day the suite runs.
NOW = dt.datetime(2026, 11, 20, 17, 30, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(scope="class")
def small_load(django_db_setup, django_db_blocker):
    """One 120-complaint load shared by the tests of TestSmallLoad, rolled back afterwards."""
    with django_db_blocker.unblock(), transaction.atomic():
        stats = loader.load(seed=7, complaints=120, now=NOW, strict=True)
        yield stats
        transaction.set_rollback(True)


@pytest.fixture
def demo(small_load, db):
    return small_load


class TestSmallLoad:
    """`kesu demo --complaints 120 --seed 7`, through the services."""

    def test_the_load_walks_every_complaint_without_a_refused_step(self, demo):
        assert demo.errors == []
        assert Complaint.objects.count() == 120

    def test_every_role_has_a_login_with_the_demo_password(self, demo, settings):
        settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
        users = loader.demo_users()
        assert {u.role for u in users} == set(Role.values)
        assert [u.username for u in users] == loader.ROSTER_USERNAMES
        admin = User.objects.get(username="admin")
        assert admin.is_staff and admin.is_superuser
        assert User.objects.get(username="handler1").check_password(loader.DEMO_PASSWORD)
        for team in loader.TEAMS:
            members = Counter(User.objects.filter(department__code=team.code).values_list("role", flat=True))
            assert (
                members[Role.HANDLER] >= 3
                and members[Role.SENIOR_HANDLER] == 1
                and members[Role.SUPERVISOR] == 1
            )
        for code, _name in loader.BUSINESS_DEPARTMENTS:
            assert User.objects.filter(department__code=code, role=Role.LIAISON).exists()

    def test_every_status_category_channel_and_severity_appears(self, demo):
        assert set(Complaint.objects.values_list("status", flat=True)) == set(Status.values)
        assert set(Complaint.objects.values_list("category__code", flat=True)) == set(
            Category.objects.values_list("code", flat=True)
        )
        assert set(Complaint.objects.values_list("channel", flat=True)) == set(Channel.values)
        assert set(Complaint.objects.values_list("severity", flat=True)) == set(Severity.values)

    def test_timelines_follow_the_transition_table_to_the_current_status(self, demo):
        for complaint in Complaint.objects.all():
            events = list(complaint.events.order_by("at", "id"))
            assert events[0].kind == ComplaintEvent.Kind.REGISTERED
            assert events[0].at == complaint.registered_at
            status = Status.REGISTERED
            for e in events:
                if e.kind == ComplaintEvent.Kind.TRANSITION:
                    assert e.from_status == status, complaint.number
                    status = e.to_status
            assert status == complaint.status, complaint.number
            assert events[-1].at <= NOW

    def test_closed_complaints_were_closed_after_a_follow_up_or_three_failed_attempts(self, demo):
        closed = Complaint.objects.filter(status=Status.CLOSED)
        assert closed.count() > 80
        for complaint in closed:
            last = complaint.events.filter(kind=ComplaintEvent.Kind.TRANSITION).order_by("at", "id").last()
            assert last.to_status == Status.CLOSED and last.data["action"] == "close"
            assert complaint.closed_at == last.at
            this_round = FollowUp.objects.filter(complaint=complaint, round=complaint.reopen_count)
            assert this_round.filter(reached=True).exists() or this_round.filter(reached=False).count() >= 3
            assert not StageDeadline.objects.filter(complaint=complaint, met_at__isnull=True).exists()
            assert complaint.next_due_at is None and not complaint.is_overdue

    def test_awaiting_approval_means_a_pending_proposal_above_the_proposers_limit(self, demo):
        waiting = Complaint.objects.filter(status=Status.AWAITING_APPROVAL)
        assert waiting.exists()
        limits = dict(AuthorityLimit.objects.values_list("role", "max_amount"))
        for complaint in waiting:
            proposal = complaint.proposals.get(state=CompensationProposal.State.PENDING)
            assert proposal.total > limits[proposal.proposed_by.role]

    def test_decided_approvals_include_approvals_and_rejections(self, demo):
        decided = Counter(
            CompensationProposal.objects.exclude(approver_role="").values_list("state", flat=True)
        )
        assert decided[CompensationProposal.State.APPROVED] > 0
        assert decided[CompensationProposal.State.REJECTED] > 0

    def test_no_open_blocking_task_once_the_solution_is_carried_out(self, demo):
        assert not DepartmentTask.objects.filter(
            complaint__status__in=[Status.AWAITING_FOLLOW_UP, Status.CLOSED],
            state=DepartmentTask.State.OPEN,
            blocking=True,
        ).exists()
        assert DepartmentTask.objects.filter(state=DepartmentTask.State.DONE).exists()

    def test_sla_marks_repeats_and_special_groups_are_present(self, demo):
        assert ComplaintEvent.objects.filter(kind=ComplaintEvent.Kind.SLA_WARNING).exists()
        assert Complaint.objects.exclude(status=Status.CLOSED).filter(is_overdue=True).exists()
        assert Complaint.objects.filter(is_repeat=True).exists()
        assert Complaint.objects.exclude(customer__special_group="").exists()
        assert StageDeadline.objects.filter(met_at__isnull=False, overdue_at__isnull=True).exists()
        # Only the last few days' notifications are still unread.
        assert not Notification.objects.filter(
            read_at__isnull=True, created_at__lt=NOW - dt.timedelta(days=3)
        ).exists()
        assert Notification.objects.filter(read_at__isnull=True).exists()
        # Messages that could not be e-mailed were sent by hand once the handler took the complaint on.
        assert OutboundMessage.objects.filter(state=OutboundMessage.State.SENT_MANUALLY).exists()

    def test_better_handlers_leave_customers_more_satisfied(self, demo):
        profile = {login.username: login.profile for login in loader.ROSTER}
        scores: dict[str, list[int]] = {"star": [], "weak": []}
        for username, satisfaction in FollowUp.objects.filter(reached=True).values_list(
            "by__username", "satisfaction"
        ):
            if profile.get(username) is loader.STAR:
                scores["star"].append(satisfaction)
            elif profile.get(username) in (loader.RUSHED, loader.NEWCOMER):
                scores["weak"].append(satisfaction)
        assert len(scores["star"]) >= 5 and len(scores["weak"]) >= 5
        mean = {k: sum(v) / len(v) for k, v in scores.items()}
        assert mean["star"] > mean["weak"] + 0.5
        assert Complaint.objects.filter(status=Status.CLOSED).values("assignee").distinct().count() >= 12


def test_same_seed_gives_the_same_complaints(db):
    def snapshot():
        return list(
            Complaint.objects.order_by("number").values_list(
                "number", "title", "status", "assignee__username"
            )
        )

    loader.load(seed=11, complaints=25, months=2, now=NOW, strict=True)
    first = snapshot()
    loader.demo_reset()
    loader.load(seed=11, complaints=25, months=2, now=NOW, strict=True)
    assert snapshot() == first
    # Another seed plans other complaints.
    org = loader.organisation_setup()
    other = loader.make_plans(org, seed=12, count=25, months=2, now=NOW)
    assert [p.text.title for p in other] != [title for _n, title, _s, _a in first]


def test_bulk_path_gives_unique_numbers_and_usable_queues(db):
    stats = bulk.load(seed=3, complaints=2000, now=NOW)
    assert stats.complaints == Complaint.objects.count() == 2000
    assert Complaint.objects.values("number").distinct().count() == 2000
    per_day = Counter(Complaint.objects.values_list("registered_at", flat=True).iterator())
    assert sum(per_day.values()) == 2000
    for seq in DailySequence.objects.all():
        assert Complaint.objects.filter(number__startswith=f"TS-{seq.day:%Y%m%d}-").count() == seq.last
    assert set(Complaint.objects.values_list("status", flat=True)) == set(Status.values)
    assert Complaint.objects.filter(is_repeat=True).count() > 50
    # Open complaints have their deadlines; closed ones none.
    assert not StageDeadline.objects.filter(complaint__status=Status.CLOSED).exists()
    assert (
        StageDeadline.objects.filter(complaint__status=Status.REGISTERED).count()
        == 3 * Complaint.objects.filter(status=Status.REGISTERED).count()
    )

    supervisor = User.objects.get(username="supervisor_ec")
    page = selectors.complaint_queue(user=supervisor, queue="team", limit=25)
    assert len(page.items) == 25 and page.next_cursor
    assert page.items[0].is_overdue
    following = selectors.complaint_queue(user=supervisor, queue="team", cursor=page.next_cursor, limit=25)
    assert not {c.pk for c in following.items} & {c.pk for c in page.items}

    # A complaint registered afterwards on a loaded day continues that day's numbering.
    handler = User.objects.get(username="handler1")
    with clock.frozen_at(NOW - dt.timedelta(hours=1)):
        day = DailySequence.objects.get(day=NOW.date())
        fresh = services.complaint_register(data=complaint_input(), actor=handler)
    assert fresh.number == f"TS-{NOW:%Y%m%d}-{day.last + 1:04d}"


def test_command_refuses_to_load_twice_and_prints_logins(db, capsys):
    call_command("demo", "--print-logins")
    assert "No demo logins" in capsys.readouterr().out
    call_command("demo", "--complaints", "12", "--months", "1", "--now", NOW.isoformat())
    assert Complaint.objects.count() == 12
    capsys.readouterr()
    with pytest.raises(CommandError, match="already exists"):
        call_command("demo", "--complaints", "12")
    assert Complaint.objects.count() == 12
    call_command("demo", "--print-logins")
    out = capsys.readouterr().out
    assert "supervisor_ec" in out and "liaison_legal" in out and loader.DEMO_PASSWORD in out
