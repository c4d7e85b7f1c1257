#include "analysis/invariants.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace gpusim {

namespace {

/// Slack for sums of floating-point terms (utilisation integrals, energy sums): relative, at least 1e-9.
constexpr double REL_TOL = 1e-9;

double tolerance(double magnitude) { return REL_TOL * std::max(1.0, std::abs(magnitude)); }

struct Counts {
  std::uint64_t generated = 0, completed = 0, dropped = 0, unfinished = 0;
  void add(RequestStatus s) {
    ++generated;
    if (s == RequestStatus::COMPLETED) ++completed;
    if (s == RequestStatus::DROPPED) ++dropped;
    if (s == RequestStatus::UNFINISHED) ++unfinished;
  }
  bool conserved() const { return generated == completed + dropped + unfinished; }
};

std::string counts_text(const Counts& c) {
  return fmt::format("generated {} != completed {} + dropped {} + unfinished {}", c.generated, c.completed,
                     c.dropped, c.unfinished);
}

// Request conservation per workload, over the whole run and over the measured window (where the
// metrics' counts must also equal a recount of the records), and every arrival inside [0, duration).
void check_conservation(const Scenario& sc, const Plan& plan, const SimResult& r, const RunMetrics& m,
                        std::vector<std::string>& out) {
  const RunSpec& run = sc.workloads.run;
  const auto& ws = sc.workloads.streams;
  std::vector<Counts> whole(ws.size()), window(ws.size());
  std::vector<bool> reported(ws.size(), false);
  for (std::size_t i = 0; i < r.requests.size(); ++i) {
    const RequestRecord& rec = r.requests[i];
    if (rec.stream >= plan.placements().size()) {
      out.push_back(fmt::format("request {}: stream {} does not exist (the plan has {})", i, rec.stream,
                                plan.placements().size()));
      continue;
    }
    const auto w = static_cast<std::size_t>(plan.placements()[rec.stream].stream.workload);
    whole[w].add(rec.status);
    if (in_window(run, rec)) window[w].add(rec.status);
    if (!reported[w] && (rec.arrival < 0 || rec.arrival >= run.duration.v)) {
      reported[w] = true;
      out.push_back(fmt::format("request {} of workload '{}': arrival {} s outside the run [0, {})", i,
                                ws[w].name, rec.arrival, run.duration.v));
    }
  }
  for (std::size_t w = 0; w < ws.size(); ++w) {
    if (!whole[w].conserved()) {
      out.push_back(fmt::format("workload '{}': whole run: {}", ws[w].name, counts_text(whole[w])));
    }
    if (w >= m.workloads.size()) continue;
    const WorkloadMetrics& wm = m.workloads[w];
    const Counts metric{wm.generated, wm.completed, wm.dropped, wm.unfinished};
    if (!metric.conserved()) {
      out.push_back(fmt::format("workload '{}': measured window: {}", ws[w].name, counts_text(metric)));
    }
    const Counts& rec = window[w];
    if (metric.generated != rec.generated || metric.completed != rec.completed ||
        metric.dropped != rec.dropped || metric.unfinished != rec.unfinished) {
      out.push_back(fmt::format(
          "workload '{}': measured window: the metrics count {}/{}/{}/{} generated/completed/dropped/"
          "unfinished, the records {}/{}/{}/{}",
          ws[w].name, metric.generated, metric.completed, metric.dropped, metric.unfinished, rec.generated,
          rec.completed, rec.dropped, rec.unfinished));
    }
  }
  if (m.workloads.size() != ws.size()) {
    out.push_back(
        fmt::format("the metrics hold {} workload(s), the scenario {}", m.workloads.size(), ws.size()));
  }
}

// Energy = integral of power, per physical device. The controller adds power x dt each control period
// to the whole-run energy and to the open sample; a sample, emitted every samples_per_tick periods,
// holds the open energy divided by its span. So the samples' power x (time - previous sample's time,
// from 0) sums to the whole-run energy less the periods after the last sample (fewer than
// samples_per_tick, each at most peak power): 0 <= energy - sum <= peak x (samples_per_tick - 1) x period.
// The measured window's energy lies in [0, whole-run energy].
void check_energy(const Scenario& sc, const SimResult& r, std::vector<std::string>& out) {
  const ContentionSpec& mech = sc.platform.contention;
  const int per_tick =
      std::max(1, static_cast<int>(std::lround(mech.sample_interval.v / mech.control_period.v)));
  std::vector<double> sum(r.power.size(), 0.0), last(r.power.size(), 0.0);
  std::vector<bool> reported(r.power.size(), false);
  const auto name = [&](std::size_t d) {
    return d < sc.platform.devices.size() ? sc.platform.devices[d].name : fmt::format("#{}", d);
  };
  for (const Sample& s : r.samples) {
    if (s.device >= r.power.size()) {
      out.push_back(fmt::format("sample at {} s: device {} does not exist", s.time, s.device));
      return;
    }
    if (s.time < last[s.device] && !reported[s.device]) {
      reported[s.device] = true;
      out.push_back(fmt::format("device '{}': sample at {} s precedes the previous one at {} s",
                                name(s.device), s.time, last[s.device]));
    }
    sum[s.device] += s.power_w * (s.time - last[s.device]);
    last[s.device] = s.time;
  }
  for (std::size_t d = 0; d < r.power.size(); ++d) {
    const PowerRecord& p = r.power[d];
    const double tail = p.peak_power_w * (per_tick - 1) * mech.control_period.v;
    const double diff = p.energy_total_j - sum[d];
    const double tol = tolerance(p.energy_total_j);
    if (diff < -tol || diff > tail + tol) {
      out.push_back(fmt::format(
          "device '{}': energy over the run {:.9g} J, but the samples' power x interval sums to {:.9g} J "
          "(allowed: 0 to {:.9g} J less)",
          name(d), p.energy_total_j, sum[d], tail));
    }
    if (p.energy_j < -tol || p.energy_j > p.energy_total_j + tol) {
      out.push_back(fmt::format("device '{}': energy over the measured window {:.9g} J outside [0, {:.9g}] J",
                                name(d), p.energy_j, p.energy_total_j));
    }
  }
}

void check_fraction(const std::string& what, const char* quantity, double v, std::vector<std::string>& out) {
  if (!(v >= -REL_TOL && v <= 1 + REL_TOL))
    out.push_back(fmt::format("{}: {} {} outside [0, 1]", what, quantity, v));
}

// Utilisation within [0, 1]: each unit's compute and bandwidth busy fractions and occupied fraction, and
// each sample's (the first offending sample per device).
void check_utilisation(const Scenario& sc, const RunMetrics& m, std::vector<std::string>& out) {
  for (const DeviceMetrics& d : m.devices) {
    const std::string what = fmt::format("unit '{}'", d.name);
    check_fraction(what, "utilization", d.utilization, out);
    check_fraction(what, "bandwidth utilization", d.bandwidth_utilization, out);
    check_fraction(what, "occupied fraction", d.occupied, out);
  }
  std::vector<bool> reported(sc.platform.devices.size(), false);
  for (const Sample& s : m.samples) {
    if (s.device >= reported.size() || reported[s.device]) continue;
    const std::size_t before = out.size();
    const std::string what =
        fmt::format("device '{}': sample at {} s", sc.platform.devices[s.device].name, s.time);
    check_fraction(what, "utilization", s.utilization, out);
    check_fraction(what, "bandwidth utilization", s.bandwidth_utilization, out);
    check_fraction(what, "occupied fraction", s.occupied, out);
    reported[s.device] = out.size() != before;
  }
}

// No negative durations: a completed request has arrival <= start <= finish; a dropped one never started;
// an unfinished one never finished; a stage of a completed request ends after it starts, which is after
// its request's arrival. The first offence per workload (and the first stage record) is reported.
void check_durations(const Scenario& sc, const Plan& plan, const SimResult& r,
                     std::vector<std::string>& out) {
  const auto& ws = sc.workloads.streams;
  std::vector<bool> reported(ws.size(), false);
  for (std::size_t i = 0; i < r.requests.size(); ++i) {
    const RequestRecord& rec = r.requests[i];
    if (rec.stream >= plan.placements().size()) continue;  // reported by check_conservation
    const auto w = static_cast<std::size_t>(plan.placements()[rec.stream].stream.workload);
    if (reported[w]) continue;
    const std::string who = fmt::format("request {} of workload '{}'", i, ws[w].name);
    std::string problem;
    if (rec.status == RequestStatus::COMPLETED) {
      if (!(rec.start >= rec.arrival)) {
        problem = fmt::format("{}: start {} s before arrival {} s", who, rec.start, rec.arrival);
      } else if (!(rec.finish >= rec.start)) {
        problem = fmt::format("{}: finish {} s before start {} s", who, rec.finish, rec.start);
      }
    } else if (rec.status == RequestStatus::DROPPED && (rec.start != -1 || rec.finish != -1)) {
      problem = fmt::format("{}: dropped, but has start {} s, finish {} s", who, rec.start, rec.finish);
    } else if (rec.status == RequestStatus::UNFINISHED && rec.finish != -1) {
      problem = fmt::format("{}: unfinished, but has finish {} s", who, rec.finish);
    }
    if (!problem.empty()) {
      reported[w] = true;
      out.push_back(problem);
    }
  }
  for (std::size_t i = 0; i < r.stages.size(); ++i) {
    const StageRecord& st = r.stages[i];
    const std::string who = fmt::format("stage record {} (request {}, stage {})", i, st.request, st.stage);
    if (st.request >= r.requests.size()) {
      out.push_back(fmt::format("{}: the request does not exist", who));
      return;
    }
    const RequestRecord& rec = r.requests[st.request];
    if (rec.status != RequestStatus::COMPLETED) continue;
    if (!(st.start >= rec.arrival)) {
      out.push_back(
          fmt::format("{}: start {} s before the request's arrival {} s", who, st.start, rec.arrival));
      return;
    }
    if (!(st.finish >= st.start)) {
      out.push_back(fmt::format("{}: finish {} s before start {} s", who, st.finish, st.start));
      return;
    }
  }
}

}  // namespace

std::vector<std::string> check_invariants(const Scenario& sc, const Plan& plan, const SimResult& r,
                                          const RunMetrics& m) {
  std::vector<std::string> out;
  check_conservation(sc, plan, r, m, out);
  check_energy(sc, r, out);
  check_utilisation(sc, m, out);
  check_durations(sc, plan, r, out);
  return out;
}

void enforce_invariants(const Scenario& sc, const Plan& plan, const SimResult& r, const RunMetrics& m) {
  const std::vector<std::string> broken = check_invariants(sc, plan, r, m);
  if (broken.empty()) return;
  constexpr std::size_t SHOWN = 5;
  std::string text;
  for (std::size_t i = 0; i < std::min(broken.size(), SHOWN); ++i) text += (i ? "; " : "") + broken[i];
  if (broken.size() > SHOWN) text += fmt::format("; and {} more", broken.size() - SHOWN);
  throw InvariantError(fmt::format("invariant violated: {} (seed {})", text, sc.workloads.run.seed));
}

}  // namespace gpusim
