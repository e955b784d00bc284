#!/usr/bin/env bash
# Re-vendor Swagger UI (the API docs page at /api/v1/docs) from the npm registry into
# src/kesu/static/vendor/swagger-ui/.
#
# django-ninja ships Swagger UI inside its package, but serves those files only when "ninja" is an
# installed app; otherwise its docs page loads them from a CDN, which intranets cannot reach. Kesu
# serves its own copy instead (kesu.api.docs.OfflineSwagger). Keep the version equal to the one bundled
# by the installed django-ninja (grep PACKAGE_VERSION in ninja/static/ninja/swagger-ui-bundle.js).
# sourceMappingURL comments are stripped for the same reason as in scripts/vendor-assets.sh.
set -euo pipefail

SWAGGER_UI_VERSION=5.31.0

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEST="$ROOT/src/kesu/static/vendor/swagger-ui"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

cd "$WORK"
npm init -y >/dev/null
npm install --no-audit --no-fund --ignore-scripts --no-save "swagger-ui-dist@$SWAGGER_UI_VERSION" >/dev/null
NM="$WORK/node_modules/swagger-ui-dist"

mkdir -p "$DEST"
rm -f "$DEST/swagger-ui-bundle.js" "$DEST/swagger-ui.css" "$DEST/favicon-32x32.png" "$DEST/LICENSE" "$DEST/NOTICE"
for f in swagger-ui-bundle.js swagger-ui.css; do
    cp "$NM/$f" "$DEST/$f"
    sed -i -E -e 's@/\*# sourceMappingURL=[^*]*\*/@@g' -e 's@//# sourceMappingURL=.*$@@' "$DEST/$f"
done
cp "$NM/favicon-32x32.png" "$NM/LICENSE" "$NM/NOTICE" "$DEST/"
echo "swagger-ui-dist $SWAGGER_UI_VERSION" > "$DEST/VERSION"
echo "Vendored Swagger UI $SWAGGER_UI_VERSION into $DEST"
