"""Daily jobs of the competency app (enqueued by `kesu worker`, see AppConfig.kesu_daily_tasks)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django_tasks import task

from kesu.common import clock


@task()
def desk_evidence_daily() -> dict:
    """Recompute the desk evidence of the current and the previous month (idempotent), everyone's kept
    levels, and on the first run of a month keep every learner's needs analysis as a snapshot."""
    from kesu.competency import services
    from kesu.competency.models import NeedsSnapshot

    today = timezone.localdate(clock.now())
    first = today.replace(day=1)
    previous = (first - dt.timedelta(days=1)).replace(day=1)
    written = services.desk_evidence_refresh(month=previous, refresh_levels=False)
    written += services.desk_evidence_refresh(month=first, refresh_levels=False)
    levels = services.levels_refresh()  # recency weights moved for everyone
    snaps = 0
    if not NeedsSnapshot.objects.filter(taken_on__gte=first).exists():
        from kesu.accounts.models import User
        from kesu.competency.selectors import ROLE_PROFILE

        for user in User.objects.filter(is_active=True, role__in=list(ROLE_PROFILE)).iterator():
            snaps += services.needs_snapshot_take(user=user, on=today) is not None
    return {"evidence": written, "levels": levels, "snapshots": snaps}
