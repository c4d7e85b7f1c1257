// L2 hits (sim/l2_model.hpp), values computed by hand for a 4 MB L2: which bytes of a kernel are hits, and
// the share of them a launch keeps next to co-runners, 1 - sensitivity x min(1, (sum - L2) / L2).

#include "sim/l2_model.hpp"

#include <gtest/gtest.h>

namespace gpusim {
namespace {

constexpr Bytes kL2{4e6};

// A kernel that reads `chained` bytes per sample written `distance` bytes per sample of traffic ago.
KernelSpec kernel(double activations, double weights, double chained, double distance) {
  KernelSpec k;
  k.bytes = Bytes{activations};
  k.weight_bytes = Bytes{weights};
  k.working_set = Bytes{activations + weights};
  if (chained > 0) k.chained = {ChainedRead{Bytes{chained}, Bytes{distance}, Bytes{0.0}}};
  return k;
}

TEST(L2Hits, AResidentReadIsAllHitsWhenItsWorkingSetFits) {
  KernelSpec k = kernel(3e6, 0, 0, 0);
  k.working_set = Bytes{3e6};
  k.resident = true;
  const L2Residency r{kL2.v, 0, 3e6, false};
  EXPECT_DOUBLE_EQ(l2_hit_bytes(k, 1, r), 3e6);
  EXPECT_DOUBLE_EQ(l2_hit_bytes(k, 2, r), 0.0);  // 6 MB > 4 MB: streams from memory
  k.resident = false;
  EXPECT_DOUBLE_EQ(l2_hit_bytes(k, 1, r), 0.0);  // read once: nothing was left in L2 for it
}

TEST(L2Hits, TheChainedInputHitsWhileItFits) {
  const KernelSpec k = kernel(2e6, 0, 1e6, 1e6);  // reads 1 MB per sample the kernel before wrote
  const L2Residency r{kL2.v, 0, 2e6, false};
  EXPECT_DOUBLE_EQ(l2_hit_bytes(k, 2, r), 2e6);  // 2 MB <= 4 MB
  EXPECT_DOUBLE_EQ(l2_hit_bytes(k, 4, r), 4e6);  // exactly the L2
  EXPECT_DOUBLE_EQ(l2_hit_bytes(k, 5, r), 0.0);  // 5 MB: evicted before it is read
  // The same input written three kernels earlier, 1.5 MB per sample moved since: 2 x 1.5 = 3 MB fits at
  // batch 2, 3 x 1.5 = 4.5 MB does not at batch 3.
  KernelSpec far = kernel(2e6, 0, 1e6, 1.5e6);
  EXPECT_DOUBLE_EQ(l2_hit_bytes(far, 2, r), 2e6);
  EXPECT_DOUBLE_EQ(l2_hit_bytes(far, 3, r), 0.0);
  // Weights the kernels in between stream (not resident) evict it too: 3 + 1.5 MB > 4 MB at batch 2.
  far.chained[0].weights = Bytes{1.5e6};
  EXPECT_DOUBLE_EQ(l2_hit_bytes(far, 2, r), 0.0);
}

TEST(L2Hits, EachInputHitsOnItsOwn) {
  // A residual add: it reads 1 MB per sample that the kernel just before wrote (1 MB moved since) and
  // 1 MB per sample written three kernels earlier (3 MB moved since). At batch 2 the near input's 2 MB
  // fit the 4 MB L2 and the far one's 6 MB do not: 2 MB of hits, the near input alone.
  KernelSpec k = kernel(3e6, 0, 1e6, 1e6);
  k.chained.push_back(ChainedRead{Bytes{1e6}, Bytes{3e6}, Bytes{0.0}});
  const L2Residency r{kL2.v, 0, 3e6, false};
  EXPECT_DOUBLE_EQ(l2_hit_bytes(k, 1, r), 2e6);  // both fit: 1 + 1 MB
  EXPECT_DOUBLE_EQ(l2_hit_bytes(k, 2, r), 2e6);  // the near one only: 2 x 1 MB
  EXPECT_DOUBLE_EQ(l2_hit_bytes(k, 5, r), 0.0);  // neither: 5 MB > 4 MB
}

TEST(L2Hits, WeightsStayWhenTheyAndTheLargestActivationsFit) {
  // 3 MB of weights kept on the unit, the stage's largest kernel moves 0.5 MB per sample.
  const KernelSpec k = kernel(0.4e6, 1e6, 0.2e6, 0.2e6);
  const L2Residency r{kL2.v, 3e6, 0.5e6, true};
  // Batch 1: 3 + 0.5 <= 4, weights hit (1 MB); 1 MB of L2 is left, the 0.2 MB input fits: 1.2 MB.
  EXPECT_DOUBLE_EQ(l2_hit_bytes(k, 1, r), 1.2e6);
  // Batch 4: 3 + 2 > 4, the activations evict the weights; the 0.8 MB input fits the whole L2.
  EXPECT_DOUBLE_EQ(l2_hit_bytes(k, 4, r), 0.8e6);
  // A stage that does not reuse its weights (an explicit kernel) keeps only its input.
  const L2Residency explicit_kernel{kL2.v, 3e6, 0.5e6, false};
  EXPECT_DOUBLE_EQ(l2_hit_bytes(k, 1, explicit_kernel), 0.2e6);
}

// What a kernel occupies in L2: a resident kernel the buffer it re-reads (1.5 MB per sample here, though each
// launch streams 100 MB through it), any other kernel what it moves: 3 MB per sample + 1 MB of weights.
TEST(L2Footprint, AResidentKernelOccupiesItsWorkingSetNotWhatItStreams) {
  KernelSpec k = kernel(100e6, 0, 0, 0);
  k.working_set = Bytes{1.5e6};
  k.resident = true;
  EXPECT_DOUBLE_EQ(l2_footprint(k, 1).v, 1.5e6);
  EXPECT_DOUBLE_EQ(l2_footprint(k, 2).v, 3e6);
  const KernelSpec once = kernel(3e6, 1e6, 0, 0);
  EXPECT_DOUBLE_EQ(l2_footprint(once, 2).v, 7e6);
  // Two such resident kernels fit together in the 4 MB L2: neither loses a hit.
  L2Interference l2(kL2, 1.0, true);
  l2.add(l2_footprint(k, 1));
  l2.add(l2_footprint(k, 1));
  EXPECT_DOUBLE_EQ(l2.kept(), 1.0);
}

// What a hit costs on a two-partition L2 (A100 whitepaper: each partition caches for the SMs wired to it).
// A 60 MB L2: a footprint up to 30 MB fits one partition, all hits near; above, each byte keeps one copy
// and the L2 left over holds near copies: near share = L / 2F (60 / 90 = 2/3 at 45 MB, 1/2 at 60 MB).
TEST(L2Cost, AFootprintAboveOnePartitionHasFarHits) {
  L2Cost c;
  c.near = 0.4;
  c.far = 0.8;
  c.l2 = 60e6;
  c.partitions = 2;
  EXPECT_DOUBLE_EQ(c.near_share(10e6), 1.0);
  EXPECT_DOUBLE_EQ(c.near_share(30e6), 1.0);
  EXPECT_DOUBLE_EQ(c.near_share(45e6), 2.0 / 3.0);
  EXPECT_DOUBLE_EQ(c.near_share(60e6), 0.5);
  EXPECT_DOUBLE_EQ(c.of(30e6), 0.4);
  EXPECT_DOUBLE_EQ(c.of(45e6), 2.0 / 3.0 * 0.4 + 1.0 / 3.0 * 0.8);
  // Four partitions: 1/4 + 3/4 x (60 - 40) / (3 x 40) = 0.375 at 40 MB.
  c.partitions = 4;
  EXPECT_DOUBLE_EQ(c.near_share(40e6), 0.375);
  c.partitions = 1;  // one pool (a MIG instance, most GPUs): every hit near
  EXPECT_DOUBLE_EQ(c.near_share(60e6), 1.0);
}

// From the catalog's fields, an H200-like device: 4800 GB/s x 0.9 memory, 12390 GB/s L2.
TEST(L2Cost, FromTheDeviceFields) {
  DeviceSpec d;
  d.memory_bandwidth = ByteRate{4800e9};
  d.memory_efficiency = 0.9;
  d.l2_bandwidth = ByteRate{12390e9};
  d.l2_partitions = 2;
  // No L2 efficiency of its own: the memory efficiency on both sides, a hit worth 4800 / 12390 of a byte,
  // as before partitions (far ratio 1: the far partition costs the same).
  L2Cost c = l2_cost(d, Bytes{60e6}, true);
  EXPECT_DOUBLE_EQ(c.near, 4800.0 / 12390.0);
  EXPECT_DOUBLE_EQ(c.of(50e6), 4800.0 / 12390.0);
  // L2 efficiency 0.75, far partitions at 0.6 of the near bandwidth: near = 4320 / 9292.5, far = near / 0.6.
  d.l2_efficiency = 0.75;
  d.l2_far_ratio = 0.6;
  c = l2_cost(d, Bytes{60e6}, true);
  EXPECT_DOUBLE_EQ(c.near, 4320.0 / 9292.5);
  EXPECT_DOUBLE_EQ(c.far, 4320.0 / 9292.5 / 0.6);
  EXPECT_EQ(c.partitions, 2);
  // A far hit is never dearer than a miss: far ratio 0.3 would make it 1.55 device-memory bytes.
  d.l2_far_ratio = 0.3;
  EXPECT_DOUBLE_EQ(l2_cost(d, Bytes{60e6}, true).far, 1.0);
  // A MIG instance's own L2 slices: one partition.
  EXPECT_EQ(l2_cost(d, Bytes{20e6}, false).partitions, 1);
  // No L2 bandwidth in the catalog: no bonus at all.
  d.l2_bandwidth = ByteRate{0.0};
  EXPECT_DOUBLE_EQ(l2_cost(d, Bytes{60e6}, true).near, 1.0);
  EXPECT_DOUBLE_EQ(l2_cost(d, Bytes{60e6}, true).far, 1.0);
}

TEST(L2Interference, OneKernelAloneKeepsItsHits) {
  L2Interference l2(kL2, 1.0, true);
  l2.add(Bytes{10e6});  // overflows L2 alone: it has no hits, there is nothing to lose
  EXPECT_DOUBLE_EQ(l2.kept(), 1.0);
}

TEST(L2Interference, WorkingSetsThatFitTogetherKeepTheirHits) {
  L2Interference l2(kL2, 1.0, true);
  l2.add(Bytes{2e6});
  l2.add(Bytes{2e6});  // 4 MB = L2
  EXPECT_DOUBLE_EQ(l2.kept(), 1.0);
}

TEST(L2Interference, PartialOverflowLosesPartOfTheHits) {
  L2Interference l2(kL2, 1.0, true);
  l2.add(Bytes{3e6});
  l2.add(Bytes{2e6});  // overflow 5 - 4 = 1 MB: keeps 1 - 1/4
  EXPECT_DOUBLE_EQ(l2.kept(), 0.75);
  L2Interference half(kL2, 0.5, true);
  half.add(Bytes{3e6});
  half.add(Bytes{2e6});  // sensitivity 0.5: 1 - 0.5 x 1/4
  EXPECT_DOUBLE_EQ(half.kept(), 0.875);
}

TEST(L2Interference, FullOverflowLosesEveryHit) {
  L2Interference l2(kL2, 1.0, true);
  l2.add(Bytes{8e6});
  l2.add(Bytes{1e6});  // overflow 5 MB > L2: capped at the whole bonus
  EXPECT_DOUBLE_EQ(l2.kept(), 0.0);
  l2.remove(Bytes{8e6});  // the 1 MB kernel alone
  EXPECT_DOUBLE_EQ(l2.kept(), 1.0);
}

TEST(L2Interference, SwitchedOffKeepsEveryHit) {
  L2Interference l2(kL2, 1.0, false);
  l2.add(Bytes{8e6});
  l2.add(Bytes{8e6});
  EXPECT_DOUBLE_EQ(l2.kept(), 1.0);
}

}  // namespace
}  // namespace gpusim
