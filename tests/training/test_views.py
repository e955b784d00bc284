import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from kesu.accounts.models import Department
from kesu.common import clock
from kesu.training import selectors, services
from kesu.training.models import Course, Enrolment, MentoringPair, Module, TrainingRecord
from tests.conftest import make_user
from tests.training.factories import course, session

pytestmark = pytest.mark.django_db


def client_for(user):
    c = Client(HTTP_ACCEPT_LANGUAGE="en")
    c.force_login(user)
    return c


@pytest.fixture
def trainer(db):
    return make_user("trainer1", "trainer", None)


def test_catalogue_lists_published_courses_filtered_by_track_and_item(empty_catalogue, handler):
    course("NH-1", title="入职第一课", item_codes=["know_process"])
    course("AD-1", title="进阶课", track="advanced", item_codes=["att_empathy"])
    course("DR-1", title="草稿课", status="draft")
    c = client_for(handler)

    page = c.get("/academy/courses/").content.decode()
    assert "入职第一课" in page and "进阶课" in page and "草稿课" not in page
    page = c.get("/academy/courses/?track=advanced").content.decode()
    assert "进阶课" in page and "入职第一课" not in page
    page = c.get("/academy/courses/?item=know_process").content.decode()
    assert "入职第一课" in page and "进阶课" not in page
    assert c.get("/academy/courses/c/DR-1/").status_code == 404


def test_a_learner_cannot_edit_courses(handler):
    c = course("NH-1", title="原标题")
    client = client_for(handler)

    assert client.get("/academy/courses/new/").status_code == 403
    assert client.get("/academy/courses/c/NH-1/edit/").status_code == 403
    r = client.post("/academy/courses/c/NH-1/status/", {"status": "draft"})
    assert r.status_code == 302
    r = client.post("/academy/courses/c/NH-1/edit/", {"code": "NH-1", "title": "被改了", "track": "new_hire"})
    assert r.status_code == 302  # a refused POST goes back with a message
    c.refresh_from_db()
    assert (c.title, c.status, c.version) == ("原标题", "published", 1)


def test_trainer_creates_a_course_and_a_module_and_publishes_it(trainer):
    client = client_for(trainer)

    r = client.post(
        "/academy/courses/new/",
        {
            "code": "pr-301",
            "title": "舆情回应",
            "track": "pr_crisis",
            "item_codes": ["know_crisis"],
            "target_level": 4,
            "hours": "2.5",
            "pass_score": 70,
        },
    )
    assert r.status_code == 302 and r["Location"] == "/academy/courses/c/PR-301/"
    r = client.post(
        "/academy/courses/c/PR-301/modules/new/",
        {"title": "第一次回应", "method": "online", "minutes": 5, "body": "## 四小时内\n先表态。"},
    )
    assert r.status_code == 302
    client.post("/academy/courses/c/PR-301/status/", {"status": "published"})

    c = Course.objects.get(code="PR-301")
    assert (c.status, c.hours, c.item_codes, c.modules.get().title) == (
        "published",
        2.5,
        ["know_crisis"],
        "第一次回应",
    )


def test_bad_course_input_shows_an_error_and_creates_nothing(trainer):
    r = client_for(trainer).post(
        "/academy/courses/new/", {"code": "", "title": "x", "track": "nowhere", "target_level": 9, "hours": 1}
    )

    assert r.status_code == 200
    assert "Select a valid choice" in r.content.decode()
    assert not Course.objects.filter(title="x").exists()


def test_module_body_is_rendered_and_cleaned(handler):
    c = course("NH-1")
    m = c.modules.get()
    Module.objects.filter(pk=m.pk).update(
        body="## 标题\n<script>alert(1)</script>\n[链接](javascript:alert(1)) **粗体**"
    )

    page = client_for(handler).get(f"/academy/courses/modules/{m.pk}/").content.decode()

    assert "<h2>标题</h2>" in page
    assert "<strong>粗体</strong>" in page
    assert "<script>alert(1)" not in page and "javascript:" not in page


def test_enrol_and_cancel_through_the_pages(handler):
    s = session(course("NH-1"), capacity=1)
    client = client_for(handler)

    client.post(f"/academy/courses/sessions/{s.pk}/enrol/")
    client.post(f"/academy/courses/sessions/{s.pk}/enrol/")
    assert list(Enrolment.objects.values_list("status", flat=True)) == ["enrolled"]
    client.post(f"/academy/courses/sessions/{s.pk}/cancel/")
    assert list(Enrolment.objects.values_list("status", flat=True)) == ["cancelled"]


def test_trainer_marks_attendance_on_the_session_page(trainer, handler):
    s = session(course("NH-1", assessment="测验"), capacity=3)
    services.enrolment_create(session=s, user=handler, by=handler)

    with clock.frozen_at(s.ends_at + dt.timedelta(hours=1)):
        r = client_for(trainer).post(
            f"/academy/courses/sessions/{s.pk}/attendance/",
            {"user": handler.pk, "attendance": "present", "score": "88"},
        )
        assert r.status_code == 302
        r = client_for(trainer).post(
            f"/academy/courses/sessions/{s.pk}/attendance/",
            {"user": handler.pk, "attendance": "present", "score": "abc"},
        )

    assert TrainingRecord.objects.get().score == 88


def test_records_are_visible_to_the_person_their_supervisor_and_trainers_only(
    team, handler, supervisor, trainer, auditor
):
    other_team = Department.objects.exclude(pk=team.pk).filter(
        kind="complaint_team"
    ).first() or Department.objects.get(code="legal")
    outsider = make_user("super_other", "supervisor", other_team)
    colleague = make_user("handler2", "handler", team)
    url = f"/academy/courses/records/{handler.pk}/"

    assert client_for(handler).get(url).status_code == 200
    assert client_for(supervisor).get(url).status_code == 200
    assert client_for(trainer).get(url).status_code == 200
    assert client_for(auditor).get(url).status_code == 200
    assert client_for(outsider).get(url).status_code == 403
    assert client_for(colleague).get(url).status_code == 403
    assert client_for(outsider).get(url + "export.xlsx").status_code == 403
    assert client_for(outsider).get(url + "export.pdf").status_code == 403


def test_coverage_page_is_for_supervisors_and_trainers(team, handler, supervisor, trainer):
    assert client_for(handler).get("/academy/courses/coverage/").status_code == 403
    page = client_for(supervisor).get("/academy/courses/coverage/").content.decode()
    assert 'data-option-id="cov-role"' in page and 'id="cov-role"' in page
    assert handler.display_name in page
    assert client_for(trainer).get("/academy/courses/coverage/?year=abc").status_code == 200


def test_mentor_sees_overdue_check_ins_and_logs_one(team, trainer, handler, senior):
    with clock.frozen_at(dt.datetime(2026, 1, 1, 2, tzinfo=dt.UTC)):
        pair = services.mentoring_pair_create(
            by=trainer,
            mentor=senior,
            mentee=handler,
            item_codes=["att_patience"],
            starts_on=dt.date(2026, 1, 1),
            ends_on=dt.date(2026, 3, 1),
            every_days=14,
        )
    client = client_for(senior)
    with clock.frozen_at(dt.datetime(2026, 1, 30, 2, tzinfo=dt.UTC)):
        page = client.get("/academy/courses/mentoring/").content.decode()
        assert "2 check-ins are overdue" in page
        first = pair.checkins.first()
        client.post(f"/academy/courses/checkins/{first.pk}/log/", {"notes": "聊了情绪调节。"})
        assert "1 check-in is overdue" in client.get("/academy/courses/mentoring/").content.decode()
    assert (
        client_for(make_user("stranger", "handler", Department.objects.get(code="legal")))
        .get(f"/academy/courses/mentoring/{pair.pk}/")
        .status_code
        == 403
    )


def test_records_show_gaps_over_time_from_the_needs_analysis(handler):
    from kesu.competency.services import evidence_record

    with clock.frozen_at(dt.datetime(2026, 11, 20, 2, tzinfo=dt.UTC)):
        evidence_record(
            user=handler,
            item_code="know_law",
            level=1.0,
            source="exam",
            ref="t:1",
            observed_on=dt.date(2026, 4, 1),
        )
        evidence_record(
            user=handler,
            item_code="know_law",
            level=3.0,
            source="exam",
            ref="t:2",
            observed_on=dt.date(2026, 10, 1),
        )
        gaps = selectors.person_gaps_over_time(handler)
        page = client_for(handler).get("/academy/courses/records/").content.decode()

    law = next(r for r in gaps.rows if r.item_code == "know_law")
    assert gaps.dates == (
        dt.date(2025, 11, 20),
        dt.date(2026, 5, 24),
        dt.date(2026, 8, 22),
        dt.date(2026, 11, 20),
    )
    assert law.gaps[0] is None  # no evidence a year ago
    assert law.gaps[1] > law.gaps[3]  # the later, better exam narrowed the gap
    assert "Competency gaps over time" in page and law.name in page


def test_trainer_schedules_a_session_and_bad_times_are_refused(trainer):
    c = course("NH-1")
    client = client_for(trainer)
    body = {
        "starts_at": "2030-03-02T09:00",
        "ends_at": "2030-03-02T12:00",
        "room": "培训室 A",
        "capacity": 12,
        "trainer": trainer.pk,
    }

    bad = client.post("/academy/courses/c/NH-1/sessions/new/", {**body, "ends_at": "2030-03-02T08:00"})
    assert bad.status_code == 200 and "A session ends after it starts." in bad.content.decode()
    assert not c.sessions.exists()
    r = client.post("/academy/courses/c/NH-1/sessions/new/", body)

    s = c.sessions.get()
    assert r["Location"] == f"/academy/courses/sessions/{s.pk}/"
    assert (s.capacity, s.room, s.trainer, timezone.localtime(s.starts_at).hour) == (
        12,
        "培训室 A",
        trainer,
        9,
    )


def test_trainer_pairs_a_mentor_and_a_learner_cannot(team, trainer, handler, senior):
    body = {
        "mentor": senior.pk,
        "mentee": handler.pk,
        "item_codes": ["att_empathy"],
        "starts_on": "2026-12-01",
        "ends_on": "2027-02-01",
        "every_days": 14,
    }

    client_for(handler).post("/academy/courses/mentoring/", body)
    assert not MentoringPair.objects.exists()
    r = client_for(trainer).post("/academy/courses/mentoring/", body)

    pair = MentoringPair.objects.get()
    assert r["Location"] == f"/academy/courses/mentoring/{pair.pk}/"
    assert (pair.mentor, pair.mentee, pair.item_codes, pair.checkins.count()) == (
        senior,
        handler,
        ["att_empathy"],
        5,
    )


def test_trainer_deletes_a_module_but_not_the_last_of_a_published_course(trainer):
    c = course("NH-1", modules=(("一", "online", 5), ("二", "lecture", 30)))
    first, second = c.modules.all()
    client = client_for(trainer)

    client.post(f"/academy/courses/modules/{second.pk}/delete/")
    client.post(f"/academy/courses/modules/{first.pk}/delete/")

    assert list(c.modules.values_list("title", flat=True)) == ["一"]
