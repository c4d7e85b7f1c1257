#include "cli/compare.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <iostream>
#include <map>
#include <memory>
#include <set>
#include <tuple>

#include "analysis/report.hpp"
#include "analysis/table.hpp"
#include "core/logging.hpp"
#include "platforms/parse_platform.hpp"
#include "sim/runner.hpp"
#include "workloads/parse_workloads.hpp"

namespace gpusim {
namespace {

std::vector<std::string> split_names(const std::string& list) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= list.size()) {
    const std::size_t comma = std::min(list.find(',', start), list.size());
    std::string name = list.substr(start, comma - start);
    name.erase(0, name.find_first_not_of(" \t"));
    name.erase(name.find_last_not_of(" \t") + 1);
    if (!name.empty()) out.push_back(name);
    start = comma + 1;
  }
  return out;
}

// The policies to compare, in the order given ("all": every registered policy, by name).
std::vector<std::string> chosen_policies(const std::string& list) {
  const auto& registry = Registry<Scheduler>::instance();
  std::vector<std::string> names;
  if (list == "all") {
    for (const auto* e : registry.entries()) names.push_back(e->name);
    return names;
  }
  std::set<std::string> seen;
  for (const auto& n : split_names(list)) {
    if (!registry.has(n)) {
      throw ConfigError(fmt::format("error: --schedulers: unknown scheduler '{}'. Valid values are: {}", n,
                                    registry.names()));
    }
    if (!seen.insert(n).second)
      throw ConfigError(fmt::format("error: --schedulers: '{}' is listed twice", n));
    names.push_back(n);
  }
  if (names.empty()) throw ConfigError("error: --schedulers: no scheduler given (a,b,c or all)");
  return names;
}

// Parameters of each policy: the workloads file's scheduler_params go to its own scheduler; each
// --scheduler-param NAME.KEY=VALUE to policy NAME.
std::map<std::string, Params> policy_params(const RunSpec& run, const std::vector<std::string>& names,
                                            const std::vector<std::string>& cli) {
  std::map<std::string, Params> out;
  for (const auto& n : names) out[n];
  if (out.count(run.scheduler)) out[run.scheduler] = run.scheduler_params;
  for (const auto& kv : cli) {
    const auto dot = kv.find('.');
    const auto eq = kv.find('=');
    if (dot == std::string::npos || eq == std::string::npos || dot == 0 || eq < dot + 2) {
      throw ConfigError(fmt::format("error: --scheduler-param '{}' must be NAME.KEY=VALUE in compare", kv));
    }
    const std::string name = kv.substr(0, dot);
    if (!out.count(name)) {
      throw ConfigError(
          fmt::format("error: --scheduler-param '{}': scheduler '{}' is not compared", kv, name));
    }
    out[name].set(kv.substr(dot + 1, eq - dot - 1), kv.substr(eq + 1), "--scheduler-param");
  }
  return out;
}

std::string pct(const std::optional<double>& f) { return f ? fmt::format("{:.2f}", *f * 100) : "-"; }

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
  nlohmann::json ws = nlohmann::json::array();
  for (const auto& w : row.metrics.workloads) {
    ws.push_back(
        {{"name", w.name},
         {"devices", w.devices},
         {"sla_attainment", w.sla_attainment ? nlohmann::json(*w.sla_attainment) : nlohmann::json(nullptr)},
         {"p99_ms", w.latency.p99 * 1e3},
         {"throughput_rps", w.throughput_rps},
         {"dropped", w.dropped}});
  }
  j["workloads"] = ws;
  return j;
}

void print_comparison(std::ostream& out, const CompareOptions& o, const Scenario& sc,
                      const std::vector<CompareRow>& rows) {
  const RunSpec& run = sc.workloads.run;
  out << fmt::format(
      "gpusim compare: {} + {}; seed {}, {:g} s simulated, metrics over {:g} s after a {:g} s warm-up\n\n",
      o.platform, o.workloads, run.seed, run.duration.v, run.duration.v - run.warmup.v, run.warmup.v);
  Table t({"rank", "scheduler", "SLA met %", "p99 ms", "req/s", "devices", "units", "energy kJ", "dropped",
           "unfinished"},
          {true, false, true, true, true, true, true, true, true, true});
  int rank = 0;
  for (const auto& r : rows) {
    if (!r.error.empty()) {
      t.add({"-", r.scheduler, "error"});
      continue;
    }
    t.add({std::to_string(++rank), r.scheduler, pct(r.sla_attainment), fmt::format("{:.2f}", r.p99_s * 1e3),
           fmt::format("{:.1f}", r.throughput_rps), std::to_string(r.devices_used),
           std::to_string(r.units_used), fmt::format("{:.2f}", r.energy_j / 1e3), std::to_string(r.dropped),
           std::to_string(r.unfinished)});
  }
  out << "Ranking (SLA attainment, then p99 latency, throughput, devices, units, energy)\n";
  t.print(out, "  ");
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
      if (r.error.empty()) line.push_back(pct(r.metrics.workloads[k].sla_attainment));
    }
    w.add(line);
  }
  out << "\nSLA met % by workload\n";
  w.print(out, "  ");
  bool errors = false;
  for (const auto& r : rows) {
    if (r.error.empty()) continue;
    if (!errors) out << "\nErrors\n";
    errors = true;
    out << "  " << r.scheduler << ": " << r.error << '\n';
  }
}

}  // namespace

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
    if (w.sla_attainment) {
      met += std::round(*w.sla_attainment * static_cast<double>(w.generated));
      with_sla += static_cast<double>(w.generated);
    }
  }
  if (with_sla > 0) row.sla_attainment = met / with_sla;
  std::vector<double> latencies;
  for (const auto& rec : r.requests) {
    if (rec.arrival < run.warmup.v || rec.arrival >= run.duration.v || rec.status != RequestStatus::COMPLETED)
      continue;
    latencies.push_back(rec.finish - rec.arrival);
  }
  std::sort(latencies.begin(), latencies.end());
  row.p99_s = percentile_sorted(latencies, 0.99);
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

void rank_rows(std::vector<CompareRow>& rows) {
  auto key = [](const CompareRow& r) {
    // Rounded to the precision printed, so that ties are ties; smaller is better in every field.
    return std::make_tuple(!r.error.empty(),
                           -std::llround((r.sla_attainment ? *r.sla_attainment : 0.0) * 1e4),
                           std::llround(r.p99_s * 1e6), -std::llround(r.throughput_rps * 1e3), r.devices_used,
                           r.units_used, std::llround(r.energy_j), r.scheduler);
  };
  std::stable_sort(rows.begin(), rows.end(),
                   [&](const CompareRow& a, const CompareRow& b) { return key(a) < key(b); });
}

int command_compare(const CompareOptions& o) {
  const Catalog catalog = Catalog::load(o.catalog.empty() ? Catalog::default_dir() : o.catalog);
  Scenario sc;
  sc.platform = parse_platform(o.platform, catalog);
  sc.workloads = parse_workloads(o.workloads);
  if (o.seed) sc.workloads.run.seed = *o.seed;
  for (const auto& name : o.disable) {
    if (!sc.platform.contention.set(name, false)) {
      std::string known;
      for (const auto& m : mechanism_names()) known += (known.empty() ? "" : ", ") + m;
      throw ConfigError(fmt::format("error: --disable: unknown mechanism '{}' (known: {})", name, known));
    }
  }
  const auto names = chosen_policies(o.schedulers);
  const auto params = policy_params(sc.workloads.run, names, o.scheduler_params);

  // Policies and plans in this process; a policy that cannot be planned becomes an error row.
  const std::size_t n = names.size();
  std::vector<std::unique_ptr<Scheduler>> policies(n);
  std::vector<std::optional<Plan>> plans(n);
  std::vector<CompareRow> rows(n);
  for (std::size_t i = 0; i < n; ++i) {
    rows[i].scheduler = names[i];
    policies[i] = make_scheduler(names[i], params.at(names[i]));  // a bad parameter is the user's: exit 2
    try {
      plans[i] = make_plan(sc, *policies[i], names[i]);
    } catch (const std::exception& e) {
      rows[i].error = e.what();
      logger("sched")->warn("{}: {}", names[i], rows[i].error);
    }
  }

  // Simulations in parallel child processes; a policy that fails becomes an error row.
  std::vector<std::size_t> index;
  std::vector<SimJob> jobs;
  for (std::size_t i = 0; i < n; ++i) {
    if (!plans[i]) continue;
    index.push_back(i);
    jobs.push_back(SimJob{&sc, &*plans[i], policies[i].get()});
  }
  logger("sim")->info("comparing {} scheduler(s): {} simulation(s) in parallel", n, jobs.size());
  const std::vector<SimAttempt> attempts = simulate_each(jobs, o.jobs);
  for (std::size_t k = 0; k < index.size(); ++k) {
    const std::size_t i = index[k];
    try {
      if (!attempts[k].result) throw std::runtime_error(attempts[k].error);
      rows[i] = summarise_run(sc, *plans[i], *attempts[k].result, names[i]);
    } catch (const std::exception& e) {
      rows[i].error = e.what();
      logger("sim")->warn("{}: {}", names[i], rows[i].error);
    }
  }
  rank_rows(rows);
  if (!rows.empty() && !rows.front().error.empty()) {
    throw ConfigError(
        fmt::format("error: every scheduler failed; {}: {}", rows.front().scheduler, rows.front().error));
  }

  // Every output is computed before anything is written.
  std::string json;
  if (!o.json.empty()) {
    const RunSpec& run = sc.workloads.run;
    nlohmann::json j;
    j["compare"] = {{"platform", o.platform},   {"workloads", o.workloads},
                    {"seed", run.seed},         {"duration_s", run.duration.v},
                    {"warmup_s", run.warmup.v}, {"window_s", run.duration.v - run.warmup.v},
                    {"schedulers", names}};
    nlohmann::json ranking = nlohmann::json::array();
    int rank = 0;
    for (const auto& r : rows) ranking.push_back(row_json(r, r.error.empty() ? ++rank : 0));
    j["ranking"] = ranking;
    json = j.dump(2) + "\n";
  }
  if (o.json != "-") print_comparison(std::cout, o, sc, rows);
  if (!o.json.empty()) write_file_atomically(o.json, json);
  return 0;
}

}  // namespace gpusim
