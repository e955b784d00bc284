#!/usr/bin/env bash
# Make sure uv is available; print nothing on success except what the installers say.
#
# Order of attempts (the first that works wins):
#   1. uv already on PATH, in ~/.local/bin or in .venv-tools/bin  -> nothing to do
#   2. python3 -m pip install --user uv                            -> ~/.local/bin/uv
#   3. python3 -m venv .venv-tools && .venv-tools/bin/pip install uv -> .venv-tools/bin/uv
#   4. python3 -m pip install --target .venv-tools uv              -> .venv-tools/bin/uv
#      (for Debian/Ubuntu system Pythons that refuse --user installs (PEP 668) and lack python3-venv)
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
TOOLS=.venv-tools

have_uv() {
    command -v uv >/dev/null 2>&1 || [ -x "$HOME/.local/bin/uv" ] || [ -x "$TOOLS/bin/uv" ]
}

have_uv && exit 0

if ! command -v "$PYTHON" >/dev/null 2>&1; then
    echo "ensure-uv: $PYTHON not found; Kesu needs Python >= 3.11 and make." >&2
    exit 1
fi

echo "ensure-uv: uv not found, installing it with $PYTHON -m pip ..."
if "$PYTHON" -m pip install --user --quiet uv 2>/dev/null && [ -x "$HOME/.local/bin/uv" ]; then
    echo "ensure-uv: installed $HOME/.local/bin/uv"
    exit 0
fi

echo "ensure-uv: 'pip install --user' is not possible here; installing uv into $TOOLS/ instead"
rm -rf "$TOOLS"
if "$PYTHON" -m venv "$TOOLS" >/dev/null 2>&1 && "$TOOLS/bin/python" -m pip install --quiet uv; then
    echo '*' >"$TOOLS/.gitignore"
    echo "ensure-uv: installed $TOOLS/bin/uv"
    exit 0
fi

rm -rf "$TOOLS"
if "$PYTHON" -m pip install --quiet --target "$TOOLS" uv && [ -x "$TOOLS/bin/uv" ]; then
    echo '*' >"$TOOLS/.gitignore"
    echo "ensure-uv: installed $TOOLS/bin/uv"
    exit 0
fi

echo "ensure-uv: could not install uv. Install it yourself (https://docs.astral.sh/uv/) or install" >&2
echo "           pip for $PYTHON (Debian: apt-get install python3-pip), then run make again." >&2
exit 1
