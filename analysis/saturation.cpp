#include "analysis/saturation.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <limits>
#include <set>

#include "analysis/metrics.hpp"

namespace gpusim {
namespace {

// Seconds of [x, y) during which a request present over [from, to) was in the system.
double overlap(double from, double to, double x, double y) {
  return std::max(0.0, std::min(to, y) - std::max(from, x));
}

std::string saturation_ms(double seconds) { return fmt::format("{:.3f} ms", seconds * 1e3); }

}  // namespace

std::vector<BacklogFigures> backlog_figures(const Scenario& sc, const Plan& plan, const SimResult& r) {
  const RunSpec& run = sc.workloads.run;
  const auto& ws = sc.workloads.streams;
  const double w0 = run.warmup.v;
  const double w1 = run.duration.v;
  const double quarter = (w1 - w0) / 4;
  std::vector<BacklogFigures> out(ws.size());
  std::vector<std::set<int>> units(ws.size());
  for (const Placement& p : plan.placements()) units[p.stream.workload].insert(p.unit);
  for (std::size_t w = 0; w < ws.size(); ++w) {
    BacklogFigures& f = out[w];
    f.window_s = w1 - w0;
    bool batching = false;  // on some unit of the workload (each device has its own switches)
    for (int u : units[w]) {
      batching = batching || (ws[w].batching && sc.platform.contention_of(plan.units()[u].device).batching);
    }
    const double per_batch =
        batching ? std::max(1.0, static_cast<double>(ws[w].batching->max_batch) / ws[w].batch) : 1.0;
    f.floor = kBacklogFloor * static_cast<double>(std::max<std::size_t>(1, units[w].size())) * per_batch;
    for (int u : units[w]) {
      const Unit& unit = plan.units()[u];
      if (sc.platform.devices[unit.device].sharing == SharingMode::MPS) continue;
      if (static_cast<std::size_t>(u) >= r.devices.size() || f.window_s <= 0) continue;
      const double occupied = r.devices[u].occupied / f.window_s;
      if (f.busiest_unit.empty() || occupied > f.busiest_occupied) {
        f.busiest_unit = unit.name;
        f.busiest_occupied = occupied;
      }
    }
  }
  constexpr double kNever = std::numeric_limits<double>::infinity();
  for (const RequestRecord& rec : r.requests) {
    BacklogFigures& f = out[plan.placements()[rec.stream].stream.workload];
    const bool measured = in_window(run, rec);
    if (measured) ++f.arrived;
    if (rec.status == RequestStatus::DROPPED) {
      if (measured) ++f.dropped;
      continue;  // never in the system
    }
    if (rec.status == RequestStatus::UNFINISHED && measured) ++f.unfinished;
    const double leaves = rec.status == RequestStatus::COMPLETED ? rec.finish : kNever;
    if (rec.status == RequestStatus::COMPLETED && leaves >= w0 && leaves < w1) ++f.completed;
    if (rec.arrival <= w0 && leaves > w0) f.backlog_start += 1;
    if (rec.arrival <= w1 && leaves > w1) f.backlog_end += 1;
    f.backlog_first += overlap(rec.arrival, leaves, w0, w0 + quarter);
    f.backlog_last += overlap(rec.arrival, leaves, w1 - quarter, w1);
  }
  for (auto& f : out) {
    if (quarter > 0) {
      f.backlog_first /= quarter;
      f.backlog_last /= quarter;
    }
  }
  return out;
}

SaturationVerdict judge_saturation(const BacklogFigures& f) {
  SaturationVerdict v;
  v.figures = f;
  std::vector<std::string> why;
  const double arrived = static_cast<double>(f.arrived);
  const double growth = f.backlog_last - f.backlog_first;
  if (growth > std::max(f.floor, kBacklogGrowthFraction * 0.75 * arrived)) {
    why.push_back(
        fmt::format("backlog grew from {:.0f} to {:.0f} requests over the window (mean {:.1f} in its "
                    "first quarter, {:.1f} in its last)",
                    f.backlog_start, f.backlog_end, f.backlog_first, f.backlog_last));
  }
  if (f.dropped > 0 && static_cast<double>(f.dropped) > kShortfallFraction * arrived) {
    why.push_back(fmt::format("{} of {} requests ({:.1f} %) dropped", f.dropped, f.arrived,
                              100.0 * static_cast<double>(f.dropped) / arrived));
  }
  if (static_cast<double>(f.unfinished) > std::max(f.floor, kShortfallFraction * arrived)) {
    why.push_back(fmt::format("{} of {} requests unfinished after the drain", f.unfinished, f.arrived));
  }
  if (!f.busiest_unit.empty() && f.busiest_occupied >= kOccupiedSaturated) {
    why.push_back(
        fmt::format("{} occupied {:.1f} % of the window", f.busiest_unit, 100.0 * f.busiest_occupied));
  }
  if (why.empty()) return v;
  v.saturated = true;
  const double window = f.window_s > 0 ? f.window_s : 1.0;
  v.reason = fmt::format("arrivals {:.1f} req/s, completions {:.1f} req/s", arrived / window,
                         static_cast<double>(f.completed) / window);
  for (const auto& w : why) v.reason += "; " + w;
  return v;
}

std::vector<SaturationVerdict> assess_saturation(const Scenario& sc, const Plan& plan, const SimResult& r) {
  std::vector<SaturationVerdict> out;
  for (const auto& f : backlog_figures(sc, plan, r)) out.push_back(judge_saturation(f));
  return out;
}

std::optional<Seconds> fastest_latency(const StreamSpec& s, const DeviceInstance& d, const Unit& u,
                                       const ContentionSpec& c) {
  // The fewest items a request can fan out to: each frame's smallest draw (sim/arrivals.cpp).
  StreamSpec fewest = s;
  if (fewest.fanout) {
    const FanoutSpec& f = *s.fanout;
    int least = 0;
    if (f.kind == FanoutSpec::Kind::FIXED) least = static_cast<int>(f.mean);
    if (f.kind == FanoutSpec::Kind::UNIFORM) least = f.min;
    fewest.fanout =
        FanoutSpec{FanoutSpec::Kind::FIXED, static_cast<double>(std::min(least, f.max)), 0, f.max};
  }
  DeviceInstance device = d;
  if (!c.launch_overhead) device.spec.launch_overhead = Seconds{0.0};
  std::optional<Seconds> gpu = isolated_request_time(fewest, device, u);
  if (!gpu) return gpu;
  const Seconds host = s.host_pre + s.host_post;  // CPU time outside the GPU, no faster anywhere
  if (!c.pcie || d.pcie_bandwidth.v <= 0 || s.stages.empty()) return *gpu + host;
  // Host copies: the first stage's inputs in, the outputs of the stages nothing depends on out.
  const double items = fewest.fanout ? fewest.fanout->mean * s.batch : s.batch;
  auto batch_of = [&](const StageSpec& st) { return st.per_item ? items : static_cast<double>(s.batch); };
  Bytes copied = s.stages.front().input_bytes * batch_of(s.stages.front());
  for (std::size_t k = 0; k < s.stages.size(); ++k) {
    bool leaf = true;
    for (const auto& other : s.stages) {
      for (int a : other.after) leaf = leaf && a != static_cast<int>(k);
    }
    if (leaf) copied += s.stages[k].output_bytes * batch_of(s.stages[k]);
  }
  return *gpu + host + copied / d.pcie_bandwidth;
}

std::vector<ImpossibleSla> impossible_slas(const Scenario& sc, const Plan& plan) {
  const auto& ws = sc.workloads.streams;
  std::vector<std::set<int>> units(ws.size());
  for (const Placement& p : plan.placements()) units[p.stream.workload].insert(p.unit);
  std::vector<ImpossibleSla> out;
  for (std::size_t w = 0; w < ws.size(); ++w) {
    if (!ws[w].sla || units[w].empty()) continue;
    const double sla = ws[w].sla->v;
    ImpossibleSla x;
    int missing = 0;
    for (int u : units[w]) {
      const Unit& unit = plan.units()[u];
      const DeviceInstance& d = sc.platform.devices[unit.device];
      const auto t = fastest_latency(ws[w], d, unit, sc.platform.contention_of(unit.device));
      if (!t || !(sla < t->v)) continue;
      ++missing;
      if (x.unit.empty() || t->v < x.fastest_s) {
        x.fastest_s = t->v;
        x.unit = unit.name;
        x.type = d.spec.name;
      }
    }
    if (missing == 0) continue;
    x.workload = ws[w].name;
    x.sla_s = sla;
    x.every_request = missing == static_cast<int>(units[w].size());
    x.message =
        fmt::format("workload '{}': SLA {:g} ms is below its fastest possible latency {} on {} ({}): {}",
                    x.workload, sla * 1e3, saturation_ms(x.fastest_s), x.unit, x.type,
                    x.every_request ? "every request will miss" : "every request placed there will miss");
    out.push_back(std::move(x));
  }
  return out;
}

}  // namespace gpusim
