"""Databases for the benchmarks: fresh ones, cached loaded ones, and working copies of those.

Runs in the orchestrating process, which never opens a Django connection itself: every Kesu step
(migrate, demo loading, the measurements) runs in a child process whose environment names exactly one
database (``KESU_DATA_DIR`` and, for PostgreSQL, ``KESU_DATABASE_URL``).

Caches (reused until ``--fresh`` or until the demo loader or a migration changes):
- SQLite: ``var/bench/sqlite-<size>/kesu.sqlite3`` with a ``bench.json`` describing it; a benchmark works
  on a copy in a temporary directory, so a sweep's writes never reach the cache.
- PostgreSQL: a template database ``kesu_bench_<size>`` whose COMMENT holds the same description; a
  benchmark works on ``CREATE DATABASE … TEMPLATE kesu_bench_<size>`` and drops it afterwards.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import kesu

PACKAGE_DIR = Path(kesu.__file__).resolve().parent
DEFAULT_PG_URL = "postgres://postgres@127.0.0.1:54329/postgres"
SEED = 1
# The loaded data's "now" (``kesu demo --now``): fixed, so that a cached database means the same thing
# whenever it is used, and the sweep knows which deadlines the loader already marked.
DATA_NOW = "2026-11-20T17:00:00+08:00"


def log(msg: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def _hash_files(paths: list[Path], seed: str) -> str:
    h = hashlib.sha256(seed.encode())
    for path in paths:
        h.update(str(path.relative_to(PACKAGE_DIR)).encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:16]


def fingerprint(size: int) -> str:
    """What a cached database must match to be reused: the schema (all migrations), size, seed and now.
    A change of the demo loader alone does not invalidate it (``loader_changed`` says so; --fresh reloads)."""
    return _hash_files(
        sorted(PACKAGE_DIR.glob("*/migrations/*.py")), f"size={size};seed={SEED};now={DATA_NOW}"
    )


def loader_version() -> str:
    return _hash_files(sorted(PACKAGE_DIR.glob("demo/**/*.py")), "demo")


def kesu_cmd(*args: str) -> list[str]:
    return [sys.executable, "-m", "kesu", *args]


def child_env(data_dir: Path, database_url: str | None, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KESU_")}
    # Keep the settings a developer may have chosen for time zone and workday; everything else fresh.
    for keep in ("KESU_TIME_ZONE", "KESU_WORKDAY_START", "KESU_WORKDAY_END"):
        if keep in os.environ:
            env[keep] = os.environ[keep]
    env["KESU_DATA_DIR"] = str(data_dir)
    env["KESU_SECRET_KEY"] = "kesu-bench-not-secret-" + "x" * 40
    env["KESU_LOG_LEVEL"] = "WARNING"
    if database_url:
        env["KESU_DATABASE_URL"] = database_url
    env.update(extra)
    return env


def run(cmd: list[str], env: dict[str, str], *, log_file: Path | None = None, check: bool = True) -> float:
    """Run a child command; returns its wall time. Output goes to ``log_file`` (or stays on stderr)."""
    t0 = time.perf_counter()
    if log_file is not None:
        with open(log_file, "ab") as out:
            proc = subprocess.run(cmd, env=env, stdout=out, stderr=subprocess.STDOUT, check=False)  # noqa: S603
    else:
        proc = subprocess.run(cmd, env=env, stdout=sys.stderr, check=False)  # noqa: S603
    if check and proc.returncode != 0:
        hint = f" (log: {log_file})" if log_file else ""
        raise RuntimeError(f"command failed with exit code {proc.returncode}: {' '.join(cmd[2:])}{hint}")
    return time.perf_counter() - t0


# --------------------------------------------------------------------------------------------------
# A database a child process can use


@dataclass
class Target:
    kind: str  # "sqlite" | "postgres"
    data_dir: Path
    database_url: str | None  # None: SQLite at data_dir/kesu.sqlite3
    info: dict = field(default_factory=dict)

    def env(self, **extra: str) -> dict[str, str]:
        return child_env(self.data_dir, self.database_url, **extra)


# --------------------------------------------------------------------------------------------------
# PostgreSQL administration (psycopg, autocommit, on the maintenance database)


class Postgres:
    def __init__(self, url: str, repo_root: Path, server_options: str = ""):
        self.url = url
        self.repo_root = repo_root
        # Session settings for Kesu's own connections (e.g. "-c synchronous_commit=off"), passed as
        # libpq "options" in KESU_DATABASE_URL; the administration connections never use them.
        self.server_options = server_options

    def app_url(self, name: str) -> str:
        url = self.db_url(name)
        if self.server_options:
            from urllib.parse import quote

            url += ("&" if "?" in url else "?") + "options=" + quote(self.server_options, safe="")
        return url

    def db_url(self, name: str) -> str:
        parts = urlsplit(self.url)
        return urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, parts.fragment))

    def connect(self, dbname: str | None = None):
        import psycopg

        return psycopg.connect(
            self.db_url(dbname) if dbname else self.url, autocommit=True, connect_timeout=5
        )

    def available(self) -> bool:
        try:
            with self.connect() as conn:
                conn.execute("select 1")
            return True
        except Exception:  # noqa: BLE001 - any failure means "not usable"
            return False

    def ensure_running(self) -> bool:
        """Reachable already, or started with scripts/pg-start.sh on a cluster kept in var/bench/pg."""
        if self.available():
            return True
        script = self.repo_root / "scripts" / "pg-start.sh"
        if not script.exists():
            return False
        log(f"PostgreSQL not reachable at {self.url}; starting it with {script} var/bench/pg")
        subprocess.run([str(script), str(self.repo_root / "var" / "bench" / "pg")], check=False)  # noqa: S603
        return self.available()

    def exists(self, name: str) -> bool:
        with self.connect() as conn:
            return conn.execute("select 1 from pg_database where datname = %s", [name]).fetchone() is not None

    def comment(self, name: str) -> str | None:
        with self.connect() as conn:
            row = conn.execute(
                "select shobj_description(oid, 'pg_database') from pg_database where datname = %s", [name]
            ).fetchone()
        return row[0] if row else None

    def create(self, name: str, template: str = "template0") -> None:
        from psycopg import sql

        with self.connect() as conn:
            conn.execute(
                sql.SQL("create database {} owner postgres encoding 'UTF8' template {}").format(
                    sql.Identifier(name), sql.Identifier(template)
                )
            )

    def drop(self, name: str) -> None:
        from psycopg import sql

        with self.connect() as conn:
            conn.execute(sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(name)))

    def set_comment(self, name: str, text: str) -> None:
        from psycopg import sql

        with self.connect() as conn:
            conn.execute(
                sql.SQL("comment on database {} is {}").format(sql.Identifier(name), sql.Literal(text))
            )

    def rename(self, old: str, new: str) -> None:
        from psycopg import sql

        with self.connect() as conn:
            conn.execute(
                sql.SQL("alter database {} rename to {}").format(sql.Identifier(old), sql.Identifier(new))
            )

    def vacuum_analyze(self, name: str) -> None:
        with self.connect(name) as conn:
            conn.execute("vacuum (analyze)")

    def settings(self) -> dict[str, str]:
        names = (
            "server_version",
            "shared_buffers",
            "work_mem",
            "effective_cache_size",
            "fsync",
            "synchronous_commit",
            "max_connections",
            "random_page_cost",
        )
        with self.connect() as conn:
            return {n: conn.execute(f"show {n}").fetchone()[0] for n in names}  # noqa: S608 - fixed names


# --------------------------------------------------------------------------------------------------
# Fresh, cached and working-copy databases


def migrate(target: Target, log_file: Path) -> float:
    return run(kesu_cmd("migrate", "--noinput", "-v", "0"), target.env(), log_file=log_file)


@contextlib.contextmanager
def fresh(kind: str, pg: Postgres | None, label: str) -> Iterator[Target]:
    """An empty, migrated database, removed afterwards."""
    tmp = Path(tempfile.mkdtemp(prefix=f"kesu-bench-{label}-"))
    name = f"kesu_bench_{label}_{os.getpid()}"
    try:
        if kind == "postgres":
            assert pg is not None
            pg.drop(name)
            pg.create(name)
            target = Target("postgres", tmp, pg.app_url(name), {"database": name})
        else:
            target = Target("sqlite", tmp, None, {"database": str(tmp / "kesu.sqlite3")})
        migrate(target, tmp / "migrate.log")
        yield target
    finally:
        if kind == "postgres" and pg is not None:
            with contextlib.suppress(Exception):
                pg.drop(name)
        shutil.rmtree(tmp, ignore_errors=True)


def _load(target: Target, size: int, log_file: Path) -> dict:
    """migrate + ``kesu demo --complaints size`` into ``target``; returns timings."""
    t_migrate = migrate(target, log_file)
    args = ["demo", "--complaints", str(size), "--seed", str(SEED), "--mode", "bulk", "--now", DATA_NOW]
    log(f"loading {size:,} complaints into {target.kind}: kesu {' '.join(args)} (log: {log_file})")
    t_load = run(kesu_cmd(*args), target.env(), log_file=log_file)
    log(f"loaded {size:,} complaints into {target.kind} in {t_load:.0f} s")
    return {
        "migrate_s": round(t_migrate, 1),
        "load_s": round(t_load, 1),
        "loaded_at": time.time(),
        "data_now": DATA_NOW,
        "command": "kesu " + " ".join(args),
        "loader_version": loader_version(),
    }


def _note_loader(meta: dict) -> dict:
    if meta.get("loader_version") != loader_version():
        meta["loader_changed"] = True
        log(
            f"note: the cached {meta.get('kind')} database of {meta.get('size'):,} complaints was loaded by an earlier "
            "version of the demo loader (src/kesu/demo); --fresh reloads it"
        )
    return meta


def _sqlite_cache_dir(repo_var: Path, size: int) -> Path:
    return repo_var / "bench" / f"sqlite-{size}"


def ensure_cached(kind: str, size: int, *, pg: Postgres | None, repo_var: Path, fresh_load: bool) -> dict:
    """Make sure a loaded database of ``size`` complaints is cached; returns its description."""
    fp = fingerprint(size)
    if kind == "sqlite":
        cache = _sqlite_cache_dir(repo_var, size)
        meta_path = cache / "bench.json"
        if not fresh_load and meta_path.exists():
            meta = json.loads(meta_path.read_text())
            if meta.get("fingerprint") == fp and (cache / "kesu.sqlite3").exists():
                return _note_loader(meta)
            log(f"cached SQLite database for {size:,} is stale (loader or migrations changed); reloading")
        building = cache.with_name(cache.name + ".building")
        shutil.rmtree(building, ignore_errors=True)
        building.mkdir(parents=True)
        target = Target("sqlite", building, None)
        meta = _load(target, size, building / "load.log")
        db = building / "kesu.sqlite3"
        with contextlib.closing(sqlite3.connect(db)) as conn:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        meta.update({"fingerprint": fp, "size": size, "kind": "sqlite", "bytes": db.stat().st_size})
        (building / "bench.json").write_text(json.dumps(meta, indent=2))
        shutil.rmtree(cache, ignore_errors=True)
        building.rename(cache)
        return meta

    assert pg is not None
    name = f"kesu_bench_{size}"
    if not fresh_load and pg.exists(name):
        with contextlib.suppress(ValueError, TypeError):
            meta = json.loads(pg.comment(name) or "")
            if meta.get("fingerprint") == fp:
                return _note_loader(meta)
        log(f"cached PostgreSQL template {name} is stale or unreadable; reloading")
    building_db = name + "_building_db"
    pg.drop(building_db)
    pg.create(building_db)
    load_dir = Path(tempfile.mkdtemp(prefix="kesu-bench-load-"))
    try:
        target = Target("postgres", load_dir, pg.db_url(building_db))
        log_file = repo_var / "bench" / f"postgres-{size}-load.log"
        log_file.parent.mkdir(parents=True, exist_ok=True)
        log_file.write_text("")
        meta = _load(target, size, log_file)
        t0 = time.perf_counter()
        pg.vacuum_analyze(building_db)  # what autovacuum would have done by the time anyone looks at a queue
        meta["vacuum_analyze_s"] = round(time.perf_counter() - t0, 1)
        with pg.connect(building_db) as conn:
            meta["bytes"] = conn.execute("select pg_database_size(current_database())").fetchone()[0]
        meta.update({"fingerprint": fp, "size": size, "kind": "postgres"})
        pg.drop(name)
        pg.rename(building_db, name)
        pg.set_comment(name, json.dumps(meta))
        return meta
    finally:
        shutil.rmtree(load_dir, ignore_errors=True)


@contextlib.contextmanager
def working_copy(
    kind: str, size: int, *, pg: Postgres | None, repo_var: Path, label: str
) -> Iterator[Target]:
    """A throw-away copy of the cached database of ``size`` complaints."""
    tmp = Path(tempfile.mkdtemp(prefix=f"kesu-bench-{label}-"))
    name = f"kesu_bench_work_{size}_{os.getpid()}"
    try:
        t0 = time.perf_counter()
        if kind == "sqlite":
            shutil.copyfile(_sqlite_cache_dir(repo_var, size) / "kesu.sqlite3", tmp / "kesu.sqlite3")
            target = Target("sqlite", tmp, None, {"database": str(tmp / "kesu.sqlite3")})
        else:
            assert pg is not None
            pg.drop(name)
            pg.create(name, template=f"kesu_bench_{size}")
            target = Target("postgres", tmp, pg.app_url(name), {"database": name})
        target.info["copy_s"] = round(time.perf_counter() - t0, 1)
        yield target
    finally:
        if kind == "postgres" and pg is not None:
            with contextlib.suppress(Exception):
                pg.drop(name)
        shutil.rmtree(tmp, ignore_errors=True)
