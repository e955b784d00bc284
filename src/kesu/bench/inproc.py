"""Measurements that run inside a Kesu child process configured for one database (``kesu bench --child``).

- ``intake_setup`` / ``intake_verify``: users and an API token for the HTTP intake benchmark, and a count
  of what the server wrote.
- ``queue``: server time of the team queue page, rendered through Django's test Client (the whole
  middleware stack, the view, the template; no network), for a handler and a supervisor.
- ``register``: ``services.complaint_register`` in-process on the loaded database (what intake costs once
  the database is big, without HTTP).
- ``sweep``: ``sla.sweep()`` when nothing is due and when a few hundred deadlines are.
Each also captures the SQL it runs and the query plans of the slowest statements.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kesu.bench.stats import summary_ms

# --------------------------------------------------------------------------------------------------
# SQL capture and query plans


def capture(fn: Callable[[], Any]) -> tuple[Any, list[dict]]:
    with CaptureQueriesContext(connection) as ctx:
        result = fn()
    return result, [{"sql": q["sql"], "ms": round(float(q["time"]) * 1000, 2)} for q in ctx.captured_queries]


def explain(sql: str) -> str:
    """The plan of one captured statement: EXPLAIN (ANALYZE, BUFFERS) on PostgreSQL (inside a rolled-back
    transaction, so writes leave no trace), EXPLAIN QUERY PLAN on SQLite."""
    stripped = sql.lstrip().upper()
    if not stripped.startswith(("SELECT", "WITH", "UPDATE", "DELETE")):
        return "(not explained)"  # transaction control, and INSERTs (re-running one would collide on keys)
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("BEGIN")
            try:
                cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
                rows = cur.fetchall()
            finally:
                cur.execute("ROLLBACK")
            return "\n".join(r[0] for r in rows)
        if stripped.startswith(("SELECT", "WITH")):
            cur.execute("EXPLAIN QUERY PLAN " + sql)
            return _sqlite_tree(cur.fetchall())
        return "(write statement; SQLite plans are shown for reads only)"


def _sqlite_tree(rows) -> str:
    """EXPLAIN QUERY PLAN rows (id, parent, notused, detail) as an indented tree."""
    parents = {r[0]: r[1] for r in rows}
    lines = []
    for r in rows:
        depth, parent = 0, r[1]
        while parent and depth < 20:
            depth += 1
            parent = parents.get(parent, 0)
        lines.append("  " * depth + str(r[3]))
    return "\n".join(lines)


def slowest(queries: list[dict], n: int = 3, *, explain_them: bool = True) -> list[dict]:
    seen: set[str] = set()
    out = []
    for q in sorted(queries, key=lambda q: -q["ms"]):
        key = q["sql"][:300]
        if key in seen:
            continue
        seen.add(key)
        item = dict(q)
        if explain_them:
            try:
                item["plan"] = explain(q["sql"])
            except Exception as exc:  # noqa: BLE001 - a plan is a nice-to-have
                item["plan"] = f"(EXPLAIN failed: {exc})"
        out.append(item)
        if len(out) == n:
            break
    return out


def timed(fn: Callable[[], Any]) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


# --------------------------------------------------------------------------------------------------
# Intake (HTTP) set-up


def intake_setup() -> dict:
    from kesu.accounts.models import Department, User
    from kesu.accounts.roles import Role
    from kesu.accounts.services import api_token_create

    team = Department.objects.filter(kind=Department.Kind.COMPLAINT_TEAM).order_by("pk").first()
    for i in range(8):
        User.objects.create_user(f"bench-handler{i}", password=None, role=Role.HANDLER, department=team)
    User.objects.create_user("bench-senior", password=None, role=Role.SENIOR_HANDLER, department=team)
    User.objects.create_user(
        "bench-supervisor",
        password=None,
        role=Role.SUPERVISOR,
        department=team,
        email="supervisor@example.cn",
    )
    # An integration account: it registers for every team and reads back what it created.
    api_user = User.objects.create_user("bench-integration", password=None, role=Role.ADMIN)
    _token, key = api_token_create(user=api_user, name="bench")
    return {"token": key, "team": team.code if team else None}


def intake_verify() -> dict:
    from django.db.models import Count

    from kesu.complaints.models import (
        Complaint,
        ComplaintEvent,
        ComplaintTriage,
        OutboundMessage,
        StageDeadline,
    )

    numbers = Complaint.objects.aggregate(n=Count("number"), distinct=Count("number", distinct=True))
    return {
        "complaints": Complaint.objects.count(),
        "distinct_numbers": numbers["distinct"],
        "intake_pending": Complaint.objects.filter(intake_pending=True).count(),
        "events": ComplaintEvent.objects.count(),
        "deadlines": StageDeadline.objects.count(),
        "assigned": Complaint.objects.filter(assignee__isnull=False).count(),
        "repeat": Complaint.objects.filter(is_repeat=True).count(),
        "triage": ComplaintTriage.objects.count(),
        "acknowledgements": OutboundMessage.objects.count(),
        "escalated": Complaint.objects.filter(escalated=True).count(),
    }


# --------------------------------------------------------------------------------------------------
# Data description


def describe() -> dict:
    from django.db.models import Count, Max, Min

    from kesu.complaints.models import OPEN_Q, Complaint, ComplaintEvent, StageDeadline

    agg = Complaint.objects.aggregate(n=Count("id"), first=Min("registered_at"), last=Max("registered_at"))
    return {
        "complaints": agg["n"],
        "open": Complaint.objects.filter(OPEN_Q).count(),
        "overdue_open": Complaint.objects.filter(OPEN_Q, is_overdue=True).count(),
        "events": ComplaintEvent.objects.count(),
        "deadlines": StageDeadline.objects.count(),
        "pending_deadlines": StageDeadline.objects.filter(met_at__isnull=True).count(),
        "registered_first": agg["first"].isoformat() if agg["first"] else None,
        "registered_last": agg["last"].isoformat() if agg["last"] else None,
        "by_team": _open_by_team(),
    }


def _open_by_team() -> list[dict]:
    from django.db.models import Count

    from kesu.complaints.models import OPEN_Q, Complaint

    rows = Complaint.objects.filter(OPEN_Q).values("department__code").annotate(n=Count("id")).order_by("-n")
    return [{"team": r["department__code"], "open": r["n"]} for r in rows]


# --------------------------------------------------------------------------------------------------
# Queue page


def _queue_users() -> tuple[Any, Any, Any]:
    from django.db.models import Count, Q

    from kesu.accounts.models import Department, User
    from kesu.accounts.roles import Role
    from kesu.complaints.models import OPEN_Q, Complaint

    busiest = (
        Complaint.objects.filter(OPEN_Q, department__kind=Department.Kind.COMPLAINT_TEAM)
        .values("department_id")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    team_id: Any = (
        busiest["department_id"]
        if busiest
        else Department.objects.filter(kind=Department.Kind.COMPLAINT_TEAM)
        .order_by("pk")
        .values_list("pk", flat=True)
        .first()
    )
    handler = (
        User.objects.filter(is_active=True, role=Role.HANDLER, department_id=team_id)
        .annotate(load=Count("assigned_complaints", filter=~Q(assigned_complaints__status="closed")))
        .order_by("-load", "pk")
        .first()
    )
    supervisor = (
        User.objects.filter(is_active=True, role=Role.SUPERVISOR, department_id=team_id)
        .order_by("pk")
        .first()
    )
    return team_id, handler, supervisor


def queue(samples: int, warmup: int, do_explain: bool) -> dict:
    from django.db.models import Count
    from django.test import Client

    from kesu.complaints import selectors
    from kesu.complaints.models import OPEN_Q, Complaint

    team_id, handler, supervisor = _queue_users()
    users = [("handler", handler), ("supervisor", supervisor)]
    users = [(label, u) for label, u in users if u is not None]
    # The filtered page: the team's most common category among open complaints, high severity.
    top = (
        Complaint.objects.filter(OPEN_Q, department_id=team_id)
        .values("category__code")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    top_cat = top["category__code"] if top else "logistics"
    base = "/desk/queue/?"
    result: dict = {"team_id": team_id, "users": {}, "scenarios": {}}
    scenarios: list[tuple[str, str, str, Any]] = []  # (user label, scenario, url, client)
    for label, user in users:
        client = Client()
        client.force_login(user)
        first = selectors.complaint_queue(user=user, queue="team", limit=25)
        team_open = Complaint.objects.filter(OPEN_Q, department_id=user.department_id).count()
        result["users"][label] = {
            "username": user.username,
            "role": user.role,
            "team_open": team_open,
            "has_second_page": bool(first.next_cursor),
        }
        urls = {
            "team p1": base + urlencode({"q": "team"}),
            "team p2 (cursor)": base + urlencode({"q": "team", "cursor": first.next_cursor or ""}),
            "filtered": base + urlencode({"q": "team", "category": top_cat, "severity": "high"}),
            "search (subject)": base + urlencode({"q": "team", "search": "空调"}),
        }
        for name, url in urls.items():
            scenarios.append((label, name, url, client))

    # Check each page renders, then warm up (templates, translations, caches, database pages).
    for label, name, url, client in scenarios:
        resp = client.get(url)
        if resp.status_code != 200:
            result["scenarios"][f"{label}: {name}"] = {"error": f"HTTP {resp.status_code}", "url": url}
        for _ in range(warmup):
            client.get(url)
    ok = [s for s in scenarios if f"{s[0]}: {s[1]}" not in result["scenarios"]]
    times: dict[str, list[float]] = {f"{label}: {name}": [] for label, name, _u, _c in ok}
    for _ in range(samples):  # round-robin, so that machine noise spreads over all scenarios alike
        for label, name, url, client in ok:
            t0 = time.perf_counter()
            client.get(url)
            times[f"{label}: {name}"].append(time.perf_counter() - t0)
    for label, name, url, client in ok:
        key = f"{label}: {name}"
        _resp, queries = capture(lambda c=client, u=url: c.get(u))  # type: ignore[misc]
        result["scenarios"][key] = {
            "url": url,
            "server_ms": summary_ms(times[key]),
            "queries": len(queries),
            "sql_ms": round(sum(q["ms"] for q in queries), 2),
            # Every statement of the page, slowest first, with its plan (a page runs about ten).
            "slowest": slowest(queries, 15, explain_them=do_explain),
        }

    # The selector calls alone (database time + ORM), to split the page time.
    for label, user in users:
        sel = [
            timed(lambda u=user: selectors.complaint_queue(user=u, queue="team", limit=25))  # type: ignore[misc]
            for _ in range(samples)
        ]
        cnt = [timed(lambda u=user: selectors.queue_counts(user=u)) for _ in range(samples)]  # type: ignore[misc]
        result["users"][label]["complaint_queue_ms"] = summary_ms(sel)
        result["users"][label]["queue_counts_ms"] = summary_ms(cnt)
    return result


# --------------------------------------------------------------------------------------------------
# Registration in-process on the loaded database


def register(samples: int, do_explain: bool) -> dict:
    from kesu.accounts.models import User
    from kesu.accounts.roles import Role
    from kesu.bench.intake import make_payload
    from kesu.complaints import services
    from kesu.complaints.services import ComplaintInput, CustomerInput

    actor = User.objects.filter(is_active=True, role=Role.ADMIN).order_by("pk").first()
    if actor is None:
        actor = User.objects.create_user("bench-integration", password=None, role=Role.ADMIN)
    rng = random.Random(7)
    phones: list[str] = []

    def one():
        p = make_payload(rng, phones)
        c = p["customer"]
        return services.complaint_register(
            data=ComplaintInput(
                channel=p["channel"],
                category_code=p["category"],
                severity=p["severity"],
                title=p["title"],
                description=p["description"],
                order_ref=p["order_ref"],
                customer=CustomerInput(name=c["name"], phone=c["phone"], email=c.get("email", "")),
            ),
            actor=actor,
        )

    for _ in range(3):
        one()
    times = [timed(one) for _ in range(samples)]
    _c, queries = capture(one)
    return {
        "ms": summary_ms(times),
        "queries": len(queries),
        "sql_ms": round(sum(q["ms"] for q in queries), 2),
        "slowest": slowest(queries, 3, explain_them=do_explain),
    }


# --------------------------------------------------------------------------------------------------
# SLA sweep


def _pending_moments(after: dt.datetime, n: int) -> list[dt.datetime]:
    """The next ``n`` moments after ``after`` at which the sweep will have something to mark."""
    from kesu.complaints.models import StageDeadline

    warn = (
        StageDeadline.objects.filter(met_at__isnull=True, warned_at__isnull=True, warn_at__gt=after)
        .order_by("warn_at")
        .values_list("warn_at", flat=True)[:n]
    )
    due = (
        StageDeadline.objects.filter(met_at__isnull=True, overdue_at__isnull=True, due_at__gt=after)
        .order_by("due_at")
        .values_list("due_at", flat=True)[:n]
    )
    return sorted([*warn, *due])[:n]


def _backlog(now: dt.datetime) -> int:
    from kesu.complaints.models import StageDeadline

    return (
        StageDeadline.objects.filter(met_at__isnull=True, warned_at__isnull=True, warn_at__lte=now).count()
        + StageDeadline.objects.filter(met_at__isnull=True, overdue_at__isnull=True, due_at__lte=now).count()
    )


def sweep(runs: int, due: int, due_runs: int, base_now: dt.datetime | None, do_explain: bool) -> dict:
    from kesu.complaints import sla

    now = base_now or timezone.now()
    result: dict = {"base_now": now.isoformat()}
    # Catch up first: whatever was already due at the loaded data's "now" (a worker would have done it).
    backlog = _backlog(now)
    result["backlog_at_base_now"] = backlog
    t0 = time.perf_counter()
    caught: dict[str, float] = {"warned": 0, "overdue": 0, "runs": 0}
    while backlog and caught["runs"] < 400:
        c = sla.sweep(now=now)
        caught["runs"] += 1
        caught["warned"] += c["warned"]
        caught["overdue"] += c["overdue"]
        if c["warned"] == 0 and c["overdue"] == 0:
            break
    caught["seconds"] = round(time.perf_counter() - t0, 2)
    result["catch_up"] = caught

    # The common case: nothing is due.
    sla.sweep(now=now)
    idle = []
    for _ in range(runs):
        t0 = time.perf_counter()
        counts = sla.sweep(now=now)
        idle.append(time.perf_counter() - t0)
        assert counts == {"warned": 0, "overdue": 0}, counts
    _r, idle_queries = capture(lambda: sla.sweep(now=now))
    result["idle"] = {
        "ms": summary_ms(idle),
        "queries": len(idle_queries),
        "statements": slowest(idle_queries, 2, explain_them=do_explain),
    }

    # N deadlines become due: move "now" forward just far enough, several times.
    busy = []
    t = now
    for _ in range(due_runs):
        moments = _pending_moments(t, due)
        if not moments:
            break
        t = moments[-1]
        t0 = time.perf_counter()
        counts = sla.sweep(now=t)
        elapsed = time.perf_counter() - t0
        items = counts["warned"] + counts["overdue"]
        busy.append(
            {
                "now": t.isoformat(),
                "warned": counts["warned"],
                "overdue": counts["overdue"],
                "ms": round(elapsed * 1000, 1),
                "per_item_ms": round(elapsed * 1000 / items, 2) if items else None,
            }
        )
    result["due_runs"] = busy
    # One more, small, to count the statements per item and look at their plans.
    moments = _pending_moments(t, 20)
    if moments:
        t = moments[-1]
        last_counts, queries = capture(lambda: sla.sweep(now=t))
        items = last_counts["warned"] + last_counts["overdue"]
        result["per_item_queries"] = {
            "items": items,
            "counts": last_counts,
            "queries": len(queries),
            "queries_per_item": round(len(queries) / items, 1) if items else None,
            "slowest": slowest(queries, 3, explain_them=do_explain),
        }
    return result
