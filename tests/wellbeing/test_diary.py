"""Emotion diary: writing entries, privacy (nobody but the author reads an entry, through any door), and
the heavy-entry streak that suggests a check-in."""

import datetime as dt

import pytest
from django.urls import reverse

from kesu.common import clock
from kesu.common.errors import NotFound, NotPermitted, ValidationFailed
from kesu.complaints.models import Notification
from kesu.wellbeing import selectors, services
from kesu.wellbeing.models import CheckinSuggestion, DiaryEntry
from tests.complaints.factories import register
from tests.conftest import make_user
from tests.wellbeing.conftest import NOW, client_for

pytestmark = pytest.mark.django_db

SECRET = "客户骂我是骗子，我在工位上差点哭出来"


def entry(user, *, intensity=3, at=None, **extra):
    values = {"emotion": "grievance", "intensity": intensity, "what_happened": SECRET}
    values.update(extra)
    if at is not None:
        with clock.frozen_at(at):
            return services.diary_entry_create(user=user, **values)
    return services.diary_entry_create(user=user, **values)


# ---- writing -------------------------------------------------------------------------------------


def test_entry_keeps_what_the_person_wrote(handler):
    e = services.diary_entry_create(
        user=handler,
        emotion="anger",
        intensity="4",
        triggers=["abuse", "repeat_calls", "abuse"],
        helpers=["breathing"],
        what_happened=" 客户连续三次来电辱骂 ",
        helped_note="去茶水间走了两分钟",
    )
    e.refresh_from_db()
    assert (e.emotion, e.intensity, e.triggers, e.helpers) == (
        "anger",
        4,
        ["abuse", "repeat_calls"],
        ["breathing"],
    )
    assert e.what_happened == "客户连续三次来电辱骂"
    assert e.department_id == handler.department_id
    assert e.occurred_at == NOW


def test_complaint_number_must_be_one_the_person_may_see(handler, other_team):
    mine = register(handler)
    outsider = make_user("legal_h", "liaison", other_team)
    e = entry(handler, complaint_number=mine.number.lower())
    assert e.complaint_number == mine.number

    with pytest.raises(ValidationFailed) as exc:
        entry(outsider, complaint_number=mine.number)
    assert exc.value.details == {"field": "complaint_number"}
    with pytest.raises(ValidationFailed):
        entry(handler, complaint_number="TS-20990101-0001")
    assert DiaryEntry.objects.count() == 1


@pytest.mark.parametrize(
    "change, field",
    [
        ({"emotion": "joyful"}, "emotion"),
        ({"intensity": 6}, "intensity"),
        ({"intensity": "x"}, "intensity"),
        ({"triggers": ["nonsense"]}, "triggers"),
        ({"helpers": ["magic"]}, "helpers"),
        ({"what_happened": "长" * 2001}, "what_happened"),
        ({"occurred_at": NOW + dt.timedelta(hours=1)}, "occurred_at"),
        ({"occurred_at": NOW - dt.timedelta(days=31)}, "occurred_at"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_stored(handler, change, field):
    with pytest.raises(ValidationFailed) as exc:
        entry(handler, **change)
    assert exc.value.details["field"] == field
    assert DiaryEntry.objects.count() == 0


def test_roles_without_learning_cannot_keep_a_diary(auditor):
    with pytest.raises(NotPermitted):
        entry(auditor)
    assert DiaryEntry.objects.count() == 0


def test_the_author_edits_and_deletes_nobody_else_does(handler, handler2):
    e = entry(handler)
    with pytest.raises(NotFound):
        services.diary_entry_update(user=handler2, entry_id=e.pk, emotion="calm", intensity=1)
    with pytest.raises(NotFound):
        services.diary_entry_delete(user=handler2, entry_id=e.pk)
    e.refresh_from_db()
    assert (e.emotion, e.intensity, e.what_happened) == ("grievance", 3, SECRET)

    services.diary_entry_update(
        user=handler, entry_id=e.pk, emotion="calm", intensity=1, what_happened="好多了"
    )
    e.refresh_from_db()
    assert (e.emotion, e.intensity, e.what_happened) == ("calm", 1, "好多了")
    services.diary_entry_delete(user=handler, entry_id=e.pk)
    assert not DiaryEntry.objects.exists()


# ---- privacy through the UI ----------------------------------------------------------------------


@pytest.fixture
def readers(team, handler2, supervisor, trainer, admin_user):
    return {"colleague": handler2, "supervisor": supervisor, "trainer": trainer, "admin": admin_user}


@pytest.mark.parametrize("who", ["colleague", "supervisor", "trainer", "admin"])
def test_nobody_else_reads_an_entry_in_the_ui(handler, readers, who):
    e = entry(handler)
    c = client_for(readers[who])
    assert c.get(reverse("wellbeing:diary_edit", args=[e.pk])).status_code == 404
    page = c.get(reverse("wellbeing:diary"))
    assert page.status_code == 200
    assert SECRET not in page.content.decode()
    assert c.post(reverse("wellbeing:diary_delete", args=[e.pk])).status_code == 404
    team_page = c.get(reverse("wellbeing:team"))
    assert SECRET not in team_page.content.decode()
    assert DiaryEntry.objects.filter(pk=e.pk, what_happened=SECRET).exists()


def test_the_author_sees_own_entries_and_trends(handler):
    entry(handler, triggers=["abuse"], helpers=["colleague"])
    page = client_for(handler).get(reverse("wellbeing:diary"))
    body = page.content.decode()
    assert page.status_code == 200
    assert SECRET[:20] in body
    assert 'data-option-id="weekly-chart"' in body
    assert "Verbal abuse" in body and "Support from a colleague" in body


def test_the_admin_site_lists_no_diary_text(handler, admin_user):
    e = entry(handler, helped_note="和同事聊了聊")
    c = client_for(admin_user)
    listing = c.get("/admin/wellbeing/diaryentry/")
    detail = c.get(f"/admin/wellbeing/diaryentry/{e.pk}/change/")
    search = c.get("/admin/wellbeing/diaryentry/", {"q": "骗子"})
    for response in (listing, detail, search):
        assert response.status_code == 200
        body = response.content.decode()
        assert SECRET not in body and "和同事聊了聊" not in body
        assert "Wronged" not in body and "grievance" not in body


def test_the_diary_pages_need_the_learn_capability(auditor):
    assert client_for(auditor).get(reverse("wellbeing:diary")).status_code == 403
    assert client_for(auditor).get(reverse("wellbeing:diary_new")).status_code == 403


def test_new_entry_form_saves_and_bad_input_keeps_what_was_typed(handler):
    c = client_for(handler)
    bad = c.post(
        reverse("wellbeing:diary_new"),
        {"emotion": "anger", "intensity": "4", "what_happened": "客户说要找媒体", "complaint_number": "TS-1"},
    )
    assert bad.status_code == 422
    assert "客户说要找媒体" in bad.content.decode()
    assert "No complaint TS-1 that you may see." in bad.content.decode()
    assert DiaryEntry.objects.count() == 0

    ok = c.post(
        reverse("wellbeing:diary_new"),
        {
            "emotion": "anger",
            "intensity": "4",
            "what_happened": "客户说要找媒体",
            "triggers": ["exposure_threat"],
        },
    )
    assert ok.status_code == 302
    e = DiaryEntry.objects.get()
    assert (e.user, e.emotion, e.intensity, e.triggers) == (handler, "anger", 4, ["exposure_threat"])


# ---- streak → one check-in notification without content -------------------------------------------


def test_three_heavy_entries_in_seven_days_notify_the_supervisor_once(handler, supervisor, handler2):
    entry(handler, intensity=5, at=NOW - dt.timedelta(days=6))
    entry(handler, intensity=2, at=NOW - dt.timedelta(days=3))
    entry(handler, intensity=4, at=NOW - dt.timedelta(days=2))
    assert Notification.objects.count() == 0
    assert selectors.checkin_active(user=handler) is None

    entry(handler, intensity=4, triggers=["abuse"])

    n = Notification.objects.get()
    assert n.user == supervisor
    assert n.message == "handler1 may benefit from a check-in."
    assert n.link == reverse("wellbeing:checkin_guide")
    assert n.complaint is None
    s = CheckinSuggestion.objects.get()
    assert (s.started_at, s.last_heavy_at, s.notified) == (NOW - dt.timedelta(days=6), NOW, [supervisor.pk])
    assert selectors.checkin_active(user=handler) == s

    # The same streak goes on: no second notification.
    entry(handler, intensity=5, at=NOW + dt.timedelta(days=3))
    entry(handler, intensity=5, at=NOW + dt.timedelta(days=5))
    assert Notification.objects.count() == 1
    assert CheckinSuggestion.objects.get().last_heavy_at == NOW + dt.timedelta(days=5)

    # After a quiet stretch longer than the window, a new streak is a new suggestion.
    later = NOW + dt.timedelta(days=20)
    for hours in (0, 1, 2):
        entry(handler, intensity=4, at=later + dt.timedelta(hours=hours))
    assert Notification.objects.filter(user=supervisor).count() == 2
    assert CheckinSuggestion.objects.count() == 2


def test_the_check_in_notification_carries_no_diary_content(handler, supervisor):
    for days in (2, 1, 0):
        entry(
            handler, intensity=5, at=NOW - dt.timedelta(days=days), triggers=["abuse"], helped_note="深呼吸"
        )
    message = Notification.objects.get(user=supervisor).message
    for leaked in (SECRET, "深呼吸", "abuse", "Verbal abuse", "Wronged", "5"):
        assert leaked not in message
    guide = client_for(supervisor).get(reverse("wellbeing:checkin_guide"))
    assert guide.status_code == 200
    assert SECRET not in guide.content.decode()


def test_streak_threshold_is_a_setting(handler, supervisor, settings):
    settings.KESU_WELLBEING_STREAK_ENTRIES = 2
    settings.KESU_WELLBEING_HEAVY_INTENSITY = 5
    entry(handler, intensity=4, at=NOW - dt.timedelta(days=1))
    entry(handler, intensity=4)
    assert Notification.objects.count() == 0
    entry(handler, intensity=5, at=NOW - dt.timedelta(hours=1))
    assert Notification.objects.count() == 0
    entry(handler, intensity=5)
    assert Notification.objects.count() == 1


def test_the_person_sees_a_gentle_suggestion_and_can_hide_it(handler, supervisor):
    for days in (2, 1, 0):
        entry(handler, intensity=4, at=NOW - dt.timedelta(days=days))
    c = client_for(handler)
    assert 'id="checkin-suggestion"' in c.get(reverse("wellbeing:diary")).content.decode()
    s = CheckinSuggestion.objects.get()
    assert client_for(supervisor).post(reverse("wellbeing:checkin_dismiss", args=[s.pk])).status_code == 404
    c.post(reverse("wellbeing:checkin_dismiss", args=[s.pk]))
    assert 'id="checkin-suggestion"' not in c.get(reverse("wellbeing:diary")).content.decode()
    with clock.frozen_at(NOW + dt.timedelta(days=1)):
        entry(handler, intensity=5)
    assert Notification.objects.count() == 1


def test_without_a_supervisor_nobody_is_notified_but_the_person_still_sees_the_suggestion(handler):
    for days in (2, 1, 0):
        entry(handler, intensity=4, at=NOW - dt.timedelta(days=days))
    assert Notification.objects.count() == 0
    assert CheckinSuggestion.objects.get().notified == []
    assert selectors.checkin_active(user=handler) is not None


def test_the_mentor_is_told_instead_of_the_supervisor_when_there_is_a_mentoring_pair(
    handler, supervisor, senior, monkeypatch
):
    """The training app's pairs_for(user=...) selector names the mentor (a stand-in module here, so the
    test does not depend on the training app being merged)."""
    import sys
    import types
    from dataclasses import dataclass

    @dataclass
    class Pair:
        mentor: object
        starts_on: dt.date
        ends_on: dt.date

    today = NOW.date()
    pairs = {
        handler.pk: [
            Pair(senior, today - dt.timedelta(days=30), today + dt.timedelta(days=30)),
            Pair(supervisor, today - dt.timedelta(days=400), today - dt.timedelta(days=200)),  # ended
        ]
    }
    fake = types.ModuleType("kesu.training.selectors")
    fake.pairs_for = lambda *, user: {"as_mentee": pairs.get(user.pk, []), "as_mentor": []}
    monkeypatch.setitem(sys.modules, "kesu.training.selectors", fake)
    import kesu.training

    monkeypatch.setattr(kesu.training, "selectors", fake, raising=False)

    for days in (2, 1, 0):
        entry(handler, intensity=4, at=NOW - dt.timedelta(days=days))
    n = Notification.objects.get()
    assert (n.user, n.message) == (senior, "handler1 may benefit from a check-in.")


def test_a_double_submit_of_the_form_saves_one_entry(handler):
    c = client_for(handler)
    form = c.get(reverse("wellbeing:diary_new")).content.decode()
    key = form.split('name="request_key" value="')[1].split('"')[0]
    data = {"emotion": "tense", "intensity": "3", "request_key": key}
    assert c.post(reverse("wellbeing:diary_new"), data).status_code == 302
    assert c.post(reverse("wellbeing:diary_new"), data).status_code == 302
    assert DiaryEntry.objects.count() == 1
