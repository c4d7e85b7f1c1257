#include "analysis/metrics.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <set>

namespace gpusim {

namespace {

LatencyStats stats_of(std::vector<double>& v) {
  LatencyStats s;
  if (v.empty()) return s;
  std::sort(v.begin(), v.end());
  s.mean = std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
  s.p50 = percentile_sorted(v, 0.50);
  s.p95 = percentile_sorted(v, 0.95);
  s.p99 = percentile_sorted(v, 0.99);
  s.max = v.back();
  return s;
}

}  // namespace

double percentile_sorted(const std::vector<double>& sorted, double q) {
  if (sorted.empty()) return 0.0;
  const auto rank = static_cast<std::size_t>(std::ceil(q * static_cast<double>(sorted.size())));
  return sorted[std::clamp<std::size_t>(rank, 1, sorted.size()) - 1];
}

RunMetrics compute_metrics(const Scenario& sc, const Plan& plan, const SimResult& r) {
  const RunSpec& run = sc.workloads.run;
  RunMetrics m;
  m.window_s = run.duration.v - run.warmup.v;
  m.kernels = r.kernels;
  m.simulated_s = r.end_time;
  const auto& ws = sc.workloads.streams;
  std::vector<std::vector<double>> latencies(ws.size());
  std::vector<std::set<std::string>> where(ws.size());
  m.workloads.resize(ws.size());
  for (std::size_t w = 0; w < ws.size(); ++w) {
    m.workloads[w].name = ws[w].name;
    m.workloads[w].streams = ws[w].count;
    if (ws[w].sla) m.workloads[w].sla_s = ws[w].sla->v;
    m.workloads[w].host_pre_s = ws[w].host_pre.v;
    m.workloads[w].host_post_s = ws[w].host_post.v;
    m.workloads[w].host_launch_s = ws[w].host_launch.v;
    if (ws[w].host_launch.v > 0) {
      for (const auto& st : ws[w].stages)
        m.workloads[w].host_launch_kernels += static_cast<double>(st.kernels.size());
    }
  }
  for (const Placement& p : plan.placements()) {
    where[p.stream.workload].insert(plan.units()[p.unit].name);
  }
  std::vector<std::uint64_t> met(ws.size(), 0);
  // Throughput is what leaves in the window: requests that complete in it, whenever they arrived. (The
  // window's own arrivals that completed, drain included, would credit an overloaded device with work it
  // did after the window: more requests per second than it can serve.)
  std::vector<std::uint64_t> departed(ws.size(), 0);
  for (const auto& rec : r.requests) {
    if (rec.status == RequestStatus::COMPLETED && rec.finish >= run.warmup.v && rec.finish < run.duration.v) {
      ++departed[plan.placements()[rec.stream].stream.workload];
    }
    if (!in_window(run, rec)) continue;
    const int w = plan.placements()[rec.stream].stream.workload;
    WorkloadMetrics& wm = m.workloads[w];
    ++wm.generated;
    switch (rec.status) {
      case RequestStatus::COMPLETED: {
        ++wm.completed;
        const double lat = rec.finish - rec.arrival;
        latencies[w].push_back(lat);
        if (ws[w].sla && lat <= ws[w].sla->v * (1 + 1e-12)) ++met[w];
        break;
      }
      case RequestStatus::DROPPED:
        ++wm.dropped;
        break;
      case RequestStatus::UNFINISHED:
        ++wm.unfinished;
        break;
    }
  }
  for (std::size_t w = 0; w < ws.size(); ++w) {
    WorkloadMetrics& wm = m.workloads[w];
    wm.devices.assign(where[w].begin(), where[w].end());
    wm.latency = stats_of(latencies[w]);
    wm.throughput_rps = static_cast<double>(departed[w]) / m.window_s;
    wm.achieved_flops = static_cast<double>(departed[w]) * ws[w].request_flops().v / m.window_s;
    if (ws[w].sla && wm.generated > 0) {
      wm.sla_attainment = static_cast<double>(met[w]) / static_cast<double>(wm.generated);
    }
  }
  // Pipelines: per-stage statistics over the stages of measured requests that completed.
  struct StageAcc {
    std::vector<double> latency, done_at;
    double batch = 0;
  };
  std::vector<std::vector<StageAcc>> acc(ws.size());
  for (std::size_t w = 0; w < ws.size(); ++w) acc[w].resize(ws[w].stages.size() > 1 ? ws[w].stages.size() : 0);
  for (const auto& st : r.stages) {
    const RequestRecord& rec = r.requests[st.request];
    if (!in_window(run, rec) || rec.status != RequestStatus::COMPLETED) continue;
    StageAcc& a = acc[plan.placements()[rec.stream].stream.workload][st.stage];
    a.latency.push_back(st.finish - st.start);
    a.done_at.push_back(st.finish - rec.arrival);
    a.batch += st.batch;
  }
  for (std::size_t w = 0; w < ws.size(); ++w) {
    for (std::size_t k = 0; k < acc[w].size(); ++k) {
      StageMetrics sm;
      sm.name = ws[w].stages[k].name;
      sm.runs = acc[w][k].latency.size();
      sm.mean_batch = sm.runs ? acc[w][k].batch / static_cast<double>(sm.runs) : 0.0;
      sm.latency = stats_of(acc[w][k].latency);
      sm.done_at = stats_of(acc[w][k].done_at);
      m.workloads[w].stages.push_back(sm);
    }
  }
  for (std::size_t d = 0; d < plan.units().size(); ++d) {
    const Unit& unit = plan.units()[d];
    const auto& dev = sc.platform.devices[unit.device];
    DeviceMetrics dm;
    dm.name = unit.name;
    dm.type = dev.spec.name;
    dm.node = dev.node;
    dm.sharing = std::string(to_string(dev.sharing));
    dm.streams = plan.streams_on(static_cast<int>(d));
    dm.utilization = r.devices[d].compute_busy / m.window_s;
    dm.bandwidth_utilization = r.devices[d].bandwidth_busy / m.window_s;
    dm.memory_bytes = plan.memory_used()[d];
    dm.memory_capacity = unit.memory.v;
    dm.kernels = r.devices[d].kernels;
    dm.switches = r.devices[d].switches;
    dm.occupied = r.devices[d].occupied / m.window_s;
    if (unit.device < static_cast<int>(r.power.size())) dm.energy_j = r.power[unit.device].energy_j * unit.sm_fraction;
    m.devices.push_back(dm);
  }
  std::vector<std::uint64_t> completed_on(sc.platform.devices.size(), 0);
  for (const auto& rec : r.requests) {
    if (rec.status != RequestStatus::COMPLETED || !in_window(run, rec)) continue;
    ++completed_on[plan.units()[plan.placements()[rec.stream].unit].device];
  }
  for (std::size_t d = 0; d < r.power.size(); ++d) {
    const auto& dev = sc.platform.devices[d];
    const PowerRecord& p = r.power[d];
    PowerMetrics pm;
    pm.name = dev.name;
    pm.type = dev.spec.name;
    pm.energy_j = p.energy_j;
    pm.energy_per_request_j = completed_on[d] ? p.energy_j / static_cast<double>(completed_on[d]) : 0.0;
    pm.mean_power_w = p.energy_j / m.window_s;
    pm.peak_power_w = p.peak_power_w;
    pm.power_cap_w = dev.power_cap.value_or(dev.spec.tdp).v;
    pm.max_temperature_c = p.max_temperature_c;
    pm.boost_clock_hz = dev.spec.boost_clock.v;
    pm.min_clock_hz = p.min_clock_hz;
    m.power.push_back(pm);
  }
  m.samples = r.samples;
  const std::vector<SaturationVerdict> verdicts = assess_saturation(sc, plan, r);
  for (std::size_t w = 0; w < ws.size(); ++w) m.workloads[w].saturation = verdicts[w];
  return m;
}

}  // namespace gpusim
