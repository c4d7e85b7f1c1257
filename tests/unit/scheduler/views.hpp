#pragma once
// Hand-built views for policy tests: units and streams with stated capacities, rates and predicted times,
// so the right decision can be worked out on paper.

#include <optional>
#include <string>
#include <vector>

#include "scheduler/scheduler.hpp"

namespace gpusim::test {

constexpr double kGiB = 1024.0 * 1024.0 * 1024.0;
constexpr double kMs = 1e-3;

/// A unit with `usable_gib` GiB of usable memory (after headroom).
inline DeviceView unit(int id, const std::string& sharing, double usable_gib) {
  DeviceView u;
  u.id = id;
  u.device = id;
  u.name = "gpu" + std::to_string(id);
  u.type = "test";
  u.sharing = sharing;
  u.memory_capacity = Bytes{usable_gib * kGiB};
  return u;
}

/// A stream of workload `workload_index` with the same predicted times on each of `units` units.
/// Times in milliseconds: isolated t, compute term tc, memory term tm.
inline StreamView stream(int id, int workload_index, double memory_gib, double rate, int units, double t_ms,
                         double tc_ms, double tm_ms, std::optional<double> sla_ms = std::nullopt,
                         double weights_gib = 0.0) {
  StreamView s;
  s.id = id;
  s.workload = "w" + std::to_string(workload_index);
  s.workload_index = workload_index;
  s.memory = Bytes{memory_gib * kGiB};
  s.weights = Bytes{weights_gib * kGiB};
  s.rate = PerSecond{rate};
  if (sla_ms) s.sla = Seconds{*sla_ms * kMs};
  s.isolated_time.assign(units, Seconds{t_ms * kMs});
  s.compute_time.assign(units, Seconds{tc_ms * kMs});
  s.memory_time.assign(units, Seconds{tm_ms * kMs});
  return s;
}

inline std::unique_ptr<Scheduler> policy(const std::string& name, Params p = {}) {
  return make_scheduler(name, p);
}

inline Params params(std::initializer_list<std::pair<std::string, std::string>> kv) {
  Params p;
  for (const auto& [k, v] : kv) p.set(k, v, "test");
  return p;
}

}  // namespace gpusim::test
