#include "studies/run.hpp"

#include <memory>

#include "core/errors.hpp"
#include "analysis/invariants.hpp"
#include "core/logging.hpp"
#include "sim/runner.hpp"
#include "studies/additivity.hpp"

namespace gpusim {

RunOutcome run_scenario(const Scenario& sc, bool additivity) {
  const RunSpec& run = sc.workloads.run;
  std::unique_ptr<Scheduler> policy;
  try {
    policy = make_scheduler(run.scheduler, run.scheduler_params);
  } catch (const ConfigError& e) {
    // An unknown name gets the location of `scheduler:`; a parameter error already names its own origin.
    const std::string msg = e.what();
    if (run.scheduler_loc.line > 0 && msg.find(": error: ") == std::string::npos) {
      throw run.scheduler_loc.error(msg);
    }
    throw;
  }
  RunOutcome out;
  out.plan = make_plan(sc, *policy, run.scheduler);
  const Plan& plan = out.plan;
  logger("sim")->info("simulating {} stream(s) on {} unit(s) for {} s (+{} s drain)", plan.placements().size(),
                      plan.units().size(), run.duration.v, run.drain.v);
  const SimResult result = run_simulation(sc, plan, policy.get());
  logger("sim")->info("{} kernels in {:.2f} s of host time ({:.0f} kernels/s), peak memory {:.1f} MiB",
                      result.kernels, result.wall_seconds,
                      result.wall_seconds > 0 ? static_cast<double>(result.kernels) / result.wall_seconds : 0.0,
                      static_cast<double>(result.peak_rss_kib) / 1024.0);
  out.metrics = compute_metrics(sc, plan, result);
  enforce_invariants(sc, plan, result, out.metrics);
  if (additivity) out.additivity = analyse_additivity(sc, out.plan, policy.get(), AdditivityOptions{});
  return out;
}

}  // namespace gpusim
