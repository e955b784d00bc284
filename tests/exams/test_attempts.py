"""Timed attempts: starting, saving answers, the deadline (server authoritative), submitting twice or
from two tabs, and automatic grading."""

import datetime as dt
from decimal import Decimal

import pytest

from kesu.common import clock
from kesu.common.errors import NotFound, TransitionRefused, ValidationFailed
from kesu.exams import services
from kesu.exams.models import Answer, Attempt, Question
from tests.exams import factories as f

pytestmark = pytest.mark.django_db
T0 = f.T0


@pytest.fixture
def exam(handler, trainer):
    for i in range(3):
        f.single(f"T-s-{i}", right="A")
    f.multiple("T-m-0")
    f.true_false("T-tf-0", answer=False)
    f.judgement("T-j-0")
    bp = f.blueprint(
        [
            ("att_integrity", "single", 3, 2),
            ("att_integrity", "multiple", 1, 2),
            ("att_integrity", "true_false", 1, 2),
            ("att_empathy", "judgement", 1, 4),
        ],
        minutes=20,
        pass_mark=60,
    )
    return f.exam_for(bp, [handler], trainer=trainer)


def _start(user, exam, at=T0 + dt.timedelta(hours=1)):
    with clock.frozen_at(at):
        return services.attempt_start(user=user, exam_id=exam.pk)


def _pos(attempt, qtype):
    return [i for i, q in enumerate(attempt.paper) if q["type"] == qtype]


def _answer_all_right(user, attempt, at):
    with clock.frozen_at(at):
        for i, q in enumerate(attempt.paper):
            if q["type"] == "single":
                services.answer_save(user=user, attempt_id=attempt.pk, position=i, response="A")
            elif q["type"] == "multiple":
                services.answer_save(user=user, attempt_id=attempt.pk, position=i, response=["C", "A"])
            elif q["type"] == "true_false":
                services.answer_save(user=user, attempt_id=attempt.pk, position=i, response="false")
            elif q["type"] == "judgement":
                services.answer_save(user=user, attempt_id=attempt.pk, position=i, response="A")


def test_start_draws_paper_and_sets_deadline(handler, exam):
    attempt = _start(handler, exam)
    assert attempt.status == "started"
    assert attempt.number == 1
    assert len(attempt.paper) == 6
    assert attempt.deadline == T0 + dt.timedelta(hours=1, minutes=20)
    assert attempt.max_score == Decimal("14")
    # starting again while it runs resumes it
    again = _start(handler, exam, T0 + dt.timedelta(hours=1, minutes=5))
    assert again.pk == attempt.pk
    assert Attempt.objects.count() == 1
    # the drawn questions are now "answered": a later edit makes a new version
    assert Question.objects.filter(answered=True).count() == 6


def test_deadline_is_capped_by_the_exam_window(handler, exam):
    attempt = _start(handler, exam, exam.closes_at - dt.timedelta(minutes=5))
    assert attempt.deadline == exam.closes_at


def test_exam_not_assigned_is_not_found(supervisor, exam):
    with pytest.raises(NotFound):
        _start(supervisor, exam)
    assert Attempt.objects.count() == 0


def test_exam_open_to_profile(supervisor, senior, exam, trainer):
    exam.open_to_profiles = ["supervisor"]
    exam.save()
    assert _start(supervisor, exam).user == supervisor
    with pytest.raises(NotFound):
        _start(senior, exam)


def test_window_and_attempt_limit(handler, exam):
    with pytest.raises(TransitionRefused):
        _start(handler, exam, T0 - dt.timedelta(minutes=1))
    with pytest.raises(TransitionRefused):
        _start(handler, exam, exam.closes_at)
    for n in range(2):
        a = _start(handler, exam, T0 + dt.timedelta(hours=2 + n))
        with clock.frozen_at(T0 + dt.timedelta(hours=2 + n, minutes=1)):
            services.attempt_submit(user=handler, attempt_id=a.pk)
    with pytest.raises(TransitionRefused) as exc:
        _start(handler, exam, T0 + dt.timedelta(hours=5))
    assert "2" in exc.value.message
    assert Attempt.objects.count() == 2


def test_each_attempt_has_its_own_seed(handler, exam):
    a1 = _start(handler, exam)
    with clock.frozen_at(T0 + dt.timedelta(hours=1, minutes=2)):
        services.attempt_submit(user=handler, attempt_id=a1.pk)
    a2 = _start(handler, exam, T0 + dt.timedelta(hours=3))
    assert a1.seed != a2.seed


def test_answers_are_upserted_once_per_question(handler, exam):
    attempt = _start(handler, exam)
    pos = _pos(attempt, "single")[0]
    with clock.frozen_at(T0 + dt.timedelta(hours=1, minutes=1)):
        services.answer_save(user=handler, attempt_id=attempt.pk, position=pos, response="B")
        services.answer_save(user=handler, attempt_id=attempt.pk, position=pos, response="B")
        services.answer_save(user=handler, attempt_id=attempt.pk, position=pos, response="A")
    assert list(Answer.objects.filter(attempt=attempt).values_list("position", "response")) == [(pos, "A")]


def test_bad_answers_are_refused_and_change_nothing(handler, exam, supervisor):
    attempt = _start(handler, exam)
    pos = _pos(attempt, "single")[0]
    with clock.frozen_at(T0 + dt.timedelta(hours=1, minutes=1)):
        with pytest.raises(ValidationFailed):
            services.answer_save(user=handler, attempt_id=attempt.pk, position=pos, response="Z")
        with pytest.raises(ValidationFailed):
            services.answer_save(user=handler, attempt_id=attempt.pk, position=99, response="A")
        with pytest.raises(NotFound):  # someone else's attempt
            services.answer_save(user=supervisor, attempt_id=attempt.pk, position=pos, response="A")
    assert Answer.objects.count() == 0


def test_late_answer_is_refused_and_the_attempt_is_closed_and_graded(handler, exam):
    attempt = _start(handler, exam)
    first = _pos(attempt, "single")[0]
    second = _pos(attempt, "single")[1]
    with clock.frozen_at(attempt.deadline - dt.timedelta(seconds=10)):
        services.answer_save(user=handler, attempt_id=attempt.pk, position=first, response="A")
    # within the grace (network latency) an answer is still accepted
    with clock.frozen_at(attempt.deadline + dt.timedelta(seconds=20)):
        services.answer_save(user=handler, attempt_id=attempt.pk, position=second, response="A")
    with (
        clock.frozen_at(attempt.deadline + dt.timedelta(seconds=31)),
        pytest.raises(TransitionRefused) as exc,
    ):
        services.answer_save(user=handler, attempt_id=attempt.pk, position=first, response="B")
    assert exc.value.code == "time_up"
    attempt.refresh_from_db()
    assert attempt.status == "graded"
    assert attempt.close_reason == "timeout"
    assert attempt.closed_at == attempt.deadline + services.GRACE
    assert attempt.score == Decimal("4.00")  # the two answers saved in time
    assert Answer.objects.get(attempt=attempt, position=first).response == "A"
    assert Answer.objects.filter(attempt=attempt).count() == 6  # one row per question


def test_submit_after_deadline_ignores_the_late_answers(handler, exam):
    attempt = _start(handler, exam)
    pos = _pos(attempt, "single")[0]
    with clock.frozen_at(attempt.deadline + dt.timedelta(minutes=5)):
        result = services.attempt_submit(user=handler, attempt_id=attempt.pk, responses={pos: "A"})
    assert result.status == "graded"
    assert result.close_reason == "timeout"
    assert result.score == Decimal("0.00")
    assert Answer.objects.get(attempt=attempt, position=pos).response is None


def test_sweep_closes_abandoned_attempts_at_the_deadline(handler, exam):
    attempt = _start(handler, exam)
    _answer_all_right(handler, attempt, T0 + dt.timedelta(hours=1, minutes=3))
    with clock.frozen_at(attempt.deadline):
        assert services.attempts_close_expired() == 0
    with clock.frozen_at(attempt.deadline + dt.timedelta(minutes=1)):
        assert services.attempts_close_expired() == 1
        assert services.attempts_close_expired() == 0
    attempt.refresh_from_db()
    assert (attempt.status, attempt.close_reason, attempt.percent, attempt.passed) == (
        "graded",
        "timeout",
        Decimal("100.00"),
        True,
    )


def test_double_submit_and_two_tabs_keep_answers_once_and_grade_once(handler, exam):
    attempt = _start(handler, exam)
    singles = _pos(attempt, "single")
    # tab 1 saved answer 1, tab 2 (stale page) submits with answer 2 only
    with clock.frozen_at(T0 + dt.timedelta(hours=1, minutes=2)):
        services.answer_save(user=handler, attempt_id=attempt.pk, position=singles[0], response="A")
        first = services.attempt_submit(user=handler, attempt_id=attempt.pk, responses={singles[1]: "A"})
        graded_at = first.graded_at
    # tab 1 then submits too, with a different answer: nothing changes
    with clock.frozen_at(T0 + dt.timedelta(hours=1, minutes=3)):
        second = services.attempt_submit(user=handler, attempt_id=attempt.pk, responses={singles[0]: "B"})
        with pytest.raises(TransitionRefused):
            services.answer_save(user=handler, attempt_id=attempt.pk, position=singles[2], response="A")
    assert second.pk == first.pk
    attempt.refresh_from_db()
    assert attempt.graded_at == graded_at
    assert attempt.score == Decimal("4.00")
    assert Answer.objects.filter(attempt=attempt).count() == 6
    assert Answer.objects.get(attempt=attempt, position=singles[0]).response == "A"
    assert Answer.objects.get(attempt=attempt, position=singles[1]).response == "A"


def test_automatic_grading_with_partial_credit(handler, exam):
    attempt = _start(handler, exam)
    at = T0 + dt.timedelta(hours=1, minutes=4)
    with clock.frozen_at(at):
        for i, q in enumerate(attempt.paper):
            response = {"single": "A", "multiple": ["A"], "true_false": True, "judgement": "B"}[q["type"]]
            services.answer_save(user=handler, attempt_id=attempt.pk, position=i, response=response)
        done = services.attempt_submit(user=handler, attempt_id=attempt.pk)
    scores = {a.position: a.score for a in done.answers.all()}
    # singles right (3 × 2), multiple half chosen → 0, true/false wrong → 0, judgement "B" scores 0.5 × 4
    assert [scores[i] for i in _pos(done, "single")] == [Decimal("2.00")] * 3
    assert scores[_pos(done, "multiple")[0]] == Decimal("0.00")
    assert scores[_pos(done, "true_false")[0]] == Decimal("0.00")
    assert scores[_pos(done, "judgement")[0]] == Decimal("2.00")
    assert (done.score, done.max_score, done.percent, done.passed) == (
        Decimal("8.00"),
        Decimal("14.00"),
        Decimal("57.14"),
        False,
    )
    assert done.item_scores["att_integrity"]["score"] == "6.00"
    assert done.item_scores["att_integrity"]["max"] == "10.00"
    assert done.item_scores["att_integrity"]["level"] == 3.4  # 60 % → 1 + 4 × 0.6
    assert done.item_scores["att_empathy"]["level"] == 3.0


def test_only_the_status_writer_moves_the_status(handler, exam):
    attempt = _start(handler, exam)
    with pytest.raises(TransitionRefused):
        services._set_status(attempt, Attempt.Status.GRADED)
    assert attempt.status == "started"


def test_the_worker_task_closes_timed_out_attempts(handler, exam):
    from kesu.exams.tasks import exam_attempts_close

    attempt = _start(handler, exam)
    with clock.frozen_at(attempt.deadline + dt.timedelta(minutes=5)):
        result = exam_attempts_close.enqueue()
    assert result.return_value == 1
    assert Attempt.objects.get(pk=attempt.pk).status == "graded"
