#!/usr/bin/env bash
# Stop the PostgreSQL started by scripts/pg-start.sh (same KESU_PG_PORT). A temporary cluster is deleted;
# one kept in a directory given to pg-start.sh is left in place. Does nothing if none is running.
set -euo pipefail

PORT=${KESU_PG_PORT:-54329}
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
STATE="${TMPDIR:-/tmp}/kesu-pg-$PORT.state"
[ -x "$PG_BIN/pg_ctl" ] || PG_BIN=$(dirname "$(command -v pg_ctl 2>/dev/null || echo /nonexistent/pg_ctl)")

if [ ! -f "$STATE" ]; then
    echo "pg-stop: no PostgreSQL started by pg-start.sh on port $PORT."
    exit 0
fi
read -r DIR TEMP <"$STATE"

if [ "$(id -u)" -eq 0 ]; then
    as_pg() { runuser -u postgres -- "$@"; }
else
    as_pg() { "$@"; }
fi

if [ -d "$DIR/data" ] && as_pg "$PG_BIN/pg_ctl" -D "$DIR/data" status >/dev/null 2>&1; then
    as_pg "$PG_BIN/pg_ctl" -D "$DIR/data" -m fast -w -t 60 stop >/dev/null
    echo "pg-stop: PostgreSQL on port $PORT stopped."
fi
rm -f "$STATE"
if [ "${TEMP:-0}" = 1 ] && [ -n "$DIR" ] && [ -d "$DIR" ]; then
    rm -rf "$DIR"
    echo "pg-stop: removed $DIR."
fi
