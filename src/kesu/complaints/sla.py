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
from django.db.models import Q
from django.utils.translation import gettext as _

from kesu.common import clock, workcal
from kesu.complaints.models import Complaint, ComplaintEvent, DeskSettings, SlaPolicy, Stage, StageDeadline

INITIAL_STAGES = (Stage.ACKNOWLEDGE, Stage.FIRST_RESPONSE, Stage.RESOLVE)

# Fallback when no policy row matches (an administrator deleted them all): generous working hours.
_DEFAULT_HOURS = {"acknowledge": 4.0, "first_response": 8.0, "resolve": 40.0, "follow_up": 24.0}


def policy_for(*, category_id: int, severity: str, tier: str, special_group: bool) -> SlaPolicy | None:
    candidates = SlaPolicy.objects.filter(
        Q(category_id=category_id) | Q(category__isnull=True),
        Q(severity=severity) | Q(severity=""),
        Q(customer_tier=tier) | Q(customer_tier=""),
    )
    if not special_group:
        candidates = candidates.filter(special_group_only=False)

    def specificity(p: SlaPolicy) -> tuple[int, int]:
        score = (p.category_id is not None) + bool(p.severity) + bool(p.customer_tier) + p.special_group_only
        return (-score, p.rank)

    ranked = sorted(candidates, key=specificity)
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


def meet_stages(complaint: Complaint, stages: tuple[str, ...], *, at: dt.datetime) -> None:
    StageDeadline.objects.filter(complaint=complaint, stage__in=stages, met_at__isnull=True).update(met_at=at)
    _summarise(complaint)


def clear_pending(complaint: Complaint, *, at: dt.datetime) -> None:
    """On close: every stage still pending counts as met so nothing fires later."""
    StageDeadline.objects.filter(complaint=complaint, met_at__isnull=True).update(met_at=at)
    _summarise(complaint)


def _summarise(complaint: Complaint) -> None:
    pending = list(
        StageDeadline.objects.filter(complaint=complaint, met_at__isnull=True).values_list(
            "due_at", "warned_at", "overdue_at"
        )
    )
    summary = (
        min((d for d, _w, _o in pending), default=None),
        any(w is not None for _d, w, _o in pending),
        any(o is not None for _d, _w, o in pending),
    )
    if summary == (complaint.next_due_at, complaint.sla_warning, complaint.is_overdue):
        return
    complaint.next_due_at, complaint.sla_warning, complaint.is_overdue = summary
    Complaint.objects.filter(pk=complaint.pk).update(
        next_due_at=complaint.next_due_at, sla_warning=complaint.sla_warning, is_overdue=complaint.is_overdue
    )


def sweep(*, now: dt.datetime | None = None, batch: int = 500) -> dict[str, int]:
    """Mark warnings and overdue stages whose moment has passed. Idempotent: a row is marked once."""
    now = now or clock.now()
    counts = {"warned": 0, "overdue": 0}
    warn_ids = list(
        StageDeadline.objects.filter(met_at__isnull=True, warned_at__isnull=True, warn_at__lte=now)
        .order_by("warn_at")
        .values_list("id", flat=True)[:batch]
    )
    counts["warned"] = sum(_mark(i, now, overdue=False) for i in warn_ids)
    due_ids = list(
        StageDeadline.objects.filter(met_at__isnull=True, overdue_at__isnull=True, due_at__lte=now)
        .order_by("due_at")
        .values_list("id", flat=True)[:batch]
    )
    counts["overdue"] = sum(_mark(i, now, overdue=True) for i in due_ids)
    return counts


def _mark(deadline_id: int, now: dt.datetime, *, overdue: bool) -> bool:
    """Mark one deadline as warned or overdue, with its event and notifications. False if someone met
    or marked it in the meantime."""
    from kesu.complaints import services  # the escalation and notification writers

    with transaction.atomic():
        complaint_id = (
            StageDeadline.objects.filter(pk=deadline_id).values_list("complaint_id", flat=True).first()
        )
        if complaint_id is None:
            return False
        # Lock order as in the services: the complaint first, then its deadlines.
        complaint = (
            Complaint.objects.select_for_update(of=("self",)).select_related("assignee").get(pk=complaint_id)
        )
        pending = StageDeadline.objects.filter(pk=deadline_id, met_at__isnull=True)
        d = (
            pending.filter(overdue_at__isnull=True) if overdue else pending.filter(warned_at__isnull=True)
        ).first()
        if d is None:
            return False
        stage_label = Stage(d.stage).label
        values = {"stage": stage_label, "due": _fmt(d.due_at), "number": complaint.number}
        if overdue:
            d.overdue_at = now
            d.warned_at = d.warned_at or now
            d.save(update_fields=["overdue_at", "warned_at"])
        else:
            d.warned_at = now
            d.save(update_fields=["warned_at"])
        _summarise(complaint)
        ComplaintEvent.objects.create(
            complaint=complaint,
            at=now,
            kind=ComplaintEvent.Kind.SLA_OVERDUE if overdue else ComplaintEvent.Kind.SLA_WARNING,
            message=(_("%(stage)s overdue since %(due)s") if overdue else _("%(stage)s is due at %(due)s"))
            % values,
            data={"stage": d.stage, "due_at": d.due_at.isoformat()},
        )
        if overdue:
            services.escalate_locked(complaint, actor=None, at=now, reason=_("%(stage)s overdue") % values)
        else:
            services.notify(
                users=[complaint.assignee] if complaint.assignee_id else services.team_supervisors(complaint),
                complaint=complaint,
                kind="sla_warning",
                message=_("%(number)s: %(stage)s due soon (%(due)s)") % values,
            )
    return True


def _fmt(value: dt.datetime) -> str:
    from django.utils import timezone

    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
