#include "analysis/ranking.hpp"

#include <algorithm>
#include <cmath>
#include <set>
#include <tuple>

#include "analysis/request_times.hpp"

namespace gpusim {

CompareRow summarise_run(const Scenario& sc, const Plan& plan, const SimResult& r, const std::string& name) {
  CompareRow row;
  row.scheduler = name;
  row.metrics = compute_metrics(sc, plan, r);
  const RunSpec& run = sc.workloads.run;
  double met = 0;
  double with_sla = 0;
  for (const auto& w : row.metrics.workloads) {
    row.generated += w.generated;
    row.completed += w.completed;
    row.dropped += w.dropped;
    row.unfinished += w.unfinished;
    row.throughput_rps += w.throughput_rps;
    row.saturated = row.saturated || w.saturation.saturated;
    if (w.sla_attainment) {
      met += std::round(*w.sla_attainment * static_cast<double>(w.generated));
      with_sla += static_cast<double>(w.generated);
    }
  }
  if (with_sla > 0) row.sla_attainment = met / with_sla;
  row.sla_met = static_cast<std::uint64_t>(met);
  row.sla_requests = static_cast<std::uint64_t>(with_sla);
  std::vector<double> latencies;
  for (const auto& rec : r.requests) {
    if (!in_window(run, rec) || rec.status != RequestStatus::COMPLETED) continue;
    latencies.push_back(rec.finish - rec.arrival);
  }
  std::sort(latencies.begin(), latencies.end());
  row.p99_s = percentile_sorted(latencies, 0.99);
  row.latencies_s = std::move(latencies);
  // Where the measured requests' time went: waiting (queue) against running (stages and copy back).
  std::uint64_t timed = 0;
  for (const auto& t : request_times(sc, plan, r)) {
    const RequestRecord& rec = r.requests[t.request];
    if (!in_window(run, rec) || rec.status != RequestStatus::COMPLETED) continue;
    ++timed;
    for (const auto& s : t.stages) {
      row.queue_s += s.queue;
      row.service_s += s.service();
    }
    row.service_s += t.output;
  }
  if (timed > 0) {
    row.queue_s /= static_cast<double>(timed);
    row.service_s /= static_cast<double>(timed);
  }
  std::set<int> devices;
  const auto& units = plan.units();
  for (std::size_t u = 0; u < units.size(); ++u) {
    if (plan.streams_on(static_cast<int>(u)) == 0) continue;
    ++row.units_used;
    devices.insert(units[u].device);
  }
  row.devices_used = static_cast<int>(devices.size());
  // Energy of the devices in use (every unit of them): an idle device could be switched off.
  for (std::size_t u = 0; u < units.size() && u < row.metrics.devices.size(); ++u) {
    if (devices.count(units[u].device)) row.energy_j += row.metrics.devices[u].energy_j;
  }
  return row;
}

bool ranks_before(const CompareRow& a, const CompareRow& b) {
  auto key = [](const CompareRow& r) {
    // Rounded to the precision printed, so that ties are ties; smaller is better in every field.
    return std::make_tuple(!r.error.empty(),
                           -std::llround((r.sla_attainment ? *r.sla_attainment : 0.0) * 1e4), r.saturated,
                           std::llround(r.p99_s * 1e6), -std::llround(r.throughput_rps * 1e3), r.devices_used,
                           r.units_used, std::llround(r.energy_j), r.scheduler);
  };
  return key(a) < key(b);
}

void rank_rows(std::vector<CompareRow>& rows) {
  std::stable_sort(rows.begin(), rows.end(), ranks_before);
}

}  // namespace gpusim
