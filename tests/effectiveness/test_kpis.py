"""The effectiveness app's use of the desk KPIs (the figures themselves: tests/complaints/test_kpis.py)."""

import pytest

from kesu.common import clock
from kesu.competency import desk_kpis
from kesu.complaints.kpis import KPIS as DESK_KPIS
from kesu.effectiveness import kpis
from tests.api.conftest import ApiClient
from tests.complaints.history import at, november

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk(team, supervisor):
    return november(team, supervisor)


def test_change_and_kpi_item_mapping():
    assert kpis.change(0.8, 0.9) == pytest.approx(0.125)
    assert kpis.change(None, 0.9) is None
    assert kpis.change(0, 0.5) is None
    assert kpis.kpis_for_items(["att_empathy"]) == ["satisfaction", "findings"]
    assert kpis.kpis_for_items(["nothing"]) == []
    assert set(kpis.KPI_ITEMS) == set(kpis.KPIS)
    assert all(kpis.KPIS[code] is DESK_KPIS[code] for code in kpis.KPIS)


def test_a_person_has_one_figure_per_month_on_every_page(desk, supervisor):
    """The API of the effectiveness app and the competency evidence show the same November."""
    h1 = desk["h1"]
    start = at(11, 1, 0)
    end = at(12, 1, 0)

    api = ApiClient(supervisor).get(f"/effectiveness/kpis/{h1.pk}", start="2026-11-01", end="2026-11-30")
    month = desk_kpis.handler_months(start=start, end=end)[h1.pk]

    rates = api.json()["kpis"]["rates"]
    pairs = {
        "fcr": "fcr_rate",
        "reopen": "reopen_rate",
        "repeat": "repeat_rate",
        "escalation": "escalation_rate",
        "overdue": "overdue_rate",
    }
    for effect_code, rule_code in pairs.items():
        assert rates[effect_code] == desk_kpis.rule_value(month, rule_code)[0], effect_code
    assert (rates["fcr"], rates["escalation"], rates["overdue"]) == (0.5, 0.4, 0.2)
    # the escalation rate rests on the complaints registered in November (c1 c2 c3 c4 c6), not the closed
    assert desk_kpis.rule_value(month, "escalation_rate") == (0.4, 5)
    assert desk_kpis.rule_value(month, "satisfaction") == (4.0, 4)


def test_l3_compares_a_person_before_and_after_with_findings_by_code(desk):
    from django.utils import translation

    from kesu.effectiveness import selectors

    h1 = desk["h1"]
    with clock.frozen_at(at(12, 20)), translation.override("en"):
        b = selectors.l3_person(person=h1, completed_on=at(11, 9).date(), weeks=1, min_base=1)

    assert (b.before_window.start, b.before_window.end) == (at(11, 2, 0), at(11, 9, 0))
    assert (b.after_window.start, b.after_window.end) == (at(11, 9, 0), at(11, 16, 0))
    assert (b.before.closed, b.after.replies) == (4, 2)
    by_code = {f.code: (f.before, f.after) for f in b.findings}
    assert sum(a for _b, a in by_code.values()) == b.after.reply_findings
    assert by_code["buck_passing"] == (0, 1)
    assert {f.label for f in b.findings if f.code == "buck_passing"} == {"Passing the buck"}
