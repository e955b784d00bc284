#!/usr/bin/env bash
# Re-vendor Kesu's front-end assets from the npm registry into src/kesu/static/vendor/.
#
# Kesu runs on intranets without internet access, so every CSS/JS file the pages use is committed and
# served by the app itself (WhiteNoise); no CDN is ever referenced. Run this script only to upgrade:
# bump a version below, run it, check the pages, commit the changed files under static/vendor/.
#
# sourceMappingURL comments are stripped: the .map files are not shipped, and
# ManifestStaticFilesStorage (collectstatic in production) fails on references to missing files.
set -euo pipefail

BOOTSTRAP_VERSION=5.3.9
HTMX_VERSION=2.0.11
ECHARTS_VERSION=5.6.0

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEST="$ROOT/src/kesu/static/vendor"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

cd "$WORK"
npm init -y >/dev/null
npm install --no-audit --no-fund --ignore-scripts --no-save \
    "bootstrap@$BOOTSTRAP_VERSION" "htmx.org@$HTMX_VERSION" "echarts@$ECHARTS_VERSION" >/dev/null
NM="$WORK/node_modules"

strip_maps() {
    # Remove /*# sourceMappingURL=... */ and //# sourceMappingURL=... lines.
    sed -i -E -e 's@/\*# sourceMappingURL=[^*]*\*/@@g' -e 's@//# sourceMappingURL=.*$@@' "$1"
}

copy() { # copy SRC DESTDIR
    mkdir -p "$2"
    cp "$1" "$2/"
    case "$1" in *.css|*.js) strip_maps "$2/$(basename "$1")" ;; esac
}

rm -rf "$DEST/bootstrap" "$DEST/htmx" "$DEST/echarts"

copy "$NM/bootstrap/dist/css/bootstrap.min.css" "$DEST/bootstrap/css"
copy "$NM/bootstrap/dist/js/bootstrap.bundle.min.js" "$DEST/bootstrap/js"
cp "$NM/bootstrap/LICENSE" "$DEST/bootstrap/LICENSE"

copy "$NM/htmx.org/dist/htmx.min.js" "$DEST/htmx"
cp "$NM/htmx.org/LICENSE" "$DEST/htmx/LICENSE"

copy "$NM/echarts/dist/echarts.min.js" "$DEST/echarts"
cp "$NM/echarts/LICENSE" "$DEST/echarts/LICENSE"
[ -f "$NM/echarts/NOTICE" ] && cp "$NM/echarts/NOTICE" "$DEST/echarts/NOTICE"

cat > "$DEST/VERSIONS.txt" <<VERSIONS
# Written by scripts/vendor-assets.sh; do not edit by hand.
bootstrap $BOOTSTRAP_VERSION
htmx.org $HTMX_VERSION
echarts $ECHARTS_VERSION
VERSIONS

echo "Vendored into $DEST:"
(cd "$DEST" && find . -type f | sort)
