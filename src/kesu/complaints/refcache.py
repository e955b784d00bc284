"""Reference data that registration reads on every complaint, cached per process.

Active categories, the complaint teams and the SLA policies change a few times a year (Django admin)
but were read with three queries on every registration. Each process keeps one snapshot of them:

- a save or delete of a Category, Department or SlaPolicy in this process drops the snapshot at once
  (signals, connected in apps.py);
- other processes (other web workers, the task worker) notice such a change within ``TTL`` seconds.
- ``clear()`` drops it by hand (tests that change rows with ``QuerySet.update()``, which sends no
  signal).

The cached rows are read-only: callers use them as foreign-key targets and read their fields; anything
that writes reference data reads it from the database.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from kesu.accounts.models import Department
from kesu.complaints.models import Category, SlaPolicy

TTL = 30.0  # seconds


@dataclass(frozen=True)
class Snapshot:
    categories: dict[str, Category]  # active ones, by code
    teams: tuple[Department, ...]  # complaint teams, by pk
    policies: tuple[SlaPolicy, ...]
    loaded_at: float


_lock = threading.Lock()
_snapshot: Snapshot | None = None


def clear(*_args: object, **_kwargs: object) -> None:
    """Drop the snapshot (also the signal receiver for saves and deletes of reference rows)."""
    global _snapshot
    _snapshot = None


def snapshot() -> Snapshot:
    global _snapshot
    snap = _snapshot
    if snap is not None and time.monotonic() - snap.loaded_at < TTL:
        return snap
    with _lock:
        snap = _snapshot
        if snap is not None and time.monotonic() - snap.loaded_at < TTL:
            return snap
        snap = Snapshot(
            categories={c.code: c for c in Category.objects.filter(active=True)},
            teams=tuple(Department.objects.filter(kind=Department.Kind.COMPLAINT_TEAM).order_by("pk")),
            policies=tuple(SlaPolicy.objects.order_by("pk")),
            loaded_at=time.monotonic(),
        )
        _snapshot = snap
        return snap


def category(code: str) -> Category | None:
    return snapshot().categories.get(code)


def complaint_teams() -> tuple[Department, ...]:
    return snapshot().teams


def sla_policies() -> tuple[SlaPolicy, ...]:
    return snapshot().policies


def connect_signals() -> None:
    from django.db.models.signals import post_delete, post_save
    from django.test.signals import setting_changed

    for model in (Category, Department, SlaPolicy):
        post_save.connect(clear, sender=model, dispatch_uid=f"refcache-save-{model.__name__}")
        post_delete.connect(clear, sender=model, dispatch_uid=f"refcache-delete-{model.__name__}")
    # Only tests change settings at run time, and each test has its own (rolled-back) database: rows
    # cached during one test must not leak into the next (tests/conftest.py sets TASKS in every test).
    setting_changed.connect(clear, dispatch_uid="refcache-settings")
