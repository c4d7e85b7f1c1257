#!/usr/bin/env bash
# report_test.sh KIND GPUSIM CHROMIUM EXAMPLES_DIR WORK_DIR: writes a KIND (run | run-face | compare | compare-seeds | sweep | capacity)
# report of an example and checks it in headless Chromium (check_report.py). Exit 77: no chromium.
set -euo pipefail
kind=$1 gpusim=$2 chromium=$3 examples=$4 work=$5
here=$(cd "$(dirname "$0")" && pwd)
if [[ "$chromium" == none ]] || ! command -v "$chromium" >/dev/null; then
  echo "chromium is not installed (scripts/install-deps installs it): report.$kind skipped"
  exit 77
fi
rm -rf "$work" && mkdir -p "$work"
case "$kind" in
  # The additivity analysis of the face example takes minutes; examples/additivity/a-overlap has it in
  # seconds, so the run report is checked with its additivity charts.
  run)
    "$gpusim" run "$examples/additivity/a-overlap/platform.yaml" "$examples/additivity/a-overlap/workloads.yaml" \
      -q --report "$work/run.html" >/dev/null
    min_charts=7 ;;
  # The face example's own run (20 s simulated, no additivity: about 7 s): its time series end on a sample
  # time summed from steps (20.0000000000003), which once showed as the axes' last tick.
  run-face)
    "$gpusim" run "$examples/face-recognition/platform.yaml" "$examples/face-recognition/workloads.yaml" \
      -q --additivity off --report "$work/run-face.html" >/dev/null
    min_charts=8 ;;
  # The compare report of the quickstart example (a shorter simulation than the face example's, so the
  # test stays around 20 s); the face example's compare report is in docs/images/report-compare.png.
  compare)
    "$gpusim" compare "$examples/quickstart/platform.yaml" "$examples/quickstart/workloads.yaml" -q \
      --schedulers round-robin,least-loaded,best-fit --report "$work/compare.html" >/dev/null
    min_charts=3 ;;
  # The same comparison over 3 seeds (3 s each): the intervals across the runs.
  compare-seeds)
    "$gpusim" compare "$examples/quickstart/platform.yaml" "$examples/quickstart/workloads.yaml" -q \
      --schedulers round-robin,best-fit --seeds 3 --set run.duration=3s --set run.warmup=1s \
      --report "$work/compare-seeds.html" >/dev/null
    min_charts=3 ;;
  # A sweep of the quickstart example: streams x device type, p99 against the streams (the L4 saturates).
  sweep)
    "$gpusim" sweep "$examples/quickstart/platform.yaml" "$examples/quickstart/workloads.yaml" -q \
      --set workloads.resnet50.count=4,8,16 --set nodes.server0.devices.gpu.type=A100-PCIe-40GB,L4 \
      --set run.duration=3s --report "$work/sweep.html" >/dev/null
    min_charts=2 ;;
  # A capacity search of the quickstart example with short points (about 10 s).
  capacity)
    "$gpusim" capacity "$examples/quickstart/platform.yaml" "$examples/quickstart/workloads.yaml" -q \
      --vary resnet50 --window 1s --suggest off --report "$work/capacity.html" >/dev/null
    min_charts=1 ;;
  *) echo "unknown report kind $kind" >&2; exit 2 ;;
esac
python3 "$here/check_report.py" "$chromium" "$work/$kind.html" "$work/$kind.png" "$min_charts"
