from __future__ import annotations

from django.urls import reverse

from kesu.roleplay.models import RolePlaySession, RolePlayTurn

GOOD = [
    "陈女士，真的非常抱歉让您等了这么久，我马上帮您查。",
    "我已经为您申请加急，今天下午5点前一定发出，另外补偿您一张20元优惠券。",
    "是给孩子过生日用的吧？我会盯着物流，保证周六前送到。",
]


def test_practice_through_the_pages(client, scenario, learner):
    client.force_login(learner)
    assert scenario.title in client.get(reverse("roleplay:library")).content.decode()
    page = client.get(reverse("roleplay:scenario", args=[scenario.code])).content.decode()
    assert "孩子周六生日" not in page  # the hidden need stays hidden
    response = client.post(reverse("roleplay:start", args=[scenario.code]), {"mode": "practice"})
    session = RolePlaySession.objects.get(user=learner)
    assert response.url == reverse("roleplay:session", args=[session.pk])
    for n, reply in enumerate(GOOD, 1):
        client.post(reverse("roleplay:session", args=[session.pk]), {"reply": reply, "turn": n})
    session.refresh_from_db()
    assert session.status == "resolved"
    debrief = client.get(reverse("roleplay:debrief", args=[session.pk])).content.decode()
    assert 'data-option-id="rp-curve"' in debrief
    assert "真诚致歉" in debrief


def test_double_post_keeps_one_turn(client, scenario, learner):
    client.force_login(learner)
    client.post(reverse("roleplay:start", args=[scenario.code]), {"mode": "practice"})
    session = RolePlaySession.objects.get(user=learner)
    for _ in range(2):
        client.post(reverse("roleplay:session", args=[session.pk]), {"reply": GOOD[0], "turn": 1})
    assert RolePlayTurn.objects.filter(session=session).count() == 1


def test_empty_reply_shows_an_error_and_writes_nothing(client, scenario, learner):
    client.force_login(learner)
    client.post(reverse("roleplay:start", args=[scenario.code]), {"mode": "practice"})
    session = RolePlaySession.objects.get(user=learner)
    response = client.post(
        reverse("roleplay:session", args=[session.pk]), {"reply": "  ", "turn": 1}, follow=True
    )
    assert "请先写回复" in response.content.decode()  # the UI speaks zh-Hans by default
    assert not RolePlayTurn.objects.exists()


def test_others_cannot_open_a_session(client, scenario, learner, team):
    from tests.conftest import make_user

    client.force_login(learner)
    client.post(reverse("roleplay:start", args=[scenario.code]), {"mode": "practice"})
    session = RolePlaySession.objects.get(user=learner)
    stranger = make_user("rp-stranger", "handler", team)
    client.force_login(stranger)
    assert client.get(reverse("roleplay:session", args=[session.pk])).status_code == 404


def test_trainer_edits_and_exports(client, scenario, trainer):
    import yaml

    client.force_login(trainer)
    exported = client.get(reverse("roleplay:export", args=[scenario.code]))
    data = yaml.safe_load(exported.content.decode())
    data["pass_line"] = 80
    client.post(
        reverse("roleplay:edit", args=[scenario.code]), {"yaml": yaml.safe_dump(data, allow_unicode=True)}
    )
    scenario.refresh_from_db()
    assert (scenario.current.number, scenario.current.data["pass_line"]) == (2, 80)
    bad = client.post(reverse("roleplay:edit", args=[scenario.code]), {"yaml": "code: x\n"})
    assert bad.status_code == 200 and "industry" in bad.content.decode()
    scenario.refresh_from_db()
    assert scenario.current.number == 2


def test_learner_cannot_edit(client, scenario, learner):
    client.force_login(learner)
    assert client.get(reverse("roleplay:edit", args=[scenario.code])).status_code == 403
    assert client.get(reverse("roleplay:export", args=[scenario.code])).status_code == 403


def test_api_session_roundtrip(client, scenario, learner):
    client.force_login(learner)
    started = client.post(
        "/api/v1/roleplay/sessions", {"scenario": scenario.code}, content_type="application/json"
    )
    assert started.status_code == 201
    sid = started.json()["id"]
    body = {"reply": GOOD[0], "turn": 1}
    first = client.post(
        f"/api/v1/roleplay/sessions/{sid}/replies", body, content_type="application/json"
    ).json()
    again = client.post(
        f"/api/v1/roleplay/sessions/{sid}/replies", body, content_type="application/json"
    ).json()
    assert first == again
    assert first["reaction"] == "calmer"
    empty = client.post(
        f"/api/v1/roleplay/sessions/{sid}/replies", {"reply": "", "turn": 2}, content_type="application/json"
    )
    assert empty.status_code == 422
    ended = client.post(f"/api/v1/roleplay/sessions/{sid}/end").json()
    assert ended["status"] == "abandoned" and ended["passed"] is False
    assert client.get("/api/v1/roleplay/scenarios/" + scenario.code).status_code == 403
