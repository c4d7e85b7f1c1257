// Scenario benchmark: simulates bench/platform.yaml + bench/workloads.yaml (4 A100s, 64 periodic
// streams at 30/s, 10 kernels per request, 60 s) and prints kernels per second of host time and the
// simulating process's peak memory. Usage: gpusim_bench_scenario [PLATFORM WORKLOADS] [--repeat N]

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "core/logging.hpp"
#include "platforms/parse_platform.hpp"
#include "sim/runner.hpp"
#include "workloads/parse_workloads.hpp"

int main(int argc, char** argv) {
  using namespace gpusim;
  std::string platform = GPUSIM_BENCH_DIR "/platform.yaml";
  std::string workloads = GPUSIM_BENCH_DIR "/workloads.yaml";
  int repeat = 3;
  std::vector<std::string> positional;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--repeat") == 0 && i + 1 < argc) {
      repeat = std::max(1, std::atoi(argv[++i]));
    } else {
      positional.emplace_back(argv[i]);
    }
  }
  if (positional.size() == 2) {
    platform = positional[0];
    workloads = positional[1];
  }
  set_log_level(spdlog::level::warn);
  try {
    Scenario sc;
    sc.platform = parse_platform(platform, Catalog::load(Catalog::default_dir()));
    sc.workloads = parse_workloads(workloads);
    auto policy = make_scheduler(sc.workloads.run.scheduler, sc.workloads.run.scheduler_params);
    const Plan plan = make_plan(sc, *policy, sc.workloads.run.scheduler);
    double best = 0;
    for (int i = 0; i < repeat; ++i) {
      const SimResult r = run_simulation(sc, plan);
      const double rate = static_cast<double>(r.kernels) / r.wall_seconds;
      best = std::max(best, rate);
      fmt::print("run {}: {} kernels, {} requests, {:.3f} s host time, {:.0f} kernels/s, peak memory {:.1f} MiB\n",
                 i + 1, r.kernels, r.requests.size(), r.wall_seconds, rate, r.peak_rss_kib / 1024.0);
    }
    fmt::print("best: {:.0f} kernels/s\n", best);
  } catch (const std::exception& e) {
    fmt::print(stderr, "{}\n", e.what());
    return 2;
  }
  return 0;
}
