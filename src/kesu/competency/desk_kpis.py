"""Per-handler desk KPIs for one period, the desk's side of the competency evidence.

Complaints count for the handler they were assigned to when closed, in the period they were closed in;
reply-coaching findings count for the author of each reply in the period it was sent. Everything is a
handful of grouped queries (conditional aggregation by assignee), so one month of a 1 M-complaint year
takes a fraction of a second whatever the number of people.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Avg, Case, Count, Exists, F, FloatField, IntegerField, OuterRef, Q, Sum, When

from kesu.complaints.models import CompensationTier, Complaint, ComplaintEvent, StageDeadline
from kesu.complaints.workflow import Status


@dataclass(frozen=True)
class HandlerMonth:
    closed: int
    satisfaction: float | None
    rated: int
    fcr_rate: float | None
    escalation_rate: float | None
    reopen_rate: float | None
    repeat_rate: float | None
    overdue_rate: float | None
    comp_above_rate: float | None
    compensated: int
    replies: int
    reply_findings: float | None  # findings per reply

    def value(self, kpi: str) -> tuple[float | None, int]:
        """The KPI's value and the number of cases behind it."""
        if kpi == "satisfaction":
            return self.satisfaction, self.rated
        if kpi == "reply_findings":
            return self.reply_findings, self.replies
        if kpi == "comp_above_rate":
            return self.comp_above_rate, self.compensated
        return getattr(self, kpi), self.closed


def handler_months(*, start: dt.datetime, end: dt.datetime, user_ids=None) -> dict[int, HandlerMonth]:
    """KPIs of every handler with closed complaints or sent replies in [start, end)."""
    closed = Complaint.objects.filter(
        status=Status.CLOSED, closed_at__gte=start, closed_at__lt=end, assignee__isnull=False
    )
    if user_ids is not None:
        closed = closed.filter(assignee_id__in=list(user_ids))
    standard = {t.severity: t.suggested_amount for t in CompensationTier.objects.all()}
    above = Case(
        *[When(severity=sev, compensation_cost__gt=amount, then=1) for sev, amount in standard.items()],
        default=0,
        output_field=IntegerField(),
    )
    rows = (
        closed.annotate(
            was_overdue=Exists(
                StageDeadline.objects.filter(complaint=OuterRef("pk"), overdue_at__isnull=False)
            )
        )
        .values("assignee_id")
        .annotate(
            n=Count("id"),
            sat=Avg("satisfaction", output_field=FloatField()),
            rated=Count("satisfaction"),
            fcr_known=Count("id", filter=Q(first_contact_resolution__isnull=False)),
            fcr=Count("id", filter=Q(first_contact_resolution=True)),
            esc=Count("id", filter=Q(escalated=True)),
            reopened=Count("id", filter=Q(reopen_count__gt=0)),
            repeat=Count("id", filter=Q(is_repeat=True)),
            overdue=Count("id", filter=Q(was_overdue=True)),
            compensated=Count("id", filter=Q(compensation_cost__gt=0)),
            above=Sum(above),
        )
        .order_by()
    )
    replies: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    events = ComplaintEvent.objects.filter(
        kind=ComplaintEvent.Kind.MESSAGE, at__gte=start, at__lt=end, actor__isnull=False, data__reply=True
    )
    if user_ids is not None:
        events = events.filter(actor_id__in=list(user_ids))
    for actor_id, data in events.values_list("actor_id", "data").iterator(chunk_size=5000):
        findings = ((data or {}).get("coaching") or {}).get("findings") or []
        replies[actor_id][0] += 1
        replies[actor_id][1] += len(findings)

    def rate(part: int, whole: int) -> float | None:
        return round(part / whole, 4) if whole else None

    out: dict[int, HandlerMonth] = {}
    for r in rows:
        n = r["n"]
        sent, found = replies.pop(r["assignee_id"], (0, 0))
        out[r["assignee_id"]] = HandlerMonth(
            closed=n,
            satisfaction=round(r["sat"], 3) if r["sat"] is not None else None,
            rated=r["rated"],
            fcr_rate=rate(r["fcr"], r["fcr_known"]),
            escalation_rate=rate(r["esc"], n),
            reopen_rate=rate(r["reopened"], n),
            repeat_rate=rate(r["repeat"], n),
            overdue_rate=rate(r["overdue"], n),
            comp_above_rate=rate(r["above"] or 0, r["compensated"]),
            compensated=r["compensated"],
            replies=sent,
            reply_findings=rate(found, sent),
        )
    for actor_id, (sent, found) in replies.items():
        out[actor_id] = HandlerMonth(
            closed=0,
            satisfaction=None,
            rated=0,
            fcr_rate=None,
            escalation_rate=None,
            reopen_rate=None,
            repeat_rate=None,
            overdue_rate=None,
            comp_above_rate=None,
            compensated=0,
            replies=sent,
            reply_findings=rate(found, sent),
        )
    return out


def category_quality(*, start: dt.datetime, end: dt.datetime, department_id: int | None = None) -> list[dict]:
    """Complaint categories handled worst (组织层面需求): per category the closed count, average
    satisfaction, reopen, overdue and escalation rates, ordered worst first."""
    qs = Complaint.objects.filter(status=Status.CLOSED, closed_at__gte=start, closed_at__lt=end)
    if department_id is not None:
        qs = qs.filter(department_id=department_id)
    rows = (
        qs.annotate(
            was_overdue=Exists(
                StageDeadline.objects.filter(complaint=OuterRef("pk"), overdue_at__isnull=False)
            )
        )
        .values("category_id", name=F("category__name"))
        .annotate(
            n=Count("id"),
            sat=Avg("satisfaction", output_field=FloatField()),
            reopened=Count("id", filter=Q(reopen_count__gt=0)),
            overdue=Count("id", filter=Q(was_overdue=True)),
            esc=Count("id", filter=Q(escalated=True)),
        )
        .order_by()
    )
    out = []
    for r in rows:
        n = r["n"]
        sat = r["sat"]
        reopen, overdue, esc = r["reopened"] / n, r["overdue"] / n, r["esc"] / n
        # Badness in [0, 1]: dissatisfaction weighs most, then reopen, overdue and escalation.
        badness = (
            0.4 * ((5 - sat) / 4 if sat is not None else 0.5) + 0.25 * reopen + 0.2 * overdue + 0.15 * esc
        )
        out.append(
            {
                "category_id": r["category_id"],
                "name": r["name"],
                "closed": n,
                "satisfaction": round(sat, 2) if sat is not None else None,
                "reopen_rate": round(reopen, 3),
                "overdue_rate": round(overdue, 3),
                "escalation_rate": round(esc, 3),
                "badness": round(badness, 3),
            }
        )
    out.sort(key=lambda r: (-r["badness"], r["name"]))
    return out
