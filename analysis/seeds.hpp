#pragma once
/// Repeated runs of one scenario with different seeds (`--seeds N`): the mean and the 95 % confidence
/// interval of each figure across the runs (Student t with N - 1 degrees of freedom: the runs are
/// independent, the requests of one run are not), per workload and per compared policy.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "analysis/metrics.hpp"
#include "analysis/ranking.hpp"

namespace gpusim {

/// The most seeds `--seeds` accepts: each is a whole simulation.
inline constexpr int kMaxSeeds = 1000;

/// The number of runs in `text` ("5"): a whole number from 1 to kMaxSeeds; ConfigError naming `option`
/// (one line) otherwise.
int parse_seed_count(const std::string& text, const std::string& option = "--seeds");

/// The `p` quantile (0.5 <= p < 1) of Student's t distribution with `dof` >= 1 degrees of freedom, computed
/// from its distribution function (Abramowitz and Stegun 26.7.3-4) by bisection to 1e-10.
double student_t_quantile(double p, int dof);

/// Mean and 95 % confidence interval of one figure over N runs.
struct SeedStat {
  int n = 0;
  double mean = 0;
  double sd = 0;          ///< sample standard deviation (N - 1 in the denominator); 0 for one run
  double half_width = 0;  ///< t(0.975, N - 1) sd / sqrt(N); 0 for one run
  double low() const { return mean - half_width; }
  double high() const { return mean + half_width; }
};

/// The statistic of `values` (one per run); n = 0 for an empty list.
SeedStat seed_stat(const std::vector<double>& values);

/// True when the two intervals share at least one point (touching ends overlap).
bool overlaps(const SeedStat& a, const SeedStat& b);

/// One workload's figures across the runs.
struct WorkloadSeeds {
  std::string name;
  SeedStat p99_s;
  std::optional<SeedStat> sla_attainment;  ///< absent when the workload has no SLA
  SeedStat throughput_rps;
  std::vector<double> p99_per_seed_s;  ///< in seed order
  std::vector<std::optional<double>> sla_per_seed;
  std::vector<double> throughput_per_seed_rps;
};

/// Every workload's figures across runs of one scenario; `runs` in seed order, all of the same scenario.
std::vector<WorkloadSeeds> workload_seeds(const std::vector<RunMetrics>& runs);

/// One policy of a comparison across the runs: its rows (one per seed) and the statistics of the figures it
/// is ranked by. The rank is shared with the policy above when their intervals overlap (rank_seed_rows).
struct SeedCompareRow {
  std::string scheduler;
  std::string error;  ///< the first seed's error; a policy that fails with any seed is an error row
  std::vector<CompareRow> runs;  ///< one per seed, in seed order
  std::optional<SeedStat> sla_attainment;
  SeedStat p99_s;
  SeedStat throughput_rps;
  CompareRow mean;  ///< the why of its rank, averaged over the seeds (occupancy, switches, queueing, service)
  int rank = 0;     ///< 0 for an error row
};

/// The policy's statistics from its rows (one per seed, all without error).
SeedCompareRow seed_compare_row(const std::string& scheduler, std::vector<CompareRow> runs);

/// Sorts best first by mean SLA attainment then mean p99 (each to the precision printed), errors last, and
/// numbers the ranks: a policy takes the rank of the one above it unless it is worse apart, i.e. its SLA
/// attainment interval lies wholly below, or the SLA intervals overlap and its p99 interval lies wholly
/// above. Tied policies share a rank (1, 1, 3); ties chain down the list.
void rank_seed_rows(std::vector<SeedCompareRow>& rows);

}  // namespace gpusim
