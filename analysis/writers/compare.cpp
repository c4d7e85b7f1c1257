#include "analysis/writers/compare.hpp"

#include <fmt/format.h>

#include "analysis/writers/report.hpp"
#include "analysis/writers/table.hpp"
#include "analysis/writers/why.hpp"

namespace gpusim {
namespace {

std::string compare_pct(const std::optional<double>& f) { return f ? fmt::format("{:.2f}", *f * 100) : "-"; }

nlohmann::json row_json(const CompareRow& row, int rank) {
  nlohmann::json j;
  j["rank"] = rank > 0 ? nlohmann::json(rank) : nlohmann::json(nullptr);
  j["scheduler"] = row.scheduler;
  if (!row.error.empty()) {
    j["error"] = row.error;
    return j;
  }
  j["sla_attainment"] = row.sla_attainment ? nlohmann::json(*row.sla_attainment) : nlohmann::json(nullptr);
  j["p99_ms"] = row.p99_s * 1e3;
  j["throughput_rps"] = row.throughput_rps;
  j["devices_used"] = row.devices_used;
  j["units_used"] = row.units_used;
  j["energy_j"] = row.energy_j;
  j["generated"] = row.generated;
  j["completed"] = row.completed;
  j["dropped"] = row.dropped;
  j["unfinished"] = row.unfinished;
  j["saturated"] = row.saturated;
  nlohmann::json ws = nlohmann::json::array();
  for (const auto& w : row.metrics.workloads) {
    ws.push_back(
        {{"name", w.name},
         {"devices", w.devices},
         {"sla_attainment", w.sla_attainment ? nlohmann::json(*w.sla_attainment) : nlohmann::json(nullptr)},
         {"p99_ms", w.latency.p99 * 1e3},
         {"throughput_rps", w.throughput_rps},
         {"dropped", w.dropped}});
    ws.back().update(saturation_json(w.saturation));
  }
  j["workloads"] = ws;
  j["why"] = why_json(row);
  return j;
}

}  // namespace

void print_comparison(std::ostream& out, const CompareInfo& o, const Scenario& sc,
                      const std::vector<CompareRow>& rows) {
  const RunSpec& run = sc.workloads.run;
  out << fmt::format(
      "gpusim compare: {} + {}; seed {}, {:g} s simulated, metrics over {:g} s after a {:g} s warm-up\n",
      o.platform, o.workloads, run.seed, run.duration.v, run.duration.v - run.warmup.v, run.warmup.v);
  print_overrides(out, sc.overrides);
  out << "\n";
  Table t({"rank", "scheduler", "SLA met %", "p99 ms", "req/s", "devices", "units", "energy kJ", "dropped",
           "unfinished"},
          {true, false, true, true, true, true, true, true, true, true});
  int rank = 0;
  for (const auto& r : rows) {
    if (!r.error.empty()) {
      t.add({"-", r.scheduler, "error"});
      continue;
    }
    const std::string mark = r.saturated ? "*" : "";  // not a steady state: see the lines below the table
    t.add({std::to_string(++rank), r.scheduler, compare_pct(r.sla_attainment) + mark,
           fmt::format("{:.2f}", r.p99_s * 1e3) + mark,
           fmt::format("{:.1f}", r.throughput_rps), std::to_string(r.devices_used),
           std::to_string(r.units_used), fmt::format("{:.2f}", r.energy_j / 1e3), std::to_string(r.dropped),
           std::to_string(r.unfinished)});
  }
  out << "Ranking (SLA attainment, then p99 latency, throughput, devices, units, energy)\n";
  t.print(out, "  ");
  for (const auto& r : rows) {
    if (r.error.empty()) print_saturation(out, r.metrics, r.scheduler + ": ");
  }
  // SLA attainment of each workload under each policy, to see where the policies differ.
  std::vector<std::string> headers{"workload", "SLA ms"};
  std::vector<bool> numeric{false, true};
  for (const auto& r : rows) {
    if (r.error.empty()) {
      headers.push_back(r.scheduler);
      numeric.push_back(true);
    }
  }
  Table w(headers, numeric);
  for (std::size_t k = 0; k < sc.workloads.streams.size(); ++k) {
    const auto& spec = sc.workloads.streams[k];
    std::vector<std::string> line{spec.name, spec.sla ? fmt::format("{:g}", spec.sla->v * 1e3) : "-"};
    for (const auto& r : rows) {
      if (r.error.empty()) line.push_back(compare_pct(r.metrics.workloads[k].sla_attainment));
    }
    w.add(line);
  }
  out << "\nSLA met % by workload\n";
  w.print(out, "  ");
  std::vector<const CompareRow*> ranked;
  for (const auto& r : rows) {
    if (r.error.empty()) ranked.push_back(&r);
  }
  print_why(out, ranked);
  print_policy_errors(out, rows);
}


nlohmann::json compare_json(const CompareInfo& o, const Scenario& sc, const std::vector<std::string>& names,
                            const std::vector<CompareRow>& rows) {
  const RunSpec& run = sc.workloads.run;
  nlohmann::json j;
  j["compare"] = {{"platform", o.platform},   {"workloads", o.workloads},
                  {"seed", run.seed},         {"duration_s", run.duration.v},
                  {"warmup_s", run.warmup.v}, {"window_s", run.duration.v - run.warmup.v},
                  {"schedulers", names}};
  if (!sc.overrides.empty()) j["compare"]["overrides"] = sc.overrides;
  nlohmann::json ranking = nlohmann::json::array();
  int rank = 0;
  for (const auto& r : rows) ranking.push_back(row_json(r, r.error.empty() ? ++rank : 0));
  j["ranking"] = ranking;
  return j;
}

}  // namespace gpusim
