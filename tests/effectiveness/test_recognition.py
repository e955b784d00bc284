"""Recognition (激励): who may award it, idempotency, and the automatic suggestions."""

import datetime as dt

import pytest

from kesu.accounts.models import Department
from kesu.accounts.roles import Role
from kesu.common import clock
from kesu.common.errors import NotPermitted, ValidationFailed
from kesu.complaints.models import Notification
from kesu.effectiveness import selectors, services
from kesu.effectiveness.models import Recognition
from tests.complaints.history import at, close, new, resolve
from tests.conftest import make_user

pytestmark = pytest.mark.django_db
NOV = dt.date(2026, 11, 1)


def _award(actor, person, **overrides):
    values = dict(
        kind="crisis_handled",
        reason="批量物流延误事件中统一口径、两小时内完成安抚",
        period=dt.date(2026, 11, 15),
    )
    values.update(overrides)
    with clock.frozen_at(at(11, 30)):
        return services.recognition_award(actor=actor, user_id=person.pk, **values)


def test_supervisor_recognises_own_team_once(supervisor, handler):
    rec, created = _award(supervisor, handler)
    assert created is True
    assert (rec.user, rec.kind, rec.period, rec.awarded_by) == (handler, "crisis_handled", NOV, supervisor)
    note = Notification.objects.get(user=handler, kind="recognition")
    assert note.link == "/academy/effect/performance/?month=2026-11"

    again, created = _award(supervisor, handler)
    assert (again.pk, created) == (rec.pk, False)
    assert Recognition.objects.count() == 1
    assert Notification.objects.filter(user=handler, kind="recognition").count() == 1


def test_who_may_not_recognise_and_bad_input(supervisor, handler, senior, trainer):
    other = make_user("other_h", Role.HANDLER, Department.objects.get(code="legal"))
    with pytest.raises(NotPermitted):
        _award(supervisor, other)  # another department
    with pytest.raises(NotPermitted):
        _award(senior, handler)  # not a supervisor or trainer
    with pytest.raises(NotPermitted):
        _award(supervisor, supervisor)  # oneself
    with pytest.raises(ValidationFailed):
        _award(trainer, handler, kind="bonus")
    with pytest.raises(ValidationFailed):
        _award(trainer, handler, reason="  ")
    with pytest.raises(ValidationFailed):
        _award(trainer, handler, complaint_number="TS-20261101-9999")
    with pytest.raises(ValidationFailed):
        _award(trainer, handler, period=dt.date(2026, 12, 1))  # a future month
    assert Recognition.objects.count() == 0
    rec, created = _award(trainer, other)  # trainers recognise anyone
    assert created and rec.user == other


def test_recognition_may_name_a_complaint(supervisor, handler):
    c = new(handler, handler, at(11, 3), supervisor)
    rec, _created = _award(supervisor, handler, complaint_number=c.number.lower())
    assert rec.complaint_number == c.number


def test_suggestions_need_target_satisfaction_and_no_escalation(team, supervisor, trainer):
    good = make_user("good_h", Role.HANDLER, team)
    escalated = make_user("esc_h", Role.HANDLER, team)
    for day in range(3, 8):
        c = new(good, good, at(11, day), supervisor)
        resolve(c, good, at(11, day, 12))
        close(c, good, at(11, day, 15), 5)
        c = new(escalated, escalated, at(11, day), supervisor)
        resolve(c, escalated, at(11, day, 12))
        close(c, escalated, at(11, day, 15), 5)
    from kesu.complaints import services as desk

    c = new(escalated, escalated, at(11, 10), supervisor)
    with clock.frozen_at(at(11, 10, 10)):
        desk.complaint_escalate(complaint_id=c.pk, actor=escalated, reason="客户要求")

    with clock.frozen_at(at(12, 2)):
        suggested = selectors.recognition_suggestions(department=team, month=NOV)
    assert [(s.person, s.kpis.rated, s.kpis.satisfaction_rate) for s in suggested] == [(good, 5, 1.0)]

    _award(trainer, good, kind="high_satisfaction", reason="满意度100%")
    assert selectors.recognition_suggestions(department=team, month=NOV) == []
