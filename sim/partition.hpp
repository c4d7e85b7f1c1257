#pragma once
/// Partitions: groups of devices that never interact, each simulated in its own engine (its own child
/// process, sim/runner.hpp) and merged (merge_partitions in sim/sim_result.hpp). SimGrid's ptask model
/// re-solves every running activity of an engine at every event, so an engine's cost per kernel grows
/// with the devices in it; engines of a few devices each keep it flat and spread a big run over the cores.
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

/// At most this many devices in one partition.
constexpr int kPartitionDevices = 8;

/// The device groups to simulate apart, in increasing device order (contiguous runs of at most
/// `max_devices`, as even as possible); one group of every device when the run cannot be split
/// (`per_request_policy`) or has at most `max_devices` devices.
std::vector<std::vector<int>> partition_devices(std::size_t devices, bool per_request_policy,
                                                int max_devices = kPartitionDevices);

}  // namespace gpusim
