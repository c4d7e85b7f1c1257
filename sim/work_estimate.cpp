#include "sim/work_estimate.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <vector>

#include "core/errors.hpp"
#include "core/units.hpp"
#include "scheduler/scheduler.hpp"
#include "sim/sim_result.hpp"
#include "sim/work_units.hpp"

namespace gpusim {
namespace {

// Constants measured on this tree's Release build (docs/performance.md, "Limits stated before work
// starts"): peak RSS of the simulating child against the number of units and of streams.
constexpr double kBaseBytes = 64.0 * 1024 * 1024;  // a one-device, one-stream run, with margin
constexpr double kBytesPerUnit = 64.0 * 1024;      // SimGrid host, links, route and unit state
constexpr double kBytesPerStream = 8.0 * 1024;     // view, placement, mt19937_64, timer, contexts
constexpr double kMaxUnitsPerMigDevice = 7;  // `mig: auto`: the policy may choose 7 slices
// Request, stage and sample vectors: grown by doubling in the child (up to 2 x), serialised there for the
// pipe (1 x), read and deserialised in the parent (1 x) while the child may still hold its copies.
constexpr double kRecordCopies = 4;
// Host time: conservative rates measured with bench/ (gpusim_bench_scenario) on a 2-core machine.
constexpr double kKernelsPerSecond = 2.0e5;
constexpr double kTicksPerSecond = 1.0e6;

double expected_arrivals(const ArrivalSpec& a, double duration) {
  switch (a.kind) {
    case ArrivalKind::PERIODIC:
    case ArrivalKind::POISSON:
      return a.rate.v * duration;
    case ArrivalKind::TRACE:
      return static_cast<double>(
          std::count_if(a.trace.begin(), a.trace.end(), [&](Seconds t) { return t.v < duration; }));
  }
  return 0;
}

}  // namespace

WorkEstimate estimate_work(const Scenario& sc) {
  WorkEstimate e;
  const RunSpec& run = sc.workloads.run;
  const double duration = run.duration.v;
  const double horizon = run.duration.v + run.drain.v;

  double mps_units = 0;
  for (const auto& d : sc.platform.devices) {
    e.devices += 1;
    if (!d.mig_partition.empty()) {
      e.units += static_cast<double>(d.mig_partition.size());
    } else {
      e.units += d.mig_auto ? kMaxUnitsPerMigDevice : 1;
      if (d.sharing == SharingMode::MPS) mps_units += 1;
    }
  }
  double kernel_costs = 0;  // KernelCost entries held by the engine, all streams
  for (const auto& s : sc.workloads.streams) {
    const double count = s.count;
    const double requests = count * expected_arrivals(s.arrival, duration);
    double kernels_per_request = 0;
    for (const auto& st : s.stages) kernels_per_request += static_cast<double>(st.kernels.size());
    e.streams += count;
    e.requests += requests;
    if (s.stages.size() > 1) e.stage_runs += requests * static_cast<double>(s.stages.size());
    e.kernels += requests * kernels_per_request;
    kernel_costs += count * kernels_per_request;
  }
  // An MPS context is one workload on one unit.
  const double mps_contexts =
      std::min(e.streams, mps_units * static_cast<double>(sc.workloads.streams.size()));
  e.hosts = 2 * e.units + e.devices + mps_contexts;
  const ContentionSpec& mech = sc.platform.contention;
  e.ticks = mech.control_period.v > 0 ? std::floor(horizon / mech.control_period.v) * e.devices : 0;
  e.samples = mech.sample_interval.v > 0 ? std::floor(horizon / mech.sample_interval.v) * e.devices : 0;
  e.events = e.requests + 2 * e.kernels + e.ticks;

  e.base_bytes = kBaseBytes;
  e.platform_bytes = kBytesPerUnit * e.units;  // a star zone: routes per host, not per pair of hosts
  e.stream_bytes = kBytesPerStream * e.streams + kernel_costs * sizeof(KernelCost);
  // StreamView: isolated_time, compute_time and memory_time hold one entry per unit, shared by the
  // instances of a workload.
  e.view_bytes = static_cast<double>(sc.workloads.streams.size()) * e.units *
                 (sizeof(std::optional<Seconds>) + 2 * sizeof(Seconds));
  // Per request: its record and its fan-out draw (2 bytes) in the engine.
  e.record_bytes = kRecordCopies * (e.requests * (sizeof(RequestRecord) + sizeof(std::uint16_t)) +
                                    e.stage_runs * sizeof(StageRecord) + e.samples * sizeof(Sample));
  e.host_seconds =
      e.kernels / kKernelsPerSecond + e.ticks / kTicksPerSecond;
  return e;
}

WorkLimits work_limits(const std::optional<std::string>& max_memory, bool allow_large) {
  WorkLimits l;
  l.allow_large = allow_large;
  const long pages = ::sysconf(_SC_PHYS_PAGES);
  const long page = ::sysconf(_SC_PAGE_SIZE);
  const double physical = pages > 0 && page > 0 ? static_cast<double>(pages) * static_cast<double>(page) : 0;
  l.max_memory_bytes = physical / 2;
  l.memory_origin = fmt::format("half of this machine's {}", format_bytes(physical));
  if (max_memory) {
    double bytes = 0;
    try {
      bytes = parse_quantity_as<Bytes>(*max_memory).v;
    } catch (const std::invalid_argument& err) {
      throw ConfigError(fmt::format("error: --max-memory '{}': {}", *max_memory, err.what()));
    }
    if (!(bytes > 0)) {
      throw ConfigError(fmt::format("error: --max-memory '{}': must be more than 0", *max_memory));
    }
    l.max_memory_bytes = bytes;  // replaces the default: a user may raise it as well as lower it
    l.memory_origin = "--max-memory " + *max_memory;
  }
  return l;
}

void check_work(const WorkEstimate& e, double total_memory, double total_host_seconds,
                const WorkLimits& limits, const std::string& what) {
  const std::string shape = fmt::format(
      "{} stream{} on {} unit{}, about {} requests", format_count(e.streams), e.streams == 1 ? "" : "s",
      format_count(e.units), e.units == 1 ? "" : "s", format_count(e.requests));
  if (!limits.allow_large && total_host_seconds > limits.max_host_seconds) {
    const double hours = total_host_seconds / 3600;
    const std::string time =
        hours >= 48 ? fmt::format("{:.1f} days", hours / 24) : fmt::format("{:.1f} hours", hours);
    throw ConfigError(
        fmt::format("error: {} would take about {} of host time ({}: about {} kernels), more than the {:.0f} "
                    "hours allowed; "
                    "run it anyway with --allow-large, or shorten the run",
                    what, time, shape, format_count(e.kernels), limits.max_host_seconds / 3600));
  }
  if (total_memory > limits.max_memory_bytes) {
    // The two largest parts of one simulation name the cause.
    std::vector<std::pair<double, std::string>> parts{
        {e.view_bytes, "plan views"},     {e.record_bytes, "request records"},
        {e.stream_bytes, "stream state"}, {e.platform_bytes, "simulated platform"},
        {e.base_bytes, "base"},
    };
    std::stable_sort(parts.begin(), parts.end(),
                     [](const auto& a, const auto& b) { return a.first > b.first; });
    throw ConfigError(fmt::format(
        "error: {} needs about {} of memory ({}: {} of {}, {} of {}), more than the {} allowed ({}); "
        "raise it with --max-memory, or shorten the run",
        what, format_bytes(total_memory), shape, format_bytes(parts[0].first), parts[0].second,
        format_bytes(parts[1].first), parts[1].second, format_bytes(limits.max_memory_bytes),
        limits.memory_origin));
  }
}

std::string format_bytes(double bytes) {
  static const char* const kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  int i = 0;
  while (bytes >= 1024 && i < 6) {
    bytes /= 1024;
    ++i;
  }
  if (i == 0) return fmt::format("{:.0f} B", bytes);
  return fmt::format("{:.1f} {}", bytes, kUnits[i]);
}

std::string format_count(double n) {
  if (!(n < 1e18)) return fmt::format("{:.1e}", n);
  const std::string digits = fmt::format("{:.0f}", std::max(0.0, std::round(n)));
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

}  // namespace gpusim
