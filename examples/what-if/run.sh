#!/usr/bin/env bash
# Regenerates every output shown in examples/what-if/README.md. Run from the repository root:
#   examples/what-if/run.sh            (uses build/cli/gpusim, or $GPUSIM)
# Each command is echoed with a leading '$ ' before its output; progress and info lines go to stderr.
set -euo pipefail
GPUSIM=${GPUSIM:-build/cli/gpusim}
FR=examples/face-recognition
W=examples/what-if

show() {
  echo "\$ gpusim $*"
  "$GPUSIM" "$@"
  echo
}

# 1. Cameras per GPU, each pipeline frame served as it comes (no dynamic batching).
show capacity $FR/platform.yaml $FR/workloads.yaml --vary lobby --per-device T4,A100-PCIe-40GB,L4

# 2. The same with dynamic batching of the lobby pipeline (up to 8 frames, waiting at most 5 ms).
show capacity $FR/platform.yaml $FR/workloads.yaml --vary lobby --per-device T4,A100-PCIe-40GB,L4 \
  --set workloads.lobby.batching.max_batch=8 --set workloads.lobby.batching.max_delay=5ms

# 3. The face service beside ResNet-50 on one A100: time-slice and MPS (MIG auto would put both on one
#    7g.40gb instance, so MIG gets its own partitioned platform, below).
show additivity $W/platform-a100.yaml $W/face-resnet.yaml --sharing time-slice,mps

# 4. MIG: 4g.20gb for the face service, 3g.20gb for ResNet-50, each pinned to its slice.
show additivity $W/platform-a100-mig.yaml $W/face-resnet.yaml --sharing mig \
  --set workloads.lobby.placement.device=a100 --set workloads.lobby.placement.slice=0 \
  --set workloads.resnet50.placement.device=a100 --set workloads.resnet50.placement.slice=1
