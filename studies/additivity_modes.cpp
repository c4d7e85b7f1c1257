#include "studies/additivity_modes.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <sstream>

#include "core/errors.hpp"

namespace gpusim {

std::vector<SharingMode> parse_sharing_modes(const std::string& list) {
  std::vector<SharingMode> modes;
  std::stringstream in(list);
  std::string item;
  while (std::getline(in, item, ',')) {
    SharingMode m{};
    if (item == "time-slice") {
      m = SharingMode::TIME_SLICE;
    } else if (item == "mps") {
      m = SharingMode::MPS;
    } else if (item == "mig") {
      m = SharingMode::MIG;
    } else {
      throw ConfigError(
          fmt::format("error: --sharing: unknown sharing mode '{}' (known: time-slice, mps, mig)", item));
    }
    if (std::find(modes.begin(), modes.end(), m) != modes.end()) {
      throw ConfigError(fmt::format("error: --sharing: mode '{}' is listed twice", item));
    }
    modes.push_back(m);
  }
  if (modes.empty()) throw ConfigError("error: --sharing: no mode given (known: time-slice, mps, mig)");
  return modes;
}

std::vector<ModeAnswer> additivity_by_sharing(const Scenario& sc, const std::vector<SharingMode>& modes,
                                              const std::optional<WorkLimits>& limits) {
  // Every mode is checked before the first simulation, so a device that cannot take one fails fast.
  std::vector<Scenario> scenarios;
  for (SharingMode mode : modes) {
    Scenario s = sc;
    for (auto& d : s.platform.devices) {
      if (mode == SharingMode::MIG && d.spec.mig_profiles.empty()) {
        throw ConfigError(fmt::format("error: --sharing mig: device '{}' ({}) has no MIG profiles", d.name,
                                      d.spec.name));
      }
      if (mode == SharingMode::MIG && d.sharing != SharingMode::MIG) d.mig_auto = true;
      if (mode != SharingMode::MIG) {
        d.mig_partition.clear();
        d.mig_auto = false;
      }
      d.sharing = mode;
    }
    // Without MIG there are no slices: a workload pinned to a slice keeps its device only.
    if (mode != SharingMode::MIG) {
      for (auto& w : s.workloads.streams) w.placement.slice.reset();
    }
    scenarios.push_back(std::move(s));
  }
  std::vector<ModeAnswer> out;
  for (std::size_t i = 0; i < modes.size(); ++i) {
    const RunOutcome run = run_scenario(scenarios[i], true, limits, nullptr, true);
    ModeAnswer a;
    a.mode = std::string(to_string(modes[i]));
    a.results = run.additivity;
    const AdditivityResult* whole = nullptr;
    for (const auto& r : a.results) {
      if (r.scope == "platform" || a.results.size() == 1) whole = &r;
    }
    if (whole && whole->required) {
      a.required = whole->required->combined;
      a.required_alone = whole->required->sum;
    }
    std::uint64_t generated = 0;
    double met = 0;
    for (const auto& w : run.metrics.workloads) {
      if (!w.sla_attainment) continue;
      generated += w.generated;
      met += *w.sla_attainment * static_cast<double>(w.generated);
    }
    a.sla_attainment = generated ? met / static_cast<double>(generated) : 1.0;
    out.push_back(std::move(a));
  }
  return out;
}

}  // namespace gpusim
