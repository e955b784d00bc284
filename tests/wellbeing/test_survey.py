"""Pain-point survey: created from the shipped template, sent to its audience, answered once per person
(editable until it closes), results per department, pain_points() for the competency app."""

import datetime as dt
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from kesu.common import clock
from kesu.common.errors import NotFound, NotPermitted, TransitionRefused, ValidationFailed
from kesu.complaints.models import Notification
from kesu.wellbeing import content, selectors, services
from kesu.wellbeing.models import Survey, SurveyAnswer, SurveyQuestion, SurveyResponse
from tests.conftest import make_user
from tests.wellbeing.conftest import NOW, client_for

pytestmark = pytest.mark.django_db

TODAY = NOW.date()


def create(trainer, **extra):
    values = {
        "title": "投诉岗位痛点调研",
        "cycle": "2027年第一季度",
        "opens_on": TODAY,
        "closes_on": TODAY + dt.timedelta(days=7),
        "template_code": "default",
    }
    values.update(extra)
    return services.survey_create(actor=trainer, **values)


def full_answers(survey, *, rating=4, picks=("emotional_pressure", "authority"), text=""):
    out = {}
    for q in survey.questions.order_by("position"):
        if q.kind == "rating":
            out[q.pk] = rating
        elif q.kind == "choice":
            out[q.pk] = list(picks)
        elif text:
            out[q.pk] = text
    return out


@pytest.fixture
def sent(trainer, team, handler, handler2, supervisor):
    survey = create(trainer, department_ids=[team.pk])
    services.survey_send(actor=trainer, survey_id=survey.pk)
    survey.refresh_from_db()
    return survey


def test_template_areas_map_to_competency_item_codes():
    codes = {
        "know_service", "know_process", "know_communication", "know_emotion", "know_law", "know_product",
        "know_crisis", "skill_observation", "skill_judgement", "skill_communication", "skill_adaptability",
        "skill_coordination", "skill_learning", "att_responsibility", "att_empathy", "att_patience",
        "att_integrity", "att_confidentiality", "att_service",
    }  # fmt: skip
    areas = selectors.pain_point_areas()
    assert {"emotional_pressure", "cross_department", "authority", "compensation_unclear",
            "system_cumbersome", "training_impractical"} <= set(areas)  # fmt: skip
    for area in areas.values():
        assert area.item_codes and set(area.item_codes) <= codes, area.code


def test_a_survey_from_the_template_copies_its_questions(trainer):
    survey = create(trainer)
    template = content.templates()["default"]
    got = list(survey.questions.order_by("position").values_list("kind", "text", "area"))
    assert got == [(q.kind, q.text, q.area) for q in template.questions]
    assert survey.state == Survey.State.DRAFT


def test_only_trainers_create_and_send(handler, supervisor, trainer):
    for user in (handler, supervisor):
        with pytest.raises(NotPermitted):
            create(user)
    survey = create(trainer)
    with pytest.raises(NotPermitted):
        services.survey_send(actor=supervisor, survey_id=survey.pk)
    survey.refresh_from_db()
    assert survey.state == Survey.State.DRAFT and Survey.objects.count() == 1


@pytest.mark.parametrize(
    "change, field",
    [
        ({"title": " "}, "title"),
        ({"cycle": ""}, "cycle"),
        ({"closes_on": TODAY - dt.timedelta(days=1)}, "closes_on"),
        ({"template_code": "nope"}, "template"),
        ({"roles": ["wizard"]}, "roles"),
    ],
)
def test_bad_survey_input_is_refused(trainer, change, field):
    with pytest.raises(ValidationFailed) as exc:
        create(trainer, **change)
    assert exc.value.details["field"] == field
    assert Survey.objects.count() == 0


def test_sending_notifies_the_audience_with_a_link(trainer, team, handler, handler2, supervisor, liaison):
    survey = create(trainer, department_ids=[team.pk], roles=["handler"])
    assert services.survey_send(actor=trainer, survey_id=survey.pk) == 2
    link = reverse("wellbeing:survey_answer", args=[survey.pk])
    assert sorted(Notification.objects.values_list("user__username", "link")) == [
        ("handler1", link),
        ("handler2", link),
    ]
    with pytest.raises(TransitionRefused):
        services.survey_send(actor=trainer, survey_id=survey.pk)
    assert Notification.objects.count() == 2


def test_questions_change_only_in_draft(trainer, sent):
    with pytest.raises(TransitionRefused):
        services.survey_question_add(actor=trainer, survey_id=sent.pk, kind="text", text="还有什么？")
    q = sent.questions.first()
    with pytest.raises(TransitionRefused):
        services.survey_question_delete(actor=trainer, survey_id=sent.pk, question_id=q.pk)
    assert sent.questions.count() == 11


def test_adding_questions_checks_areas_and_options(trainer):
    survey = create(trainer, template_code="")
    with pytest.raises(ValidationFailed):
        services.survey_question_add(
            actor=trainer, survey_id=survey.pk, kind="rating", text="压力？", area="x"
        )
    with pytest.raises(ValidationFailed):
        services.survey_question_add(
            actor=trainer, survey_id=survey.pk, kind="choice", text="选", options=["authority"]
        )
    q = services.survey_question_add(
        actor=trainer,
        survey_id=survey.pk,
        kind="choice",
        text="哪些最困扰你？",
        options=["authority", "time_pressure", "authority"],
        max_choices=1,
    )
    assert (q.position, q.options, q.max_choices) == (1, ["authority", "time_pressure"], 1)


def test_a_person_answers_once_and_may_change_until_close(trainer, sent, handler):
    services.survey_answer(user=handler, survey_id=sent.pk, answers=full_answers(sent, rating=2))
    services.survey_answer(
        user=handler, survey_id=sent.pk, answers=full_answers(sent, rating=5, text="多练习")
    )
    assert SurveyResponse.objects.filter(survey=sent, user=handler).count() == 1
    ratings = set(SurveyAnswer.objects.filter(question__kind="rating").values_list("rating", flat=True))
    assert ratings == {5}
    assert SurveyAnswer.objects.filter(question__kind="text").count() == 2

    services.survey_close(actor=trainer, survey_id=sent.pk)
    with pytest.raises(TransitionRefused):
        services.survey_answer(user=handler, survey_id=sent.pk, answers=full_answers(sent, rating=1))
    assert set(SurveyAnswer.objects.filter(question__kind="rating").values_list("rating", flat=True)) == {5}


def test_after_the_last_day_answers_are_refused(sent, handler):
    with clock.frozen_at(NOW + dt.timedelta(days=8)), pytest.raises(TransitionRefused):
        services.survey_answer(user=handler, survey_id=sent.pk, answers=full_answers(sent))
    assert SurveyResponse.objects.count() == 0


@pytest.mark.parametrize(
    "bad",
    [
        lambda s: {**full_answers(s), s.questions.get(position=1).pk: 6},
        lambda s: {
            **full_answers(s),
            s.questions.get(kind="choice").pk: [
                "authority",
                "legal_risk",
                "time_pressure",
                "system_cumbersome",
            ],
        },
        lambda s: {**full_answers(s), s.questions.get(kind="choice").pk: ["made_up"]},
        lambda s: {k: v for k, v in full_answers(s).items() if k != s.questions.get(position=2).pk},
        lambda s: {**full_answers(s), 999999: 3},
    ],
)
def test_bad_answers_are_refused_and_nothing_is_stored(sent, handler, bad):
    with pytest.raises(ValidationFailed):
        services.survey_answer(user=handler, survey_id=sent.pk, answers=bad(sent))
    assert SurveyResponse.objects.count() == 0 and SurveyAnswer.objects.count() == 0


def test_people_outside_the_audience_do_not_see_the_survey(sent, liaison, handler):
    with pytest.raises(NotFound):
        services.survey_answer(user=liaison, survey_id=sent.pk, answers=full_answers(sent))
    assert selectors.surveys_for(user=liaison) == []
    assert [i.survey for i in selectors.surveys_for(user=handler)] == [sent]
    assert client_for(liaison).get(reverse("wellbeing:survey_answer", args=[sent.pk])).status_code == 404


def test_answer_page_submits_and_shows_the_answers_again(sent, handler):
    c = client_for(handler)
    data = {f"q{qid}": v for qid, v in full_answers(sent, rating=3, text="希望多做角色扮演").items()}
    missing = {k: v for k, v in data.items() if k != f"q{sent.questions.get(position=1).pk}"}
    bad = c.post(reverse("wellbeing:survey_answer", args=[sent.pk]), missing)
    assert bad.status_code == 422
    assert "Question 1 needs an answer." in bad.content.decode()
    assert "希望多做角色扮演" in bad.content.decode()  # nothing typed is lost
    assert SurveyResponse.objects.count() == 0

    assert c.post(reverse("wellbeing:survey_answer", args=[sent.pk]), data).status_code == 302
    assert (
        c.post(reverse("wellbeing:survey_answer", args=[sent.pk]), data).status_code == 302
    )  # double submit
    assert SurveyResponse.objects.count() == 1
    page = c.get(reverse("wellbeing:survey_answer", args=[sent.pk])).content.decode()
    assert "希望多做角色扮演" in page and "You have answered already." in page


@pytest.fixture
def answered(trainer, team, other_team, sent):
    """Two handlers of the complaints team answered (of five people in the audience)."""
    handler = make_user("h_a", "handler", team)
    handler_b = make_user("h_b", "handler", team)
    services.survey_answer(
        user=handler,
        survey_id=sent.pk,
        answers=full_answers(sent, rating=5, picks=["emotional_pressure"], text="太累"),
    )
    services.survey_answer(
        user=handler_b,
        survey_id=sent.pk,
        answers=full_answers(sent, rating=3, picks=["emotional_pressure", "authority"]),
    )
    return sent


def test_small_departments_are_not_shown_on_their_own(trainer, answered):
    # Two respondents: below the minimum group of 5, their department is not listed (nor pooled).
    r = selectors.survey_results(viewer=trainer, survey_id=answered.pk)
    assert r.respondents == 2
    assert r.departments == []
    assert r.overall.respondents == 2


def test_results_per_department_with_averages_and_top_pain_points(trainer, team, answered, settings):
    settings.KESU_WELLBEING_MIN_GROUP = 2
    r = selectors.survey_results(viewer=trainer, survey_id=answered.pk)
    assert (r.respondents, r.audience) == (2, 5)
    [dept] = r.departments
    assert (dept.name, dept.respondents, dept.audience) == (team.name, 2, 5)
    first = answered.questions.get(position=1)
    assert dept.ratings[first.pk] == 4.0
    choice = answered.questions.get(kind="choice")
    assert dept.choices[choice.pk] == {"emotional_pressure": 2, "authority": 1}
    # emotional_pressure: rating avg 4 → 75, picked by 2/2 → 100: 87.5; authority: 75 and 1/2 → 62.5
    assert dept.top[0] == ("emotional_pressure", "情绪压力大", 87.5)
    assert ("authority", "授权不足", 62.5) in dept.top
    assert r.texts[answered.questions.get(position=10).pk] == ["太累"]


def test_pain_points_contract(team, other_team, answered):
    points = selectors.pain_points()
    assert points[0] == ("emotional_pressure", "情绪压力大", 87.5)
    # rated 4 by both (75) but picked by nobody of those offered it (0): 37.5
    assert ("cross_department", "跨部门协调难", 37.5) in points
    assert [p.area_code for p in points[:2]] == ["emotional_pressure", "authority"]
    assert selectors.pain_points(department_id=other_team.pk) == []
    assert selectors.pain_points(department_id=team.pk) == points
    assert selectors.pain_points(since=TODAY + dt.timedelta(days=1)) == []
    assert selectors.pain_points(since=TODAY) == points


def test_results_and_export_are_for_trainers_only(trainer, supervisor, answered):
    with pytest.raises(NotPermitted):
        selectors.survey_results(viewer=supervisor, survey_id=answered.pk)
    for name in ("manage_results", "manage_export", "manage_detail"):
        assert client_for(supervisor).get(reverse(f"wellbeing:{name}", args=[answered.pk])).status_code == 403
    assert client_for(supervisor).get(reverse("wellbeing:manage_list")).status_code == 403


def test_results_page_and_excel_export(trainer, answered, settings):
    settings.KESU_WELLBEING_MIN_GROUP = 2
    c = client_for(trainer)
    page = c.get(reverse("wellbeing:manage_results", args=[answered.pk]))
    assert page.status_code == 200
    body = page.content.decode()
    assert 'data-option-id="pain-chart"' in body and "情绪压力大 (87.5)" in body and "太累" in body
    export = c.get(reverse("wellbeing:manage_export", args=[answered.pk]))
    assert export.status_code == 200
    wb = load_workbook(BytesIO(export.content))
    summary = list(wb.worksheets[0].iter_rows(values_only=True))
    assert summary[0][0] == "投诉岗位痛点调研"
    assert summary[5][:3] == ("客诉中心", 2, 5)
    pains = list(wb.worksheets[1].iter_rows(values_only=True))
    assert pains[1] == ("客诉中心", 1, "情绪压力大", "emotional_pressure", 87.5)
    texts = [row[1] for row in wb.worksheets[-1].iter_rows(min_row=2, values_only=True)]
    assert texts == ["太累", "太累"]  # both written questions


def test_a_formula_in_an_answer_stays_text_in_excel(trainer, sent, handler):
    services.survey_answer(
        user=handler, survey_id=sent.pk, answers=full_answers(sent, text='=HYPERLINK("x")')
    )
    export = client_for(trainer).get(reverse("wellbeing:manage_export", args=[sent.pk]))
    ws = load_workbook(BytesIO(export.content)).worksheets[-1]
    assert ws.cell(row=2, column=2).value == '=HYPERLINK("x")'
    assert ws.cell(row=2, column=2).data_type == "s"


def test_trainer_pages_create_edit_send_close(trainer, team, handler):
    c = client_for(trainer)
    assert c.get(reverse("wellbeing:manage_new")).status_code == 200
    r = c.post(
        reverse("wellbeing:manage_new"),
        {
            "title": "门店痛点调研",
            "cycle": "2027Q1",
            "opens_on": TODAY.isoformat(),
            "closes_on": (TODAY + dt.timedelta(days=10)).isoformat(),
            "departments": [team.pk],
            "template": "default",
        },
    )
    survey = Survey.objects.get()
    assert r.status_code == 302 and r["Location"] == reverse("wellbeing:manage_detail", args=[survey.pk])
    assert c.get(r["Location"]).status_code == 200
    r = c.post(
        reverse("wellbeing:manage_detail", args=[survey.pk]),
        {
            "form": "question",
            "kind": "rating",
            "text": "系统操作负担？",
            "area": "system_cumbersome",
            "required": "on",
        },
    )
    assert r.status_code == 302 and survey.questions.count() == 12
    last = survey.questions.order_by("-position").first()
    c.post(reverse("wellbeing:manage_question_move", args=[survey.pk, last.pk, "up"]))
    last.refresh_from_db()
    assert last.position == 11
    c.post(reverse("wellbeing:manage_send", args=[survey.pk]))
    survey.refresh_from_db()
    assert survey.state == Survey.State.OPEN
    assert Notification.objects.filter(user=handler).count() == 1
    c.post(reverse("wellbeing:manage_close", args=[survey.pk]))
    survey.refresh_from_db()
    assert survey.state == Survey.State.CLOSED


def test_the_audience_cannot_change_after_sending(trainer, sent, other_team):
    with pytest.raises(TransitionRefused):
        services.survey_update(
            actor=trainer,
            survey_id=sent.pk,
            title=sent.title,
            cycle=sent.cycle,
            opens_on=sent.opens_on,
            closes_on=sent.closes_on,
            department_ids=[other_team.pk],
        )
    services.survey_update(
        actor=trainer,
        survey_id=sent.pk,
        title="延长一周",
        cycle=sent.cycle,
        opens_on=sent.opens_on,
        closes_on=sent.closes_on + dt.timedelta(days=7),
        department_ids=list(sent.departments.values_list("pk", flat=True)),
    )
    sent.refresh_from_db()
    assert (sent.title, sent.closes_on) == ("延长一周", TODAY + dt.timedelta(days=14))


def test_a_survey_without_questions_or_audience_is_not_sent(trainer, other_team):
    empty = create(trainer, template_code="")
    with pytest.raises(ValidationFailed):
        services.survey_send(actor=trainer, survey_id=empty.pk)
    nobody = create(trainer, department_ids=[other_team.pk], roles=["handler"])
    with pytest.raises(ValidationFailed):
        services.survey_send(actor=trainer, survey_id=nobody.pk)
    assert set(Survey.objects.values_list("state", flat=True)) == {"draft"}
    assert SurveyQuestion.objects.filter(survey=empty).count() == 0


def test_the_audience_check_for_one_person_agrees_with_the_audience_list(
    trainer, team, other_team, handler, handler2, supervisor, liaison
):
    everyone = [trainer, handler, handler2, supervisor, liaison]
    surveys = [
        create(trainer),
        create(trainer, department_ids=[team.pk]),
        create(trainer, department_ids=[other_team.pk], roles=["handler", "senior_handler"]),
        create(trainer, roles=["supervisor"]),
    ]

    for survey in surveys:
        audience = set(services.survey_audience(survey).values_list("pk", flat=True))
        assert {u.pk for u in everyone if services.in_audience(u, survey)} == audience, survey.pk


def test_my_surveys_cost_the_same_queries_however_many_surveys_there_are(
    trainer, team, handler, django_assert_max_num_queries
):
    def send(n):
        for _ in range(n):
            s = create(trainer, department_ids=[team.pk])
            services.survey_send(actor=trainer, survey_id=s.pk)

    send(1)
    with django_assert_max_num_queries(3):
        assert len(selectors.surveys_for(user=handler)) == 1
    send(5)
    with django_assert_max_num_queries(3):
        assert len(selectors.surveys_for(user=handler)) == 6
