#pragma once
/// The sweep study behind `gpusim sweep`: a `--set PATH=VALUE` whose value is a list ("1,2,4") or a range
/// ("8:64:8", inclusive) is an axis; the grid is every combination of the axes' values, each point loaded
/// with load_scenario() (its own --set list), planned with its scheduler and simulated in child processes
/// through the batch runner (simulate_each: a point that fails becomes a row with its message and the
/// others finish). The points may be spread over several processes (MPI ranks, SweepComm), and a sweep may
/// resume from the rows of an earlier, interrupted one.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "analysis/sweep.hpp"
#include "core/overrides.hpp"
#include "studies/load_scenario.hpp"

namespace gpusim {

/// One swept `--set`: its path and values, in the order given.
struct SweepAxis {
  std::string path;
  std::vector<std::string> values;
  std::string option;  ///< "--set PATH=VALUE" as given, for messages
};

/// A `--set` argument read as a sweep reads it: an axis when its value is a list (a comma: "1,2,4") or a
/// range START:STOP:STEP (numbers, inclusive, the same unit on all three: "8:64:8", "10ms:50ms:10ms");
/// nullopt for a plain value (a fixed override). ConfigError naming the option for a malformed list or
/// range (an empty item, a step <= 0, STOP below START, not numbers, more than 10,000 values).
std::optional<SweepAxis> parse_sweep_axis(const std::string& set);

/// ConfigError naming the option unless `o.path` names a field of the platform or workloads schema (items
/// of a list by name: workloads.NAME.count), e.g. "unknown field 'run.duratoin' (known under 'run': ...)".
void check_override_path(const Override& o);

/// The grid of a sweep, with every point's scenario loaded.
struct SweepGrid {
  std::string platform, workloads;  ///< the files, as given
  std::vector<std::string> fixed;   ///< the plain --set overrides, PATH=VALUE
  std::vector<SweepAxis> axes;
  int seeds = 1;
  /// Per point (row-major: the first axis varies slowest): its values, its scenario or why it failed.
  std::vector<std::vector<std::string>> values;
  std::vector<std::optional<Scenario>> scenarios;
  std::vector<std::string> load_errors;
  std::vector<std::uint64_t> first_seed;  ///< per point: run.seed (or --seed), the first of its seeds
  /// Names of the result columns: every workload and device of any point, in the order first met.
  std::vector<std::string> workload_names, device_names;

  std::size_t points() const { return values.size(); }
  /// Rows of the complete sweep: points x seeds, row `i` is point i / seeds with seed first_seed + i % seeds.
  std::size_t rows() const { return values.size() * static_cast<std::size_t>(seeds); }
  /// The (empty) row `i`: its point, values and seed.
  SweepRow row(std::size_t i) const;
  /// What the result files describe.
  SweepLayout layout() const;
};

/// What to sweep: the scenario files and options, every --set as given (axes and fixed, in order), seeds.
struct SweepSpec {
  ScenarioArgs scenario;  ///< its `set`: every --set argument
  int seeds = 1;          ///< --seeds N: each point under seeds seed, seed+1, ..., seed+N-1
};

/// Reads the axes and loads every point. ConfigError (exit 2) for a malformed axis, an axis on an unknown
/// path or given twice, no axis at all, more than 100,000 rows, or files or fixed overrides that do not load;
/// a point whose own values do not load keeps its message (load_errors) and fails alone.
SweepGrid make_sweep_grid(const SweepSpec& spec);

/// The rows of an earlier run read from `file`, each checked to be a row of `grid` (its point's values and
/// one of its seeds) and given once; ConfigError "FILE: error: written by another sweep (...)" otherwise.
std::vector<SweepRow> resumable_rows(const SweepGrid& grid, std::vector<SweepRow> rows, const std::string& file);

/// How the rows are spread over processes. One process: the default. With MPI (cli/mpi_ranks.cpp), rank r of
/// `size` runs the pending rows k with k % size == r, and rank 0 gathers them.
struct SweepComm {
  int rank = 0;
  int size = 1;
  /// Collective: every rank's text, in rank order, at rank 0 (empty elsewhere).
  std::function<std::vector<std::string>(const std::string&)> gather = [](const std::string& s) {
    return std::vector<std::string>{s};
  };
  /// Collective: rank 0's text at every rank.
  std::function<std::string(const std::string&)> broadcast = [](const std::string& s) { return s; };
};

struct SweepRunOptions {
  unsigned parallel = 0;        ///< simulations at a time per process (0: one per core)
  std::vector<SweepRow> done;   ///< rows of an earlier run (rank 0): kept as they are, not simulated again
  SweepComm comm;
  /// Called at rank 0 after each round of simulations with every row finished so far (the done ones
  /// included), in row order: the caller writes its files there, so an interrupted sweep leaves them.
  std::function<void(const std::vector<SweepRow>&)> checkpoint;
};

/// Runs every row of `grid` not in `options.done`, in rounds of 2 x parallel rows per process, showing the
/// rows done and an ETA on stderr (core/progress.hpp). Returns every row in row order at rank 0 (empty at
/// the other ranks). A failing row holds its message and is logged as a warning; the others run.
std::vector<SweepRow> run_sweep(const SweepGrid& grid, const SweepRunOptions& options);

}  // namespace gpusim
