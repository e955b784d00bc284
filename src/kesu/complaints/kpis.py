"""The desk's KPIs: the one definition every page, report and API of Kesu reads them from.

The academy turns them into competency evidence (competency app), compares them before and after
training (effectiveness app) and assigns retraining from them (plans app); each of those calls the
selectors below and only shapes the result. Nothing else computes a desk KPI, so a person's
first-contact resolution rate for a month is the same figure on every page.

For a window ``[start, end)`` (timezone-aware; callers pass local midnights), a complaint counts in
the cohort in which the KPI's value is known:

- **Intake cohort** — complaints *registered* in the window. Things that arise at intake or while the
  complaint is being handled are counted here, so that a complaint still open counts too (sitting on a
  complaint never hides its escalation or its lateness):

  - ``registered`` — the cohort itself (the workload);
  - ``repeats`` — flagged as a repeat complaint at intake (the same customer within the desk's repeat
    window, ``DeskSettings``);
  - ``escalated`` — escalated at any time so far: by a person, at intake for a sensitivity flag, or by
    the SLA sweep;
  - ``overdue`` — at least one stage deadline missed so far (``StageDeadline.overdue_at`` set; the mark
    stays when the stage is done late).

- **Outcome cohort** — complaints *closed* in the window (``closed_at``; a reopened complaint leaves the
  cohort and counts again in the window of its last close). Outcomes are known only when the loop
  closes:

  - ``closed`` — the cohort itself;
  - ``fcr`` — first-contact resolution, recorded by the close itself: never reopened and never escalated.
    The base is every closed complaint (the close always records it);
  - ``reopened`` — closed after at least one reopening;
  - ``rated`` / ``satisfied`` / ``satisfaction_sum`` — the complaint's satisfaction (1–5), i.e. the last
    follow-up that reached the customer in the final round of handling; *satisfied* means 4 or 5
    (满意 / 非常满意). Closed complaints without a reached follow-up are not rated;
  - ``compensated`` / ``compensated_above`` — closed with approved compensation (``compensation_cost``
    > 0), and of those, *above the standard*: more than the suggested amount of the compensation
    standard (``CompensationTier.suggested_amount``) for the complaint's severity;
  - ``handled`` / ``handling_seconds`` — registration → solution carried out (``resolved_at``); the
    customer's follow-up wait is not the handler's time.

- **Replies** — coached replies (``ComplaintEvent`` of kind ``message`` whose data has ``reply: true``)
  sent in the window; ``reply_findings`` is the number of reply-coaching findings stored with them
  (``data.coaching.findings``).

Whose a complaint is:

- a *person's*: the complaint's assignee. A closed complaint cannot be reassigned, so for the outcome
  cohort this is the handler who had it when it was closed; an open complaint of the intake cohort
  counts for whoever holds it now. Replies count for their author;
- a *team's*: the complaint's handling team (``Complaint.department``); replies count for the team of the
  complaint they answer;
- a *category's*: the complaint's category (as confirmed by the handler).

Rates (``DeskKpis`` properties, ``None`` when their base is 0) divide a count by the base named in
``KPIS``: satisfaction rate = satisfied / rated, average satisfaction = satisfaction_sum / rated,
FCR = fcr / closed, reopen rate = reopened / closed, escalation / repeat / overdue rate = escalated /
repeats / overdue over registered, compensation above the standard = compensated_above / compensated,
average handling time = handling_seconds / 3600 / handled, findings per reply = reply_findings / replies.

Cost: four queries whatever the number of people — one over the window's complaints (conditional
aggregation grouped by person, team or category), one over missed deadlines, one over reply events (not
for categories) and one reading the compensation standard (a handful of rows) — never a query or a
Python loop per complaint or per person. The SQL is the same on SQLite and PostgreSQL except the JSON and
date-difference functions, which have a variant for each.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, fields
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, FloatField, Func, IntegerField, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.db.models.lookups import GreaterThanOrEqual, LessThan
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from kesu.complaints.models import CompensationTier, Complaint, ComplaintEvent, StageDeadline

# Satisfaction at follow-up that counts as satisfied (满意 / 非常满意).
SATISFIED_MIN = 4


@dataclass(frozen=True)
class DeskKpis:
    """Counts for one person, team or category over one window (definitions: the module docstring);
    rates are derived, None without a base. Adding two adds the counts (pooling people)."""

    # intake cohort
    registered: int = 0
    repeats: int = 0
    escalated: int = 0
    overdue: int = 0
    # outcome cohort
    closed: int = 0
    fcr: int = 0
    reopened: int = 0
    rated: int = 0
    satisfied: int = 0
    satisfaction_sum: int = 0
    compensated: int = 0
    compensated_above: int = 0
    handled: int = 0
    handling_seconds: float = 0.0
    # replies
    replies: int = 0
    reply_findings: int = 0

    @staticmethod
    def _ratio(num: float, den: float) -> float | None:
        return num / den if den else None

    @property
    def satisfaction_rate(self) -> float | None:
        return self._ratio(self.satisfied, self.rated)

    @property
    def avg_satisfaction(self) -> float | None:
        return self._ratio(self.satisfaction_sum, self.rated)

    @property
    def fcr_rate(self) -> float | None:
        return self._ratio(self.fcr, self.closed)

    @property
    def reopen_rate(self) -> float | None:
        return self._ratio(self.reopened, self.closed)

    @property
    def repeat_rate(self) -> float | None:
        return self._ratio(self.repeats, self.registered)

    @property
    def escalation_rate(self) -> float | None:
        return self._ratio(self.escalated, self.registered)

    @property
    def overdue_rate(self) -> float | None:
        return self._ratio(self.overdue, self.registered)

    @property
    def comp_above_rate(self) -> float | None:
        return self._ratio(self.compensated_above, self.compensated)

    @property
    def avg_handling_hours(self) -> float | None:
        return self._ratio(self.handling_seconds / 3600, self.handled)

    @property
    def findings_per_reply(self) -> float | None:
        return self._ratio(self.reply_findings, self.replies)

    def value(self, kpi: str) -> float | None:
        """The value of a KPI of ``KPIS`` by code."""
        result: float | None = getattr(self, KPIS[kpi].attr)
        return result

    def cases(self, kpi: str) -> int:
        """How many complaints (replies for ``findings``) the KPI's value rests on."""
        result: int = getattr(self, KPIS[kpi].base)
        return result

    def __add__(self, other: DeskKpis) -> DeskKpis:
        return DeskKpis(**{f.name: getattr(self, f.name) + getattr(other, f.name) for f in fields(self)})


@dataclass(frozen=True)
class Kpi:
    code: str
    attr: str  # the DeskKpis property holding the value
    direction: int  # +1: higher is better; -1: lower is better
    unit: str  # "rate" (0–1, shown as %), "score" (1–5), "hours" or "ratio" (findings per reply)
    base: str  # the DeskKpis count the value rests on

    @property
    def label(self) -> str:
        return str(KPI_LABELS[self.code])


KPIS: dict[str, Kpi] = {
    k.code: k
    for k in (
        Kpi("satisfaction", "satisfaction_rate", +1, "rate", "rated"),
        Kpi("avg_satisfaction", "avg_satisfaction", +1, "score", "rated"),
        Kpi("fcr", "fcr_rate", +1, "rate", "closed"),
        Kpi("reopen", "reopen_rate", -1, "rate", "closed"),
        Kpi("repeat", "repeat_rate", -1, "rate", "registered"),
        Kpi("escalation", "escalation_rate", -1, "rate", "registered"),
        Kpi("overdue", "overdue_rate", -1, "rate", "registered"),
        Kpi("comp_above", "comp_above_rate", -1, "rate", "compensated"),
        Kpi("handling_time", "avg_handling_hours", -1, "hours", "handled"),
        Kpi("findings", "findings_per_reply", -1, "ratio", "replies"),
    )
}

KPI_LABELS: dict[str, Promise] = {
    "satisfaction": _("Satisfaction rate"),
    "avg_satisfaction": _("Average satisfaction (1–5)"),
    "fcr": _("First-contact resolution"),
    "reopen": _("Reopen rate"),
    "repeat": _("Repeat-complaint rate"),
    "escalation": _("Escalation rate"),
    "overdue": _("Overdue rate"),
    "comp_above": _("Share of compensation above the standard"),
    "handling_time": _("Average handling time (h)"),
    "findings": _("Coaching findings per reply"),
}


# --------------------------------------------------------------------------------------------------
# SQL pieces


class _FindingsCount(Func):
    """Number of reply-coaching findings stored with a reply event (0 when absent)."""

    output_field = IntegerField()

    def as_sql(self, compiler, connection, function=None, template=None, arg_joiner=None, **extra_context):
        # Kesu runs on SQLite and PostgreSQL only.
        raise NotImplementedError(f"findings count: no SQL for {connection.vendor}")  # pragma: no cover

    def as_sqlite(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"COALESCE(JSON_ARRAY_LENGTH({sql}, '$.coaching.findings'), 0)", params

    def as_postgresql(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        return (
            f"COALESCE(jsonb_array_length(CASE WHEN jsonb_typeof({sql} -> 'coaching' -> 'findings') = 'array' "
            f"THEN {sql} -> 'coaching' -> 'findings' END), 0)",
            params * 2,
        )


class _Seconds(Func):
    """``later - earlier`` in seconds as a float, with each database's native date arithmetic (Django's
    generic datetime subtraction calls a Python function per row on SQLite)."""

    output_field = FloatField()
    arity = 2

    def as_sql(self, compiler, connection, function=None, template=None, arg_joiner=None, **extra_context):
        # Kesu runs on SQLite and PostgreSQL only.
        raise NotImplementedError(f"seconds between: no SQL for {connection.vendor}")  # pragma: no cover

    def as_sqlite(self, compiler, connection, **extra_context):
        (later, lp), (earlier, ep) = (compiler.compile(e) for e in self.source_expressions)
        return f"((julianday({later}) - julianday({earlier})) * 86400.0)", [*lp, *ep]

    def as_postgresql(self, compiler, connection, **extra_context):
        (later, lp), (earlier, ep) = (compiler.compile(e) for e in self.source_expressions)
        return f"EXTRACT(EPOCH FROM ({later} - {earlier}))::double precision", [*lp, *ep]


# Above this window length the planner is steered to read the complaints table in one pass: fetching a
# large share of a million wide rows one by one through a date index is several times slower (SQLite,
# which keeps no statistics, would always take the index; PostgreSQL scans there anyway).
SCAN_ABOVE = dt.timedelta(days=60)


def _above_standard() -> Q | None:
    """Compensation above the standard for the complaint's severity (None: no standard defined)."""
    above = None
    for severity, amount in CompensationTier.objects.values_list("severity", "suggested_amount"):
        q = Q(severity=severity, compensation_cost__gt=amount or Decimal(0))
        above = q if above is None else above | q
    return above


def _complaint_aggregates(start: dt.datetime, end: dt.datetime, above: Q | None) -> dict[str, Any]:
    in_reg = Q(registered_at__gte=start, registered_at__lt=end)
    in_closed = Q(closed_at__gte=start, closed_at__lt=end)
    compensated = in_closed & Q(compensation_cost__gt=0)
    aggregates: dict[str, Any] = {
        "registered": Count("pk", filter=in_reg),
        "repeats": Count("pk", filter=in_reg & Q(is_repeat=True)),
        "escalated": Count("pk", filter=in_reg & Q(escalated=True)),
        "closed": Count("pk", filter=in_closed),
        "fcr": Count("pk", filter=in_closed & Q(first_contact_resolution=True)),
        "reopened": Count("pk", filter=in_closed & Q(reopen_count__gt=0)),
        "rated": Count("pk", filter=in_closed & Q(satisfaction__isnull=False)),
        "satisfied": Count("pk", filter=in_closed & Q(satisfaction__gte=SATISFIED_MIN)),
        "satisfaction_sum": Sum("satisfaction", filter=in_closed),
        "compensated": Count("pk", filter=compensated),
        "handled": Count("pk", filter=in_closed & Q(resolved_at__isnull=False)),
        "handling": Sum(
            _Seconds("resolved_at", "registered_at"), filter=in_closed & Q(resolved_at__isnull=False)
        ),
    }
    if above is not None:
        aggregates["compensated_above"] = Count("pk", filter=compensated & above)
    return aggregates


def _window_complaints(start: dt.datetime, end: dt.datetime) -> QuerySet[Complaint]:
    """Complaints registered or closed in the window."""
    if end - start > SCAN_ABOVE:
        # Coalesce(x, x) is x, but hides the column from the planner: no index, one pass.
        reg, closed = Coalesce("registered_at", "registered_at"), Coalesce("closed_at", "closed_at")
        return Complaint.objects.filter(
            Q(GreaterThanOrEqual(reg, start), LessThan(reg, end))
            | Q(GreaterThanOrEqual(closed, start), LessThan(closed, end))
        )
    # The OR lets each side use its own index (cmp_registered, cmp_closed_at).
    return Complaint.objects.filter(
        Q(registered_at__gte=start, registered_at__lt=end) | Q(closed_at__gte=start, closed_at__lt=end)
    )


def _missed(start: dt.datetime, end: dt.datetime) -> QuerySet[StageDeadline]:
    """Missed stage deadlines of complaints registered in the window (few rows: read from the
    deadlines side; a complaint is counted once however many of its stages were late)."""
    return StageDeadline.objects.filter(
        overdue_at__isnull=False, complaint__registered_at__gte=start, complaint__registered_at__lt=end
    )


def _replies(start: dt.datetime, end: dt.datetime) -> QuerySet[ComplaintEvent]:
    # Cheap conditions first: SQLite evaluates them in order, the JSON test only on messages.
    return (
        ComplaintEvent.objects.filter(kind=ComplaintEvent.Kind.MESSAGE)
        .filter(at__gte=start, at__lt=end)
        .filter(data__reply=True)
    )


_REPLY_AGGREGATES = {"replies": Count("pk"), "reply_findings": Coalesce(Sum(_FindingsCount("data")), 0)}


def _kpis(row: dict[str, Any] | None, replies: dict[str, Any] | None, overdue: int) -> DeskKpis:
    r = replies or {}
    if row is None:
        return DeskKpis(replies=r.get("replies", 0), reply_findings=r.get("reply_findings", 0))
    handling = row["handling"]
    return DeskKpis(
        registered=row["registered"],
        repeats=row["repeats"],
        escalated=row["escalated"],
        overdue=overdue,
        closed=row["closed"],
        fcr=row["fcr"],
        reopened=row["reopened"],
        rated=row["rated"],
        satisfied=row["satisfied"],
        satisfaction_sum=row["satisfaction_sum"] or 0,
        compensated=row["compensated"],
        compensated_above=row.get("compensated_above", 0),
        handled=row["handled"],
        handling_seconds=round(float(handling), 3) if handling is not None else 0.0,
        replies=r.get("replies", 0),
        reply_findings=r.get("reply_findings", 0),
    )


def _grouped(
    *,
    start: dt.datetime,
    end: dt.datetime,
    complaints: QuerySet[Any],
    missed: QuerySet[Any],
    replies: QuerySet[Any] | None,
) -> dict[Any, DeskKpis]:
    """The KPIs per group of already filtered querysets (of complaints, missed deadlines and reply
    events), each carrying the group key as the annotation ``grp``."""
    aggregates = _complaint_aggregates(start, end, _above_standard())
    rows = {row["grp"]: row for row in complaints.values("grp").annotate(**aggregates).order_by("grp")}
    late = dict(
        missed.values("grp")
        .annotate(n=Count("complaint_id", distinct=True))
        .order_by("grp")
        .values_list("grp", "n")
    )
    sent = (
        {row["grp"]: row for row in replies.values("grp").annotate(**_REPLY_AGGREGATES).order_by("grp")}
        if replies is not None
        else {}
    )
    return {key: _kpis(rows.get(key), sent.get(key), late.get(key, 0)) for key in rows.keys() | sent.keys()}


def _of_team(qs: QuerySet[Any], department_id: int) -> QuerySet[Any]:
    """Missed deadlines of the team's complaints. "+ 0": with the department index the planner would
    read every complaint the team ever had; without it, it reads the window's complaints or the few
    missed deadlines."""
    return qs.alias(team=F("complaint__department_id") + 0).filter(team=department_id)


def _check_window(start: dt.datetime, end: dt.datetime) -> None:
    if start.tzinfo is None or end.tzinfo is None:
        raise ValueError("start and end must be timezone-aware")


# --------------------------------------------------------------------------------------------------
# Selectors


def handler_kpis(
    *, start: dt.datetime, end: dt.datetime, user_ids: Iterable[int] | None = None
) -> dict[int, DeskKpis]:
    """KPIs per person over ``[start, end)``. With ``user_ids``: each of them (all-zero counts, rates
    None, for a person without any complaint or reply in the window); without: everyone with a
    complaint or a reply in the window."""
    _check_window(start, end)
    # Grouped and filtered on "person + 0" rather than on the column: with the FK index the planner
    # would read every complaint / event the people ever had instead of the window (through the date
    # indexes or in one pass); grouping by the column would walk the whole event table in actor order.
    complaints = _window_complaints(start, end).annotate(grp=F("assignee_id") + 0)
    missed = _missed(start, end).annotate(grp=F("complaint__assignee_id") + 0)
    replies = _replies(start, end).annotate(grp=F("actor_id") + 0)
    ids: list[int] | None = None
    if user_ids is None:
        complaints = complaints.filter(grp__isnull=False)
        missed = missed.filter(grp__isnull=False)
        replies = replies.filter(grp__isnull=False)
    else:
        ids = sorted(set(user_ids))
        if not ids:
            return {}
        complaints = complaints.filter(grp__in=ids)
        missed = missed.filter(grp__in=ids)
        replies = replies.filter(grp__in=ids)
    found = _grouped(start=start, end=end, complaints=complaints, missed=missed, replies=replies)
    if ids is None:
        return dict(sorted(found.items()))
    return {uid: found.get(uid, DeskKpis()) for uid in ids}


def team_kpis(*, start: dt.datetime, end: dt.datetime, department_id: int | None = None) -> DeskKpis:
    """KPIs of the complaints of one handling team (``Complaint.department``), or of the whole
    organisation when ``department_id`` is None, over ``[start, end)``."""
    _check_window(start, end)
    complaints = _window_complaints(start, end)
    replies = _replies(start, end)
    missed = _missed(start, end)
    if department_id is not None:
        # "+ 0": see handler_kpis.
        complaints = complaints.alias(team=F("department_id") + 0).filter(team=department_id)
        # Replies through the team's complaints: evt_complaint_at (complaint, at) finds the window's
        # events of each complaint, cheaper than reading every event of the window.
        replies = replies.filter(complaint__department_id=department_id)
        missed = _of_team(missed, department_id)
    row = complaints.aggregate(**_complaint_aggregates(start, end, _above_standard()))
    overdue = missed.aggregate(n=Count("complaint_id", distinct=True))["n"]
    return _kpis(row, replies.aggregate(**_REPLY_AGGREGATES), overdue)


def category_kpis(
    *, start: dt.datetime, end: dt.datetime, department_id: int | None = None
) -> dict[int, DeskKpis]:
    """KPIs per complaint category (id → figures) of one handling team, or of the whole organisation
    when ``department_id`` is None, over ``[start, end)``: every category with a complaint registered or
    closed in the window. Replies are not counted per category (``replies`` and ``reply_findings`` stay
    0): nothing reads findings by category, and the reply events are the costliest read of all."""
    _check_window(start, end)
    complaints = _window_complaints(start, end)
    missed = _missed(start, end)
    if department_id is not None:
        # "+ 0": see handler_kpis.
        complaints = complaints.alias(team=F("department_id") + 0).filter(team=department_id)
        missed = _of_team(missed, department_id)
    found = _grouped(
        start=start,
        end=end,
        complaints=complaints.annotate(grp=F("category_id")),
        missed=missed.annotate(grp=F("complaint__category_id")),
        replies=None,
    )
    return dict(sorted(found.items()))
