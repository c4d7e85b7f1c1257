#pragma once
/// Partitions: groups of devices that never interact, each simulated in its own engine (its own child
/// process, sim/runner.hpp) and merged (merge_partitions in sim/sim_result.hpp). SimGrid's ptask model
/// re-solves every running activity of an engine at every event, and an engine's timers and state outgrow
/// the caches, so an engine's cost per kernel grows with the devices in it; engines of a few dozen devices
/// each keep it nearly flat and spread a big run over the cores. Each partition is a fork with its own
/// set-up (sim/fork.hpp), so partitions are not made smaller than that needs (32 devices: at 1,000 GPUs,
/// 8 per partition cost 1.46 us CPU per kernel, 32 cost 1.24-1.29 us, docs/performance.md).
///
/// Devices interact only through what they share. In the model today they share nothing: each device has
/// its own host link, power/thermal controller and units (MIG slices share their device, so a device is
/// never split). What rules a split out:
///   - a policy that decides per request (admit(), pick()): its state may span devices, so the whole run
///     stays in one engine;
///   - a future mechanism that couples devices (a node's shared host link or power budget) would make the
///     node the smallest partition.
/// The partitions' results equal the single engine's up to the rounding of SimGrid's remaining-work updates
/// (it advances every running activity at every event of its engine, so a kernel's remaining work is
/// decremented in different steps): counts are identical, times agree to ~1e-12 relative (tests/sim).

#include <cstddef>
#include <vector>

namespace gpusim {

/// At most this many devices in one partition...
constexpr int kPartitionDevices = 32;
/// ...and at least this many streams, on average, unless the run has fewer: a forked engine per handful
/// of idle devices would cost more than it saves.
constexpr int kPartitionStreams = 80;

/// How a run is split.
struct PartitionRule {
  bool split = true;  ///< false: one engine
  int max_devices = kPartitionDevices;
  int min_streams = kPartitionStreams;
};

/// The device groups to simulate apart, in increasing device order: contiguous runs, as even as possible,
/// of at most `max_devices` devices, and no more groups than streams / `min_streams` (at least one). One
/// group of every device when the run cannot be split (`per_request_policy`) or the rule says not to.
std::vector<std::vector<int>> partition_devices(std::size_t devices, std::size_t streams, bool per_request_policy,
                                                const PartitionRule& rule = {});

}  // namespace gpusim
