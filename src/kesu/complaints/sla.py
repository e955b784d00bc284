"""SLA timers (时效管理).

Invariants:
- Each complaint has at most one StageDeadline per stage. acknowledge, first_response and resolve start
  at registration; follow_up starts when the complaint is resolved; reopening restarts resolve.
- ``Complaint.next_due_at``, ``sla_warning`` and ``is_overdue`` are a summary of the pending deadlines and
  are written only by ``_summarise`` in this module.
- The sweep only reads deadlines whose warning or due moment has passed and that are not yet marked,
  through partial indexes; its cost grows with the number of events, not with open complaints.
- At the warning moment (80 % of the stage by default) the handler is warned; at 100 % the complaint is
  overdue and escalated to the supervisor. Both are recorded on the timeline and notified in-app and by
  e-mail (after commit).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from kesu.common import clock, workcal
from kesu.complaints.models import Complaint, ComplaintEvent, DeskSettings, SlaPolicy, Stage, StageDeadline

INITIAL_STAGES = (Stage.ACKNOWLEDGE, Stage.FIRST_RESPONSE, Stage.RESOLVE)

# Fallback when no policy row matches (an administrator deleted them all): generous working hours.
_DEFAULT_HOURS = {"acknowledge": 4.0, "first_response": 8.0, "resolve": 40.0, "follow_up": 24.0}


def policy_for(*, category_id: int, severity: str, tier: str, special_group: bool) -> SlaPolicy | None:
    """The most specific policy matching the complaint (blank criteria match anything), then the lowest
    rank. Reads the per-process snapshot of the policies (refcache.py), not the database."""
    from kesu.complaints import refcache

    def matches(p: SlaPolicy) -> bool:
        return (
            (p.category_id is None or p.category_id == category_id)
            and (not p.severity or p.severity == severity)
            and (not p.customer_tier or p.customer_tier == tier)
            and (special_group or not p.special_group_only)
        )

    def specificity(p: SlaPolicy) -> tuple[int, int, int]:
        score = (p.category_id is not None) + bool(p.severity) + bool(p.customer_tier) + p.special_group_only
        return (-score, p.rank, p.pk)

    ranked = sorted((p for p in refcache.sla_policies() if matches(p)), key=specificity)
    return ranked[0] if ranked else None


def _deadline(
    policy: SlaPolicy | None, stage: str, start: dt.datetime, ratio: float
) -> tuple[dt.datetime, dt.datetime]:
    hours = policy.hours_for(stage) if policy else _DEFAULT_HOURS[stage]
    working = policy is None or policy.basis == SlaPolicy.Basis.WORKING
    due = workcal.add_time(start, hours, working=working)
    warn = workcal.add_time(start, hours * ratio, working=working)
    return warn, due


def _ratio() -> float:
    return float(DeskSettings.current().warning_ratio or Decimal("0.8"))


def start_stages(complaint: Complaint, stages: tuple[str, ...], *, at: dt.datetime) -> None:
    """(Re)start ``stages`` for ``complaint`` from ``at``. Caller holds the complaint's row lock."""
    ratio = _ratio()
    existing = {d.stage: d for d in StageDeadline.objects.filter(complaint=complaint, stage__in=stages)}
    fresh = []
    for stage in stages:
        warn, due = _deadline(complaint.sla_policy, stage, at, ratio)
        row = existing.get(stage)
        if row is None:
            fresh.append(
                StageDeadline(complaint=complaint, stage=stage, started_at=at, warn_at=warn, due_at=due)
            )
            continue
        row.started_at, row.warn_at, row.due_at = at, warn, due
        row.warned_at = row.overdue_at = row.met_at = None
        row.save(update_fields=["started_at", "warn_at", "due_at", "warned_at", "overdue_at", "met_at"])
    StageDeadline.objects.bulk_create(fresh)
    _summarise(complaint)


def start_initial_stages_many(complaints: list[Complaint], *, ratio: float | None = None) -> None:
    """Start the registration's stages (INITIAL_STAGES) of freshly registered complaints, from their
    registration time, with one insert for all; the caller holds their rows and writes the summary
    fields this sets (``next_due_at``, ``sla_warning``, ``is_overdue``). Complaints that already have
    any deadline take the general path (``start_stages``)."""
    if not complaints:
        return
    ratio = _ratio() if ratio is None else ratio
    policies = {p.pk: p for p in refcache_policies()}
    started = set(
        StageDeadline.objects.filter(complaint_id__in=[c.pk for c in complaints]).values_list(
            "complaint_id", flat=True
        )
    )
    fresh = []
    for c in complaints:
        if c.pk in started:
            start_stages(c, INITIAL_STAGES, at=c.registered_at)
            continue
        policy = policies.get(c.sla_policy_id) if c.sla_policy_id else None
        if c.sla_policy_id and policy is None:
            policy = c.sla_policy  # not in this process's snapshot yet: read it
        dues = []
        for stage in INITIAL_STAGES:
            warn, due = _deadline(policy, stage, c.registered_at, ratio)
            fresh.append(
                StageDeadline(complaint=c, stage=stage, started_at=c.registered_at, warn_at=warn, due_at=due)
            )
            dues.append(due)
        # No other deadline is pending: the summary is these three.
        c.next_due_at, c.sla_warning, c.is_overdue = min(dues), False, False
    StageDeadline.objects.bulk_create(fresh)


def refcache_policies() -> tuple[SlaPolicy, ...]:
    from kesu.complaints import refcache

    return refcache.sla_policies()


def meet_stages(complaint: Complaint, stages: tuple[str, ...], *, at: dt.datetime) -> None:
    StageDeadline.objects.filter(complaint=complaint, stage__in=stages, met_at__isnull=True).update(met_at=at)
    _summarise(complaint)


def clear_pending(complaint: Complaint, *, at: dt.datetime) -> None:
    """On close: every stage still pending counts as met so nothing fires later."""
    StageDeadline.objects.filter(complaint=complaint, met_at__isnull=True).update(met_at=at)
    _summarise(complaint)


def _summarise(complaint: Complaint) -> None:
    _summarise_many([complaint])


def _summarise_many(complaints: list[Complaint]) -> None:
    """Recompute the SLA summary of ``complaints`` from their pending deadlines in one read, and write
    only the complaints whose summary changed."""
    pending: dict[int, list[tuple[dt.datetime, dt.datetime | None, dt.datetime | None]]] = {
        c.pk: [] for c in complaints
    }
    for complaint_id, due, warned, overdue in StageDeadline.objects.filter(
        complaint_id__in=list(pending), met_at__isnull=True
    ).values_list("complaint_id", "due_at", "warned_at", "overdue_at"):
        pending[complaint_id].append((due, warned, overdue))
    changed = []
    for c in complaints:
        rows = pending[c.pk]
        summary = (
            min((d for d, _w, _o in rows), default=None),
            any(w is not None for _d, w, _o in rows),
            any(o is not None for _d, _w, o in rows),
        )
        if summary != (c.next_due_at, c.sla_warning, c.is_overdue):
            c.next_due_at, c.sla_warning, c.is_overdue = summary
            changed.append(c)
    if len(changed) == 1:
        c = changed[0]
        Complaint.objects.filter(pk=c.pk).update(
            next_due_at=c.next_due_at, sla_warning=c.sla_warning, is_overdue=c.is_overdue
        )
    elif changed:
        Complaint.objects.bulk_update(changed, ["next_due_at", "sla_warning", "is_overdue"])


SWEEP_CHUNK = 100


def sweep(*, now: dt.datetime | None = None, batch: int = 500) -> dict[str, int]:
    """Mark warnings and overdue stages whose moment has passed. Idempotent: a row is marked once.
    Works in chunks of SWEEP_CHUNK deadlines per transaction (docs/benchmarks.md: a burst of 300 due
    deadlines at 1 M complaints went from ~2 s one by one to ~0.4 s in chunks)."""
    now = now or clock.now()
    warn_ids = list(
        StageDeadline.objects.filter(met_at__isnull=True, warned_at__isnull=True, warn_at__lte=now)
        .order_by("warn_at")
        .values_list("id", flat=True)[:batch]
    )
    warned = sum(
        _mark_chunk(warn_ids[i : i + SWEEP_CHUNK], now, overdue=False)
        for i in range(0, len(warn_ids), SWEEP_CHUNK)
    )
    due_ids = list(
        StageDeadline.objects.filter(met_at__isnull=True, overdue_at__isnull=True, due_at__lte=now)
        .order_by("due_at")
        .values_list("id", flat=True)[:batch]
    )
    overdue = sum(
        _mark_chunk(due_ids[i : i + SWEEP_CHUNK], now, overdue=True)
        for i in range(0, len(due_ids), SWEEP_CHUNK)
    )
    return {"warned": warned, "overdue": overdue}


def _mark_chunk(deadline_ids: list[int], now: dt.datetime, *, overdue: bool) -> int:
    """Mark a chunk of deadlines as warned or overdue, with events and notifications, in one
    transaction. Rows someone met or marked in the meantime are skipped. Returns how many were marked."""
    from kesu.complaints import services  # the escalation and notification writers

    with transaction.atomic():
        complaint_ids = sorted(
            set(StageDeadline.objects.filter(pk__in=deadline_ids).values_list("complaint_id", flat=True))
        )
        # Lock order as in the services: the complaints first (in id order), then their deadlines.
        complaints = {
            c.pk: c
            for c in Complaint.objects.select_for_update(of=("self",))
            .select_related("assignee")
            .filter(pk__in=complaint_ids)
            .order_by("pk")
        }
        pending = StageDeadline.objects.filter(pk__in=deadline_ids, met_at__isnull=True)
        rows = list(
            pending.filter(overdue_at__isnull=True) if overdue else pending.filter(warned_at__isnull=True)
        )
        if not rows:
            return 0
        ids = [d.pk for d in rows]
        if overdue:
            StageDeadline.objects.filter(pk__in=ids).update(overdue_at=now)
            StageDeadline.objects.filter(pk__in=ids, warned_at__isnull=True).update(warned_at=now)
        else:
            StageDeadline.objects.filter(pk__in=ids).update(warned_at=now)
        touched = [complaints[i] for i in sorted({d.complaint_id for d in rows})]
        _summarise_many(touched)
        events = []
        for d in rows:
            values = {
                "stage": Stage(d.stage).label,
                "due": _fmt(d.due_at),
                "number": complaints[d.complaint_id].number,
            }
            events.append(
                ComplaintEvent(
                    complaint_id=d.complaint_id,
                    at=now,
                    kind=ComplaintEvent.Kind.SLA_OVERDUE if overdue else ComplaintEvent.Kind.SLA_WARNING,
                    message=(
                        _("%(stage)s overdue since %(due)s") if overdue else _("%(stage)s is due at %(due)s")
                    )
                    % values,
                    data={"stage": d.stage, "due_at": d.due_at.isoformat()},
                )
            )
        ComplaintEvent.objects.bulk_create(events)
        supervisors: dict[int, list] = {}
        for d in rows:
            complaint = complaints[d.complaint_id]
            values = {"stage": Stage(d.stage).label, "due": _fmt(d.due_at), "number": complaint.number}
            if overdue:
                services.escalate_locked(
                    complaint, actor=None, at=now, reason=_("%(stage)s overdue") % values
                )
                continue
            if complaint.assignee_id:
                recipients = [complaint.assignee]
            else:
                if complaint.department_id not in supervisors:
                    supervisors[complaint.department_id] = services.team_supervisors(complaint)
                recipients = supervisors[complaint.department_id]
            services.notify(
                users=recipients,
                complaint=complaint,
                kind="sla_warning",
                message=_("%(number)s: %(stage)s due soon (%(due)s)") % values,
            )
    return len(rows)


def _fmt(value: dt.datetime) -> str:
    from django.utils import timezone

    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
