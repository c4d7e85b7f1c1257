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

std::vector<CompareRow> compare_policies(const Scenario& sc, const std::vector<std::string>& names,
                                         const std::map<std::string, Params>& params, unsigned parallel,
                                         const std::optional<WorkLimits>& limits) {
  // `parallel` simulations at a time, each as estimated; the parent keeps every result until ranked.
  const WorkEstimate estimate = estimate_work(sc);
  if (limits) {
    const double count = static_cast<double>(names.size());
    const double at_once = std::min(
        count, static_cast<double>(std::max(1U, parallel ? parallel : std::thread::hardware_concurrency())));
    check_work(estimate, at_once * estimate.memory_bytes() + count * estimate.record_bytes / 2,
               count * estimate.host_seconds / std::max(1.0, at_once), *limits,
               fmt::format("this comparison of {} scheduler{}", names.size(), names.size() == 1 ? "" : "s"));
  }
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
    jobs.push_back(SimJob{&sc, &*plans[i], policies[i].get()});
  }
  logger("sim")->info("comparing {} scheduler(s): {} simulation(s) in parallel", n, jobs.size());
  const std::vector<SimAttempt> attempts = simulate_each(jobs, parallel, "compare");
  for (std::size_t k = 0; k < index.size(); ++k) {
    const std::size_t i = index[k];
    try {
      if (!attempts[k].result) {
        if (is_out_of_memory(attempts[k].error)) throw out_of_memory_error(estimate, attempts[k].error);
        throw std::runtime_error(attempts[k].error);
      }
      rows[i] = summarise_run(sc, *plans[i], *attempts[k].result, names[i]);
      enforce_invariants(sc, *plans[i], *attempts[k].result, rows[i].metrics);
    } catch (const InvariantError&) {
      throw;  // gpusim's own bug, not the policy's: an internal error
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

  return rows;
}

}  // namespace gpusim
