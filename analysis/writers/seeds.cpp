#include "analysis/writers/seeds.hpp"

#include <fmt/format.h>

#include "analysis/writers/compare.hpp"
#include "analysis/writers/table.hpp"
#include "analysis/writers/why.hpp"

namespace gpusim {
namespace {

// "seeds 42..44 (3 runs)".
std::string seeds_text(std::uint64_t first, int n, const char* runs) {
  return fmt::format("seeds {}..{} ({} {})", first, first + static_cast<std::uint64_t>(n) - 1, n, runs);
}

std::string interval_note(int n) {
  return fmt::format(
      "mean ± half width of the 95 % confidence interval across {} seeds (Student t, {} degree{} "
      "of freedom)",
      n, n - 1, n == 2 ? "" : "s");
}

nlohmann::json optional_stat_json(const std::optional<SeedStat>& s, double scale = 1.0) {
  return s ? seed_stat_json(*s, scale) : nlohmann::json(nullptr);
}

std::string optional_pm(const std::optional<SeedStat>& s, double scale, int decimals) {
  return s ? mean_pm(*s, scale, decimals) : "-";
}

}  // namespace

std::string mean_pm(const SeedStat& s, double scale, int decimals) {
  return fmt::format("{:.{}f} ± {:.{}f}", s.mean * scale, decimals, s.half_width * scale, decimals);
}

nlohmann::json seed_stat_json(const SeedStat& s, double scale) {
  return {{"mean", s.mean * scale},   {"low", s.low() * scale},
          {"high", s.high() * scale}, {"half_width", s.half_width * scale},
          {"sd", s.sd * scale},       {"n", s.n}};
}

void print_run_seeds(std::ostream& out, const RunInfo& info, const std::vector<std::uint64_t>& seeds,
                     const std::vector<WorkloadSeeds>& workloads) {
  const int n = static_cast<int>(seeds.size());
  out << fmt::format(
      "gpusim: {} + {}; scheduler {}, {}, {:g} s simulated, metrics over {:g} s after a {:g} s warm-up\n",
      info.platform_file, info.workloads_file, info.scheduler, seeds_text(info.seed, n, "runs"),
      info.duration_s, info.duration_s - info.warmup_s, info.warmup_s);
  print_overrides(out, info.overrides);
  out << "\n";
  Table t({"workload", "p99 ms", "SLA met %", "req/s"}, {false, true, true, true});
  for (const auto& w : workloads) {
    t.add({w.name, mean_pm(w.p99_s, 1e3, 2), optional_pm(w.sla_attainment, 100, 2),
           mean_pm(w.throughput_rps, 1, 1)});
  }
  out << "Workloads: " << interval_note(n) << "\n";
  t.print(out, "  ");
  Table s({"seed", "workload", "p99 ms", "SLA met %", "req/s"}, {true, false, true, true, true});
  for (std::size_t i = 0; i < seeds.size(); ++i) {
    for (const auto& w : workloads) {
      const auto& sla = w.sla_per_seed[i];
      s.add({std::to_string(seeds[i]), w.name, fmt::format("{:.2f}", w.p99_per_seed_s[i] * 1e3),
             sla ? fmt::format("{:.2f}", *sla * 100) : "-",
             fmt::format("{:.1f}", w.throughput_per_seed_rps[i])});
    }
  }
  out << "\nPer seed\n";
  s.print(out, "  ");
}

nlohmann::json run_seeds_json(const RunInfo& info, const std::vector<std::uint64_t>& seeds,
                              const std::vector<WorkloadSeeds>& workloads) {
  nlohmann::json j;
  j["run"] = {{"platform", info.platform_file},
              {"workloads", info.workloads_file},
              {"scheduler", info.scheduler},
              {"seeds", seeds},
              {"duration_s", info.duration_s},
              {"warmup_s", info.warmup_s},
              {"window_s", info.duration_s - info.warmup_s}};
  if (!info.overrides.empty()) j["run"]["overrides"] = info.overrides;
  const int n = static_cast<int>(seeds.size());
  j["interval"] = {
      {"confidence", 0.95}, {"method", "Student t across seeds"}, {"t", student_t_quantile(0.975, n - 1)}};
  nlohmann::json ws = nlohmann::json::array();
  for (const auto& w : workloads) {
    nlohmann::json per_seed = nlohmann::json::array();
    for (std::size_t i = 0; i < seeds.size(); ++i) {
      per_seed.push_back(
          {{"seed", seeds[i]},
           {"p99_ms", w.p99_per_seed_s[i] * 1e3},
           {"sla_attainment", w.sla_per_seed[i] ? nlohmann::json(*w.sla_per_seed[i]) : nullptr},
           {"throughput_rps", w.throughput_per_seed_rps[i]}});
    }
    ws.push_back({{"name", w.name},
                  {"p99_ms", seed_stat_json(w.p99_s, 1e3)},
                  {"sla_attainment", optional_stat_json(w.sla_attainment)},
                  {"throughput_rps", seed_stat_json(w.throughput_rps)},
                  {"per_seed", per_seed}});
  }
  j["workloads"] = ws;
  return j;
}

void print_seed_comparison(std::ostream& out, const CompareInfo& o, const Scenario& sc, int seeds,
                           const std::vector<SeedCompareRow>& rows) {
  const RunSpec& run = sc.workloads.run;
  out << fmt::format(
      "gpusim compare: {} + {}; {}, {:g} s simulated, metrics over {:g} s after a {:g} s warm-up\n",
      o.platform, o.workloads, seeds_text(run.seed, seeds, "runs per scheduler"), run.duration.v,
      run.duration.v - run.warmup.v, run.warmup.v);
  print_overrides(out, sc.overrides);
  out << "\n";
  Table t({"rank", "scheduler", "SLA met %", "p99 ms", "req/s", "devices", "units", "energy kJ"},
          {true, false, true, true, true, true, true, true});
  for (const auto& r : rows) {
    if (!r.error.empty()) {
      t.add({"-", r.scheduler, "error"});
      continue;
    }
    t.add({std::to_string(r.rank), r.scheduler, optional_pm(r.sla_attainment, 100, 2),
           mean_pm(r.p99_s, 1e3, 2), mean_pm(r.throughput_rps, 1, 1), std::to_string(r.mean.devices_used),
           std::to_string(r.mean.units_used), fmt::format("{:.2f}", r.mean.energy_j / 1e3)});
  }
  out << "Ranking (SLA attainment, then p99 latency): " << interval_note(seeds)
      << ". A policy shares the rank of the one above it unless its interval lies apart.\n";
  t.print(out, "  ");
  std::vector<std::string> headers{"workload", "SLA ms"};
  std::vector<bool> numeric{false, true};
  std::vector<std::vector<WorkloadSeeds>> per_policy;
  std::vector<const CompareRow*> means;
  for (const auto& r : rows) {
    if (!r.error.empty()) continue;
    headers.push_back(r.scheduler);
    numeric.push_back(true);
    std::vector<RunMetrics> runs;
    for (const auto& c : r.runs) runs.push_back(c.metrics);
    per_policy.push_back(workload_seeds(runs));
    means.push_back(&r.mean);
  }
  Table w(headers, numeric);
  for (std::size_t k = 0; k < sc.workloads.streams.size(); ++k) {
    const auto& spec = sc.workloads.streams[k];
    std::vector<std::string> line{spec.name, spec.sla ? fmt::format("{:g}", spec.sla->v * 1e3) : "-"};
    for (const auto& p : per_policy) line.push_back(optional_pm(p[k].sla_attainment, 100, 2));
    w.add(line);
  }
  out << "\nSLA met % by workload (mean ± half width of the 95 % interval)\n";
  w.print(out, "  ");
  print_why(out, means);
  print_policy_errors(out, rows);
}

nlohmann::json seed_compare_json(const CompareInfo& o, const Scenario& sc, int seeds,
                                 const std::vector<std::string>& names,
                                 const std::vector<SeedCompareRow>& rows) {
  const RunSpec& run = sc.workloads.run;
  std::vector<std::uint64_t> seed_list;
  for (int i = 0; i < seeds; ++i) seed_list.push_back(run.seed + static_cast<std::uint64_t>(i));
  nlohmann::json j;
  j["compare"] = {{"platform", o.platform},   {"workloads", o.workloads},
                  {"seeds", seed_list},       {"duration_s", run.duration.v},
                  {"warmup_s", run.warmup.v}, {"window_s", run.duration.v - run.warmup.v},
                  {"schedulers", names}};
  if (!sc.overrides.empty()) j["compare"]["overrides"] = sc.overrides;
  j["interval"] = {{"confidence", 0.95},
                   {"method",
                    "Student t across seeds; a policy shares the rank of the one above it when their "
                    "intervals (SLA attainment, then p99) overlap"},
                   {"t", student_t_quantile(0.975, seeds - 1)}};
  nlohmann::json ranking = nlohmann::json::array();
  for (const auto& r : rows) {
    nlohmann::json e;
    e["rank"] = r.rank > 0 ? nlohmann::json(r.rank) : nlohmann::json(nullptr);
    e["scheduler"] = r.scheduler;
    if (!r.error.empty()) {
      e["error"] = r.error;
      ranking.push_back(e);
      continue;
    }
    e["sla_attainment"] = optional_stat_json(r.sla_attainment);
    e["p99_ms"] = seed_stat_json(r.p99_s, 1e3);
    e["throughput_rps"] = seed_stat_json(r.throughput_rps);
    e["devices_used"] = r.mean.devices_used;
    e["units_used"] = r.mean.units_used;
    e["energy_j"] = r.mean.energy_j;
    std::vector<RunMetrics> runs;
    nlohmann::json per_seed = nlohmann::json::array();
    for (std::size_t i = 0; i < r.runs.size(); ++i) {
      const CompareRow& c = r.runs[i];
      runs.push_back(c.metrics);
      per_seed.push_back({{"seed", seed_list[i]},
                          {"sla_attainment", c.sla_attainment ? nlohmann::json(*c.sla_attainment) : nullptr},
                          {"p99_ms", c.p99_s * 1e3},
                          {"throughput_rps", c.throughput_rps}});
    }
    nlohmann::json ws = nlohmann::json::array();
    for (const auto& w : workload_seeds(runs)) {
      ws.push_back({{"name", w.name},
                    {"sla_attainment", optional_stat_json(w.sla_attainment)},
                    {"p99_ms", seed_stat_json(w.p99_s, 1e3)},
                    {"throughput_rps", seed_stat_json(w.throughput_rps)}});
    }
    e["workloads"] = ws;
    e["per_seed"] = per_seed;
    e["why"] = why_json(r.mean);
    ranking.push_back(e);
  }
  j["ranking"] = ranking;
  return j;
}

}  // namespace gpusim
