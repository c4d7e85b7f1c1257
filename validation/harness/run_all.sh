#!/usr/bin/env bash
# Runs the whole gpusim measurement harness on GPU 0 of this machine in under 8 minutes and writes
# kernels.csv, steady.csv, pairs.csv, models.csv, model_kernels.csv, model_pairs.csv, power.csv and machine.json into OUT_DIR
# (columns: validation/harness/README.md). Commit the result as validation/measured/<gpu>/ with a README
# saying how and when it was taken; never edit the numbers.
#
# usage: validation/harness/run_all.sh OUT_DIR [--catalog NAME]
#
# Observe only: this script and everything it runs query the GPU (nvidia-smi --query-gpu, CUDA device
# attributes) and never change its clocks, power limit, MIG mode, persistence or compute mode, nor reset it.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
OUT="${1:?usage: run_all.sh OUT_DIR [--catalog NAME]}"
shift
CATALOG_ARGS=()
if [[ "${1:-}" == "--catalog" && -n "${2:-}" ]]; then CATALOG_ARGS=(--catalog "$2"); fi
BUDGET_S="${HARNESS_BUDGET_S:-420}"  # stop starting new phases after this many seconds
PY="${PYTHON:-python3}"

mkdir -p "$OUT/raw"
OUT="$(cd "$OUT" && pwd)"
BUILD="$(mktemp -d /tmp/gpusim-harness.XXXXXX)"
START=$(date +%s)
LOG="$OUT/raw/run_all.log"
: >"$LOG"
log() { echo "[run_all +$(($(date +%s) - START))s] $*" | tee -a "$LOG" >&2; }
elapsed() { echo $(($(date +%s) - START)); }

SMI_PID=""
cleanup() {
  if [[ -n "$SMI_PID" ]]; then kill "$SMI_PID" 2>/dev/null || true; fi
  rm -rf "$BUILD"
}
trap cleanup EXIT

echo "phase,start_unix,end_unix" >"$OUT/raw/phases.csv"
# phase NAME TIMEOUT_S COMMAND...: runs COMMAND under a time limit and records when the phase ran.
phase() {
  local name="$1" limit="$2"
  shift 2
  if (($(elapsed) > BUDGET_S)); then
    log "skip $name: time budget spent"
    return 0
  fi
  log "phase $name (limit ${limit}s)"
  local t0 t1 rc=0
  t0=$(date +%s.%N)
  timeout "$limit" "$@" || rc=$?
  t1=$(date +%s.%N)
  echo "$name,$t0,$t1" >>"$OUT/raw/phases.csv"
  if ((rc != 0)); then log "phase $name ended with status $rc"; fi
}

# ---- build --------------------------------------------------------------------------------------------------
command -v nvcc >/dev/null || { log "nvcc not found: cannot build the harness"; exit 1; }
log "building the harness in $BUILD"
if ! nvcc -O3 -std=c++17 -arch=native -o "$BUILD/gpusim_harness" "$HERE/harness.cu" -lcublas 2>>"$LOG"; then
  log "-arch=native failed; building for sm_90"
  nvcc -O3 -std=c++17 -arch=sm_90 -o "$BUILD/gpusim_harness" "$HERE/harness.cu" -lcublas 2>>"$LOG"
fi
H="$BUILD/gpusim_harness"
"$H" info >"$OUT/raw/harness_info.json"
log "$(cat "$OUT/raw/harness_info.json")"

# ---- passive sampling -----------------------------------------------------------------------------------------
nvidia-smi -i 0 --query-gpu=timestamp,power.draw,clocks.sm,clocks.mem,utilization.gpu,utilization.memory,temperature.gpu \
  --format=csv,noheader,nounits -lms 200 >"$OUT/raw/nvidia_smi_samples.csv" 2>>"$LOG" &
SMI_PID=$!

# ---- phases ----------------------------------------------------------------------------------------------------
phase idle 10 sleep 3
phase kernels 90 bash -c "'$H' kernels --header >'$OUT/kernels.csv'"
phase l2-sweep 120 bash -c "'$H' l2-sweep >>'$OUT/kernels.csv'"
# Each kind of work alone for 4 s (CUDA cores, tensor cores, HBM, L2): its steady power and clock.
: >"$OUT/steady.csv"
HEADER=--header
for k in fma_fp32 gemm_fp16 stream_hbm stream_l2:0.25; do
  phase "steady:${k%%:*}" 20 bash -c "'$H' steady '$k' --seconds 4 $HEADER >>'$OUT/steady.csv'"
  if [[ -s "$OUT/steady.csv" ]]; then HEADER=""; fi
done
HEADER=--header
for kind in compute+compute compute+memory tensor+memory memory+memory l2fit l2overflow; do
  for mode in streams processes; do
    if [[ -n "$HEADER" ]]; then : >"$OUT/pairs.csv"; fi
    phase "pair:$kind:$mode" 40 bash -c "'$H' pair '$kind' '$mode' $HEADER >>'$OUT/pairs.csv'"
    if [[ -s "$OUT/pairs.csv" ]]; then HEADER=""; fi
  done
done
LEFT=$((BUDGET_S - $(elapsed)))
phase models $((LEFT > 60 ? LEFT / 2 + 30 : 60)) "$PY" "$HERE/models.py" latency "$OUT" --budget $((LEFT > 60 ? LEFT / 2 : 30))
LEFT=$((BUDGET_S - $(elapsed)))
phase model-pairs $((LEFT > 60 ? LEFT + 30 : 60)) "$PY" "$HERE/models.py" pairs "$OUT" --budget $((LEFT > 60 ? LEFT - 20 : 30))
phase idle-end 10 sleep 2

# ---- wrap up ---------------------------------------------------------------------------------------------------
kill "$SMI_PID" 2>/dev/null || true
wait "$SMI_PID" 2>/dev/null || true
SMI_PID=""
"$PY" "$HERE/power.py" "$OUT/raw/nvidia_smi_samples.csv" "$OUT/raw/phases.csv" "$OUT/power.csv" 2>>"$LOG" ||
  log "power.py failed"
"$PY" "$HERE/machine.py" "$OUT" --harness-info "$OUT/raw/harness_info.json" "${CATALOG_ARGS[@]}" 2>>"$LOG" ||
  log "machine.py failed"
log "done in $(elapsed) s; files:"
find "$OUT" -maxdepth 2 -type f -printf '%10s %p\n' | sort -k2 | tee -a "$LOG" >&2
