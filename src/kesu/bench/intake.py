"""API intake throughput: the real server (``kesu serve``, gunicorn) on a fresh database, driven over
loopback by a pool of client processes that POST /api/v1/complaints with a bearer token.

The load generator runs on the same machine and competes with the server and the database for the
same cores; the result reports how much CPU the clients used so the figure can be read accordingly.

The API registers a complaint and leaves its intake work (repeat link, SLA timers, assignment, triage,
acknowledgement) to the ``finish_intake`` task. With ``worker=True`` (the default) a ``kesu worker`` runs
during the measurement, as in production, and after the window the benchmark waits until it has
finished every complaint: ``drained_per_s`` is complaints / time until the last one was finished, and
the worker's CPU is reported with the rest. With ``worker=False`` only the API is measured and the
backlog is left in the queue (reported as ``intake_pending``).
"""

from __future__ import annotations

import contextlib
import http.client
import json
import multiprocessing
import os
import random
import signal
import socket
import subprocess
import time
import uuid
from pathlib import Path

from kesu.bench import dbs
from kesu.bench.stats import summary_ms

# Categories of the shipped reference data (kesu/complaints/reference.py), drawn with realistic weights.
_CATEGORIES = [
    ("promise_broken", 30),
    ("technical_error", 14),
    ("attitude", 12),
    ("special_needs", 5),
    ("product_quality", 12),
    ("logistics", 10),
    ("refund_return", 9),
    ("privacy", 3),
    ("safety", 2),
    ("other", 3),
]
_SEVERITIES = [("low", 25), ("medium", 50), ("high", 20), ("critical", 5)]
_MOBILE_PREFIXES = [
    "130",
    "133",
    "135",
    "136",
    "137",
    "138",
    "139",
    "150",
    "151",
    "152",
    "186",
    "187",
    "188",
    "189",
]
_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
_GIVEN = [
    "丽",
    "强",
    "敏",
    "伟",
    "芳",
    "娜",
    "秀英",
    "军",
    "磊",
    "洋",
    "艳",
    "勇",
    "杰",
    "娟",
    "涛",
    "明",
    "超",
    "霞",
]
_ITEMS = [
    "空调",
    "洗衣机",
    "冰箱",
    "电饭煲",
    "扫地机器人",
    "手机",
    "耳机",
    "羽绒服",
    "运动鞋",
    "床垫",
    "奶粉",
    "净水器",
]
_PROBLEMS = [
    (
        "承诺{h}小时发货，{d}天仍未发出",
        "订单 {order} 下单时页面承诺{h}小时内发货，至今{d}天仍显示待发货，客服只回复在排期。",
    ),
    (
        "{item}收到即损坏，申请换货被拒",
        "{d}天前收到{item}，开箱发现外壳破裂无法使用，申请换货却被告知超过验货期，要求按规定处理。",
    ),
    (
        "安装师傅迟到且态度恶劣",
        "预约上门安装{item}，师傅迟到{h}小时，安装过程中言语不耐烦，还要求额外收费{fee}元。",
    ),
    (
        "退款{d}天未到账",
        "订单 {order} 的退货已于{d}天前签收，退款{fee}元至今未到账，多次联系客服没有明确答复。",
    ),
    (
        "{item}使用{d}天后故障",
        "购买的{item}使用{d}天后无法开机，售后说需要寄回检测，来回运费要自己承担，我不能接受。",
    ),
    ("快递未送货上门却显示签收", "订单 {order} 的{item}显示已签收，但我本人并未收到，快递员电话无人接听。"),
]


def _weighted(rng: random.Random, pairs):
    return rng.choices([p for p, _w in pairs], weights=[w for _p, w in pairs])[0]


def make_payload(rng: random.Random, phones: list[str]) -> dict:
    """A plausible, varied complaint; about one in ten comes from a customer who complained before."""
    if phones and rng.random() < 0.1:
        phone = rng.choice(phones)
    else:
        phone = rng.choice(_MOBILE_PREFIXES) + "".join(rng.choice("0123456789") for _ in range(8))
        phones.append(phone)
    slots = {
        "h": rng.choice([24, 48, 72]),
        "d": rng.randint(2, 20),
        "item": rng.choice(_ITEMS),
        "order": f"DD{rng.randint(10**11, 10**12 - 1)}",
        "fee": rng.choice([50, 80, 120, 299, 1299]),
    }
    title, body = rng.choice(_PROBLEMS)
    payload = {
        "channel": "api",
        "category": _weighted(rng, _CATEGORIES),
        "severity": _weighted(rng, _SEVERITIES),
        "title": title.format(**slots),
        "description": body.format(**slots),
        "order_ref": slots["order"],
        "customer": {"name": rng.choice(_SURNAMES) + rng.choice(_GIVEN), "phone": phone},
    }
    if rng.random() < 0.3:
        payload["customer"]["email"] = f"u{rng.randint(1, 10**9)}@example.cn"
    return payload


# --------------------------------------------------------------------------------------------------
# Load generator (runs in forked client processes)


def _client(args: dict) -> dict:
    rng = random.Random(args["seed"])
    phones: list[str] = []
    headers = {"Authorization": f"Bearer {args['token']}", "Content-Type": "application/json"}
    conn = http.client.HTTPConnection(args["host"], args["port"], timeout=60)
    latencies: list[float] = []
    statuses: dict[str, int] = {}
    errors: list[str] = []
    warm = 0

    def post() -> tuple[int, float]:
        nonlocal conn
        body = json.dumps(make_payload(rng, phones), ensure_ascii=False).encode()
        h = dict(headers, **{"Idempotency-Key": uuid.uuid4().hex})
        for attempt in (1, 2):
            t0 = time.perf_counter()
            try:
                conn.request("POST", "/api/v1/complaints", body=body, headers=h)
                resp = conn.getresponse()
                resp.read()
                return resp.status, time.perf_counter() - t0
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                # The server closed an idle keep-alive connection: reconnect once.
                conn.close()
                conn = http.client.HTTPConnection(args["host"], args["port"], timeout=60)
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    # Warm-up: a few requests per client, not counted (imports, connection set-up, caches).
    while warm < args["warmup"] and time.time() < args["start_at"]:
        with contextlib.suppress(OSError):
            post()
        warm += 1
    while time.time() < args["start_at"]:
        time.sleep(0.005)
    cpu0 = time.process_time()
    sent = 0
    while time.time() < args["end_at"] and sent < args["max_requests"]:
        sent += 1
        try:
            status, elapsed = post()
        except OSError as exc:
            errors.append(type(exc).__name__)
            statuses["conn_error"] = statuses.get("conn_error", 0) + 1
            continue
        if time.time() > args["end_at"]:
            break  # finished after the window closed: not counted
        statuses[str(status)] = statuses.get(str(status), 0) + 1
        if status == 201:
            latencies.append(elapsed)
        elif len(errors) < 5:
            errors.append(f"HTTP {status}")
    conn.close()
    return {
        "latencies": latencies,
        "statuses": statuses,
        "errors": errors,
        "cpu_s": time.process_time() - cpu0,
        "finished_at": time.time(),
    }


def _free_port() -> int:
    with contextlib.closing(socket.socket()) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _cpu_total() -> tuple[float, float]:
    """(busy, total) jiffies of the whole machine from /proc/stat."""
    try:
        fields = [float(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    except OSError:
        return 0.0, 0.0
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
    return sum(fields) - idle, sum(fields)


def _proc_cpu() -> dict[int, tuple[int, float]]:
    """pid → (parent pid, CPU seconds so far) for every process (Linux /proc)."""
    out: dict[int, tuple[int, float]] = {}
    tick = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            raw = (entry / "stat").read_text()
        except OSError:
            continue
        rest = raw[raw.rindex(")") + 2 :].split()
        out[int(entry.name)] = (int(rest[1]), (int(rest[11]) + int(rest[12])) / tick)
    return out


def _descendants(root: int, procs: dict[int, tuple[int, float]]) -> set[int]:
    found = {root}
    changed = True
    while changed:
        changed = False
        for pid, (ppid, _cpu) in procs.items():
            if ppid in found and pid not in found:
                found.add(pid)
                changed = True
    return found


class _PgSampler:
    """Samples pg_stat_activity of the benchmark's database every 100 ms: what its backends wait for."""

    def __init__(self, pg: dbs.Postgres, dbname: str):
        import threading

        self.pg, self.dbname = pg, dbname
        self.samples = 0
        self.states: dict[str, int] = {}
        self.backend_pids: set[int] = set()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> dict:
        self._stop.set()
        self._thread.join(5)
        total = sum(self.states.values()) or 1
        return {
            "samples": self.samples,
            "active_backends_avg": round(
                sum(v for k, v in self.states.items() if k != "idle") / max(self.samples, 1), 2
            ),
            "share": {k: round(v / total, 3) for k, v in sorted(self.states.items(), key=lambda kv: -kv[1])},
        }

    def _run(self) -> None:
        try:
            conn = self.pg.connect()
        except Exception:  # noqa: BLE001
            return
        with conn:
            while not self._stop.wait(0.1):
                rows = conn.execute(
                    "select pid, state, coalesce(wait_event_type, ''), coalesce(wait_event, '') from pg_stat_activity "
                    "where datname = %s and pid <> pg_backend_pid()",
                    [self.dbname],
                ).fetchall()
                self.samples += 1
                for pid, state, wtype, wevent in rows:
                    self.backend_pids.add(pid)
                    if state == "idle":
                        key = "idle"
                    elif state == "active":
                        key = f"active: {wtype}:{wevent}" if wtype else "active: on CPU"
                    else:
                        key = f"{state}: {wtype}:{wevent}" if wtype else str(state)
                    self.states[key] = self.states.get(key, 0) + 1


def _wait_ready(port: int, proc: subprocess.Popen, timeout: float = 180) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"kesu serve exited with code {proc.returncode}")
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            c.request("GET", "/api/v1/openapi.json")
            c.getresponse().read()
            c.close()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"kesu serve did not answer within {timeout:.0f} s")


def _pending_intake(kind: str, target: dbs.Target, pg: dbs.Postgres | None) -> int:
    """Complaints whose intake work has not run yet, read straight from the database."""
    sql = "select count(*) from complaints_complaint where intake_pending"
    if kind == "postgres" and pg is not None:
        with pg.connect(target.info["database"]) as conn:
            return int(conn.execute(sql).fetchone()[0])
    import sqlite3

    conn = sqlite3.connect(target.data_dir / "kesu.sqlite3", timeout=30)
    try:
        return int(conn.execute(sql).fetchone()[0])
    finally:
        conn.close()


def _stop(proc: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


def run_intake(
    kind: str,
    *,
    pg: dbs.Postgres | None,
    workers: int,
    threads: int,
    clients: int,
    seconds: float,
    max_requests: int,
    warmup: int = 5,
    worker: bool = True,
    drain_timeout: float = 600,
) -> dict:
    with dbs.fresh(kind, pg, "intake") as target:
        out = target.data_dir / "setup.json"
        dbs.run(
            dbs.kesu_cmd("bench", "--child", "intake-setup", "--out", str(out)),
            target.env(),
            log_file=target.data_dir / "setup.log",
        )
        setup = json.loads(out.read_text())
        port = _free_port()
        server_log = target.data_dir / "server.log"
        cmd = dbs.kesu_cmd(
            "serve", "--workers", str(workers), "--threads", str(threads), "--bind", f"127.0.0.1:{port}"
        )
        with open(server_log, "wb") as log_out:
            proc = subprocess.Popen(
                cmd,
                env=target.env(),
                stdout=log_out,
                stderr=subprocess.STDOUT,  # noqa: S603
                start_new_session=True,
            )
        worker_proc = None
        if worker:
            with open(target.data_dir / "worker.log", "wb") as log_out:
                worker_proc = subprocess.Popen(
                    dbs.kesu_cmd("worker"),
                    env=target.env(),
                    stdout=log_out,
                    stderr=subprocess.STDOUT,  # noqa: S603
                    start_new_session=True,
                )
        drain: dict = {}
        try:
            _wait_ready(port, proc)
            start_at = time.time() + 3.0  # time for every client to connect and warm up
            end_at = start_at + seconds
            per_client = max(1, max_requests // clients)
            jobs = [
                {
                    "host": "127.0.0.1",
                    "port": port,
                    "token": setup["token"],
                    "seed": 1000 + i,
                    "start_at": start_at,
                    "end_at": end_at,
                    "warmup": warmup,
                    "max_requests": per_client,
                }
                for i in range(clients)
            ]
            ctx = multiprocessing.get_context("fork")
            sampler = (
                _PgSampler(pg, target.info["database"]) if kind == "postgres" and pg is not None else None
            )
            with ctx.Pool(clients) as pool:
                pending = pool.map_async(_client, jobs)
                while time.time() < start_at:
                    time.sleep(0.01)
                busy0, total0 = _cpu_total()
                procs0 = _proc_cpu()
                if sampler:
                    sampler.start()
                results = pending.get(timeout=seconds + 180)
                busy1, total1 = _cpu_total()
                procs1 = _proc_cpu()
                pg_waits = sampler.stop() if sampler else None
                client_pids = {p.pid for p in pool._pool}  # type: ignore[attr-defined]  # noqa: SLF001 - the pool's workers
            if worker_proc is not None:
                # Let the worker finish the backlog; the server stays up but idle.
                left = _pending_intake(kind, target, pg)
                drain["pending_at_window_end"] = left
                while left and time.time() - end_at < drain_timeout:
                    time.sleep(0.25)
                    left = _pending_intake(kind, target, pg)
                drain["drained_at"] = time.time()
                drain["pending_after_drain"] = left
                procs2 = _proc_cpu()
                drain["worker_cpu_s"] = sum(
                    procs2[p][1] - procs0.get(p, (0, 0.0))[1]
                    for p in _descendants(worker_proc.pid, procs2)
                    if p in procs2
                )
        finally:
            _stop(proc)
            if worker_proc is not None:
                _stop(worker_proc)
        window = min(seconds, max(r["finished_at"] for r in results) - start_at)
        latencies = [x for r in results for x in r["latencies"]]
        statuses: dict[str, int] = {}
        for r in results:
            for k, v in r["statuses"].items():
                statuses[k] = statuses.get(k, 0) + v
        errors = sorted({e for r in results for e in r["errors"]})
        client_cpu = sum(r["cpu_s"] for r in results)
        ncpu = os.cpu_count() or 1
        machine_busy = (busy1 - busy0) / (total1 - total0) if total1 > total0 else float("nan")

        def cpu_of(pids: set[int]) -> float:
            return sum(procs1[p][1] - procs0.get(p, (0, 0.0))[1] for p in pids if p in procs1)

        server_pids = _descendants(proc.pid, procs1)
        db_pids = sampler.backend_pids if sampler else set()
        cpu = {
            "server": cpu_of(server_pids),
            "database_backends": cpu_of(db_pids),
            "load_generator": cpu_of(client_pids),
        }
        cpu_machine = (busy1 - busy0) / (total1 - total0) * ncpu * window if total1 > total0 else 0.0
        cpu["other_processes"] = max(0.0, cpu_machine - sum(cpu.values()))
        cpu_share = {k: round(v / (window * ncpu), 3) for k, v in cpu.items()}
        verify_out = target.data_dir / "verify.json"
        dbs.run(
            dbs.kesu_cmd("bench", "--child", "intake-verify", "--out", str(verify_out)),
            target.env(),
            log_file=target.data_dir / "setup.log",
        )
        verify = json.loads(verify_out.read_text())
        server_errors = _server_errors(server_log)
        created = statuses.get("201", 0)
        notes = []
        if worker_proc is not None:
            # Everything registered, warm-up included, had to be finished by the worker.
            finished = verify["complaints"] - verify["intake_pending"]
            span = drain["drained_at"] - start_at
            drain["drained_per_s"] = (
                round(created / span, 1) if span > 0 and not verify["intake_pending"] else None
            )
            drain["drain_seconds_after_window"] = round(drain["drained_at"] - end_at, 1)
            drain["worker_cpu_ms_per_complaint"] = round(drain["worker_cpu_s"] * 1000 / max(finished, 1), 1)
            notes.append(
                f"worker: {drain['pending_at_window_end']} complaints still pending when the window closed, "
                f"all finished {drain['drain_seconds_after_window']} s later "
                f"(end to end {drain['drained_per_s']} complaints/s); worker CPU "
                f"{drain['worker_cpu_ms_per_complaint']} ms per complaint (measured from the window's start "
                "to the end of the drain)"
                if not verify["intake_pending"]
                else f"worker: {verify['intake_pending']} complaints still pending after {drain_timeout:.0f} s"
            )
        else:
            notes.append(
                f"no worker: {verify['intake_pending']} complaints left with their intake work queued"
            )
        return {
            "db": kind,
            # gunicorn picks the gthread worker for --threads > 1, its sync worker (no keep-alive) for 1.
            "server": f"kesu serve --workers {workers} --threads {threads} "
            f"(gunicorn {'gthread' if threads > 1 else 'sync'})",
            "clients": clients,
            "ncpu": ncpu,
            "seconds": round(window, 2),
            "created": statuses.get("201", 0),
            "statuses": statuses,
            "errors": errors,
            "server_errors": server_errors,
            "complaints_per_s": round(statuses.get("201", 0) / window, 1) if window > 0 else 0.0,
            "latency_ms": summary_ms(latencies),
            "client_cpu_share": round(client_cpu / (window * ncpu), 3) if window > 0 else None,
            "machine_busy_share": round(machine_busy, 3),
            "cpu_share": cpu_share,
            "cpu_ms_per_complaint": {
                k: round(v * 1000 / max(statuses.get("201", 0), 1), 1) for k, v in cpu.items()
            },
            "pg_wait_events": pg_waits,
            "rows_in_db": verify,
            "worker": drain or None,
            "notes": notes,
        }


def _server_errors(path: Path) -> list[str]:
    lines = []
    with contextlib.suppress(OSError):
        for line in path.read_text(errors="replace").splitlines():
            if "Traceback" in line or "ERROR" in line or "[CRITICAL]" in line or "WORKER TIMEOUT" in line:
                lines.append(line.strip()[:200])
    return lines[:10]
