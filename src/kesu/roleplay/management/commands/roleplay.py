"""`kesu roleplay`: the role-play simulator's evaluation and benchmarks.

kesu roleplay eval [--verbose]
    Replays the reference conversations (roleplay/content/reference/*.yaml), each scored by a
    trainer before the engine saw it, and prints Spearman's rank correlation between the engine's
    and the trainer's scores and the pass/fail agreement (targets: ≥ 0.7 and ≥ 85 %).

kesu roleplay bench [--db sqlite|postgres] [--turns 200] [--sessions 200] [--workers 4]
    turn:       server time of one turn (score + next line) on the scripted engine, in-process,
                median and p95 over --turns turns.
    concurrent: --sessions practice sessions at once against `kesu serve` (gunicorn), each a client
                thread that starts a session and sends its replies; counts errors.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import signal
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

REPLIES = [
    "您好，非常抱歉给您带来不便，我是客服小李，我马上帮您查一下具体情况。",
    "我理解您的心情，换作是我也会着急。我已经为您加急处理，今天下午5点前给您答复。",
    "另外为表歉意，我们为您申请一张20元的补偿券，您看可以吗？",
    "明天上午我会再给您打电话确认结果，有任何问题您随时联系我。",
    "再次向您道歉，感谢您的耐心和理解。",
]


class Command(BaseCommand):
    help = "Role-play simulator: evaluation against trainers' scores (eval) and benchmarks (bench)."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["eval", "bench"])
        parser.add_argument("--verbose", action="store_true")
        parser.add_argument("--db", action="append", choices=["sqlite", "postgres"])
        parser.add_argument("--turns", type=int, default=200)
        parser.add_argument("--sessions", type=int, default=200)
        parser.add_argument("--workers", type=int, default=4)
        parser.add_argument("--threads", type=int, default=8)
        parser.add_argument("--pg-url", default=os.environ.get("KESU_BENCH_PG_URL", ""))
        parser.add_argument("--child", choices=["setup", "turns"], help="(internal)")
        parser.add_argument("--out", help="(internal)")

    def handle(self, *args, **opts):
        if opts["child"]:
            result = _setup(opts["sessions"]) if opts["child"] == "setup" else _turns(opts["turns"])
            Path(opts["out"]).write_text(json.dumps(result))
            return
        if opts["action"] == "eval":
            return self._eval(opts["verbose"])
        return self._bench(opts)

    def _eval(self, verbose: bool) -> None:
        from kesu.roleplay.engine.evaluate import evaluate, load_library, load_references

        scenarios = load_library()
        refs = load_references()
        if not refs:
            raise CommandError("No reference conversations in roleplay/content/reference/.")
        e = evaluate(scenarios, refs)
        by_quality: dict[str, list] = {}
        for r in e.rows:
            by_quality.setdefault(r.quality, []).append(r)
        self.stdout.write(
            f"{len(e.rows)} reference conversations over {len({r.scenario for r in e.rows})} scenarios"
        )
        for q, rows in sorted(by_quality.items()):
            self.stdout.write(
                f"  {q or '-':9} n={len(rows):3}  trainer mean {statistics.mean(r.trainer_score for r in rows):5.1f}"
                f"  engine mean {statistics.mean(r.engine_score for r in rows):5.1f}"
            )
        self.stdout.write(f"Spearman (engine vs trainer scores): {e.spearman:.3f}   [target ≥ 0.70]")
        self.stdout.write(f"Pass/fail agreement: {e.agreement:.1%}   [target ≥ 85 %]")
        if verbose or e.disagreements:
            self.stdout.write("Disagreements on pass/fail:" if e.disagreements else "")
            for r in e.rows if verbose else e.disagreements:
                self.stdout.write(
                    f"  {r.code:28} trainer {r.trainer_score:3} {'pass' if r.trainer_pass else 'fail'}"
                    f"  engine {r.engine_score:3} {'pass' if r.engine_pass else 'fail'} ({r.outcome}, {r.turns} turns)"
                )

    def _bench(self, opts) -> None:
        from kesu.bench import dbs

        kinds = list(dict.fromkeys(opts["db"] or ["sqlite"]))
        pg = dbs.Postgres(opts["pg_url"] or dbs.DEFAULT_PG_URL, Path.cwd())
        if "postgres" in kinds and not pg.ensure_running():
            self.stderr.write(f"PostgreSQL is not reachable at {pg.url}: skipping it.")
            kinds.remove("postgres")
        self.stdout.write(f"$ kesu roleplay bench {' '.join(sys.argv[3:])}")
        self.stdout.write(f"machine: {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.2f}")
        for kind in kinds:
            with dbs.fresh(kind, pg if kind == "postgres" else None, "roleplay") as target:
                out = target.data_dir / "setup.json"
                dbs.run(
                    dbs.kesu_cmd(
                        "roleplay",
                        "bench",
                        "--child",
                        "setup",
                        "--sessions",
                        str(opts["sessions"]),
                        "--out",
                        str(out),
                    ),
                    target.env(),
                    log_file=target.data_dir / "setup.log",
                )
                setup = json.loads(out.read_text())
                out2 = target.data_dir / "turns.json"
                dbs.run(
                    dbs.kesu_cmd(
                        "roleplay",
                        "bench",
                        "--child",
                        "turns",
                        "--turns",
                        str(opts["turns"]),
                        "--out",
                        str(out2),
                    ),
                    target.env(),
                    log_file=target.data_dir / "turns.log",
                )
                turns = json.loads(out2.read_text())
                conc = _concurrent(target, setup, opts["workers"], opts["threads"])
            self.stdout.write(
                f"\n{kind}: scripted turn (score + next line), {turns['n']} turns in-process: "
                f"median {turns['median_ms']:.1f} ms, p95 {turns['p95_ms']:.1f} ms "
                f"(engine alone: median {turns['engine_median_ms']:.1f} ms)  [target median ≤ 20 ms]\n"
                f"{kind}: {conc['sessions']} concurrent practice sessions over HTTP "
                f"({opts['workers']} workers × {opts['threads']} threads): {conc['requests']} requests in "
                f"{conc['seconds']:.1f} s, errors {conc['errors']}, request median {conc['median_ms']:.0f} ms, "
                f"p95 {conc['p95_ms']:.0f} ms  [target: no errors]"
            )
            if conc["error_samples"]:
                self.stdout.write("  first errors: " + "; ".join(conc["error_samples"][:5]))


def _setup(sessions: int) -> dict:
    from django.contrib.auth.hashers import make_password

    from kesu.accounts.models import Department, User
    from kesu.accounts.services import api_token_create
    from kesu.roleplay.models import Scenario

    team = Department.objects.filter(kind=Department.Kind.COMPLAINT_TEAM).first()
    password = make_password(None)
    User.objects.bulk_create(
        [
            User(username=f"rp{n:04d}", role="handler", department=team, password=password)
            for n in range(sessions)
        ]
    )
    tokens = [
        api_token_create(user=u, name="bench")[1]
        for u in User.objects.filter(username__startswith="rp").order_by("pk")
    ]
    scenario = (
        Scenario.objects.filter(is_drill=False, active=True).order_by("code").values_list("code", flat=True)
    )
    codes = list(scenario)
    if not codes:
        raise CommandError("No scenarios are installed.")
    return {"tokens": tokens, "scenarios": codes}


def _turns(n: int) -> dict:
    from kesu.accounts.models import User
    from kesu.bench.stats import percentile
    from kesu.roleplay import services
    from kesu.roleplay.engine import engine as eng
    from kesu.roleplay.models import Scenario

    user = User.objects.filter(username__startswith="rp").order_by("pk").first()
    codes = list(Scenario.objects.filter(is_drill=False).order_by("code").values_list("code", flat=True))
    times, engine_times = [], []
    session = None
    k = 0
    while len(times) < n:
        if session is None or session.status != "active" or session.turn_count >= len(REPLIES):
            session = services.session_start(user=user, scenario_code=codes[k % len(codes)], mode="practice")
            k += 1
        reply = REPLIES[session.turn_count % len(REPLIES)]
        scenario = services.parsed_version(session.version)
        t0 = time.perf_counter()
        eng.turn(scenario, eng.State.from_dict(session.state), reply)
        engine_times.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        services.session_reply(
            session_id=session.pk, user=user, reply=reply, turn_number=session.turn_count + 1
        )
        times.append(time.perf_counter() - t0)
        session.refresh_from_db()
    return {
        "n": len(times),
        "median_ms": statistics.median(times) * 1000,
        "p95_ms": percentile(times, 95) * 1000,
        "engine_median_ms": statistics.median(engine_times) * 1000,
    }


def _concurrent(target, setup: dict, workers: int, threads: int) -> dict:
    from kesu.bench import dbs
    from kesu.bench.intake import _free_port
    from kesu.bench.stats import percentile

    port = _free_port()
    with open(target.data_dir / "server.log", "wb") as log_out:
        proc = subprocess.Popen(  # noqa: S603
            dbs.kesu_cmd(
                "serve", "--workers", str(workers), "--threads", str(threads), "--bind", f"127.0.0.1:{port}"
            ),
            env=target.env(),
            stdout=log_out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    barrier = threading.Barrier(len(setup["tokens"]))

    def client(i: int, token: str) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

        def call(method: str, path: str, body: dict | None = None) -> dict:
            t0 = time.perf_counter()
            conn.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
            response = conn.getresponse()
            data = response.read()
            with lock:
                latencies.append(time.perf_counter() - t0)
            if response.status >= 400:
                raise RuntimeError(f"{method} {path}: {response.status} {data[:120]!r}")
            return json.loads(data)

        try:
            barrier.wait(timeout=60)
            code = setup["scenarios"][i % len(setup["scenarios"])]
            session = call("POST", "/api/v1/roleplay/sessions", {"scenario": code, "mode": "practice"})
            for n, reply in enumerate(REPLIES, 1):
                turn = call(
                    "POST", f"/api/v1/roleplay/sessions/{session['id']}/replies", {"reply": reply, "turn": n}
                )
                if turn["session_status"] != "active":
                    break
            call("GET", f"/api/v1/roleplay/sessions/{session['id']}/debrief")
        except Exception as exc:  # noqa: BLE001 - counted and reported
            with lock:
                errors.append(f"{type(exc).__name__}: {exc}")
        finally:
            conn.close()

    try:
        _wait_ready(port, proc, target.data_dir / "server.log")
        pool = [threading.Thread(target=client, args=(i, t)) for i, t in enumerate(setup["tokens"])]
        t0 = time.perf_counter()
        for t in pool:
            t.start()
        for t in pool:
            t.join()
        seconds = time.perf_counter() - t0
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    return {
        "sessions": len(setup["tokens"]),
        "requests": len(latencies),
        "seconds": seconds,
        "errors": len(errors),
        "error_samples": errors[:10],
        "median_ms": statistics.median(latencies) * 1000 if latencies else float("nan"),
        "p95_ms": percentile(latencies, 95) * 1000 if latencies else float("nan"),
    }


def _wait_ready(port: int, proc: subprocess.Popen, log: Path, timeout: float = 300) -> None:
    """Wait for gunicorn's workers (a loaded 2-core machine may need minutes to import everything)."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"kesu serve exited with code {proc.returncode}: {log.read_text()[-2000:]}")
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            c.request("GET", "/api/v1/openapi.json")
            c.getresponse().read()
            c.close()
            return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"kesu serve did not answer within {timeout:.0f} s: {log.read_text()[-2000:]}")
