#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

#include "core/logging.hpp"
#include "sim/l2_model.hpp"
#include "sim/launch_geometry.hpp"
#include "sim/plan.hpp"
#include "sim/placement.hpp"

namespace gpusim {

std::vector<StreamInstance> expand_streams(const WorkloadSpec& w) {
  std::vector<StreamInstance> out;
  for (std::size_t i = 0; i < w.streams.size(); ++i) {
    for (int k = 0; k < w.streams[i].count; ++k) out.push_back({static_cast<int>(i), k});
  }
  return out;
}

std::vector<Unit> units_of(const DeviceInstance& d, int device_index, const std::vector<std::string>& partition) {
  std::vector<Unit> out;
  if (partition.empty()) {
    out.push_back(Unit{device_index, d.name, "", 1.0, 1.0, d.spec.memory, d.spec.l2_cache, -1});
    return out;
  }
  int memory_slices = 0;
  for (const auto& p : d.spec.mig_profiles) memory_slices = std::max(memory_slices, p.memory_slices);
  std::map<std::string, int> seen;
  for (const auto& name : partition) {
    const MigProfile* p = d.spec.mig_profile(name);
    const double mem_share = static_cast<double>(p->memory_slices) / memory_slices;
    out.push_back(Unit{device_index, fmt::format("{}/{}#{}", d.name, name, seen[name]++), name,
                       static_cast<double>(p->sm_count) / d.spec.sm_count, mem_share, p->memory,
                       d.spec.l2_cache * mem_share, static_cast<int>(out.size())});
  }
  return out;
}

std::optional<Seconds> isolated_request_time(const StreamSpec& s, const DeviceInstance& d, const Unit& u) {
  if (!d.spec.peak(s.precision)) return std::nullopt;
  const FlopRate compute = d.spec.achievable(s.precision) * u.sm_fraction;
  const ByteRate bw = d.spec.achievable_bandwidth() * u.bw_fraction;
  const double items = s.fanout ? s.fanout->expected() : 1.0;
  Bytes weights{0.0};  // alone: only its own weights in L2
  for (const auto& st : s.stages) weights += reused_weights(st);
  const L2Cost cost = l2_cost(d.spec, u.l2, u.mig_profile.empty());
  // Each kernel starts a launch gap after the previous one ends, or when the host issues it (host.launch:
  // the k-th kernel k x host_launch after the start), whichever is later.
  Seconds total;
  double issued = 0;
  for (const auto& st : s.stages) {
    const double b = st.per_item ? items * s.batch : s.batch;
    if (b <= 0) continue;
    const L2Residency l2 = stage_residency(st, u.l2, weights);
    for (const auto& k : st.kernels) {
      const Flops f = k.flops * b;
      const double hit_cost = cost.of(l2_footprint(k, b).v);
      const Bytes m{k.weight_bytes.v + k.bytes.v * b - l2_hit_bytes(k, b, l2) * (1.0 - hit_cost)};
      // A launch that leaves part of the unit idle takes its roofline / efficiency (sim/launch_geometry.hpp).
      const double efficiency =
          k.shape.kind == KernelClass::FILL
              ? 1.0
              : launch_geometry(k.shape, b, s.precision, d.spec, unit_sms(d.spec, u.sm_fraction)).efficiency;
      const Seconds kernel = std::max(f / compute, m / bw) / efficiency;
      if (s.host_launch.v > 0) {
        issued += 1;
        total = std::max(total + d.spec.launch_overhead, s.host_launch * issued) + kernel;
      } else {
        total += kernel + d.spec.launch_overhead;
      }
    }
  }
  return total;
}

std::pair<Seconds, Seconds> request_roofline_terms(const StreamSpec& s, const DeviceInstance& d, const Unit& u) {
  const FlopRate compute = d.spec.achievable(s.precision) * u.sm_fraction;
  const ByteRate bw = d.spec.achievable_bandwidth() * u.bw_fraction;
  const double items = s.fanout ? s.fanout->expected() : 1.0;
  Seconds tc;
  Seconds tm;
  for (const auto& st : s.stages) {
    const double b = st.per_item ? items * s.batch : s.batch;
    if (b <= 0) continue;
    for (const auto& k : st.kernels) {
      if (compute.v > 0) tc += (k.flops * b) / compute;
      tm += (k.weight_bytes + k.bytes * b) / bw;
    }
  }
  return {tc, tm};
}

double unit_memory(const WorkloadSpec& w, const std::vector<Placement>& placements, int unit,
                   bool shared_weights) {
  double total = 0;
  std::set<int> workloads_with_weights;
  for (const auto& p : placements) {
    if (p.unit != unit) continue;
    const StreamSpec& s = w.streams[p.stream.workload];
    Bytes weights;
    for (const auto& st : s.stages) weights += st.weight_bytes;
    total += s.memory_bytes().v - weights.v;
    if (!shared_weights || workloads_with_weights.insert(p.stream.workload).second) total += weights.v;
  }
  return total;
}

namespace {

PerSecond mean_rate(const ArrivalSpec& a) {
  if (a.kind != ArrivalKind::TRACE) return a.rate;
  const double span = a.trace.back().v - a.trace.front().v;
  return PerSecond{span > 0 ? static_cast<double>(a.trace.size() - 1) / span : 0.0};
}

// MIG partitions: fixed ones from the platform, `auto` ones from the policy (checked like the platform's).
std::vector<std::vector<std::string>> choose_partitions(const Scenario& sc, Scheduler& policy,
                                                        const std::string& policy_name,
                                                        const std::vector<StreamView>& streams) {
  const auto& devices = sc.platform.devices;
  std::vector<std::vector<std::string>> out(devices.size());
  std::vector<MigChoice> choices;
  for (std::size_t d = 0; d < devices.size(); ++d) {
    if (devices[d].sharing != SharingMode::MIG) continue;
    if (!devices[d].mig_auto) {
      out[d] = devices[d].mig_partition;
      continue;
    }
    MigChoice c;
    c.device = static_cast<int>(d);
    c.type = devices[d].spec.name;
    auto profiles = devices[d].spec.mig_profiles;
    std::sort(profiles.begin(), profiles.end(),
              [](const MigProfile& a, const MigProfile& b) { return a.sm_count < b.sm_count; });
    for (const auto& p : profiles) {
      c.profiles.push_back(p.name);
      c.profile_sms.push_back(p.sm_count);
      c.profile_memory.push_back(p.memory.v);
      c.max_instances.push_back(p.max_instances);
      c.profile_compute_slices.push_back(p.compute_slices);
      c.profile_memory_slices.push_back(p.memory_slices);
      // Each stream alone on one slice of this profile.
      const Unit slice = units_of(devices[d], static_cast<int>(d), {p.name}).front();
      // Nothing where the stream's placement excludes the device, as where its precision is unsupported.
      std::vector<std::optional<Seconds>> times;
      for (const auto& s : streams) {
        const StreamSpec& spec = sc.workloads.streams[s.workload_index];
        times.push_back(placement_allows_device(spec, sc.platform, static_cast<int>(d))
                            ? isolated_request_time(spec, devices[d], slice)
                            : std::nullopt);
      }
      c.profile_time.push_back(std::move(times));
    }
    c.memory_headroom = sc.platform.memory_headroom;
    choices.push_back(std::move(c));
  }
  if (choices.empty()) return out;
  const auto chosen = policy.partition(streams, choices);
  if (chosen.size() != choices.size()) {
    throw PolicyError(fmt::format("scheduler '{}' at t=0s: gave {} MIG partitions for {} devices", policy_name,
                                  chosen.size(), choices.size()));
  }
  for (std::size_t i = 0; i < choices.size(); ++i) {
    const auto& dev = devices[choices[i].device];
    const std::string problem = check_mig_partition(dev.spec, chosen[i]);
    if (!problem.empty()) {
      throw PolicyError(fmt::format("scheduler '{}' at t=0s: device '{}': {}", policy_name, dev.name, problem));
    }
    out[choices[i].device] = chosen[i];
  }
  return out;
}

// The ConfigError at a workload's precision when device `d` lacks it.
ConfigError unsupported(const StreamSpec& s, const DeviceInstance& d) {
  return s.precision_loc.error(fmt::format("workload '{}': device '{}' ({}) does not support {}", s.name, d.name,
                                           d.spec.name, to_string(s.precision)));
}

}  // namespace

int Plan::streams_on(int unit) const {
  return static_cast<int>(std::count_if(placements_.begin(), placements_.end(),
                                        [unit](const Placement& p) { return p.unit == unit; }));
}

std::vector<int> Plan::unit_of() const {
  std::vector<int> out;
  out.reserve(placements_.size());
  for (const auto& p : placements_) out.push_back(p.unit);
  return out;
}

PlanBuilder::PlanBuilder(const Scenario& sc, std::string scheduler) : sc_(sc) {
  plan_.scheduler_ = std::move(scheduler);
}

PlanBuilder::PlanBuilder(const Scenario& sc, const Plan& base, const std::vector<int>& streams) : sc_(sc) {
  plan_.scheduler_ = base.scheduler_;
  plan_.speed_scale_ = base.speed_scale_;
  plan_.device_scale_ = base.device_scale_;
  plan_.device_stop_ = base.device_stop_;
  plan_.units_ = base.units_;
  for (int s : streams) plan_.placements_.push_back(base.placements_.at(static_cast<std::size_t>(s)));
}

PlanBuilder& PlanBuilder::add_device(int device, const std::vector<std::string>& partition) {
  for (auto& u : units_of(sc_.platform.devices.at(static_cast<std::size_t>(device)), device, partition)) {
    plan_.units_.push_back(std::move(u));
  }
  return *this;
}

PlanBuilder& PlanBuilder::add_all_devices() {
  for (std::size_t d = 0; d < sc_.platform.devices.size(); ++d) {
    add_device(static_cast<int>(d), sc_.platform.devices[d].mig_partition);
  }
  return *this;
}

PlanBuilder& PlanBuilder::place(StreamInstance stream, int unit, double mps_share) {
  plan_.placements_.push_back(Placement{stream, unit, mps_share});
  return *this;
}

PlanBuilder& PlanBuilder::place_all(const std::vector<int>& unit_of) {
  const auto streams = expand_streams(sc_.workloads);
  if (unit_of.size() != streams.size()) {
    throw PolicyError(fmt::format("scheduler '{}' at t=0s: placed {} streams, expected {}", plan_.scheduler_,
                                  unit_of.size(), streams.size()));
  }
  for (std::size_t i = 0; i < streams.size(); ++i) place(streams[i], unit_of[i]);
  return *this;
}

PlanBuilder& PlanBuilder::set_mps_shares(const std::vector<double>& shares) {
  if (shares.size() != plan_.placements_.size()) {
    throw PolicyError(fmt::format("scheduler '{}' at t=0s: gave {} MPS shares for {} streams", plan_.scheduler_,
                                  shares.size(), plan_.placements_.size()));
  }
  for (std::size_t i = 0; i < shares.size(); ++i) plan_.placements_[i].mps_share = shares[i];
  return *this;
}

PlanBuilder& PlanBuilder::speed_scale(double scale) {
  plan_.speed_scale_ = scale;
  return *this;
}

PlanBuilder& PlanBuilder::speed_scale(int device, double scale) {
  if (device < 0) throw std::invalid_argument(fmt::format("speed scale of device {}", device));
  auto& v = plan_.device_scale_;
  if (v.size() <= static_cast<std::size_t>(device)) v.resize(static_cast<std::size_t>(device) + 1, 1.0);
  v[static_cast<std::size_t>(device)] = scale;
  return *this;
}

PlanBuilder& PlanBuilder::stop_quantile(int device, double quantile) {
  if (device < 0 || !(quantile > 0 && quantile <= 1)) {
    throw std::invalid_argument(fmt::format("stop quantile {} of device {}", quantile, device));
  }
  auto& v = plan_.device_stop_;
  if (v.size() <= static_cast<std::size_t>(device)) v.resize(static_cast<std::size_t>(device) + 1, 0.0);
  v[static_cast<std::size_t>(device)] = quantile;
  return *this;
}

std::vector<int> PlanBuilder::copy_units(const Plan& base, int device, int as) {
  const std::string& from = sc_.platform.devices.at(static_cast<std::size_t>(device)).name;
  const std::string& to = sc_.platform.devices.at(static_cast<std::size_t>(as)).name;
  std::vector<int> index(base.units_.size(), -1);
  for (std::size_t u = 0; u < base.units_.size(); ++u) {
    if (base.units_[u].device != device) continue;
    Unit copy = base.units_[u];
    copy.device = as;
    copy.name = to + copy.name.substr(std::min(from.size(), copy.name.size()));
    index[u] = static_cast<int>(plan_.units_.size());
    plan_.units_.push_back(std::move(copy));
  }
  return index;
}

Bytes PlanBuilder::usable(const Unit& u) const { return u.memory * sc_.platform.memory_headroom; }

std::vector<double> PlanBuilder::count_memory() const {
  std::vector<double> used(plan_.units_.size(), 0.0);
  for (std::size_t u = 0; u < used.size(); ++u) {
    used[u] = unit_memory(sc_.workloads, plan_.placements_, static_cast<int>(u),
                          sc_.platform.contention.shared_weights);
  }
  return used;
}

void PlanBuilder::check_placements() const {
  const auto& devices = sc_.platform.devices;
  const auto& units = plan_.units_;
  const std::string& policy = plan_.scheduler_;
  for (const Placement& p : plan_.placements_) {
    const StreamSpec& s = sc_.workloads.streams.at(static_cast<std::size_t>(p.stream.workload));
    if (p.unit == -1) {
      const bool supported = std::any_of(units.begin(), units.end(), [&](const Unit& u) {
        return devices[u.device].spec.peak(s.precision).has_value();
      });
      if (!supported && !units.empty()) throw unsupported(s, devices[units.front().device]);
      std::string room;
      for (const auto& u : units) {
        if (!placement_allows(s, sc_.platform, u)) continue;
        room += fmt::format("{}{} ({}, {:.2f} GB usable)", room.empty() ? "" : ", ", u.name,
                            devices[u.device].spec.name, usable(u).v / 1e9);
      }
      throw s.loc.error(fmt::format("workload '{}' instance {} needs {:.2f} GB of device memory and no {} has "
                                    "room left: {}",
                                    s.name, p.stream.instance, s.memory_bytes().v / 1e9,
                                    s.placement.any() ? "device" : "unit its placement allows", room));
    }
    if (p.unit < 0 || p.unit >= static_cast<int>(units.size())) {
      throw PolicyError(fmt::format("scheduler '{}' at t=0s: placed stream '{}#{}' on unit {}, which does not "
                                    "exist ({} units)",
                                    policy, s.name, p.stream.instance, p.unit, units.size()));
    }
    if (!placement_allows(s, sc_.platform, units[p.unit])) {
      throw PolicyError(fmt::format("scheduler '{}' at t=0s: placed stream '{}#{}' on unit '{}', outside its "
                                    "placement ({})",
                                    policy, s.name, p.stream.instance, units[p.unit].name,
                                    placement_text(s.placement)));
    }
    const auto& dev = devices[units[p.unit].device];
    if (!dev.spec.peak(s.precision)) throw unsupported(s, dev);
  }
  const std::vector<double> used = count_memory();
  for (std::size_t u = 0; u < units.size(); ++u) {
    const double capacity = usable(units[u]).v;
    if (used[u] > capacity * (1 + 1e-12)) {
      throw PolicyError(fmt::format("scheduler '{}' at t=0s: unit '{}' overfilled: {:.2f} GB placed, {:.2f} GB "
                                    "usable",
                                    policy, units[u].name, used[u] / 1e9, capacity / 1e9));
    }
  }
}

Plan PlanBuilder::build() const {
  check_placements();
  for (const Placement& p : plan_.placements_) {
    if (!(p.mps_share > 0.0 && p.mps_share <= 1.0)) {
      throw PolicyError(fmt::format("scheduler '{}' at t=0s: MPS share {} of stream '{}#{}' is not in (0, 1]",
                                    plan_.scheduler_, p.mps_share,
                                    sc_.workloads.streams[static_cast<std::size_t>(p.stream.workload)].name,
                                    p.stream.instance));
    }
  }
  if (!(plan_.speed_scale_ > 0.0)) {
    throw std::invalid_argument(fmt::format("plan speed scale {} is not positive", plan_.speed_scale_));
  }
  for (double f : plan_.device_scale_) {
    if (!(f > 0.0)) throw std::invalid_argument(fmt::format("device speed scale {} is not positive", f));
  }
  Plan out = plan_;
  out.memory_used_ = count_memory();
  return out;
}

Plan make_plan(const Scenario& sc, Scheduler& policy, const std::string& policy_name) {
  check_placement(sc);
  const auto& devices = sc.platform.devices;
  const auto& ws = sc.workloads.streams;
  const std::vector<StreamInstance> streams = expand_streams(sc.workloads);

  std::vector<StreamView> sviews;
  for (std::size_t i = 0; i < streams.size(); ++i) {
    const StreamSpec& s = ws[streams[i].workload];
    StreamView v;
    v.id = static_cast<int>(i);
    v.workload = s.name;
    v.workload_index = streams[i].workload;
    v.instance = streams[i].instance;
    v.precision = s.precision;
    v.request_flops = s.request_flops();
    v.request_bytes = s.request_bytes();
    v.memory = s.memory_bytes();
    // Weights shared by a workload's instances on a unit; without the mechanism each instance has a copy.
    if (sc.platform.contention.shared_weights) {
      for (const auto& st : s.stages) v.weights += st.weight_bytes;
    }
    v.rate = mean_rate(s.arrival);
    v.sla = s.sla;
    v.priority = s.priority;
    sviews.push_back(std::move(v));
  }

  PlanBuilder builder(sc, policy_name);
  const auto partitions = choose_partitions(sc, policy, policy_name, sviews);
  for (std::size_t d = 0; d < devices.size(); ++d) builder.add_device(static_cast<int>(d), partitions[d]);
  const Plan units_only = PlanBuilder(builder).build();
  const std::vector<Unit>& units = units_only.units();
  std::vector<DeviceView> uviews;
  for (std::size_t u = 0; u < units.size(); ++u) {
    const Unit& unit = units[u];
    const auto& dev = devices[unit.device];
    DeviceView v;
    v.id = static_cast<int>(u);
    v.device = unit.device;
    v.name = unit.name;
    v.type = dev.spec.name;
    v.sharing = std::string(to_string(dev.sharing));
    v.mig_profile = unit.mig_profile;
    v.sm_fraction = unit.sm_fraction;
    v.memory_capacity = unit.memory * sc.platform.memory_headroom;
    v.peak_fp32 = *dev.spec.peak(Precision::FP32) * unit.sm_fraction;
    v.bandwidth = dev.spec.memory_bandwidth * unit.bw_fraction;
    v.l2_cache = unit.l2;
    uviews.push_back(v);
  }
  // The times depend on the workload and the unit only: computed once per workload, shared by its
  // instances' views.
  std::vector<StreamView> times(ws.size());
  for (std::size_t w = 0; w < ws.size(); ++w) {
    std::vector<std::optional<Seconds>> isolated;
    std::vector<Seconds> compute, memory;
    for (const auto& unit : units) {
      // A unit outside the workload's placement shows as one that cannot run it.
      isolated.push_back(placement_allows(ws[w], sc.platform, unit)
                             ? isolated_request_time(ws[w], devices[unit.device], unit)
                             : std::nullopt);
      const auto [tc, tm] = request_roofline_terms(ws[w], devices[unit.device], unit);
      compute.push_back(tc);
      memory.push_back(tm);
    }
    times[w].isolated_time = PerUnit<std::optional<Seconds>>(std::move(isolated));
    times[w].compute_time = PerUnit<Seconds>(std::move(compute));
    times[w].memory_time = PerUnit<Seconds>(std::move(memory));
  }
  for (std::size_t i = 0; i < sviews.size(); ++i) {
    const StreamView& t = times[streams[i].workload];
    sviews[i].isolated_time = t.isolated_time;
    sviews[i].compute_time = t.compute_time;
    sviews[i].memory_time = t.memory_time;
  }

  const std::vector<int> unit_of = policy.place(sviews, uviews);
  builder.place_all(unit_of);
  builder.check_placements();
  builder.set_mps_shares(policy.mps_shares(sviews, uviews, unit_of));
  Plan plan = builder.build();
  // debug: sweeps and searches make a plan per point; `run` says the same once at info level.
  logger("sched")->debug("{} placed {} stream(s) on {} unit(s)", policy_name, sviews.size(), units.size());
  return plan;
}

}  // namespace gpusim
