from __future__ import annotations

import datetime as dt

import pytest

from kesu.accounts.models import Department
from kesu.accounts.roles import Role
from kesu.common import clock
from kesu.common.errors import NotPermitted, TransitionRefused, ValidationFailed
from kesu.competency import selectors, services
from kesu.competency.models import CompetencyModel, Evidence, NeedsSnapshot
from tests.conftest import make_user

NOW = dt.datetime(2026, 11, 20, 10, 0, tzinfo=dt.UTC)
TODAY = dt.date(2026, 11, 20)


@pytest.fixture
def people(team, competency_model):
    old = NOW - dt.timedelta(days=400)
    handler = make_user("h1", Role.HANDLER, team, date_joined=old)
    sup = make_user("sup", Role.SUPERVISOR, team, date_joined=old)
    trainer = make_user("tr", Role.TRAINER, None, date_joined=old)
    other = Department.objects.create(code="other", name="另一组")
    outsider = make_user("sup2", Role.SUPERVISOR, other, date_joined=old)
    return handler, sup, trainer, outsider


def _ev(user, code, level, ref, on, source="exam", weight=1.0):
    return services.evidence_record(
        user=user, item_code=code, level=level, source=source, ref=ref, observed_on=on, weight=weight
    )


def test_evidence_is_idempotent_per_source_ref_and_item(people):
    handler = people[0]
    _ev(handler, "know_law", 2.0, "exam-attempt:1", TODAY)
    _ev(handler, "know_law", 3.5, "exam-attempt:1", TODAY)
    _ev(handler, "know_process", 4.0, "exam-attempt:1", TODAY)
    rows = Evidence.objects.filter(user=handler).order_by("item_code")
    assert [(r.item_code, r.level) for r in rows] == [("know_law", 3.5), ("know_process", 4.0)]


@pytest.mark.parametrize(
    ("code", "level", "source"),
    [("nope", 3, "exam"), ("know_law", 0.5, "exam"), ("know_law", 5.5, "exam"), ("know_law", 3, "gossip")],
)
def test_bad_evidence_is_refused_and_nothing_written(people, code, level, source):
    with pytest.raises(ValidationFailed):
        _ev(people[0], code, level, "x", TODAY, source=source)
    assert not Evidence.objects.exists()


def test_current_level_is_recency_weighted_mean(people):
    handler = people[0]
    # One observation today (weight 1) and one 180 days ago (half-life: weight 0.5).
    _ev(handler, "know_law", 4.0, "a", TODAY)
    _ev(handler, "know_law", 1.0, "b", TODAY - dt.timedelta(days=180))
    with clock.frozen_at(NOW):
        needs = selectors.person_needs(user=handler)
    gap = next(g for g in needs.items if g.item_code == "know_law")
    assert gap.current == 3.0  # (4×1 + 1×0.5) / 1.5
    required = gap.required
    assert gap.gap == round(required - 3.0, 2)
    assert gap.evidence_count == 2
    assert [e.ref for e in gap.evidence] == ["a", "b"]
    unassessed = next(g for g in needs.items if g.item_code == "know_crisis")
    assert (unassessed.current, unassessed.gap, unassessed.priority) == (None, None, "unknown")


def test_priorities_follow_the_gap(people):
    handler = people[0]
    with clock.frozen_at(NOW):
        req = selectors.person_needs(user=handler)
    required = {g.item_code: g.required for g in req.items}
    _ev(handler, "know_law", max(1, required["know_law"] - 2), "a", TODAY)
    _ev(handler, "know_process", required["know_process"], "a", TODAY)
    with clock.frozen_at(NOW):
        needs = selectors.person_needs(user=handler)
    by = {g.item_code: g for g in needs.items}
    assert by["know_process"].priority == "none"
    assert by["know_law"].priority in ("high", "medium")
    assert needs.gaps[0].item_code == "know_law"


def test_new_handler_profile_in_first_months(team, competency_model):
    fresh = make_user("fresh", Role.HANDLER, team, date_joined=NOW - dt.timedelta(days=30))
    with clock.frozen_at(NOW):
        assert selectors.person_needs(user=fresh).profile.code == "new_handler"
        assert selectors.profile_code_for(fresh, TODAY + dt.timedelta(days=200)) == "handler"


def test_rating_rules(people):
    handler, sup, trainer, outsider = people
    with clock.frozen_at(NOW):
        rows = services.rating_record(by=sup, person=handler, ratings={"att_empathy": 4})
        assert [(r.source, r.level, r.weight, r.recorded_by_id) for r in rows] == [
            ("rating", 4.0, 1.5, sup.pk)
        ]
        with pytest.raises(NotPermitted):
            services.rating_record(by=outsider, person=handler, ratings={"att_empathy": 1})
        with pytest.raises(NotPermitted):
            services.rating_record(by=handler, person=handler, ratings={"att_empathy": 5})
        with pytest.raises(NotPermitted):
            services.rating_record(by=handler, person=sup, ratings={"att_empathy": 5})
        with pytest.raises(ValidationFailed):
            services.rating_record(by=trainer, person=handler, ratings={"att_empathy": 9})
    assert Evidence.objects.count() == 1


def test_versioning_keeps_old_analyses_explainable(people):
    handler, _sup, trainer, _o = people
    _ev(handler, "know_law", 2.0, "a", TODAY)
    with clock.frozen_at(NOW):
        before = services.needs_snapshot_take(user=handler)
    v1 = CompetencyModel.objects.get(status="published")
    with pytest.raises(TransitionRefused):
        services.profile_update(by=trainer, model_id=v1.pk, code="handler", requirements={"know_law": 5})
    with pytest.raises(NotPermitted):
        services.model_draft_create(by=handler)

    v1_required = v1.profiles.get(code="handler").requirements["know_law"]
    draft = services.model_draft_create(by=trainer, note="法律要求提高")
    assert services.model_draft_create(by=trainer).pk == draft.pk  # one draft at a time
    services.profile_update(by=trainer, model_id=draft.pk, code="handler", requirements={"know_law": 5})
    with clock.frozen_at(NOW):  # analyses use the published version until the draft is published
        still = selectors.person_needs(user=handler)
        assert next(g for g in still.items if g.item_code == "know_law").required == v1_required
        services.model_publish(by=trainer, model_id=draft.pk)
        after = selectors.person_needs(user=handler)
    v1.refresh_from_db()
    assert v1.status == "archived"
    assert after.model_number == draft.number
    assert next(g for g in after.items if g.item_code == "know_law").required == 5
    snap = NeedsSnapshot.objects.get(pk=before.pk)
    assert snap.model_number == v1.number
    assert snap.data["know_law"]["required"] == before.data["know_law"]["required"]


def test_profile_update_validates_everything_or_nothing(people):
    trainer = people[2]
    draft = services.model_draft_create(by=trainer)
    old = dict(draft.profiles.get(code="handler").requirements)
    with pytest.raises(ValidationFailed):
        services.profile_update(
            by=trainer, model_id=draft.pk, code="handler", requirements={"know_law": 4, "know_process": 7}
        )
    assert draft.profiles.get(code="handler").requirements == old


def test_item_update_requires_every_level(people):
    trainer = people[2]
    draft = services.model_draft_create(by=trainer)
    with pytest.raises(ValidationFailed) as err:
        services.item_update(
            by=trainer,
            model_id=draft.pk,
            code="know_law",
            name="法律法规",
            description="",
            levels={"1": ["x"]},
        )
    assert "level_2" in err.value.details
    item = services.item_update(
        by=trainer,
        model_id=draft.pk,
        code="know_law",
        name="法律法规",
        description="四部法律",
        levels={str(i): [f"行为{i}", " "] for i in range(1, 6)},
    )
    assert item.levels["3"] == ["行为3"]


def test_kpi_rules_save_is_all_or_nothing(people):
    from kesu.competency.models import KpiRule

    trainer = people[2]
    rule = KpiRule.objects.first()
    rows = [
        {
            "id": rule.pk,
            "poor_value": "1",
            "excellent_value": "2",
            "weight": "1",
            "min_cases": "3",
            "active": True,
        },
        {
            "id": None,
            "kpi": "satisfaction",
            "item_code": "nope",
            "poor_value": "1",
            "excellent_value": "5",
            "weight": "1",
            "min_cases": "3",
        },
    ]
    with pytest.raises(ValidationFailed):
        services.kpi_rules_save(by=trainer, rows=rows)
    rule.refresh_from_db()
    assert rule.min_cases == 5
    services.kpi_rules_save(by=trainer, rows=rows[:1])
    rule.refresh_from_db()
    assert (rule.poor_value, rule.excellent_value, rule.min_cases) == (1.0, 2.0, 3)


def test_kept_levels_follow_the_evidence(people, team):
    handler, sup, _trainer, _o = people
    with clock.frozen_at(NOW):
        _ev(handler, "know_law", 2.0, "a", TODAY)
        _ev(handler, "know_law", 4.0, "b", TODAY - dt.timedelta(days=180))
        kept = selectors.group_needs(users=[handler])
        live = selectors.group_needs(users=[handler], live=True)
        own = selectors.person_needs(user=handler)
    assert kept.common_gaps == live.common_gaps
    law = next(g for g in kept.people[0][1].items if g.item_code == "know_law")
    assert law.current == next(g for g in own.items if g.item_code == "know_law").current == 2.67
