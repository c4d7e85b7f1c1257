#pragma once
/// Launch geometry of a kernel (pure; no SimGrid): the grid the usual libraries launch for its problem,
/// the blocks one SM holds at once, the waves, and so the share of the unit the kernel can use.
///
/// Grid, by kernel class (workloads/model/kernel_shape.hpp):
/// - GEMM (cuBLAS/CUTLASS-style implicit GEMM): output tiles of 256x128, 128x128, 128x64 or 64x64; each
///   tile's block (threads, registers = accumulators + 64, shared memory = stages x (tile_m + tile_n) x
///   64 B of K slice) sets the blocks per SM. The tile chosen is the one with the best wave efficiency
///   (below), the larger on a tie; when even that leaves SM slots empty, K is split (split-K) into at most
///   as many parts as fill the slots, each at least 256 deep.
/// - ELEMENTWISE: 128 threads x 4 elements per block (PyTorch's vectorised element-wise kernels).
/// - REDUCTION: one warp per row of at most 1024 elements (4 rows per 128-thread block), else one
///   512-thread block per row.
/// - GRID: the blocks and blocks per SM the workload gives; FILL: no geometry, efficiency 1 (the kernel
///   fills the unit, as an explicit kernel without `launch` does).
///
/// Blocks per SM = the fewest that any of the SM's limits allows (threads, blocks, registers, shared
/// memory; the catalog's sm_limits), at least 1. Slots = SMs x blocks per SM; waves = ceil(blocks /
/// slots); efficiency = blocks / (waves x slots): 1.5 waves cost 2 wave-times, and a grid of fewer blocks
/// than slots runs at blocks / slots of the unit. A kernel's time is its roofline on the whole unit
/// divided by this efficiency.

#include <string>

#include "core/precision.hpp"
#include "platforms/device_spec.hpp"
#include "workloads/model/kernel_shape.hpp"

namespace gpusim {

/// The launch of one kernel on one unit.
struct LaunchGeometry {
  double blocks = 0;        ///< thread blocks in the grid (0 for FILL)
  int threads = 0;          ///< threads per block
  int blocks_per_sm = 0;    ///< resident at once on one SM
  int sms = 0;              ///< SMs of the unit
  double waves = 1;         ///< ceil(blocks / (sms x blocks_per_sm))
  double sm_share = 1;      ///< share of the unit's block slots the first wave holds: min(1, blocks / slots)
  double efficiency = 1;    ///< blocks / (waves x slots): the achieved fraction of the unit's roofline
  int tile_m = 0;           ///< GEMM: output tile
  int tile_n = 0;
  int split_k = 1;          ///< GEMM: parts K is split into

  /// "128x64 tiles, split-K 4", "512 elements per block"...
  std::string describe() const;
};

/// Geometry of a kernel of `shape` at `batch` samples on `sms` SMs of a device `d` at precision `p`
/// (tensor-core tiles where the catalog gives tensor MACs for `p`, else CUDA-core tiles).
LaunchGeometry launch_geometry(const KernelShape& shape, double batch, Precision p, const DeviceSpec& d,
                               int sms);

/// SMs of a unit holding `sm_fraction` of device `d` (at least 1).
int unit_sms(const DeviceSpec& d, double sm_fraction);

/// Blocks of `threads` threads, `registers` registers per thread and `shared` bytes of shared memory
/// that one SM holds at once under `limits` (at least 1).
int resident_blocks(const SmLimits& limits, int threads, int registers, double shared);

}  // namespace gpusim
