"""`kesu academy_bench`: the academy's benchmarks (``make bench``). Prints figures; never asserts timings.

    kesu academy_bench [--db sqlite|postgres ...] [--size 1000000] [--staff 2000] [--samples 30]

needs: on a working copy of the cached database of ``--size`` complaints (the same caches as `kesu bench`,
see kesu/bench/dbs.py), ``--staff`` people are added to the complaint teams and the year's complaints are
spread over them; each person also gets six exams' worth of evidence. Then it times
- desk evidence: ``desk_evidence_refresh`` for each of the twelve months (the nightly job's work);
- kept levels: ``levels_refresh`` for everyone (the nightly job's other work);
- organisation: the needs analysis of everyone (``group_needs`` over all ``--staff`` people), from the kept
  levels, and the same computed live from all evidence (checked to be equal);
- person page: GET /academy/people/<username>/ in-process (server time, median and p95).
Targets (issue 4): whole organisation ≤ 5 s; a person's page ≤ 200 ms.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import statistics
import sys
import time
from pathlib import Path

from django.core.management.base import BaseCommand

from kesu.bench.stats import percentile


class Command(BaseCommand):
    help = "Academy benchmarks: needs analysis of a 2,000-person organisation over a year of 1 M complaints."

    def add_arguments(self, parser):
        parser.add_argument("--db", action="append", choices=["sqlite", "postgres"])
        parser.add_argument("--size", type=int, default=1_000_000)
        parser.add_argument("--staff", type=int, default=2000)
        parser.add_argument("--samples", type=int, default=30)
        parser.add_argument("--runs", type=int, default=5, help="organisation analyses timed (default 5)")
        parser.add_argument("--pg-url", default=os.environ.get("KESU_BENCH_PG_URL", ""))
        parser.add_argument("--fresh", action="store_true")
        parser.add_argument("--child", action="store_true", help="(internal)")
        parser.add_argument("--out", help="(internal)")

    def handle(self, *args, **opts):
        if opts["child"]:
            result = _measure(opts["staff"], opts["samples"], opts["runs"])
            Path(opts["out"]).write_text(json.dumps(result, indent=1, default=str))
            return
        from kesu.bench import dbs

        kinds = list(dict.fromkeys(opts["db"] or ["sqlite", "postgres"]))
        repo_var = Path.cwd() / "var"
        pg = dbs.Postgres(opts["pg_url"] or dbs.DEFAULT_PG_URL, Path.cwd())
        if "postgres" in kinds and not pg.ensure_running():
            self.stderr.write(f"PostgreSQL is not reachable at {pg.url}: skipping it.")
            kinds.remove("postgres")
        self.stdout.write(f"$ kesu academy_bench {' '.join(sys.argv[2:])}")
        self.stdout.write(f"machine: {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.2f}")
        for kind in kinds:
            size = opts["size"]
            dbs.log(f"needs analysis on {kind}: {size:,} complaints, {opts['staff']:,} staff")
            dbs.ensure_cached(
                kind, size, pg=pg if kind == "postgres" else None, repo_var=repo_var, fresh_load=opts["fresh"]
            )
            with dbs.working_copy(
                kind, size, pg=pg if kind == "postgres" else None, repo_var=repo_var, label=f"academy-{kind}"
            ) as target:
                out = target.data_dir / "academy.json"
                cmd = dbs.kesu_cmd(
                    "academy_bench",
                    "--child",
                    "--out",
                    str(out),
                    "--staff",
                    str(opts["staff"]),
                    "--samples",
                    str(opts["samples"]),
                    "--runs",
                    str(opts["runs"]),
                )
                dbs.run(cmd, target.env(), log_file=target.data_dir / "child.log", check=False)
                if not out.exists():
                    self.stderr.write((target.data_dir / "child.log").read_text(errors="replace")[-3000:])
                    continue
                r = json.loads(out.read_text())
            self.stdout.write(
                f"\n{kind}: {r['complaints']:,} complaints, {r['staff']:,} staff, {r['evidence']:,} evidence rows\n"
                f"  setup (staff, reassignment, exam evidence): {r['setup_s']:.1f} s\n"
                f"  desk evidence, 12 months: total {r['desk_total_s']:.2f} s "
                f"(per month median {r['desk_month_median_s']:.2f} s)\n"
                f"  kept levels, everyone (nightly): {r['levels_s']:.2f} s ({r['levels_rows']:,} rows)\n"
                f"  organisation needs analysis ({r['staff']:,} people): median {r['org_median_s']:.2f} s, "
                f"runs {', '.join(f'{x:.2f}' for x in r['org_runs_s'])}  [target ≤ 5 s]\n"
                f"  the same computed from all evidence (live): median {r['live_median_s']:.2f} s\n"
                f"  person page: median {r['person_median_ms']:.0f} ms, p95 {r['person_p95_ms']:.0f} ms "
                f"({r['person_queries']} queries)  [target ≤ 200 ms]"
            )


def _measure(staff: int, samples: int, runs: int) -> dict:
    from django.contrib.auth.hashers import make_password
    from django.db import connection, transaction
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from kesu.accounts.models import Department, User
    from kesu.accounts.roles import Role
    from kesu.common import clock
    from kesu.competency import selectors, services
    from kesu.competency.content import ITEM_CODES
    from kesu.competency.models import Evidence
    from kesu.complaints.models import Complaint

    t0 = time.perf_counter()
    teams = list(Department.objects.filter(kind=Department.Kind.COMPLAINT_TEAM).order_by("pk"))
    password = make_password("bench-not-a-login")
    joined = timezone.now() - dt.timedelta(days=800)
    roles = [Role.HANDLER] * 16 + [Role.SENIOR_HANDLER] * 2 + [Role.SUPERVISOR, Role.PR_OFFICER]
    with transaction.atomic():
        User.objects.bulk_create(
            [
                User(
                    username=f"staff{n:05d}",
                    display_name=f"员工{n:05d}",
                    role=roles[n % len(roles)],
                    department=teams[n % len(teams)],
                    password=password,
                    date_joined=joined,
                )
                for n in range(staff)
            ],
            batch_size=1000,
        )
    ids = list(User.objects.filter(username__startswith="staff").order_by("pk").values_list("pk", flat=True))
    first, n_staff = ids[0], len(ids)
    assert ids[-1] - first == n_staff - 1, "staff ids are not contiguous"
    with transaction.atomic(), connection.cursor() as cur:
        table = connection.ops.quote_name(Complaint._meta.db_table)
        cur.execute(
            f"UPDATE {table} SET assignee_id = %s + (id %% %s) WHERE assignee_id IS NOT NULL",  # noqa: S608
            [first, n_staff],
        )
    today = timezone.localdate()
    now = timezone.now()
    rows = []
    for k, uid in enumerate(ids):
        for e in range(6):
            on = today - dt.timedelta(days=30 + 55 * e + k % 20)
            for j in range(5):
                code = ITEM_CODES[(k + e * 5 + j) % len(ITEM_CODES)]
                rows.append(
                    Evidence(
                        user_id=uid,
                        item_code=code,
                        source="exam",
                        ref=f"bench-exam:{uid}:{e}",
                        level=1 + (k * 7 + e * 3 + j) % 40 / 10,
                        weight=1.0,
                        observed_on=on,
                        recorded_at=now,
                    )
                )
    Evidence.objects.bulk_create(rows, batch_size=5000)
    setup_s = time.perf_counter() - t0

    months = []
    first_month = today.replace(day=1)
    for _ in range(12):
        months.append(first_month)
        first_month = (first_month - dt.timedelta(days=1)).replace(day=1)
    month_times = []
    for m in reversed(months):
        t = time.perf_counter()
        services.desk_evidence_refresh(month=m, refresh_levels=False)
        month_times.append(time.perf_counter() - t)

    t = time.perf_counter()
    kept = services.levels_refresh()
    levels_s = time.perf_counter() - t

    people = list(User.objects.filter(pk__in=ids).select_related("department"))
    trainer = User.objects.get(username="trainer")
    org_runs, live_runs = [], []
    for _ in range(runs):
        t = time.perf_counter()
        group = selectors.group_needs(users=selectors.learners_visible_to(trainer))
        org_runs.append(time.perf_counter() - t)
        t = time.perf_counter()
        live = selectors.group_needs(users=selectors.learners_visible_to(trainer), live=True)
        live_runs.append(time.perf_counter() - t)
    assert len(group.people) >= n_staff * 0.9
    assert group.common_gaps == live.common_gaps, "kept levels differ from the evidence"

    client = Client()
    viewer = User.objects.get(username="trainer")
    client.force_login(viewer)
    times = []
    queries = 0
    with clock.frozen_at(now):
        for i in range(samples + 3):
            person = people[(i * 37) % len(people)]
            url = f"/academy/people/{person.username}/"
            t = time.perf_counter()
            with CaptureQueriesContext(connection) as ctx:
                response = client.get(url)
            elapsed = time.perf_counter() - t
            assert response.status_code == 200, response.status_code
            if i >= 3:
                times.append(elapsed)
                queries = len(ctx.captured_queries)
    return {
        "complaints": Complaint.objects.count(),
        "staff": n_staff,
        "evidence": Evidence.objects.count(),
        "setup_s": setup_s,
        "desk_total_s": sum(month_times),
        "desk_month_median_s": statistics.median(month_times),
        "org_runs_s": org_runs,
        "org_median_s": statistics.median(org_runs),
        "live_runs_s": live_runs,
        "live_median_s": statistics.median(live_runs),
        "levels_s": levels_s,
        "levels_rows": kept,
        "person_median_ms": statistics.median(times) * 1000,
        "person_p95_ms": percentile(times, 95) * 1000,
        "person_queries": queries,
        "vendor": connection.vendor,
    }
