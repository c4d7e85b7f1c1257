#!/usr/bin/env bash
# report_test.sh KIND GPUSIM CHROMIUM EXAMPLES_DIR WORK_DIR: writes the KIND (run | compare) report of the
# face-recognition example and checks it in headless Chromium (check_report.py). Exit 77: no chromium.
set -euo pipefail
kind=$1 gpusim=$2 chromium=$3 examples=$4 work=$5
here=$(cd "$(dirname "$0")" && pwd)
if [[ "$chromium" == none ]] || ! command -v "$chromium" >/dev/null; then
  echo "chromium is not installed (scripts/install-deps installs it): report.$kind skipped"
  exit 77
fi
rm -rf "$work" && mkdir -p "$work"
face="$examples/face-recognition"
case "$kind" in
  # The additivity analysis of the face example takes minutes; examples/additivity/a-overlap has it in
  # seconds, so the run report is checked with its additivity charts.
  run)
    "$gpusim" run "$examples/additivity/a-overlap/platform.yaml" "$examples/additivity/a-overlap/workloads.yaml" \
      -q --report "$work/run.html"
    min_charts=7 ;;
  compare)
    "$gpusim" compare "$face/platform.yaml" "$face/workloads.yaml" -q \
      --schedulers round-robin,least-loaded,best-fit --report "$work/compare.html" >/dev/null
    min_charts=3 ;;
  *) echo "unknown report kind $kind" >&2; exit 2 ;;
esac
python3 "$here/check_report.py" "$chromium" "$work/$kind.html" "$work/$kind.png" "$min_charts"
