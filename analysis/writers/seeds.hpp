#pragma once
/// Output of `--seeds N` (N >= 2): per workload (run) or per policy (compare) the mean and 95 % confidence
/// interval across the seeds, as a table or JSON.

#include <cstdint>
#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <vector>

#include "analysis/seeds.hpp"
#include "analysis/writers/compare.hpp"
#include "analysis/writers/report.hpp"

namespace gpusim {

/// "12.34 ± 0.56": the mean and the half width of its 95 % interval, times `scale`, with `decimals`.
std::string mean_pm(const SeedStat& s, double scale, int decimals);

/// {"mean", "low", "high", "half_width", "sd", "n"}, each figure times `scale`.
nlohmann::json seed_stat_json(const SeedStat& s, double scale = 1.0);

/// `gpusim run --seeds N`: the header (seeds first..last), each workload's mean and interval of p99
/// latency, SLA attainment and throughput, then each seed's figures. `info.seed` is the first seed.
void print_run_seeds(std::ostream& out, const RunInfo& info, const std::vector<std::uint64_t>& seeds,
                     const std::vector<WorkloadSeeds>& workloads);
nlohmann::json run_seeds_json(const RunInfo& info, const std::vector<std::uint64_t>& seeds,
                              const std::vector<WorkloadSeeds>& workloads);

/// `gpusim compare --seeds N`: the ranking with intervals (tied policies share a rank), each workload's mean
/// SLA attainment under each policy, why each policy ranks where it does (averaged over the seeds), errors.
void print_seed_comparison(std::ostream& out, const CompareInfo& info, const Scenario& sc, int seeds,
                           const std::vector<SeedCompareRow>& rows);
nlohmann::json seed_compare_json(const CompareInfo& info, const Scenario& sc, int seeds,
                                 const std::vector<std::string>& names,
                                 const std::vector<SeedCompareRow>& rows);

}  // namespace gpusim
