#!/usr/bin/env bash
# What `make run` does after `make install`: migrate, load the demo organisation once, print the demo
# logins, then run the task worker in the background and the web server (gunicorn, 127.0.0.1:8000) in the
# foreground. Stopping the server (Ctrl-C) also stops the worker.
set -euo pipefail
cd "$(dirname "$0")/.."

UV=${UV:-uv}
DATA_DIR=${KESU_DATA_DIR:-var}
MARKER="$DATA_DIR/.demo-loaded"

"$UV" run --frozen kesu migrate --noinput
if [ ! -f "$MARKER" ]; then
    echo "Loading the demo organisation (once; delete $MARKER to load it again) ..."
    "$UV" run --frozen kesu demo
    mkdir -p "$DATA_DIR"
    touch "$MARKER"
fi

echo
"$UV" run --frozen kesu demo --print-logins
echo

worker=
stop_worker() {
    if [ -n "$worker" ] && kill -0 "$worker" 2>/dev/null; then
        echo "Stopping the task worker ..."
        kill -TERM "$worker" 2>/dev/null || true
        # Give it time to finish the task in hand, then insist.
        for _ in $(seq 1 20); do
            kill -0 "$worker" 2>/dev/null || break
            sleep 0.5
        done
        kill -KILL "$worker" 2>/dev/null || true
        wait "$worker" 2>/dev/null || true
    fi
}
trap stop_worker EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

"$UV" run --frozen kesu worker &
worker=$!

status=0
"$UV" run --frozen kesu serve || status=$?
# Ctrl-C / kill is the normal way to stop the server: not an error for make.
case $status in 130 | 143 | 0) exit 0 ;; *) exit "$status" ;; esac
