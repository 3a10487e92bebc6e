#!/bin/sh
# Renders an eval run's report.html in headless Chromium (Debian's `chromium`) and writes a PNG,
# by default to the repository's docs/eval-report.png (the README's picture: make it from a real
# main-job run). First checks in the same browser that every embedded rollout GIF decodes
# (scripts/report-check.mjs). Not part of the tests; needs `apt-get install -y chromium`.
#   npx nx run eval-cli:report:screenshot -- <run-dir>/report.html [out.png]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
report=${1:?usage: report-screenshot.sh <run-dir>/report.html [out.png]}
# relative paths are the user's: through Nx the script runs in packages/eval-cli
base=${RSD_INVOCATION_CWD:-${INIT_CWD:-$PWD}}
case $report in /*) ;; *) report=$base/$report ;; esac
out=${2:-$here/../../../docs/eval-report.png}
case $out in /*) ;; *) out=$base/$out ;; esac
command -v chromium >/dev/null || { echo "chromium not found (apt-get install -y chromium)" >&2; exit 1; }
node "$here/report-check.mjs" "$report"
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
chromium --headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update \
  --disable-sync --no-first-run --user-data-dir="$profile" --hide-scrollbars \
  --window-size=1200,${RSD_SCREENSHOT_HEIGHT:-2600} --screenshot="$out" "file://$(realpath "$report")" 2>/dev/null
test -s "$out" || { echo "chromium wrote no screenshot" >&2; exit 1; }
echo "wrote $out"
