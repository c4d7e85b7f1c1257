#include "studies/compare.hpp"

#include <fmt/format.h>

#include <memory>
#include <optional>
#include <set>
#include <stdexcept>
#include <thread>

#include "analysis/invariants.hpp"
#include "analysis/saturation.hpp"
#include "core/errors.hpp"
#include "core/logging.hpp"
#include "sim/runner.hpp"
#include "studies/run.hpp"
#include "studies/seeds.hpp"

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

}  // namespace

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

namespace {

// Plans and simulates each policy under each scenario (one scenario, or the same one with other seeds), at
// most `parallel` simulations at a time: rows[policy][scenario], unranked. A policy that cannot be planned
// or simulated becomes an error row.
std::vector<std::vector<CompareRow>> simulate_policies(const std::vector<const Scenario*>& scs,
                                                       const std::vector<std::string>& names,
                                                       const std::map<std::string, Params>& params,
                                                       unsigned parallel,
                                                       const std::optional<WorkLimits>& limits) {
  const Scenario& sc = *scs.front();
  const std::size_t seeds = scs.size();
  // `parallel` simulations at a time, each as estimated; the parent keeps every result until ranked.
  const WorkEstimate estimate = estimate_work(sc);
  if (limits) {
    const double count = static_cast<double>(names.size() * seeds);
    const double at_once = std::min(
        count, static_cast<double>(std::max(1U, parallel ? parallel : std::thread::hardware_concurrency())));
    check_work(estimate, at_once * estimate.memory_bytes() + count * estimate.record_bytes / 2,
               count * estimate.host_seconds / std::max(1.0, at_once), *limits,
               fmt::format("this comparison of {} scheduler{}{}", names.size(), names.size() == 1 ? "" : "s",
                           seeds > 1 ? fmt::format(" with {} seeds", seeds) : ""));
  }
  // Policies and plans in this process, one per policy and scenario (k = policy x seeds + scenario); a
  // policy that cannot be planned becomes an error row.
  const std::size_t n = names.size() * seeds;
  std::vector<std::unique_ptr<Scheduler>> policies(n);
  std::vector<std::optional<Plan>> plans(n);
  std::vector<CompareRow> rows(n);
  for (std::size_t i = 0; i < n; ++i) {
    const std::string& name = names[i / seeds];
    rows[i].scheduler = name;
    policies[i] = make_scheduler(name, params.at(name));  // a bad parameter is the user's: exit 2
    try {
      plans[i] = make_plan(*scs[i % seeds], *policies[i], name);
    } catch (const std::exception& e) {
      rows[i].error = e.what();
      logger("sched")->warn("{}: {}", name, rows[i].error);
    }
  }

  // Impossible SLAs under each plan, each distinct line once (policies that place alike say the same).
  std::set<std::string> warned;
  for (std::size_t i = 0; i < n; ++i) {
    if (!plans[i]) continue;
    for (const auto& x : impossible_slas(sc, *plans[i])) {
      if (warned.insert(x.message).second) logger("analysis")->warn("{}", x.message);
    }
  }

  // Simulations in parallel child processes; a policy that fails becomes an error row.
  std::vector<std::size_t> index;
  std::vector<SimJob> jobs;
  for (std::size_t i = 0; i < n; ++i) {
    if (!plans[i]) continue;
    index.push_back(i);
    jobs.push_back(SimJob{scs[i % seeds], &*plans[i], policies[i].get()});
  }
  logger("sim")->info("comparing {} scheduler(s): {} simulation(s) in parallel", names.size(), jobs.size());
  const std::vector<SimAttempt> attempts = simulate_each(jobs, parallel, "compare");
  for (std::size_t k = 0; k < index.size(); ++k) {
    const std::size_t i = index[k];
    const Scenario& si = *scs[i % seeds];
    try {
      if (!attempts[k].result) {
        if (is_out_of_memory(attempts[k].error)) throw out_of_memory_error(estimate, attempts[k].error);
        throw std::runtime_error(attempts[k].error);
      }
      rows[i] = summarise_run(si, *plans[i], *attempts[k].result, rows[i].scheduler);
      enforce_invariants(si, *plans[i], *attempts[k].result, rows[i].metrics);
    } catch (const InvariantError&) {
      throw;  // gpusim's own bug, not the policy's: an internal error
    } catch (const std::exception& e) {
      rows[i].error = e.what();
      logger("sim")->warn("{}: {}", rows[i].scheduler, rows[i].error);
    }
  }
  std::vector<std::vector<CompareRow>> out(names.size());
  for (std::size_t i = 0; i < n; ++i) out[i / seeds].push_back(std::move(rows[i]));
  return out;
}

[[noreturn]] void all_failed(const std::string& scheduler, const std::string& error) {
  throw ConfigError(fmt::format("error: every scheduler failed; {}: {}", scheduler, error));
}

}  // namespace

std::vector<CompareRow> compare_policies(const Scenario& sc, const std::vector<std::string>& names,
                                         const std::map<std::string, Params>& params, unsigned parallel,
                                         const std::optional<WorkLimits>& limits) {
  std::vector<CompareRow> rows;
  for (auto& per_seed : simulate_policies({&sc}, names, params, parallel, limits)) {
    rows.push_back(std::move(per_seed.front()));
  }
  rank_rows(rows);
  if (!rows.empty() && !rows.front().error.empty()) all_failed(rows.front().scheduler, rows.front().error);

  return rows;
}

std::vector<SeedCompareRow> compare_policies_seeds(const Scenario& sc, const std::vector<std::string>& names,
                                                   const std::map<std::string, Params>& params, int seeds,
                                                   unsigned parallel,
                                                   const std::optional<WorkLimits>& limits) {
  const std::vector<Scenario> scenarios = seed_scenarios(sc, seeds);
  std::vector<const Scenario*> pointers;
  for (const auto& s : scenarios) pointers.push_back(&s);
  std::vector<SeedCompareRow> rows;
  auto grid = simulate_policies(pointers, names, params, parallel, limits);
  for (std::size_t p = 0; p < names.size(); ++p) {
    std::string error;
    for (std::size_t s = 0; s < grid[p].size() && error.empty(); ++s) {
      if (!grid[p][s].error.empty()) {
        error = fmt::format("seed {}: {}", scenarios[s].workloads.run.seed, grid[p][s].error);
      }
    }
    if (error.empty()) {
      rows.push_back(seed_compare_row(names[p], std::move(grid[p])));
    } else {
      SeedCompareRow row;
      row.scheduler = names[p];
      row.error = error;
      rows.push_back(std::move(row));
    }
  }
  rank_seed_rows(rows);
  if (!rows.empty() && !rows.front().error.empty()) all_failed(rows.front().scheduler, rows.front().error);
  return rows;
}

}  // namespace gpusim
