"""Crisis drills: injects by the minute, actions recorded by the team, scored against the tasks' due
minutes."""

from __future__ import annotations

import datetime as dt

import pytest

from kesu.common import clock
from kesu.common.errors import NotFound, NotPermitted, TransitionRefused, ValidationFailed
from kesu.roleplay import services
from tests.conftest import make_user

T0 = dt.datetime(2026, 11, 20, 2, 0, tzinfo=dt.UTC)


@pytest.fixture
def drill(db, trainer, team):
    from django.apps import apps

    from kesu.roleplay import content

    content.install(apps)
    pr = make_user("rp-pr", "pr_officer", team)
    sup = make_user("rp-sup", "supervisor", team)
    with clock.frozen_at(T0):
        run = services.drill_start(scenario_code="RP-EC-013", by=trainer, participants=[pr, sup])
    return run, trainer, pr, sup


def _act(run, user, minute, kind, text):
    with clock.frozen_at(T0 + dt.timedelta(minutes=minute)):
        return services.drill_act(run_id=run.pk, user=user, kind=kind, text=text)


def test_tasks_met_on_time_and_late(drill):
    run, trainer, pr, sup = drill
    _act(run, sup, 8, "grade", "评定为一级（重大）危机，立即启动预案。")
    _act(run, sup, 25, "assign", "张伟牵头，仓储、客服、公关、法务各负责一块。")
    _act(run, pr, 70, "statement", "致歉声明：我们向受影响的家庭诚恳致歉，已启动调查，并公布发货时间表。")
    with clock.frozen_at(T0 + dt.timedelta(minutes=80)):
        run = services.drill_end(run_id=run.pk, by=trainer)
    tasks = {t["code"]: (t["met"], t["minute"]) for t in run.result["tasks"]}
    assert tasks == {
        "grade": (True, 8),
        "statement": (False, None),
        "owners": (True, 25),
        "urgent": (False, None),
    }
    assert run.result["statement_score"] > 0
    assert run.score == round(70 * 2 / 4 + 30 * run.result["statement_score"] / 100)


def test_drill_rules(drill, learner):
    run, trainer, pr, _sup = drill
    with pytest.raises(NotFound):
        _act(run, learner, 1, "note", "我不在演练里")
    with pytest.raises(ValidationFailed):
        _act(run, pr, 1, "note", "  ")
    with pytest.raises(NotPermitted):
        services.drill_start(scenario_code="RP-EC-013", by=pr, participants=[])
    with pytest.raises(TransitionRefused):
        services.session_start(user=learner, scenario_code="RP-EC-013", mode="practice")
    with clock.frozen_at(T0 + dt.timedelta(minutes=5)):
        services.drill_end(run_id=run.pk, by=trainer)
    with pytest.raises(TransitionRefused):
        _act(run, pr, 6, "note", "太晚了")


def test_drill_page_reveals_injects_by_the_minute(client, drill):
    from django.urls import reverse

    run, _trainer, pr, _sup = drill
    client.force_login(pr)
    with clock.frozen_at(T0 + dt.timedelta(minutes=12)):
        page = client.get(reverse("roleplay:drill", args=[run.pk])).content.decode()
    assert "上热搜第 9" in page  # minute 10
    assert "财经媒体记者" not in page  # minute 30
