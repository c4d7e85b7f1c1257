// Streams and their contexts: which context serves each stream, each stream's random generator, and the
// cost of its kernels on its unit.

#include <algorithm>
#include <map>
#include <tuple>

#include "sim/engine/simulation.hpp"

namespace gpusim {

// A context is one CUDA context: a unit's dispatcher when the policy decides per request, a server per
// (unit, workload) for a workload with dynamic batching, otherwise one per stream.
void Simulation::build_streams() {
  std::map<std::pair<int, int>, int> keyed;  // (unit, workload or -1) -> context
  const auto& placements = plan_.placements();
  streams_.reserve(placements.size());
  for (std::size_t i = 0; i < placements.size(); ++i) {
    const Placement& p = placements[i];
    if (unit_local_[p.unit] < 0) continue;  // another partition's
    stream_global_.push_back(static_cast<int>(i));
    const int workload = p.stream.workload;
    Stream& st = streams_.emplace_back(sc_.workloads.streams[workload], workload, p.stream.instance,
                                       unit_local_[p.unit],
                                       stream_seed(sc_.workloads.run.seed, workload, p.stream.instance));
    const bool batching =
        sc_.platform.contention_of(plan_.units()[p.unit].device).batching && st.spec->batching.has_value();
    int key = -2;
    if (policy_) key = -1;
    if (batching) key = st.workload;
    if (key == -2) {
      st.context = static_cast<int>(contexts_.size());
      contexts_.emplace_back();
    } else {
      auto [it, fresh] = keyed.try_emplace({st.unit, key}, static_cast<int>(contexts_.size()));
      if (fresh) contexts_.emplace_back();
      st.context = it->second;
    }
    Context& c = contexts_[st.context];
    c.unit = st.unit;
    c.share = std::min(c.share, p.mps_share);
    if (batching) {
      c.workload = st.workload;
      c.batching = &*st.spec->batching;
    }
  }
}

// The share of its unit's SMs a context's kernels may hold: its MPS active-thread share, all of them on a
// time-sliced unit.
double Simulation::context_share(int ctx) const {
  const Context& c = contexts_[ctx];
  return units_[c.unit].mps ? c.share : 1.0;
}

// Kernel costs, launch geometry included, once per (workload, unit, MPS share): a workload's instances
// share them.
void Simulation::build_costs() {
  std::map<std::tuple<int, int, double>, std::shared_ptr<const std::vector<std::vector<KernelCost>>>> shared;
  // Weights kept in L2 per unit: each workload's once (its instances share its costs and its weights).
  std::map<int, Bytes> unit_weights;
  std::map<std::pair<int, int>, bool> counted;
  for (const auto& st : streams_) {
    if (!counted.try_emplace({st.workload, st.unit}, true).second) continue;
    for (const auto& stage : st.spec->stages) unit_weights[st.unit] += reused_weights(stage);
  }
  for (auto& st : streams_) {
    for (const auto& stage : st.spec->stages) {
      st.l2.push_back(stage_residency(stage, units_[st.unit].unit->l2, unit_weights[st.unit]));
    }
    const DeviceInstance& d = *units_[st.unit].spec;
    const Unit& unit = *units_[st.unit].unit;
    st.predicted_service = isolated_request_time(*st.spec, d, unit).value().v;
    const double share = context_share(st.context);
    auto& costs = shared[{st.workload, st.unit, share}];
    if (!costs) {
      costs = std::make_shared<const std::vector<std::vector<KernelCost>>>(
          kernel_costs(*st.spec, d.spec, unit.sm_fraction, share));
    }
    st.stage_kernels = costs;
    st.record_stages = st.spec->stages.size() > 1;
  }
}

}  // namespace gpusim
