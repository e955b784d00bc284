#!/usr/bin/env bash
# Start a private, throw-away PostgreSQL 15 for development and tests.
#
#   scripts/pg-start.sh            # new cluster in a fresh temporary directory (deleted by pg-stop.sh)
#   scripts/pg-start.sh DIR        # cluster kept in DIR (created on first use, reused afterwards)
#   scripts/pg-stop.sh             # stop it again
#
# The server listens on 127.0.0.1 only, port $KESU_PG_PORT (default 54329), with "trust" authentication
# (no password) for the superuser "postgres": fine on a developer machine or a CI box, never in production
# (see docs/operations.md for a real set-up). Databases "kesu" and "kesu_test" are created. At the end the
# script prints the KESU_DATABASE_URL to export; pytest-django then creates and drops "test_kesu" itself.
#
# Runs as any user; as root the server runs as the "postgres" system user (PostgreSQL refuses to run as
# root). Environment: KESU_PG_PORT, PG_BIN (directory with initdb/pg_ctl; default /usr/lib/postgresql/15/bin).
set -euo pipefail

PORT=${KESU_PG_PORT:-54329}
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
STATE="${TMPDIR:-/tmp}/kesu-pg-$PORT.state"
URL="postgres://postgres@127.0.0.1:$PORT/kesu"

if [ ! -x "$PG_BIN/initdb" ]; then
    if command -v initdb >/dev/null 2>&1; then
        PG_BIN=$(dirname "$(command -v initdb)")
    else
        echo "pg-start: PostgreSQL server binaries not found in $PG_BIN." >&2
        echo "          Debian: apt-get install postgresql-15 (or set PG_BIN)." >&2
        exit 1
    fi
fi

if [ "$(id -u)" -eq 0 ]; then
    if ! id postgres >/dev/null 2>&1; then
        echo "pg-start: running as root but there is no 'postgres' user to run the server as." >&2
        exit 1
    fi
    as_pg() { runuser -u postgres -- "$@"; }
else
    as_pg() { "$@"; }
fi

# Already running (started earlier by this script)?
if [ -f "$STATE" ]; then
    read -r old_dir _ <"$STATE" || true
    if [ -n "${old_dir:-}" ] && as_pg "$PG_BIN/pg_ctl" -D "$old_dir/data" status >/dev/null 2>&1; then
        echo "pg-start: PostgreSQL is already running on 127.0.0.1:$PORT (data in $old_dir/data)."
        echo "export KESU_DATABASE_URL=$URL"
        exit 0
    fi
    rm -f "$STATE"
fi

if [ $# -ge 1 ]; then
    DIR=$(mkdir -p "$1" && cd "$1" && pwd)
    TEMP=0
else
    DIR=$(mktemp -d "${TMPDIR:-/tmp}/kesu-pg.XXXXXX")
    TEMP=1
fi
if [ "$(id -u)" -eq 0 ]; then
    chown postgres: "$DIR"
    chmod 700 "$DIR"
    if ! runuser -u postgres -- test -w "$DIR"; then
        echo "pg-start: the postgres user cannot write to $DIR (check the modes of its parent directories)." >&2
        exit 1
    fi
fi

if [ ! -f "$DIR/data/PG_VERSION" ]; then
    locale=C.UTF-8
    if command -v locale >/dev/null 2>&1 && ! locale -a 2>/dev/null | grep -qiE '^c\.utf-?8$'; then
        locale=C
    fi
    if ! as_pg "$PG_BIN/initdb" -D "$DIR/data" -A trust -U postgres --encoding=UTF8 --locale="$locale" \
        >"$DIR/initdb.log" 2>&1; then
        if [ "$locale" = C ]; then
            cat "$DIR/initdb.log" >&2
            exit 1
        fi
        echo "pg-start: initdb with --locale=C.UTF-8 failed, retrying with --locale=C"
        as_pg rm -rf "$DIR/data"
        if ! as_pg "$PG_BIN/initdb" -D "$DIR/data" -A trust -U postgres --encoding=UTF8 --locale=C \
            >"$DIR/initdb.log" 2>&1; then
            cat "$DIR/initdb.log" >&2
            exit 1
        fi
    fi
fi

opts="-p $PORT -k $DIR -c listen_addresses=127.0.0.1"
if [ "$TEMP" -eq 1 ]; then
    # Throw-away data: trade durability for speed (noticeably faster test runs).
    opts="$opts -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
fi
if ! as_pg "$PG_BIN/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -o "$opts" -w -t 60 start >/dev/null; then
    echo "pg-start: PostgreSQL did not start; its log ($DIR/server.log):" >&2
    cat "$DIR/server.log" >&2 || true
    exit 1
fi
echo "$DIR $TEMP" >"$STATE"

for db in kesu kesu_test; do
    exists=$("$PG_BIN/psql" -h 127.0.0.1 -p "$PORT" -U postgres -d postgres -tAc \
        "select 1 from pg_database where datname = '$db'")
    if [ "$exists" != 1 ]; then
        "$PG_BIN/psql" -h 127.0.0.1 -p "$PORT" -U postgres -d postgres -qc \
            "create database $db owner postgres encoding 'UTF8' template template0"
    fi
done

echo "pg-start: PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') running on 127.0.0.1:$PORT (data in $DIR/data)."
echo "pg-start: stop it with scripts/pg-stop.sh. To use it:"
echo "export KESU_DATABASE_URL=$URL"
