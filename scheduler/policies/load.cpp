#include "scheduler/policies/load.hpp"

#include <fmt/format.h>

#include "core/logging.hpp"

namespace gpusim::policy {
namespace {

ConfigError param_error(const Params& p, const std::string& policy, const std::string& key,
                        const std::string& what) {
  const auto it = p.values().find(key);
  const std::string origin = it == p.values().end() ? "scheduler parameters" : it->second.second;
  return ConfigError(fmt::format("{}: error: scheduler '{}': parameter '{}' {}", origin, policy, key, what));
}

}  // namespace

double positive_param(const Params& p, const std::string& policy, const std::string& key, double fallback) {
  const double v = p.number(key, fallback);
  if (!(v > 0)) throw param_error(p, policy, key, fmt::format("must be positive (got {})", v));
  return v;
}

double ranged_param(const Params& p, const std::string& policy, const std::string& key, double fallback,
                    double lo, double hi) {
  const double v = p.number(key, fallback);
  if (!(v >= lo && v <= hi))
    throw param_error(p, policy, key, fmt::format("must be in [{}, {}] (got {})", lo, hi, v));
  return v;
}

std::vector<int> least_loaded_placement(const std::vector<StreamView>& streams,
                                        const std::vector<DeviceView>& units) {
  std::vector<int> out(streams.size(), -1);
  std::vector<double> load(units.size(), 0.0);
  MemoryTracker memory(units);
  // Largest first (LPT): big streams are placed while every unit still has room to balance them.
  const auto order = order_by_descending(streams, size_of);
  for (const std::size_t i : order) {
    const StreamView& s = streams[i];
    int best = -1;
    double best_load = 0;
    for (const auto& unit : units) {
      const int u = unit.id;
      if (!can_run(s, u) || !memory.fits(s, u)) continue;
      const double after = load[u] + utilisation(s, u);
      if (best < 0 || after < best_load) {
        best = u;
        best_load = after;
      }
    }
    if (best < 0) continue;
    out[i] = best;
    load[best] = best_load;
    memory.add(s, best);
    logger("sched")->debug("{}#{} -> {} (predicted load {:.3f})", s.workload, s.instance, units[best].name,
                           best_load);
  }
  return out;
}

}  // namespace gpusim::policy
