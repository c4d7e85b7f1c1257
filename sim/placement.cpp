#include "sim/placement.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace gpusim {
namespace {

std::string known_devices(const PlatformSpec& p) {
  std::string s;
  for (const auto& d : p.devices) s += (s.empty() ? "" : ", ") + d.name;
  return s;
}

// The device named `name`, or -1.
int device_index(const PlatformSpec& p, const std::string& name) {
  for (std::size_t d = 0; d < p.devices.size(); ++d) {
    if (p.devices[d].name == name) return static_cast<int>(d);
  }
  return -1;
}

// Device memory `n` instances of workload `w` need on one unit (weights once when shared).
double instances_memory(const WorkloadSpec& ws, int w, int n, bool shared_weights) {
  std::vector<Placement> on_one;
  for (int k = 0; k < n; ++k) on_one.push_back(Placement{StreamInstance{w, k}, 0});
  return unit_memory(ws, on_one, 0, shared_weights);
}

}  // namespace

bool placement_allows_device(const StreamSpec& s, const PlatformSpec& p, int device) {
  const auto& names = s.placement.devices;
  return names.empty() || std::find(names.begin(), names.end(),
                                    p.devices.at(static_cast<std::size_t>(device)).name) != names.end();
}

bool placement_allows(const StreamSpec& s, const PlatformSpec& p, const Unit& u) {
  if (!placement_allows_device(s, p, u.device)) return false;
  return !s.placement.slice || *s.placement.slice == u.slice;
}

std::string placement_text(const PlacementSpec& p) {
  if (p.devices.empty()) return "any unit";
  if (p.slice) return fmt::format("{} slice {}", p.devices.front(), *p.slice);
  std::string s;
  for (const auto& d : p.devices) s += (s.empty() ? "" : ", ") + d;
  return s;
}

void check_placement(const Scenario& sc) {
  const PlatformSpec& platform = sc.platform;
  const double headroom = platform.memory_headroom;
  for (std::size_t w = 0; w < sc.workloads.streams.size(); ++w) {
    const StreamSpec& s = sc.workloads.streams[w];
    const PlacementSpec& pl = s.placement;
    std::vector<Unit> candidates;  // the units the placement allows (one per `mig: auto` device: the largest)
    bool one_unit = true;          // false when a `mig: auto` device's slices are still to be chosen
    for (std::size_t i = 0; i < pl.devices.size(); ++i) {
      const SourceLoc& at = pl.device_locs.at(i);
      const int d = device_index(platform, pl.devices[i]);
      if (d < 0) {
        throw at.error(fmt::format("workload '{}': placement: unknown device '{}' (known: {})", s.name,
                                   pl.devices[i], known_devices(platform)));
      }
      const DeviceInstance& dev = platform.devices[static_cast<std::size_t>(d)];
      const bool mig = dev.sharing == SharingMode::MIG;
      if (pl.slice && !mig) {
        throw pl.slice_loc.error(
            fmt::format("workload '{}': placement: device '{}' is not MIG-partitioned "
                        "(sharing: {}), so it has no slice {}",
                        s.name, dev.name, to_string(dev.sharing), *pl.slice));
      }
      if (pl.slice && dev.mig_auto) {
        throw pl.slice_loc.error(
            fmt::format("workload '{}': placement: device '{}' has 'mig: auto' (the "
                        "scheduler chooses its slices), so no slice can be pinned; pin "
                        "the device, or list its slices in the platform file",
                        s.name, dev.name));
      }
      std::vector<Unit> units;
      if (dev.mig_auto) {
        one_unit = false;
        const auto largest = std::max_element(
            dev.spec.mig_profiles.begin(), dev.spec.mig_profiles.end(),
            [](const MigProfile& a, const MigProfile& b) { return a.memory.v < b.memory.v; });
        units = units_of(dev, d, {largest->name});
      } else {
        units = units_of(dev, d, mig ? dev.mig_partition : std::vector<std::string>{});
      }
      if (pl.slice) {
        if (*pl.slice >= static_cast<int>(units.size())) {
          throw pl.slice_loc.error(
              fmt::format("workload '{}': placement: device '{}' has no slice {} (its "
                          "'mig' list has {} slice(s): 0 to {})",
                          s.name, dev.name, *pl.slice, units.size(), units.size() - 1));
        }
        units = {units[static_cast<std::size_t>(*pl.slice)]};
      }
      if (!dev.spec.peak(s.precision)) {
        throw at.error(fmt::format("workload '{}': placement: device '{}' ({}) does not support {}", s.name,
                                   dev.name, dev.spec.name, to_string(s.precision)));
      }
      const double one = instances_memory(sc.workloads, static_cast<int>(w), 1, true);
      const auto roomy = std::max_element(
          units.begin(), units.end(), [](const Unit& a, const Unit& b) { return a.memory.v < b.memory.v; });
      if (one > roomy->memory.v * headroom * (1 + 1e-12)) {
        throw(pl.slice ? pl.slice_loc : at)
            .error(fmt::format("workload '{}': placement: one instance needs {:.2f} GB of device memory and "
                               "{} ({}) has {:.2f} GB usable",
                               s.name, one / 1e9, roomy->name, dev.spec.name,
                               roomy->memory.v * headroom / 1e9));
      }
      candidates.insert(candidates.end(), units.begin(), units.end());
    }
    if (one_unit && candidates.size() == 1 && s.count > 1) {
      const Unit& u = candidates.front();
      const double all =
          instances_memory(sc.workloads, static_cast<int>(w), s.count, platform.contention.shared_weights);
      if (all > u.memory.v * headroom * (1 + 1e-12)) {
        throw(pl.slice ? pl.slice_loc : pl.device_locs.front())
            .error(fmt::format("workload '{}': placement: its {} instances need {:.2f} GB of device memory "
                               "and {} ({}) has {:.2f} GB usable",
                               s.name, s.count, all / 1e9, u.name,
                               platform.devices[static_cast<std::size_t>(u.device)].spec.name,
                               u.memory.v * headroom / 1e9));
      }
    }
  }
}

}  // namespace gpusim
