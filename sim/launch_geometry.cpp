// Launch geometry: grids, blocks per SM and waves (see sim/launch_geometry.hpp for the rules).

#include "sim/launch_geometry.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>

namespace gpusim {
namespace {

/// A GEMM output tile and the threads of its block.
struct Tile {
  int m;
  int n;
  int threads;
};

// CUTLASS-like threadblock tiles, largest first (warp tiles of 64x64 or 64x32 / 32x32).
constexpr std::array<Tile, 4> kTiles{{{256, 128, 256}, {128, 128, 256}, {128, 64, 128}, {64, 64, 128}}};
constexpr int kOverheadRegisters = 64;      // fragments, addresses and indices beside the accumulators
constexpr int kMaxRegisters = 255;          // per thread
constexpr double kTensorSliceBytes = 64;    // K slice per stage and tile row: 32 fp16, 64 int8, 16 tf32
constexpr double kCudaCoreSliceBytes = 32;  // 8 fp32 elements
constexpr int kTensorStages = 3;            // cp.async multistage pipelines (sm80+)
constexpr int kCudaCoreStages = 2;          // double buffering
constexpr double kMinSplitDepth = 256;      // split-K parts stay at least this deep
constexpr int kElementwiseThreads = 128;    // PyTorch's vectorised element-wise kernels
constexpr double kElementsPerThread = 4;
constexpr int kSmallRowThreads = 128;  // warp per row, 4 rows per block
constexpr double kWarpRowLimit = 1024;
constexpr int kLargeRowThreads = 512;  // block per row
constexpr int kSimpleRegisters = 32;   // element-wise and reduction kernels

/// Fills blocks, waves, share and efficiency from the grid and the blocks per SM.
void set_waves(LaunchGeometry& g) {
  const double slots = static_cast<double>(g.sms) * g.blocks_per_sm;
  g.waves = std::max(1.0, std::ceil(g.blocks / slots));
  g.sm_share = std::min(1.0, g.blocks / slots);
  g.efficiency = g.blocks / (g.waves * slots);
}

LaunchGeometry gemm(const KernelShape& s, double batch, Precision p, const DeviceSpec& d, int sms) {
  const bool tensor = d.tensor_macs_per_sm_per_clock.count(p) > 0;
  const double slice = tensor ? kTensorSliceBytes : kCudaCoreSliceBytes;
  const int stages = tensor ? kTensorStages : kCudaCoreStages;
  const double m = s.count_scales ? s.m : s.m * batch;
  const double count = s.count_scales ? s.count * batch : s.count;
  LaunchGeometry best;
  bool have = false;
  for (const Tile& t : kTiles) {
    LaunchGeometry g;
    g.sms = sms;
    g.tile_m = t.m;
    g.tile_n = t.n;
    g.threads = t.threads;
    const int registers = std::min(kMaxRegisters, t.m * t.n / t.threads + kOverheadRegisters);
    const double shared = stages * (t.m + t.n) * slice;
    g.blocks_per_sm = resident_blocks(d.sm_limits, t.threads, registers, shared);
    const double tiles = std::ceil(m / t.m) * std::ceil(std::max(s.n, 1.0) / t.n) * std::max(count, 1.0);
    const double slots = static_cast<double>(sms) * g.blocks_per_sm;
    if (tiles < slots) {
      const double by_slots = std::floor(slots / tiles);
      const double by_depth = std::floor(s.k / kMinSplitDepth);
      g.split_k = static_cast<int>(std::max(1.0, std::min(by_slots, by_depth)));
    }
    g.blocks = tiles * g.split_k;
    set_waves(g);
    if (!have || g.efficiency > best.efficiency + 1e-12) best = g;
    have = true;
  }
  return best;
}

}  // namespace

std::string LaunchGeometry::describe() const {
  if (blocks <= 0) return "fills the unit";
  if (tile_m > 0) {
    return split_k > 1 ? fmt::format("{}x{} tiles, split-K {}", tile_m, tile_n, split_k)
                       : fmt::format("{}x{} tiles", tile_m, tile_n);
  }
  return threads > 0 ? fmt::format("{} threads per block", threads) : "given grid";
}

int resident_blocks(const SmLimits& limits, int threads, int registers, double shared) {
  int n = limits.blocks;
  if (threads > 0) n = std::min(n, limits.threads / threads);
  if (threads > 0 && registers > 0) n = std::min(n, limits.registers / (threads * registers));
  if (shared > 0) n = std::min(n, static_cast<int>(limits.shared_memory.v / shared));
  return std::max(n, 1);
}

int unit_sms(const DeviceSpec& d, double sm_fraction) {
  return std::max(1, static_cast<int>(std::lround(d.sm_count * sm_fraction)));
}

LaunchGeometry launch_geometry(const KernelShape& s, double batch, Precision p, const DeviceSpec& d,
                               int sms) {
  LaunchGeometry g;
  g.sms = sms;
  switch (s.kind) {
    case KernelClass::FILL:
      return g;
    case KernelClass::GEMM:
      return gemm(s, batch, p, d, sms);
    case KernelClass::ELEMENTWISE:
      g.threads = kElementwiseThreads;
      g.blocks = std::ceil(s.elements * batch / (kElementwiseThreads * kElementsPerThread));
      g.blocks_per_sm = resident_blocks(d.sm_limits, g.threads, kSimpleRegisters, 0);
      break;
    case KernelClass::REDUCTION: {
      const bool small = s.k <= kWarpRowLimit;
      g.threads = small ? kSmallRowThreads : kLargeRowThreads;
      const double rows_per_block = small ? kSmallRowThreads / 32.0 : 1.0;
      g.blocks = std::ceil(s.elements * batch / rows_per_block);
      g.blocks_per_sm = resident_blocks(d.sm_limits, g.threads, kSimpleRegisters, 0);
      break;
    }
    case KernelClass::GRID:
      g.blocks = std::ceil(s.blocks * batch);
      g.blocks_per_sm = std::max(1, s.blocks_per_sm);
      break;
  }
  if (g.blocks <= 0) return LaunchGeometry{0, 0, 0, sms, 1, 1, 1, 0, 0, 1};
  set_waves(g);
  return g;
}

}  // namespace gpusim
