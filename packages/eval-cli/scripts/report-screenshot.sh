#!/bin/sh
# Renders an eval run's report.html in headless Chromium (Debian's `chromium`) and writes a PNG,
# by default to the repository's docs/eval-report.png. A check that the self-contained report
# and its inline SVG charts render in a real browser; not part of the tests.
#   sh scripts/report-screenshot.sh results/<run>/report.html [out.png]
set -eu
report=${1:?usage: report-screenshot.sh <run-dir>/report.html [out.png]}
here=$(cd "$(dirname "$0")" && pwd)
out=${2:-$here/../../../docs/eval-report.png}
command -v chromium >/dev/null || { echo "chromium not found (apt-get install -y chromium)" >&2; exit 1; }
chromium --headless --no-sandbox --disable-gpu --disable-background-networking --hide-scrollbars \
  --window-size=1200,1900 --screenshot="$out" "file://$(realpath "$report")" 2>/dev/null
echo "wrote $out"
