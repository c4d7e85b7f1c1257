// Launch geometry (sim/launch_geometry.hpp) and the kernel times it gives, against hand-computed grids,
// blocks per SM and waves. The SM limits are the CUDA C++ Programming Guide's for compute capability 8.0
// (A100: 2048 threads, 32 blocks, 64 K registers, 164 KiB shared memory) and 7.5 (T4: 1024 threads,
// 16 blocks, 64 K registers, 64 KiB).

#include "sim/launch_geometry.hpp"

#include <gtest/gtest.h>

#include "sim/plan.hpp"
#include "sim/work_units.hpp"

namespace gpusim {
namespace {

DeviceSpec a100() {
  DeviceSpec d;
  d.name = "A100";
  d.sm_count = 108;
  d.peaks[Precision::FP16] = FlopRate{312e12};
  d.peaks[Precision::INT8] = FlopRate{624e12};
  d.tensor_macs_per_sm_per_clock = {{Precision::FP16, 1024}, {Precision::INT8, 2048}};
  d.compute_efficiency = 0.7;  // achievable fp16: 218.4 TFLOP/s
  d.memory_bandwidth = ByteRate{2000e9};
  d.memory_efficiency = 0.9;  // achievable: 1.8 TB/s
  d.sm_limits = SmLimits{2048, 32, 65536, Bytes{164.0 * 1024}};
  return d;
}

DeviceSpec t4() {
  DeviceSpec d = a100();
  d.sm_count = 40;
  d.sm_limits = SmLimits{1024, 16, 65536, Bytes{64.0 * 1024}};
  return d;
}

KernelShape grid(double blocks, int per_sm) {
  KernelShape s;
  s.kind = KernelClass::GRID;
  s.blocks = blocks;
  s.blocks_per_sm = per_sm;
  return s;
}

TEST(LaunchGeometry, OneAndAHalfWavesCostTwoWaveTimes) {
  // 162 blocks, one per SM, on 108 SMs: 1.5 waves, run as 2; efficiency 162 / (2 x 108) = 0.75.
  const LaunchGeometry g = launch_geometry(grid(162, 1), 1, Precision::FP16, a100(), 108);
  EXPECT_EQ(g.waves, 2.0);
  EXPECT_DOUBLE_EQ(g.efficiency, 0.75);
  EXPECT_DOUBLE_EQ(g.sm_share, 1.0);
  // A kernel whose roofline on the whole A100 is 1 ms (218.4 GFLOP at 218.4 TFLOP/s): a wave-time is
  // 1 ms / 1.5, two of them 1.3333 ms: the engine stretches its work and bytes by 2 / 1.5.
  KernelSpec k;
  k.flops = Flops{218.4e9};
  k.shape = grid(162, 1);
  EXPECT_DOUBLE_EQ(kernel_stretch(k, 1, Precision::FP16, a100(), 1.0), 2 / 1.5);
  StreamSpec s;
  s.precision = Precision::FP16;
  s.stages.resize(1);
  s.stages[0].kernels = {k};
  DeviceInstance d;
  d.spec = a100();
  d.spec.launch_overhead = Seconds{0.0};
  const Unit unit{0, "gpu0", "", 1.0, 1.0, Bytes{80e9}, Bytes{40e6}};
  EXPECT_NEAR(isolated_request_time(s, d, unit)->v, 2e-3 / 1.5, 1e-15);
}

TEST(LaunchGeometry, ASmallGridOccupiesItsShareOfTheDevice) {
  // 10 blocks, one per SM, on a 108-SM A100: 10/108 of the device, so 10.8 x its full-device roofline.
  const LaunchGeometry g = launch_geometry(grid(10, 1), 1, Precision::FP16, a100(), 108);
  EXPECT_EQ(g.waves, 1.0);
  EXPECT_DOUBLE_EQ(g.sm_share, 10.0 / 108);
  EXPECT_DOUBLE_EQ(g.efficiency, 10.0 / 108);
  KernelSpec k;
  k.flops = Flops{218.4e9};  // 1 ms on the whole device
  k.shape = grid(10, 1);
  EXPECT_DOUBLE_EQ(kernel_stretch(k, 1, Precision::FP16, a100(), 1.0), 10.8);
  // Memory-bound: 1.8 GB at 1.8 TB/s is 1 ms too, so also 10.8 ms; alone on a unit the plan says so.
  KernelSpec mem;
  mem.bytes = Bytes{1.8e9};
  mem.shape = grid(10, 1);
  StreamSpec s;
  s.precision = Precision::FP16;
  s.stages.resize(1);
  s.stages[0].kernels = {mem};
  DeviceInstance d;
  d.spec = a100();
  d.spec.launch_overhead = Seconds{0.0};
  const Unit unit{0, "gpu0", "", 1.0, 1.0, Bytes{80e9}, Bytes{40e6}};
  EXPECT_NEAR(isolated_request_time(s, d, unit)->v, 10.8e-3, 1e-12);
  // At batch 20 the grid is 200 blocks: 1.85 waves run as 2, efficiency 200 / 216.
  EXPECT_DOUBLE_EQ(launch_geometry(grid(10, 1), 20, Precision::FP16, a100(), 108).efficiency, 200.0 / 216);
}

TEST(LaunchGeometry, FillKernelsKeepTheWholeDevice) {
  const LaunchGeometry g = launch_geometry(KernelShape{}, 1, Precision::FP16, a100(), 108);
  EXPECT_EQ(g.blocks, 0.0);
  EXPECT_EQ(g.efficiency, 1.0);
  KernelSpec k;
  k.flops = Flops{218.4e9};
  EXPECT_EQ(kernel_stretch(k, 3, Precision::FP16, a100(), 1.0), 1.0);
  // On a 14-SM MIG slice the same 10-block grid holds 10 / 14 of the slice.
  k.shape = grid(10, 1);
  EXPECT_DOUBLE_EQ(kernel_stretch(k, 1, Precision::FP16, a100(), 14.0 / 108), 1.4);
}

// The MPS active-thread percentage caps the SMs a context holds, not its speed (issue 9, item 2).
TEST(LaunchGeometry, AnMpsShareCapsTheSmsAKernelMayHoldNotItsSpeed) {
  KernelSpec k;
  k.flops = Flops{218.4e9};
  // A 5 %-of-SMs kernel (5 blocks of 108 SMs, one per SM) in a context holding 10 % of them (round(10.8) =
  // 11 SMs): its 5 blocks still run at once, so it takes what it takes alone, 108 / 5 = 21.6 x its
  // full-device roofline.
  k.shape = grid(5, 1);
  EXPECT_DOUBLE_EQ(kernel_stretch(k, 1, Precision::FP16, a100(), 1.0, 0.1), 21.6);
  EXPECT_DOUBLE_EQ(kernel_stretch(k, 1, Precision::FP16, a100(), 1.0, 1.0), 21.6);
  // 54 blocks (half the SMs) in the same context: 5 waves on 11 SMs (54 / 11 = 4.9), efficiency 54 / 55,
  // stretch 108 / (11 x 54 / 55) = 10; alone and unlimited it is 2.
  k.shape = grid(54, 1);
  EXPECT_DOUBLE_EQ(kernel_stretch(k, 1, Precision::FP16, a100(), 1.0, 0.1), 108.0 / (11 * 54.0 / 55));
  EXPECT_DOUBLE_EQ(kernel_stretch(k, 1, Precision::FP16, a100(), 1.0), 2.0);
  // A kernel without geometry fills what it may hold: 1 / share.
  k.shape = KernelShape{};
  EXPECT_DOUBLE_EQ(kernel_stretch(k, 1, Precision::FP16, a100(), 1.0, 0.25), 4.0);
}

// What an MPS neighbour cannot use while the kernel runs: the share of the unit's SMs its first wave holds.
TEST(LaunchGeometry, AKernelHoldsTheSmsItsFirstWaveOccupies) {
  KernelSpec k;
  k.flops = Flops{218.4e9};
  // 54 blocks, one per SM: 54 of 108 SMs, half the device; stretch 2.
  k.shape = grid(54, 1);
  KernelFit f = kernel_fit(k, 1, Precision::FP16, a100(), 1.0);
  EXPECT_DOUBLE_EQ(f.occupancy, 0.5);
  EXPECT_DOUBLE_EQ(f.stretch, 2.0);
  // 162 blocks: 1.5 waves hold every SM (occupancy 1) and cost 2 wave-times (stretch 2 / 1.5).
  k.shape = grid(162, 1);
  f = kernel_fit(k, 1, Precision::FP16, a100(), 1.0);
  EXPECT_DOUBLE_EQ(f.occupancy, 1.0);
  EXPECT_DOUBLE_EQ(f.stretch, 2 / 1.5);
  // Under a 10 % active-thread share (11 SMs) the same grid runs on those: 11 / 108 of the unit.
  f = kernel_fit(k, 1, Precision::FP16, a100(), 1.0, 0.1);
  EXPECT_DOUBLE_EQ(f.occupancy, 11.0 / 108);
  // A kernel without geometry holds what it may: its share.
  k.shape = KernelShape{};
  EXPECT_DOUBLE_EQ(kernel_fit(k, 1, Precision::FP16, a100(), 1.0, 0.25).occupancy, 0.25);
  EXPECT_DOUBLE_EQ(kernel_fit(k, 1, Precision::FP16, a100(), 1.0).occupancy, 1.0);
}

TEST(LaunchGeometry, ResidentBlocksTakeTheTightestLimit) {
  // 128x128 tile, 256 threads, 64 accumulators + 64 = 128 registers, 3 x 256 x 64 B = 48 KiB shared:
  // A100: threads 8, registers 65536 / 32768 = 2, shared 164 / 48 = 3, blocks 32 -> 2.
  EXPECT_EQ(resident_blocks(a100().sm_limits, 256, 128, 49152), 2);
  // T4: shared memory 64 / 48 -> 1.
  EXPECT_EQ(resident_blocks(t4().sm_limits, 256, 128, 49152), 1);
  // Element-wise blocks (128 threads, 32 registers): A100 2048 / 128 = 16; T4 1024 / 128 = 8.
  EXPECT_EQ(resident_blocks(a100().sm_limits, 128, 32, 0), 16);
  EXPECT_EQ(resident_blocks(t4().sm_limits, 128, 32, 0), 8);
}

TEST(LaunchGeometry, ElementwiseGrid) {
  // 1,000,000 elements at 512 per block: 1,954 blocks; T4: 8 per SM x 40 SMs = 320 slots; 6.1 waves run
  // as 7; efficiency 1,954 / 2,240.
  KernelShape s;
  s.kind = KernelClass::ELEMENTWISE;
  s.elements = 250000;
  const LaunchGeometry g = launch_geometry(s, 4, Precision::FP16, t4(), 40);
  EXPECT_EQ(g.blocks, 1954.0);
  EXPECT_EQ(g.blocks_per_sm, 8);
  EXPECT_EQ(g.waves, 7.0);
  EXPECT_DOUBLE_EQ(g.efficiency, 1954.0 / 2240);
}

TEST(LaunchGeometry, ReductionRows) {
  // Softmax over 1,536 rows of 128: a warp per row, 4 rows per 128-thread block: 384 blocks; A100 16 per
  // SM = 1,728 slots: efficiency 384 / 1,728. Rows of 4,096: one 512-thread block each, 4 per SM.
  KernelShape s;
  s.kind = KernelClass::REDUCTION;
  s.elements = 1536;
  s.k = 128;
  const LaunchGeometry g = launch_geometry(s, 1, Precision::FP16, a100(), 108);
  EXPECT_EQ(g.blocks, 384.0);
  EXPECT_DOUBLE_EQ(g.efficiency, 384.0 / 1728);
  s.k = 4096;
  const LaunchGeometry big = launch_geometry(s, 1, Precision::FP16, a100(), 108);
  EXPECT_EQ(big.blocks, 1536.0);
  EXPECT_EQ(big.blocks_per_sm, 4);
  EXPECT_DOUBLE_EQ(big.efficiency, 1536.0 / (4 * 432));
}

TEST(LaunchGeometry, LargeGemmTakesTheLargestTileOnATie) {
  // 4096^3 fp16 on an A100. 256x128 (192 registers, 72 KiB: 1 per SM): 512 blocks, 4.74 waves -> 5,
  // efficiency 512 / 540. 128x128 (2 per SM): 1,024 / (5 x 216); 128x64 (4): 2,048 / (5 x 432); 64x64
  // (96 registers: 5 per SM): 4,096 / (8 x 540). All 0.948: the largest tile is kept.
  KernelShape s;
  s.kind = KernelClass::GEMM;
  s.m = 4096;
  s.n = 4096;
  s.k = 4096;
  const LaunchGeometry g = launch_geometry(s, 1, Precision::FP16, a100(), 108);
  EXPECT_EQ(g.tile_m, 256);
  EXPECT_EQ(g.tile_n, 128);
  EXPECT_EQ(g.blocks, 512.0);
  EXPECT_EQ(g.blocks_per_sm, 1);
  EXPECT_EQ(g.waves, 5.0);
  EXPECT_DOUBLE_EQ(g.efficiency, 512.0 / 540);
  EXPECT_EQ(g.split_k, 1);
}

TEST(LaunchGeometry, SmallGemmSplitsK) {
  // A batch-1 classifier, M = 1, N = 1000, K = 2048, int8 on an A100. 256x128: 8 tiles on 108 slots;
  // K splits into min(108 / 8 = 13, 2048 / 256 = 8) = 8: 64 blocks, efficiency 64 / 108. The smaller
  // tiles hold more slots per SM and do worse (128x128: 64 / 216; 128x64: 128 / 432; 64x64: 128 / 540).
  KernelShape s;
  s.kind = KernelClass::GEMM;
  s.m = 1;
  s.n = 1000;
  s.k = 2048;
  const LaunchGeometry g = launch_geometry(s, 1, Precision::INT8, a100(), 108);
  EXPECT_EQ(g.tile_m, 256);
  EXPECT_EQ(g.split_k, 8);
  EXPECT_EQ(g.blocks, 64.0);
  EXPECT_DOUBLE_EQ(g.efficiency, 64.0 / 108);
  EXPECT_EQ(g.describe(), "256x128 tiles, split-K 8");
}

TEST(LaunchGeometry, BatchedGemmScalesItsCount) {
  // Attention scores: 12 heads of 128x128x64 per sample; at batch 2, 24 products, each one 256x128 tile:
  // 24 blocks, no split-K (K = 64 < 256): efficiency 24 / 108 (64x64: 96 / 540 is worse).
  KernelShape s;
  s.kind = KernelClass::GEMM;
  s.m = 128;
  s.n = 128;
  s.k = 64;
  s.count = 12;
  s.count_scales = true;
  const LaunchGeometry g = launch_geometry(s, 2, Precision::FP16, a100(), 108);
  EXPECT_EQ(g.blocks, 24.0);
  EXPECT_DOUBLE_EQ(g.efficiency, 24.0 / 108);
}

TEST(LaunchGeometry, MigSliceSms) {
  // A 1g.10gb slice of an A100 80GB holds 14 of its 108 SMs.
  EXPECT_EQ(unit_sms(a100(), 14.0 / 108), 14);
  EXPECT_EQ(unit_sms(a100(), 1.0), 108);
}

}  // namespace
}  // namespace gpusim
