from __future__ import annotations

import datetime as dt

import pytest

from kesu.common import clock
from kesu.common.errors import ConcurrentEdit, NotFound, NotPermitted, TransitionRefused, ValidationFailed
from kesu.roleplay import services
from kesu.roleplay.models import RolePlaySession, RolePlayTurn, ScenarioVersion

GOOD = [
    "陈女士，真的非常抱歉让您等了这么久，我马上帮您查。",
    "我已经为您申请加急，今天下午5点前一定发出，另外补偿您一张20元优惠券。",
    "是给孩子过生日用的吧？我会盯着物流，保证周六前送到。",
    "明天上午我再给您打电话确认物流，有任何问题您随时找我。",
    "再次向您道歉，祝孩子生日快乐。",
]
T0 = dt.datetime(2026, 11, 20, 2, 0, tzinfo=dt.UTC)


def _play(session, user, replies):
    turns = []
    for n, reply in enumerate(replies, session.turn_count + 1):
        session.refresh_from_db()
        if session.status != "active":
            break
        turns.append(services.session_reply(session_id=session.pk, user=user, reply=reply, turn_number=n))
    session.refresh_from_db()
    return turns


def test_versions_are_added_never_changed(scenario, trainer, scenario_data):
    v1 = scenario.current
    assert services.scenario_save(data=scenario_data, by=trainer).pk == v1.pk  # same content
    scenario_data["pass_line"] = 75
    v2 = services.scenario_save(data=scenario_data, by=trainer, note="及格线提高")
    assert (v2.number, v2.data["pass_line"]) == (2, 75)
    assert ScenarioVersion.objects.get(pk=v1.pk).data["pass_line"] == 70
    assert v2.rubric_version != v1.rubric_version


def test_invalid_scenario_is_refused_with_every_problem(trainer, scenario_data, db):
    scenario_data["difficulty"] = 9
    scenario_data["items"] = ["not_an_item"]
    with pytest.raises(ValidationFailed) as err:
        services.scenario_save(data=scenario_data, by=trainer)
    problems = err.value.details["problems"]
    assert any("difficulty" in p for p in problems) and any("not_an_item" in p for p in problems)


def test_yaml_import_is_all_or_nothing(trainer, scenario_data, db):
    import yaml

    good = dict(scenario_data, code="RP-TEST-002")
    bad = dict(scenario_data, code="RP-TEST-003", rubric=[])
    with pytest.raises(ValidationFailed) as err:
        services.scenario_import_yaml(text=yaml.safe_dump([good, bad], allow_unicode=True), by=trainer)
    assert "RP-TEST-003" in err.value.message
    from kesu.roleplay.models import Scenario

    assert not Scenario.objects.filter(code__in=["RP-TEST-002", "RP-TEST-003"]).exists()
    with pytest.raises(ValidationFailed):
        services.scenario_import_yaml(text="code: [unclosed", by=trainer)


def test_learner_cannot_author(learner, scenario_data, db):
    with pytest.raises(NotPermitted):
        services.scenario_save(data=scenario_data, by=learner)


def test_practice_session_resolves_and_records_evidence(scenario, learner):
    from kesu.competency.models import Evidence

    session = services.session_start(user=learner, scenario_code=scenario.code, mode="practice")
    turns = _play(session, learner, GOOD)
    assert session.status == "resolved"
    assert session.passed is True
    assert session.debrief["outcome"] == "resolved"
    assert session.debrief["anger"][0] == 75
    assert [t.number for t in turns] == list(range(1, len(turns) + 1))
    rows = Evidence.objects.filter(user=learner, source="roleplay", ref=f"roleplay:{session.pk}")
    assert {r.item_code for r in rows} == {"att_empathy", "skill_communication", "know_process"}
    assert {r.weight for r in rows} == {0.5}


def test_same_turn_twice_is_recorded_once(scenario, learner):
    session = services.session_start(user=learner, scenario_code=scenario.code, mode="practice")
    a = services.session_reply(session_id=session.pk, user=learner, reply=GOOD[0], turn_number=1)
    b = services.session_reply(session_id=session.pk, user=learner, reply="另一个窗口的内容", turn_number=1)
    assert a.pk == b.pk
    assert RolePlayTurn.objects.filter(session=session).count() == 1
    with pytest.raises(ConcurrentEdit):
        services.session_reply(session_id=session.pk, user=learner, reply=GOOD[1], turn_number=3)


def test_bad_replies_and_strangers(scenario, learner, trainer):
    session = services.session_start(user=learner, scenario_code=scenario.code, mode="practice")
    with pytest.raises(ValidationFailed):
        services.session_reply(session_id=session.pk, user=learner, reply="   ", turn_number=1)
    with pytest.raises(ValidationFailed):
        services.session_reply(session_id=session.pk, user=learner, reply="好" * 2001, turn_number=1)
    with pytest.raises(NotFound):
        services.session_reply(session_id=session.pk, user=trainer, reply=GOOD[0], turn_number=1)
    assert not RolePlayTurn.objects.exists()


def test_hints_only_in_practice(scenario, learner):
    practice = services.session_start(user=learner, scenario_code=scenario.code, mode="practice")
    assert services.session_hint(session_id=practice.pk, user=learner) == [
        "真诚致歉",
        "给出具体时限",
        "提出补救方案",
    ]
    exam = services.session_start(user=learner, scenario_code=scenario.code, mode="assessment")
    with pytest.raises(TransitionRefused):
        services.session_hint(session_id=exam.pk, user=learner)


def test_failed_assessment_assigns_retraining(scenario, learner):
    plans = pytest.importorskip("kesu.plans.services")
    session = services.session_start(user=learner, scenario_code=scenario.code, mode="assessment")
    _play(
        session,
        learner,
        ["您自己去查物流吧。", "这个不归我们管，您自己找快递。", "您自己找快递。", "没办法。"],
    )
    assert session.status == "escalated" and session.passed is False
    from kesu.plans.models import Retraining

    assert Retraining.objects.filter(user=learner, source_ref=f"roleplay:{session.pk}").count() == 1
    del plans


def test_late_reply_in_assessment_counts_as_silence(scenario, learner):
    with clock.frozen_at(T0):
        session = services.session_start(user=learner, scenario_code=scenario.code, mode="assessment")
    with clock.frozen_at(T0 + dt.timedelta(seconds=session.turn_seconds + 30)):
        turn = services.session_reply(session_id=session.pk, user=learner, reply=GOOD[0], turn_number=1)
    assert turn.late is True
    assert turn.anger > 75  # silence provokes
    assert turn.reply == GOOD[0]  # what was typed is kept


def test_abandon_ends_once(scenario, learner):
    session = services.session_start(user=learner, scenario_code=scenario.code, mode="practice")
    services.session_reply(session_id=session.pk, user=learner, reply=GOOD[0], turn_number=1)
    services.session_abandon(session_id=session.pk, user=learner)
    services.session_abandon(session_id=session.pk, user=learner)
    session.refresh_from_db()
    assert (session.status, session.passed) == ("abandoned", False)
    with pytest.raises(TransitionRefused):
        services.session_reply(session_id=session.pk, user=learner, reply=GOOD[1], turn_number=2)


def test_classroom_vote_sends_the_winner(scenario, trainer, learner, team):
    from tests.conftest import make_user

    other = make_user("rp-learner2", "handler", team)
    room = services.session_start(user=trainer, scenario_code=scenario.code, mode="classroom")
    assert len(room.join_code) == 6
    with pytest.raises(NotPermitted):
        services.session_start(user=learner, scenario_code=scenario.code, mode="classroom")
    p1 = services.classroom_propose(join_code=room.join_code, user=learner, text=GOOD[0])
    p2 = services.classroom_propose(join_code=room.join_code, user=other, text="您自己查吧。")
    services.classroom_vote(join_code=room.join_code, user=learner, proposal_id=p2.pk)
    services.classroom_vote(join_code=room.join_code, user=learner, proposal_id=p1.pk)  # moves the vote
    services.classroom_vote(join_code=room.join_code, user=other, proposal_id=p1.pk)
    turn = services.classroom_send_winner(session_id=room.pk, user=trainer)
    assert (turn.number, turn.reply) == (1, GOOD[0])
    with pytest.raises(NotFound):
        services.classroom_vote(join_code=room.join_code, user=other, proposal_id=p2.pk)  # last turn's


def test_session_bound_to_its_version(scenario, learner, trainer, scenario_data):
    session = services.session_start(user=learner, scenario_code=scenario.code, mode="practice")
    scenario_data["pass_line"] = 95
    services.scenario_save(data=scenario_data, by=trainer)
    _play(session, learner, GOOD)
    assert session.debrief["pass_line"] == 70
    assert RolePlaySession.objects.get(pk=session.pk).version.number == 1
