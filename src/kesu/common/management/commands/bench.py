"""`kesu bench`: performance benchmarks (``make bench``). Prints figures; never asserts timings.

    kesu bench [intake|queue|sweep|all ...] [--db sqlite|postgres ...] [--size 100000|1000000 ...]
               [--workers 4] [--clients 8] [--seconds 20] [--fresh]

- intake: requests/s of POST /api/v1/complaints against `kesu serve` (gunicorn) on a fresh database.
- queue:  server time of the team queue page (/desk/queue/?q=team) at each --size, handler and supervisor.
- sweep:  sla.sweep() when nothing is due and when --due deadlines are, at each --size.

Loaded databases are cached under var/bench/ (PostgreSQL: template databases kesu_bench_<size>); --fresh
reloads them. PostgreSQL is the private one of scripts/pg-start.sh (--pg-url to use another; started
with a cluster kept in var/bench/pg when it is not running). See docs/benchmarks.md.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

BENCHMARKS = ("intake", "queue", "sweep")
TARGETS = {
    "intake": "≥ 300 complaints/s (PostgreSQL)",
    "queue": "p95 ≤ 100 ms at 1 M",
    "sweep": "≤ 1 s at 1 M",
}


class Command(BaseCommand):
    help = "Run the performance benchmarks (API intake, team queue page, SLA sweep) and print the figures."

    def add_arguments(self, parser):
        parser.add_argument(
            "benchmarks", nargs="*", metavar="BENCH", help="intake, queue, sweep or all (default all)"
        )
        parser.add_argument(
            "--db",
            action="append",
            choices=["sqlite", "postgres"],
            help="database(s) to run on (repeatable; default both)",
        )
        parser.add_argument(
            "--size",
            action="append",
            type=int,
            help="complaints loaded for queue/sweep (repeatable; default 100000 and 1000000)",
        )
        parser.add_argument(
            "--workers", type=int, default=4, help="intake: gunicorn worker processes (default 4)"
        )
        parser.add_argument("--threads", type=int, default=4, help="intake: threads per worker (default 4)")
        parser.add_argument(
            "--clients", type=int, default=8, help="intake: concurrent client processes (default 8)"
        )
        parser.add_argument("--seconds", type=float, default=20, help="intake: measured seconds (default 20)")
        parser.add_argument(
            "--no-intake-worker",
            action="store_true",
            help="intake: measure the API alone, without a task worker finishing the intake work",
        )
        parser.add_argument(
            "--max-requests", type=int, default=30000, help="intake: request budget (default 30000)"
        )
        parser.add_argument(
            "--samples", type=int, default=60, help="queue: timed requests per page (default 60)"
        )
        parser.add_argument(
            "--warmup", type=int, default=5, help="queue: untimed requests per page first (default 5)"
        )
        parser.add_argument(
            "--sweep-runs", type=int, default=20, help="sweep: runs with nothing due (default 20)"
        )
        parser.add_argument(
            "--due", type=int, default=300, help="sweep: deadlines due in each busy run (default 300)"
        )
        parser.add_argument("--due-runs", type=int, default=3, help="sweep: busy runs (default 3)")
        parser.add_argument(
            "--register-samples",
            type=int,
            default=30,
            help="in-process registrations timed on each loaded database (default 30; 0 = skip)",
        )
        parser.add_argument("--fresh", action="store_true", help="reload the cached databases")
        parser.add_argument("--no-explain", action="store_true", help="skip the query plans")
        parser.add_argument(
            "--pg-url",
            default=os.environ.get("KESU_BENCH_PG_URL", ""),
            help="maintenance database URL of the PostgreSQL server to use "
            "(default postgres://postgres@127.0.0.1:54329/postgres)",
        )
        parser.add_argument(
            "--pg-options",
            default="",
            help='PostgreSQL session settings for Kesu\'s connections, e.g. "-c synchronous_commit=off"',
        )
        parser.add_argument("--json", dest="json_path", help="also write the results to this file")
        # Internal: the child processes the orchestrator starts.
        parser.add_argument("--child", choices=["intake-setup", "intake-verify", "data"], help="(internal)")
        parser.add_argument("--out", help="(internal)")
        parser.add_argument("--spec", help="(internal)")

    # ----------------------------------------------------------------------------------------------
    # Child side: one database, in-process

    def _child(self, opts) -> None:
        from kesu.bench import inproc

        kind = opts["child"]
        if kind == "intake-setup":
            result = inproc.intake_setup()
        elif kind == "intake-verify":
            result = inproc.intake_verify()
        else:
            spec = json.loads(opts["spec"])
            result = self._child_data(spec)
        Path(opts["out"]).write_text(json.dumps(result, ensure_ascii=False, indent=1, default=str))

    def _child_data(self, spec: dict) -> dict:
        from django.db import connection
        from django.utils.dateparse import parse_datetime

        from kesu.bench import inproc

        result: dict = {"data": inproc.describe()}
        data_now = parse_datetime(spec["data_now"])
        if "queue" in spec["tasks"]:
            result["queue"] = inproc.queue(spec["samples"], spec["warmup"], spec["explain"])
        if "sweep" in spec["tasks"]:
            # The loaded data's "now" (kesu demo --now): the loader marked what was due by then.
            result["sweep"] = inproc.sweep(
                spec["sweep_runs"], spec["due"], spec["due_runs"], data_now, spec["explain"]
            )
        if spec.get("register_samples"):
            result["register"] = inproc.register(spec["register_samples"], spec["explain"])
        result["vendor"] = connection.vendor
        return result

    # ----------------------------------------------------------------------------------------------
    # Orchestrator

    def handle(self, *args, **opts):
        if opts["child"]:
            return self._child(opts)
        from kesu.bench import dbs
        from kesu.bench.intake import run_intake

        wanted = set(opts["benchmarks"] or ["all"])
        unknown = wanted - {*BENCHMARKS, "all"}
        if unknown:
            raise CommandError(
                f"unknown benchmark(s): {', '.join(sorted(unknown))}; choose from intake, queue, sweep, all"
            )
        benches = [b for b in BENCHMARKS if "all" in wanted or b in wanted]
        kinds = list(dict.fromkeys(opts["db"] or ["sqlite", "postgres"]))
        sizes = sorted(set(opts["size"] or [100_000, 1_000_000]))
        repo_var = Path.cwd() / "var"
        pg = dbs.Postgres(opts["pg_url"] or dbs.DEFAULT_PG_URL, Path.cwd(), opts["pg_options"])
        if "postgres" in kinds and not pg.ensure_running():
            self.stderr.write(
                f"PostgreSQL is not reachable at {pg.url}: skipping it (scripts/pg-start.sh var/bench/pg)."
            )
            kinds.remove("postgres")

        results: dict = {
            "started": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
            "command": " ".join(["kesu", *sys.argv[2:]]) if len(sys.argv) > 1 else "kesu bench",
            "machine": self._machine(pg if "postgres" in kinds else None),
            "intake": [],
            "data": [],
        }
        self._print_machine(results["machine"])
        t_start = time.perf_counter()

        if "intake" in benches:
            for kind in kinds:
                dbs.log(
                    f"intake on {kind}: {opts['workers']} workers × {opts['threads']} threads, "
                    f"{opts['clients']} clients, {opts['seconds']:.0f} s"
                )
                try:
                    r = run_intake(
                        kind,
                        pg=pg if kind == "postgres" else None,
                        workers=opts["workers"],
                        threads=opts["threads"],
                        clients=opts["clients"],
                        seconds=opts["seconds"],
                        max_requests=opts["max_requests"],
                        worker=not opts["no_intake_worker"],
                    )
                except Exception as exc:  # noqa: BLE001 - report and go on with the other benchmarks
                    r = {"db": kind, "error": f"{type(exc).__name__}: {exc}"}
                r["loadavg_after"] = _loadavg()
                results["intake"].append(r)
                self._print_intake(r)

        data_tasks = [b for b in benches if b in ("queue", "sweep")]
        if data_tasks:
            for size in sizes:
                for kind in kinds:
                    r = self._data_run(dbs, kind, size, pg, repo_var, data_tasks, opts)
                    results["data"].append(r)
                    self._print_data(r)

        results["elapsed_s"] = round(time.perf_counter() - t_start, 1)
        self._print_summary(results)
        out_dir = repo_var / "bench"
        out_dir.mkdir(parents=True, exist_ok=True)
        stamp = time.strftime("%Y%m%d-%H%M%S")
        path = out_dir / f"results-{stamp}.json"
        text = json.dumps(results, ensure_ascii=False, indent=1, default=str)
        path.write_text(text)
        if opts["json_path"]:
            Path(opts["json_path"]).write_text(text)
        self.stdout.write(f"\nFull results (SQL, query plans): {path}")

    def _data_run(self, dbs, kind, size, pg, repo_var, tasks, opts) -> dict:
        r: dict = {"db": kind, "size": size}
        try:
            t0 = time.perf_counter()
            meta = dbs.ensure_cached(
                kind, size, pg=pg if kind == "postgres" else None, repo_var=repo_var, fresh_load=opts["fresh"]
            )
            r["cache"] = meta
            r["cache_ready_s"] = round(time.perf_counter() - t0, 1)
            with dbs.working_copy(
                kind, size, pg=pg if kind == "postgres" else None, repo_var=repo_var, label=f"{kind}-{size}"
            ) as target:
                r["copy_s"] = target.info.get("copy_s")
                spec = {
                    "tasks": tasks,
                    "samples": opts["samples"],
                    "warmup": opts["warmup"],
                    "sweep_runs": opts["sweep_runs"],
                    "due": opts["due"],
                    "due_runs": opts["due_runs"],
                    "register_samples": opts["register_samples"],
                    "explain": not opts["no_explain"],
                    "data_now": meta.get("data_now") or dbs.DATA_NOW,
                }
                out = target.data_dir / "result.json"
                r["loadavg_before"] = _loadavg()
                dbs.log(f"{' + '.join(tasks)} on {kind} with {size:,} complaints")
                dbs.run(
                    dbs.kesu_cmd("bench", "--child", "data", "--spec", json.dumps(spec), "--out", str(out)),
                    target.env(),
                    log_file=target.data_dir / "child.log",
                    check=False,
                )
                if not out.exists():
                    log = (target.data_dir / "child.log").read_text(errors="replace")[-3000:]
                    raise RuntimeError(f"the benchmark process failed:\n{log}")
                r.update(json.loads(out.read_text()))
        except Exception as exc:  # noqa: BLE001 - report and go on
            r["error"] = f"{type(exc).__name__}: {exc}"
        return r

    # ----------------------------------------------------------------------------------------------
    # Machine description

    def _machine(self, pg) -> dict:
        import django

        info: dict = {
            "nproc": os.cpu_count(),
            "cpu": _cpu_model(),
            "ram_gb": _ram_gb(),
            "kernel": platform.release(),
            "python": platform.python_version(),
            "django": django.get_version(),
            "sqlite": sqlite3.sqlite_version,
            "loadavg_at_start": _loadavg(),
            "git": _git_head(),
        }
        if pg is not None:
            try:
                info["postgres"] = pg.settings()
            except Exception as exc:  # noqa: BLE001
                info["postgres"] = {"error": str(exc)}
        return info

    # ----------------------------------------------------------------------------------------------
    # Printing

    def _w(self, line: str = "") -> None:
        self.stdout.write(line)

    def _print_machine(self, m: dict) -> None:
        pg = m.get("postgres") or {}
        self._w(
            f"Machine: {m['nproc']} CPUs ({m['cpu']}), {m['ram_gb']} GB RAM, Linux {m['kernel']}, "
            f"load {m['loadavg_at_start']}"
        )
        self._w(
            f"Python {m['python']}, Django {m['django']}, SQLite {m['sqlite']}"
            + (
                f", PostgreSQL {pg.get('server_version')} (shared_buffers {pg.get('shared_buffers')}, "
                f"fsync {pg.get('fsync')}, synchronous_commit {pg.get('synchronous_commit')})"
                if pg
                else ""
            )
        )

    def _print_intake(self, r: dict) -> None:
        self._w(f"\n== API intake on {r['db']} (load average after: {r.get('loadavg_after', '?')}) ==")
        if "error" in r:
            self._w(f"  FAILED: {r['error']}")
            return
        lat = r["latency_ms"]
        self._w(f"  {r['server']}, {r['clients']} client processes, {r['seconds']} s")
        self._w(f"  {r['complaints_per_s']} complaints/s ({r['created']} created; statuses {r['statuses']})")
        self._w(f"  latency p50 {lat['p50']} ms, p95 {lat['p95']} ms, max {lat['max']} ms")
        cs = r.get("cpu_share") or {}
        self._w(
            f"  CPU (share of all {r.get('ncpu', '')} cores): machine {_pct(r['machine_busy_share'])} busy = "
            + ", ".join(f"{k.replace('_', ' ')} {_pct(v)}" for k, v in cs.items())
        )
        self._w(
            "  CPU ms per complaint: "
            + ", ".join(
                f"{k.replace('_', ' ')} {v}" for k, v in (r.get("cpu_ms_per_complaint") or {}).items()
            )
        )
        if r.get("pg_wait_events"):
            w = r["pg_wait_events"]
            top = ", ".join(f"{k} {v * 100:.0f} %" for k, v in list(w["share"].items())[:6])
            self._w(
                f"  PostgreSQL backends (sampled every 100 ms): {w['active_backends_avg']} active on average; {top}"
            )
        if r["errors"] or r["server_errors"]:
            self._w(f"  errors: {r['errors']} {r['server_errors']}")
        self._w(f"  rows written: {r['rows_in_db']}")
        for note in r.get("notes") or []:
            self._w(f"  {note}")

    def _print_data(self, r: dict) -> None:
        self._w(
            f"\n== {r['size']:,} complaints on {r['db']} (load average before: {r.get('loadavg_before', '?')}) =="
        )
        if "error" in r:
            self._w(f"  FAILED: {r['error']}")
            return
        d = r["data"]
        self._w(
            f"  data: {d['complaints']:,} complaints, {d['open']:,} open ({d['overdue_open']:,} overdue), "
            f"{d['events']:,} events, {d['pending_deadlines']:,} pending deadlines; by team {d['by_team']}"
        )
        q = r.get("queue")
        if q:
            for label, u in q["users"].items():
                self._w(
                    f"  {label} {u['username']} (team has {u['team_open']:,} open): complaint_queue() "
                    f"p50 {u['complaint_queue_ms']['p50']} ms, queue_counts() p50 {u['queue_counts_ms']['p50']} ms"
                )
            for name, s in q["scenarios"].items():
                if "error" in s:
                    self._w(f"  {name:<34} {s['error']} {s['url']}")
                    continue
                t = s["server_ms"]
                self._w(
                    f"  {name:<34} p50 {t['p50']:>8} ms  p95 {t['p95']:>8} ms  ({s['queries']} queries, "
                    f"{s['sql_ms']} ms SQL; slowest {s['slowest'][0]['ms'] if s['slowest'] else '-'} ms)"
                )
        reg = r.get("register")
        if reg:
            self._w(
                f"  register in-process: p50 {reg['ms']['p50']} ms, p95 {reg['ms']['p95']} ms, "
                f"{reg['queries']} queries ({reg['sql_ms']} ms SQL)"
            )
        s = r.get("sweep")
        if s:
            self._w(
                f"  sweep: catch-up at the data's now {s['catch_up']}; idle p50 {s['idle']['ms']['p50']} ms "
                f"p95 {s['idle']['ms']['p95']} ms ({s['idle']['queries']} queries)"
            )
            for b in s["due_runs"]:
                self._w(
                    f"  sweep with {b['warned']} warnings + {b['overdue']} overdue: {b['ms']} ms "
                    f"({b['per_item_ms']} ms per item)"
                )
            if s.get("per_item_queries"):
                p = s["per_item_queries"]
                self._w(f"  sweep statements per item: {p['queries_per_item']}")

    def _print_summary(self, results: dict) -> None:
        self._w("\n== Summary (targets on the 2-core reference machine; figures only, nothing asserted) ==")
        for r in results["intake"]:
            if "error" not in r:
                ratio = r["complaints_per_s"] / 300
                self._w(
                    f"  intake   {r['db']:<8}            {r['complaints_per_s']:>8} complaints/s  "
                    f"(p95 {r['latency_ms']['p95']} ms; {ratio:.2f}× the 300/s target)"
                )
        for r in results["data"]:
            if "error" in r:
                continue
            for name, s in (r.get("queue") or {}).get("scenarios", {}).items():
                if "server_ms" in s:
                    p95 = s["server_ms"]["p95"]
                    self._w(
                        f"  queue    {r['db']:<8} {r['size']:>9,}  {name:<30} p50 {s['server_ms']['p50']:>7} ms  "
                        f"p95 {p95:>7} ms  ({p95 / 100:.2f}× the 100 ms target)"
                    )
            sw = r.get("sweep")
            if sw:
                busy = [b["ms"] for b in sw["due_runs"]]
                busy_txt = ", ".join(
                    f"{b['warned'] + b['overdue']} due: {b['ms']} ms" for b in sw["due_runs"]
                )
                self._w(
                    f"  sweep    {r['db']:<8} {r['size']:>9,}  idle p50 {sw['idle']['ms']['p50']} ms; {busy_txt}"
                    + (f"  ({max(busy) / 1000:.2f}× the 1 s target)" if busy else "")
                )
        self._w(f"  (total {results['elapsed_s']} s)")


def _pct(x) -> str:
    return "?" if x is None else f"{x * 100:.0f} %"


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _ram_gb() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return None


def _loadavg() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def _git_head() -> str:
    try:
        cmd = ["git", "rev-parse", "--short", "HEAD"]
        return subprocess.run(cmd, capture_output=True, text=True, check=False, timeout=5).stdout.strip()  # noqa: S603
    except (OSError, subprocess.SubprocessError):
        return ""
