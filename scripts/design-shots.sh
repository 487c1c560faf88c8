#!/usr/bin/env bash
# Renders the design gallery (every component and mock pages of the portal and the team
# dashboards) and screenshots each page with headless Chromium, in light and dark, at
# 1440×900 and 1024×768. Output: shots/html (the pages) and shots/*.png.
#
#   scripts/design-shots.sh [page-name ...]    # default: every page; names without .html
#
# Environment: SCIP_TEST_CHROMIUM (default: chromium on PATH), SHOTS_DIR (default: shots),
# SHOT_SIZES (default: "1440,900 1024,768"), SHOT_THEMES (default: "light dark").
set -euo pipefail
cd "$(dirname "$0")/.."

chromium=${SCIP_TEST_CHROMIUM:-$(command -v chromium || command -v chromium-browser || true)}
[[ -x "$chromium" ]] || { echo "design-shots: chromium not found; set SCIP_TEST_CHROMIUM" >&2; exit 2; }
out=${SHOTS_DIR:-shots}
sizes=${SHOT_SIZES:-"1440,900 1024,768"}
themes=${SHOT_THEMES:-"light dark"}

cargo run --quiet -p scip-server --example design_gallery -- "$out/html"

if [[ $# -gt 0 ]]; then pages=("$@"); else
  pages=()
  for f in "$out"/html/*.html; do
    name=$(basename "$f" .html)
    [[ $name == index ]] || pages+=("$name")
  done
fi

profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
for page in "${pages[@]}"; do
  for size in $sizes; do
    for theme in $themes; do
      png="$out/${page}-${size/,/x}-${theme}.png"
      timeout 60 "$chromium" --headless --no-sandbox --disable-gpu --disable-background-networking \
        --disable-component-update --disable-sync --no-first-run --hide-scrollbars \
        --user-data-dir="$profile" --window-size="$size" --virtual-time-budget=2000 \
        --screenshot="$png" "file://$PWD/$out/html/$page.html?theme=$theme" >/dev/null 2>&1 \
        || echo "design-shots: chromium failed or timed out on $page ($size, $theme)" >&2
      echo "$png"
    done
  done
done
