"""L1 reaction surveys: asked after attendance, answered once per person per session."""

import datetime as dt
from decimal import Decimal

import pytest

from kesu.common.errors import NotFound, NotPermitted, ValidationFailed
from kesu.effectiveness import selectors, services
from kesu.effectiveness.models import SurveyRequest, SurveyResponse

pytestmark = pytest.mark.django_db
REF = "training-session:7"


def _ask(*users):
    return services.survey_request(
        session_ref=REF,
        course_code="C-EMPATHY",
        title="共情沟通实战",
        held_on=dt.date(2026, 11, 10),
        user_ids=[u.pk for u in users],
    )


def _answer(user, **overrides):
    values = dict(content=5, trainer=4, usefulness=4, organisation=3, will_apply="先复述客户诉求再给方案")
    values.update(overrides)
    return services.survey_answer(user=user, session_ref=REF, **values)


def test_requests_are_idempotent(handler, senior):
    assert _ask(handler, senior) == 2
    assert _ask(handler, senior) == 0
    assert SurveyRequest.objects.count() == 2


def test_answer_once_per_person_per_session(handler):
    _ask(handler)
    answer, created = _answer(handler)
    assert created is True
    assert (answer.content, answer.trainer, answer.usefulness, answer.organisation) == (5, 4, 4, 3)
    assert answer.overall == Decimal("4.00")
    assert answer.course_code == "C-EMPATHY"

    again, created = _answer(handler, content=1, trainer=1)
    assert created is False
    assert again.pk == answer.pk
    assert (again.content, again.trainer) == (5, 4)  # the first answer is kept
    assert SurveyResponse.objects.count() == 1
    assert selectors.pending_surveys(user=handler) == []


def test_refused_answers_leave_nothing(handler, senior, auditor):
    _ask(handler)
    with pytest.raises(ValidationFailed):
        _answer(handler, content=6)
    with pytest.raises(ValidationFailed):
        _answer(handler, usefulness="x")
    with pytest.raises(ValidationFailed):
        _answer(handler, will_apply="很" * 2001)
    with pytest.raises(NotFound):
        _answer(senior)  # never asked
    with pytest.raises(NotPermitted):
        _answer(auditor)
    assert SurveyResponse.objects.count() == 0
    assert [r.session_ref for r in selectors.pending_surveys(user=handler)] == [REF]


def test_l1_satisfaction_rate_is_the_share_with_overall_four_or_more(handler, senior, supervisor):
    _ask(handler, senior, supervisor)
    _answer(handler, content=4, trainer=4, usefulness=4, organisation=4)  # 4.00: satisfied
    _answer(senior, content=4, trainer=4, usefulness=4, organisation=3)  # 3.75: not
    _answer(supervisor, content=5, trainer=5, usefulness=5, organisation=5, will_apply="")

    summary = selectors.l1_summary(course_code="C-EMPATHY", comments=5)

    assert (summary.answers, summary.satisfied) == (3, 2)
    assert summary.satisfaction_rate == pytest.approx(2 / 3)
    assert summary.meets_target is False
    assert summary.averages == {"content": 4.33, "trainer": 4.33, "usefulness": 4.33, "organisation": 4.0}
    assert summary.comments == ["先复述客户诉求再给方案", "先复述客户诉求再给方案"]
    assert selectors.l1_summary(course_code="OTHER").satisfaction_rate is None
