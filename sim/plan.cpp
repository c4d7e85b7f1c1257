#include <fmt/format.h>

#include <algorithm>

#include "core/logging.hpp"
#include "sim/scenario.hpp"

namespace gpusim {

std::vector<StreamInstance> expand_streams(const WorkloadSpec& w) {
  std::vector<StreamInstance> out;
  for (size_t i = 0; i < w.streams.size(); ++i) {
    for (int k = 0; k < w.streams[i].count; ++k) out.push_back({static_cast<int>(i), k});
  }
  return out;
}

Seconds isolated_request_time(const StreamSpec& s, const DeviceInstance& d) {
  const FlopRate compute = d.spec.achievable(s.precision);
  const ByteRate bw = d.spec.achievable_bandwidth();
  const double items = s.fanout ? s.fanout->expected() : 1.0;
  Seconds total;
  for (const auto& st : s.stages) {
    const double b = st.per_item ? items * s.batch : s.batch;
    if (b <= 0) continue;
    for (const auto& k : st.kernels) {
      const Flops f = k.flops * b;
      const Bytes m = k.weight_bytes + k.bytes * b;
      const Seconds tc = compute.v > 0 ? f / compute : Seconds{f.v > 0 ? 1e30 : 0.0};
      total += std::max(tc, m / bw) + d.spec.launch_overhead;
    }
  }
  return total;
}

namespace {

PerSecond mean_rate(const ArrivalSpec& a) {
  if (a.kind != ArrivalKind::TRACE) return a.rate;
  const double span = a.trace.back().v - a.trace.front().v;
  return PerSecond{span > 0 ? static_cast<double>(a.trace.size() - 1) / span : 0.0};
}

}  // namespace

Plan make_plan(const Scenario& sc, Scheduler& policy, const std::string& policy_name) {
  const auto& devices = sc.platform.devices;
  const auto& ws = sc.workloads.streams;
  Plan plan;
  plan.scheduler = policy_name;
  plan.streams = expand_streams(sc.workloads);

  std::vector<DeviceView> dviews;
  for (size_t d = 0; d < devices.size(); ++d) {
    const auto& dev = devices[d];
    dviews.push_back(DeviceView{static_cast<int>(d), dev.name, dev.spec.name, std::string(to_string(dev.sharing)),
                                dev.spec.memory * sc.platform.memory_headroom, *dev.spec.peak(Precision::FP32),
                                dev.spec.memory_bandwidth});
  }
  std::vector<StreamView> sviews;
  for (size_t i = 0; i < plan.streams.size(); ++i) {
    const StreamSpec& s = ws[plan.streams[i].workload];
    StreamView v;
    v.id = static_cast<int>(i);
    v.workload = s.name;
    v.instance = plan.streams[i].instance;
    v.precision = s.precision;
    v.request_flops = s.request_flops();
    v.request_bytes = s.request_bytes();
    v.memory = s.memory_bytes();
    v.rate = mean_rate(s.arrival);
    v.sla = s.sla;
    v.priority = s.priority;
    for (const auto& dev : devices) v.isolated_time.push_back(isolated_request_time(s, dev));
    sviews.push_back(std::move(v));
  }

  plan.device_of = policy.place(sviews, dviews);
  if (plan.device_of.size() != sviews.size()) {
    throw PolicyError(fmt::format("scheduler '{}' at t=0s: placed {} streams, expected {}", policy_name,
                                  plan.device_of.size(), sviews.size()));
  }
  plan.memory_used.assign(devices.size(), 0.0);
  for (size_t i = 0; i < sviews.size(); ++i) {
    const StreamSpec& s = ws[plan.streams[i].workload];
    const int d = plan.device_of[i];
    if (d == -1) {
      std::string room;
      for (const auto& dv : dviews) {
        room += fmt::format("{}{} ({}, {:.2f} GB usable)", room.empty() ? "" : ", ", dv.name, dv.type,
                            dv.memory_capacity.v / 1e9);
      }
      throw s.loc.error(fmt::format("workload '{}' instance {} needs {:.2f} GB of device memory and no device has "
                                    "room left: {}",
                                    s.name, plan.streams[i].instance, s.memory_bytes().v / 1e9, room));
    }
    if (d < 0 || d >= static_cast<int>(devices.size())) {
      throw PolicyError(fmt::format("scheduler '{}' at t=0s: placed stream '{}#{}' on device {}, which does not "
                                    "exist ({} devices)",
                                    policy_name, s.name, plan.streams[i].instance, d, devices.size()));
    }
    const auto& dev = devices[d];
    if (!dev.spec.peak(s.precision)) {
      throw s.precision_loc.error(fmt::format("workload '{}': device '{}' ({}) does not support {}", s.name,
                                              dev.name, dev.spec.name, to_string(s.precision)));
    }
    plan.memory_used[d] += s.memory_bytes().v;
    if (plan.memory_used[d] > dviews[d].memory_capacity.v * (1 + 1e-12)) {
      throw PolicyError(fmt::format("scheduler '{}' at t=0s: device '{}' overfilled: {:.2f} GB placed, {:.2f} GB "
                                    "usable (stream '{}#{}')",
                                    policy_name, dev.name, plan.memory_used[d] / 1e9,
                                    dviews[d].memory_capacity.v / 1e9, s.name, plan.streams[i].instance));
    }
  }
  logger("sched")->info("{} placed {} stream(s) on {} device(s)", policy_name, sviews.size(), devices.size());
  return plan;
}

}  // namespace gpusim
