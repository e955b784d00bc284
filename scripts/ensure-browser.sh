#!/usr/bin/env bash
# Make sure the browser tests (tests/e2e) can run: Chromium at /usr/bin/chromium plus CJK fonts, so that
# Chinese text renders in screenshots instead of boxes.
#
# Installs the missing Debian packages (chromium, fonts-noto-cjk) when running as root on a system with
# apt-get. Otherwise it only explains what is missing; it never fails: without Chromium the e2e tests
# skip themselves and the rest of the suite still runs.
set -uo pipefail

pkg_installed() {
    dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'
}

missing=()
if [ ! -x /usr/bin/chromium ]; then
    missing+=(chromium)
fi
if command -v dpkg-query >/dev/null 2>&1; then
    pkg_installed fonts-noto-cjk || missing+=(fonts-noto-cjk)
elif command -v fc-list >/dev/null 2>&1 && [ -z "$(fc-list :lang=zh 2>/dev/null)" ]; then
    missing+=(fonts-noto-cjk)
fi

[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "ensure-browser: missing ${missing[*]}; not root or no apt-get, so not installing them." >&2
    echo "ensure-browser: the browser tests (tests/e2e) will skip themselves. To run them:" >&2
    echo "                sudo apt-get install chromium fonts-noto-cjk" >&2
    exit 0
fi

echo "ensure-browser: installing ${missing[*]} ..."
export DEBIAN_FRONTEND=noninteractive
if apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}"; then
    echo "ensure-browser: installed ${missing[*]}"
else
    echo "ensure-browser: could not install ${missing[*]}; the browser tests will skip themselves." >&2
fi
exit 0
