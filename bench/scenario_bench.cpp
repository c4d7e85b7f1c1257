// Scenario benchmark: simulates bench/platform.yaml + bench/workloads.yaml (4 A100s, 64 periodic
// streams at 30/s, 10 kernels per request, 60 s) with gpusim and, in the same run, the same kernels on a
// bare SimGrid loop (bench/bare_simgrid.hpp): the same hosts, links and L07 model, timer-driven arrivals,
// no gpusim logic. Each simulation runs in its own child process; its CPU time (user + system, from the
// kernel's accounting of the reaped child) is the figure that travels between machines, and the ratio of
// the two CPU times per kernel ("gpusim costs X times bare SimGrid") is the headline.
//
// Usage: gpusim_bench_scenario [PLATFORM WORKLOADS] [--repeat N] [--no-bare]
// Exit status 1 when the two simulations disagree on the kernels simulated or on the simulated end time
// (more than 1 % of the run's duration apart).

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "bench/bare_simgrid.hpp"
#include "bench/bench_process.hpp"
#include "core/logging.hpp"
#include "platforms/parse_platform.hpp"
#include "sim/runner.hpp"
#include "workloads/parse_workloads.hpp"

namespace {

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

// One simulation's line: counts, simulated end, host and CPU time, rates and peak memory.
void print_run(int run, const char* who, std::uint64_t kernels, std::size_t requests, double end, double wall,
               double cpu, long rss_kib) {
  const double k = static_cast<double>(kernels);
  fmt::print(
      "run {}: {} {} kernels, {} requests, end {:.6f} s simulated, {:.3f} s host time, {:.0f} kernels/s, ",
      run, who, kernels, requests, end, wall, k / wall);
  fmt::print(
      "{:.3f} CPU s, {:.0f} kernels per CPU-second, {:.3f} us CPU per kernel, peak memory {:.1f} MiB\n", cpu,
      k / cpu, cpu / k * 1e6, rss_kib / 1024.0);
}

}  // namespace

int main(int argc, char** argv) {
  using namespace gpusim;
  std::string platform = GPUSIM_BENCH_DIR "/platform.yaml";
  std::string workloads = GPUSIM_BENCH_DIR "/workloads.yaml";
  int repeat = 3;
  bool bare = true;
  std::vector<std::string> positional;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--repeat") == 0 && i + 1 < argc) {
      repeat = std::max(1, std::atoi(argv[++i]));
    } else if (std::strcmp(argv[i], "--no-bare") == 0) {
      bare = false;
    } else {
      positional.emplace_back(argv[i]);
    }
  }
  if (positional.size() == 2) {
    platform = positional[0];
    workloads = positional[1];
  }
  set_log_level(spdlog::level::warn);
  bool mismatch = false;
  try {
    Scenario sc;
    sc.platform = parse_platform(platform, Catalog::load(Catalog::default_dir()));
    sc.workloads = parse_workloads(workloads);
    auto policy = make_scheduler(sc.workloads.run.scheduler, sc.workloads.run.scheduler_params);
    const Plan plan = make_plan(sc, *policy, sc.workloads.run.scheduler);
    const double duration = sc.workloads.run.duration.v;
    double best = 0;
    std::vector<double> ratios, gpusim_rates, bare_rates;
    for (int i = 0; i < repeat; ++i) {
      // Alternate the order so that a slow phase of a shared machine does not always hit the same side.
      const bool bare_first = bare && i % 2 == 1;
      bench::ChildRun bare_run;
      bench::BareResult b;
      auto run_bare = [&] {
        bare_run = bench::run_in_child([&] { return bench::to_string(bench::simulate_bare(sc, plan)); });
        b = bench::bare_result_from(bare_run.payload);
      };
      if (bare_first) run_bare();
      const double cpu_before = bench::children_cpu_seconds();
      const SimResult r = run_simulation(sc, plan);
      const double cpu = bench::children_cpu_seconds() - cpu_before;
      if (bare && !bare_first) run_bare();

      const double kernels = static_cast<double>(r.kernels);
      const double rate = kernels / r.wall_seconds;
      best = std::max(best, rate);
      gpusim_rates.push_back(kernels / cpu);
      print_run(i + 1, "gpusim", r.kernels, r.requests.size(), r.end_time, r.wall_seconds, cpu,
                r.peak_rss_kib);
      if (!bare) continue;
      const double bk = static_cast<double>(b.kernels);
      bare_rates.push_back(bk / bare_run.cpu_seconds);
      print_run(i + 1, "bare  ", b.kernels, b.requests, b.end_time, b.wall_seconds, bare_run.cpu_seconds,
                bare_run.peak_rss_kib);
      const double ratio = (cpu / kernels) / (bare_run.cpu_seconds / bk);
      ratios.push_back(ratio);
      fmt::print("run {}: gpusim costs {:.2f} times bare SimGrid (CPU time per kernel)\n", i + 1, ratio);
      if (b.kernels != r.kernels || b.requests != r.requests.size()) {
        fmt::print("MISMATCH run {}: gpusim simulated {} kernels of {} requests, the bare loop {} of {}\n",
                   i + 1, r.kernels, r.requests.size(), b.kernels, b.requests);
        mismatch = true;
      }
      if (std::abs(b.end_time - r.end_time) > 0.01 * duration) {
        fmt::print(
            "MISMATCH run {}: simulated end times {:.6f} s (gpusim) and {:.6f} s (bare) differ by more than "
            "1 % of the {} s run\n",
            i + 1, r.end_time, b.end_time, duration);
        mismatch = true;
      }
    }
    fmt::print("best: {:.0f} kernels/s\n", best);
    fmt::print("gpusim: median {:.0f} kernels per CPU-second over {} run(s)\n", median(gpusim_rates), repeat);
    if (bare) {
      fmt::print("bare SimGrid: median {:.0f} kernels per CPU-second over {} run(s)\n", median(bare_rates),
                 repeat);
      const auto [lo, hi] = std::minmax_element(ratios.begin(), ratios.end());
      fmt::print(
          "gpusim costs {:.2f} times bare SimGrid (median CPU time per kernel ratio; range {:.2f}-{:.2f})\n",
          median(ratios), *lo, *hi);
    }
  } catch (const std::exception& e) {
    fmt::print(stderr, "{}\n", e.what());
    return 2;
  }
  return mismatch ? 1 : 0;
}
