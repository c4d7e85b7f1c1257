#pragma once
/// The validated platform: nodes and their devices, resolved against the catalog.

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "core/source_loc.hpp"
#include "core/units.hpp"
#include "platforms/contention_spec.hpp"
#include "platforms/device_spec.hpp"

namespace gpusim {

enum class SharingMode { TIME_SLICE, MPS, MIG };
std::string_view to_string(SharingMode m);

/// One simulated device.
struct DeviceInstance {
  std::string name;  ///< unique across the platform
  std::string node;
  DeviceSpec spec;   ///< catalog entry with overrides applied
  SharingMode sharing = SharingMode::TIME_SLICE;
  std::vector<std::string> mig_partition;  ///< profile names when sharing is MIG (fixed layout)
  bool mig_auto = false;                   ///< `mig: auto`: the scheduler chooses the partition
  std::optional<Watts> power_cap;
  ByteRate pcie_bandwidth;  ///< host link of this device
  int queue_limit = 0;      ///< requests waiting on the device; 0 = unbounded
  SourceLoc loc;
  /// This device's contention switches where they differ from the platform's: set only by a study that
  /// simulates variants side by side in one run (studies/additivity_runs.cpp); never read from YAML.
  std::optional<ContentionSpec> contention;
};

/// Checks a MIG partition against the product's profiles, slice budget (the largest profile's compute
/// and memory slices) and instance limits. Returns an error message, or "" when the partition is valid.
/// When the problem is one entry (unknown profile, too many instances), `bad_entry` receives its index.
std::string check_mig_partition(const DeviceSpec& spec, const std::vector<std::string>& partition,
                                std::size_t* bad_entry = nullptr);

struct PlatformSpec {
  std::string file;
  std::vector<std::string> nodes;
  std::vector<DeviceInstance> devices;
  double memory_headroom = 0.8;  ///< usable fraction of device memory
  ContentionSpec contention;

  /// The switches device `device` runs under: its own when it has them, else the platform's. The
  /// platform-wide periods (control_period, sample_interval) are always read from `contention`.
  const ContentionSpec& contention_of(std::size_t device) const {
    const auto& own = devices.at(device).contention;
    return own ? *own : contention;
  }
};

/// The time slice a context of device `d` holds under `c`: the device's own (a calibration overlay's) when it
/// has one, else contention.time_slice's; with the time_slice mechanism off, `c`'s (shorter than any kernel).
inline Seconds time_slice_of(const DeviceSpec& d, const ContentionSpec& c) {
  return c.time_slice && d.time_slice ? *d.time_slice : c.slice;
}

/// The cost of one context switch on device `d` under `c`, chosen as time_slice_of chooses; 0 with the
/// time_slice mechanism off.
inline Seconds context_switch_of(const DeviceSpec& d, const ContentionSpec& c) {
  if (!c.time_slice) return Seconds{0.0};
  return d.context_switch ? *d.context_switch : c.switch_cost;
}

}  // namespace gpusim
