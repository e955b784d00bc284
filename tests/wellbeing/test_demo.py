"""The wellbeing demo: diaries that follow how hard each handler's complaints were, one completed
pain-point survey, deterministic for a seed, and a reset that removes it."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.db.models import Avg, Count

from kesu.demo import loader
from kesu.wellbeing import demo, selectors
from kesu.wellbeing.models import CheckinSuggestion, DiaryEntry, Survey, SurveyResponse

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 20, 17, 30, tzinfo=ZoneInfo("Asia/Shanghai"))


def snapshot():
    return list(
        DiaryEntry.objects.order_by("user__username", "occurred_at", "id").values_list(
            "user__username", "occurred_at", "emotion", "intensity", "triggers", "complaint_number"
        )
    )


def test_demo_diaries_and_survey():
    loader.load(seed=3, complaints=150, months=3, now=NOW)
    demo.load(seed=3, now=NOW)

    per_user = {
        row["user__username"]: row
        for row in DiaryEntry.objects.values("user__username").annotate(n=Count("id"), avg=Avg("intensity"))
    }
    handlers = [lg for lg in loader.ROSTER if lg.role in ("handler", "senior_handler")]
    assert {lg.username for lg in handlers} == set(per_user)
    newcomers = [per_user[lg.username] for lg in handlers if lg.profile is loader.NEWCOMER]
    stars = [per_user[lg.username] for lg in handlers if lg.profile is loader.STAR]
    assert min(r["n"] for r in newcomers) > max(r["n"] for r in stars)
    assert min(r["avg"] for r in newcomers) > max(r["avg"] for r in stars)
    assert DiaryEntry.objects.exclude(complaint_number="").exists()
    assert CheckinSuggestion.objects.exists()

    survey = Survey.objects.get(title=demo.SURVEY_TITLE)
    assert survey.state == Survey.State.CLOSED
    assert SurveyResponse.objects.filter(survey=survey).count() >= 15
    assert len(selectors.pain_points()) == 9

    first = snapshot()
    demo.reset()
    assert not DiaryEntry.objects.exists() and not Survey.objects.exists()
    assert not CheckinSuggestion.objects.exists()
    demo.load(seed=3, now=NOW)
    assert snapshot() == first
