#pragma once
/// Experiments of the category "co-located pairs": two kernels or two models sharing one GPU, each alone
/// and then both; the predictions are ratios (together / alone).

#include "studies/validation/experiment.hpp"

namespace gpusim::validation {

/// A measured kernel pair (pairs.csv): makespan / sum alone, and each side's slowdown. `processes` share the
/// GPU by time-slicing; `streams` of one process run concurrently (MPS with full shares).
Experiment measured_pair(const MeasuredContext& ctx, const PairRow& p, bool held_out);

/// A measured model pair (model_pairs.csv), two time-sliced processes each with a backlog: each one's
/// throughput while both run, relative to alone. `a` and `b` are the models' stages (models.hpp).
Experiment measured_model_pair(const MeasuredContext& ctx, const ModelPairRow& p, StageSpec a, StageSpec b,
                               bool held_out);

}  // namespace gpusim::validation
