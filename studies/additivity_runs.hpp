#pragma once
/// The simulations of the additivity study (studies/additivity.hpp): one Variant is a subset of the run's
/// streams under a contention setting at a speed scale; the Runner runs a batch of them in parallel and
/// reads back the figures the analysis needs (an Outcome per simulation).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "analysis/metrics.hpp"
#include "sim/plan.hpp"
#include "sim/sim_result.hpp"

namespace gpusim::additivity {

// One simulation of the analysis: a subset of the run's streams, a contention setting and a speed scale.
struct Variant {
  std::vector<int> streams;  // indices into the run's Plan::streams
  std::string without;       // mechanism switched off ("" = none)
  double scale = 1.0;
  // Only whether it meets matters (every run of a required-speed search): its device's run stops as soon as a
  // workload's attainment can no longer reach the quantile (Plan::stop_quantile), and its lateness is then
  // unknown (Outcome::settled).
  bool settle = false;
};

// What the analysis reads from one simulation.
struct Outcome {
  std::vector<double> occupied;              // per physical device, fraction of the window
  std::vector<std::optional<double>> rel_se;  // per physical device: relative standard error (batch means)
  std::vector<std::vector<double>> batches;  // per physical device: occupied in 10 stretches (batch means)
  std::vector<double> attainment;            // per workload: SLA attainment (or completion share without SLA)
  std::vector<double> lateness;              // per workload: latency at the SLA quantile / SLA (0: no SLA)
  std::vector<std::uint64_t> generated;      // per workload, in the window
  bool settled = false;  // the run stopped once a failure was certain: attainment fails, lateness unknown
  double stopped_at = -1;  // when it stopped (simulated seconds from the run's start; -1: it did not)
  double worst_latency = 0;  // the longest latency (s) of a window request that finished (SLA workloads)
  std::uint32_t acted = ~std::uint32_t{0};  // the mechanisms that acted on its device(s) (PowerRecord::acted)
};

/// The figures of one simulation; `device` >= 0 keeps only that device: the requests of its streams and
/// its occupied fraction (every other device reads as idle).
Outcome outcome_of(const Scenario& sc, const Plan& plan, const SimResult& r, double quantile, int device = -1);
/// The same from the run's metrics already computed (compute_metrics), for several devices of one run.
Outcome outcome_of(const Scenario& sc, const Plan& plan, const SimResult& r, const RunMetrics& m, double quantile,
                   int device = -1);

/// Runs batches of variants of the run's plan, in parallel, and counts what it ran.
class Runner {
 public:
  Runner(const Plan& plan, Scheduler* policy, unsigned parallel, double quantile)
      : plan_(plan), policy_(policy), parallel_(parallel), quantile_(quantile) {}

  /// Every variant on the scenario `base`.
  std::vector<Outcome> run(const Scenario& base, const std::vector<Variant>& variants) {
    return run(std::vector<const Scenario*>(variants.size(), &base), variants);
  }
  /// Variant i on the scenario bases[i].
  std::vector<Outcome> run(const std::vector<const Scenario*>& bases, const std::vector<Variant>& variants);
  /// Every variant on `base`, those with every mechanism on first: a variant with one switched off whose
  /// all-on twin (the same streams) shows that mechanism did not act would be the same run
  /// (PowerRecord::acted) and takes the twin's outcome.
  std::vector<Outcome> run_paired(const Scenario& base, const std::vector<Variant>& variants);
  std::size_t simulations() const { return simulations_; }
  std::uint64_t kernels() const { return kernels_; }

 private:
  const Plan& plan_;
  Scheduler* policy_;
  unsigned parallel_;
  double quantile_;
  std::size_t simulations_ = 0;
  std::uint64_t kernels_ = 0;
};

}  // namespace gpusim::additivity
