#include "studies/seeds.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <memory>
#include <thread>

#include "analysis/invariants.hpp"
#include "core/logging.hpp"
#include "sim/runner.hpp"
#include "studies/run.hpp"

namespace gpusim {

std::vector<Scenario> seed_scenarios(const Scenario& sc, int seeds) {
  std::vector<Scenario> out;
  for (int i = 0; i < seeds; ++i) {
    out.push_back(sc);
    out.back().workloads.run.seed = sc.workloads.run.seed + static_cast<std::uint64_t>(i);
  }
  return out;
}

SeedRuns run_seeds(const Scenario& sc, int seeds, unsigned parallel,
                   const std::optional<WorkLimits>& limits) {
  const WorkEstimate estimate = estimate_work(sc);
  if (limits) {
    const double count = static_cast<double>(seeds);
    const double at_once = std::min(
        count, static_cast<double>(std::max(1U, parallel ? parallel : std::thread::hardware_concurrency())));
    check_work(estimate, at_once * estimate.memory_bytes() + count * estimate.record_bytes,
               count * estimate.host_seconds / at_once, *limits, fmt::format("these {} runs", seeds));
  }
  const std::vector<Scenario> scenarios = seed_scenarios(sc, seeds);
  std::vector<std::unique_ptr<Scheduler>> policies;
  std::vector<Plan> plans;
  plans.reserve(scenarios.size());
  for (const auto& s : scenarios) {
    policies.push_back(make_run_scheduler(s.workloads.run));
    plans.push_back(make_plan(s, *policies.back(), s.workloads.run.scheduler));
  }
  std::vector<SimJob> jobs;
  for (std::size_t i = 0; i < scenarios.size(); ++i) {
    jobs.push_back(SimJob{&scenarios[i], &plans[i], policies[i].get()});
  }
  logger("sim")->info("simulating {} seed(s) from {}: {} stream(s) on {} unit(s) each", seeds,
                      sc.workloads.run.seed, plans.front().placements().size(), plans.front().units().size());
  const std::vector<SimResult> results =
      memory_errors_named(estimate, [&] { return simulate_all(jobs, parallel, "seeds"); });
  SeedRuns out;
  for (std::size_t i = 0; i < scenarios.size(); ++i) {
    out.seeds.push_back(scenarios[i].workloads.run.seed);
    out.runs.push_back(compute_metrics(scenarios[i], plans[i], results[i]));
    enforce_invariants(scenarios[i], plans[i], results[i], out.runs.back());
  }
  out.workloads = workload_seeds(out.runs);
  return out;
}

}  // namespace gpusim
