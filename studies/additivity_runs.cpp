#include "studies/additivity_runs.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <set>
#include <string>

#include "analysis/invariants.hpp"
#include "analysis/metrics.hpp"
#include "analysis/seeds.hpp"
#include "core/logging.hpp"
#include "scheduler/scheduler.hpp"
#include "sim/runner.hpp"

namespace gpusim::additivity {
namespace {

constexpr double kUnfinished = std::numeric_limits<double>::infinity();

// The mean of `field` of `device`'s samples over 10 consecutive stretches of the measured window (batch
// means); empty with too few samples.
std::vector<double> batch_means(const RunMetrics& m, const RunSpec& run, std::size_t device, double Sample::*field) {
  std::vector<double> x;
  for (const auto& s : m.samples) {
    if (s.device == device && s.time > run.warmup.v + 1e-12 && s.time <= run.duration.v + 1e-9) {
      x.push_back(s.*field);
    }
  }
  constexpr std::size_t BATCHES = 10;
  if (x.size() < 2 * BATCHES) return {};
  const std::size_t per = x.size() / BATCHES;
  std::vector<double> means;
  for (std::size_t b = 0; b < BATCHES; ++b) {
    double sum = 0;
    for (std::size_t i = b * per; i < (b + 1) * per; ++i) sum += x[i];
    means.push_back(sum / static_cast<double>(per));
  }
  return means;
}

}  // namespace

Outcome outcome_of(const Scenario& sc, const Plan& plan, const SimResult& r, const RunMetrics& m, double quantile,
                   int device) {
  Outcome o;
  o.occupied.assign(sc.platform.devices.size(), 0.0);
  const auto& units = plan.units();
  for (std::size_t u = 0; u < units.size(); ++u) {
    o.occupied[units[u].device] += m.devices[u].occupied * units[u].sm_fraction;
  }
  for (std::size_t d = 0; d < sc.platform.devices.size(); ++d) {
    // The headline's spread between stretches is that of the compute utilisation (docs/additivity.md,
    // "Tolerance"); the shares' paired spread that of the occupied fraction, the figure they move.
    const SeedStat util = seed_stat(batch_means(m, sc.workloads.run, d, &Sample::utilization));
    o.rel_se.push_back(util.n >= 2 && util.mean > 0
                           ? std::optional<double>(util.sd / std::sqrt(static_cast<double>(util.n)) / util.mean)
                           : std::nullopt);
    o.batches.push_back(batch_means(m, sc.workloads.run, d, &Sample::occupied));
    if (device >= 0 && d != static_cast<std::size_t>(device)) {
      // Another variant's device in a shared simulation: as idle as it is in this variant's own.
      o.occupied[d] = 0;
      o.rel_se.back() = std::nullopt;
      std::fill(o.batches.back().begin(), o.batches.back().end(), 0.0);
    }
  }
  o.acted = 0;
  for (std::size_t d = 0; d < r.power.size(); ++d) {
    if (device >= 0 && d != static_cast<std::size_t>(device)) continue;
    o.settled = o.settled || r.power[d].stopped_at >= 0;
    if (r.power[d].stopped_at >= 0 && (o.stopped_at < 0 || r.power[d].stopped_at < o.stopped_at)) {
      o.stopped_at = r.power[d].stopped_at;
    }
    o.acted |= r.power[d].acted;
  }
  const auto& ws = sc.workloads.streams;
  // Latency of each request in the window: kUnfinished when it never finished; `bound` has instead the time it
  // waited until the simulation ended (a lower bound), so that an overloaded run still says by how much.
  const double end = (sc.workloads.run.duration + sc.workloads.run.drain).v;
  std::vector<std::vector<double>> latency(ws.size()), bound(ws.size());
  for (const auto& rec : r.requests) {
    if (!in_window(sc.workloads.run, rec)) continue;
    const Placement& p = plan.placements()[rec.stream];
    if (device >= 0 && units[p.unit].device != device) continue;
    const bool done = rec.status == RequestStatus::COMPLETED;
    latency[p.stream.workload].push_back(done ? rec.finish - rec.arrival : kUnfinished);
    bound[p.stream.workload].push_back(done ? rec.finish - rec.arrival : std::max(end - rec.arrival, 1e-9));
  }
  for (std::size_t w = 0; w < ws.size(); ++w) {
    std::vector<double>& v = latency[w];
    std::sort(v.begin(), v.end());
    std::sort(bound[w].begin(), bound[w].end());
    o.generated.push_back(v.size());
    if (v.empty()) {
      o.attainment.push_back(1.0);
      o.lateness.push_back(0.0);
      continue;
    }
    const double n = static_cast<double>(v.size());
    if (ws[w].sla) {
      const double sla = ws[w].sla->v;
      const auto met = std::upper_bound(v.begin(), v.end(), sla * (1 + 1e-12)) - v.begin();
      const auto finished = std::lower_bound(v.begin(), v.end(), kUnfinished) - v.begin();
      if (finished > 0)
        o.worst_latency = std::max(o.worst_latency, v[static_cast<std::size_t>(finished - 1)]);
      o.attainment.push_back(static_cast<double>(met) / n);
      const double late = percentile_sorted(bound[w], quantile) / sla;
      o.lateness.push_back(o.attainment.back() < quantile ? std::max(late, 1 + 1e-9) : late);
    } else {
      const auto done = std::lower_bound(v.begin(), v.end(), kUnfinished) - v.begin();
      o.attainment.push_back(static_cast<double>(done) / n);
      o.lateness.push_back(0.0);
    }
  }
  return o;
}

namespace {

// The device all of a variant's streams are on; -1 when they span devices (or there are none).
int device_of(const Plan& plan, const Variant& v) {
  int d = -1;
  for (int s : v.streams) {
    const int dev = plan.units()[plan.placements()[static_cast<std::size_t>(s)].unit].device;
    if (d >= 0 && dev != d) return -1;
    d = dev;
  }
  return d;
}

}  // namespace

Outcome outcome_of(const Scenario& sc, const Plan& plan, const SimResult& r, double quantile, int device) {
  const RunMetrics m = compute_metrics(sc, plan, r);
  enforce_invariants(sc, plan, r, m);
  return outcome_of(sc, plan, r, m, quantile, device);
}

namespace {

// At most this many variants share one simulation (docs/performance.md, "Additivity across sharing modes"):
// an engine's cost per kernel grows with the activities it re-solves at each event (sim/partition.hpp)...
constexpr std::size_t kSideBySide = 8;
// (under MPS, where several kernels of each device run at once: 2 cost the least before failing runs
// stopped early, and as little as 4 or 8 since; 2 again, and 8 no less, once the engine solved them itself)
constexpr std::size_t kSideBySideMps = 2;
// ...and two or more variants on one base are split into at least this many simulations, so that a small
// machine's cores are both busy. A constant, not the machine's core count: which variants share a run then
// does not depend on the machine, and neither do the figures (a shared run's rounding differs).
constexpr std::size_t kMinSimulations = 2;

// The simulations of a batch: each a list of variant indices. A variant that spans devices (or every
// variant, under a policy that decides per request) is simulated alone; the others are grouped by base, each
// group split into bins of about equal streams, longest first onto the lightest bin.
std::vector<std::vector<std::size_t>> side_by_side(const std::vector<const Scenario*>& bases,
                                                   const std::vector<Variant>& variants,
                                                   const std::vector<int>& device) {
  std::vector<std::vector<std::size_t>> sims;
  std::vector<const Scenario*> order;
  std::map<const Scenario*, std::vector<std::size_t>> by_base;
  for (std::size_t i = 0; i < variants.size(); ++i) {
    if (device[i] < 0) {
      sims.push_back({i});
      continue;
    }
    auto [it, fresh] = by_base.try_emplace(bases[i]);
    if (fresh) order.push_back(bases[i]);
    it->second.push_back(i);
  }
  for (const Scenario* base : order) {
    std::vector<std::size_t> members = by_base.at(base);
    bool mps = false;
    for (std::size_t i : members) {
      mps = mps || base->platform.devices[static_cast<std::size_t>(device[i])].sharing == SharingMode::MPS;
    }
    const std::size_t most = mps ? kSideBySideMps : kSideBySide;
    const std::size_t k = std::min(members.size(), std::max(kMinSimulations, (members.size() + most - 1) / most));
    std::stable_sort(members.begin(), members.end(), [&](std::size_t a, std::size_t b) {
      return variants[a].streams.size() > variants[b].streams.size();
    });
    std::vector<std::vector<std::size_t>> bins(k);
    std::vector<std::size_t> load(k, 0);
    for (std::size_t i : members) {
      const auto b = static_cast<std::size_t>(std::min_element(load.begin(), load.end()) - load.begin());
      bins[b].push_back(i);
      load[b] += std::max<std::size_t>(1, variants[i].streams.size());
    }
    for (auto& bin : bins) {
      std::sort(bin.begin(), bin.end());
      sims.push_back(std::move(bin));
    }
  }
  return sims;
}

// A side-by-side outcome read on device `slot` of the shared run, as that of device `device` of a run of
// `devices` devices: the variant's own.
void as_device(Outcome& o, int slot, int device, std::size_t devices) {
  if (slot != device) {
    const auto from = static_cast<std::size_t>(slot), to = static_cast<std::size_t>(device);
    o.occupied[to] = o.occupied[from];
    o.rel_se[to] = o.rel_se[from];
    o.batches[to] = std::move(o.batches[from]);
  }
  o.occupied.resize(devices);
  o.rel_se.resize(devices);
  o.batches.resize(devices);
}

}  // namespace

std::vector<Outcome> Runner::run(const std::vector<const Scenario*>& bases, const std::vector<Variant>& variants) {
  // Variants of one device each on the same base share a simulation, each on a device of its own: its
  // device, or a copy of it when another variant of the run already has it, with the variant's speed and
  // contention switches. Devices interact only through a policy that decides per request
  // (sim/partition.hpp), so a device's figures in the shared run are those of its own run (to SimGrid's
  // rounding), and the fork and engine set-up, which cost about as much as a short variant's kernels, are
  // paid once per run.
  const bool may_merge = !(policy_ && policy_->per_request());
  std::vector<int> device(variants.size(), -1);
  for (std::size_t i = 0; i < variants.size(); ++i) device[i] = may_merge ? device_of(plan_, variants[i]) : -1;
  const std::vector<std::vector<std::size_t>> sims = side_by_side(bases, variants, device);

  std::vector<Scenario> scenarios;
  scenarios.reserve(sims.size());
  std::vector<Plan> plans;
  plans.reserve(sims.size());
  std::vector<std::vector<int>> slots(sims.size());
  std::vector<SimJob> jobs;
  for (std::size_t k = 0; k < sims.size(); ++k) {
    const Scenario& base = *bases[sims[k].front()];
    Scenario& sc = scenarios.emplace_back(base);
    std::set<int> used;
    for (std::size_t i : sims[k]) {
      int slot = device[i];
      if (slot >= 0 && !used.insert(slot).second) {
        DeviceInstance copy = base.platform.devices[static_cast<std::size_t>(slot)];
        copy.name = fmt::format("{}~{}", copy.name, sc.platform.devices.size());
        sc.platform.devices.push_back(std::move(copy));
        slot = static_cast<int>(sc.platform.devices.size()) - 1;
      }
      slots[k].push_back(slot);
      const Variant& v = variants[i];
      if (v.without.empty()) continue;
      const ContentionSpec off = base.platform.contention.without(v.without);
      if (slot >= 0) {
        sc.platform.devices[static_cast<std::size_t>(slot)].contention = off;
      } else {
        sc.platform.contention = off;  // alone in its run
      }
    }
    if (sc.platform.devices.size() > base.platform.devices.size()) {
      // A copy's name is not the one a pinned workload names: the placements are the plan's, checked already.
      for (auto& w : sc.workloads.streams) w.placement = PlacementSpec{};
    }
    std::vector<int> own;  // the streams of the variants on their own device
    for (std::size_t j = 0; j < sims[k].size(); ++j) {
      if (slots[k][j] != device[sims[k][j]]) continue;
      const auto& st = variants[sims[k][j]].streams;
      own.insert(own.end(), st.begin(), st.end());
    }
    PlanBuilder b(sc, plan_, own);
    for (std::size_t j = 0; j < sims[k].size(); ++j) {
      const Variant& v = variants[sims[k][j]];
      const int slot = slots[k][j];
      if (slot < 0) {
        b.speed_scale(v.scale);
        continue;
      }
      b.speed_scale(slot, v.scale);
      if (v.settle) b.stop_quantile(slot, quantile_);
      if (slot == device[sims[k][j]]) continue;
      const std::vector<int> unit = b.copy_units(plan_, device[sims[k][j]], slot);
      for (int s : v.streams) {
        const Placement& p = plan_.placements()[static_cast<std::size_t>(s)];
        b.place(p.stream, unit[static_cast<std::size_t>(p.unit)], p.mps_share);
      }
    }
    plans.push_back(b.build());
    jobs.push_back(SimJob{&sc, &plans.back(), policy_});
  }
  simulations_ += jobs.size();
  const std::vector<SimResult> results = simulate_all(jobs, parallel_, "additivity");
  std::uint64_t batch_kernels = 0;
  for (const auto& r : results) batch_kernels += r.kernels;
  kernels_ += batch_kernels;
  logger("analysis")->debug("additivity: batch of {} variant(s) in {} simulation(s), {} kernels", variants.size(), jobs.size(), batch_kernels);
  std::vector<Outcome> out(variants.size());
  for (std::size_t k = 0; k < sims.size(); ++k) {
    const RunMetrics m = compute_metrics(scenarios[k], plans[k], results[k]);
    enforce_invariants(scenarios[k], plans[k], results[k], m);
    const std::size_t devices = bases[sims[k].front()]->platform.devices.size();
    for (std::size_t j = 0; j < sims[k].size(); ++j) {
      const std::size_t i = sims[k][j];
      if (sims[k].size() == 1) {
        out[i] = outcome_of(scenarios[k], plans[k], results[k], m, quantile_);
        continue;
      }
      out[i] = outcome_of(scenarios[k], plans[k], results[k], m, quantile_, slots[k][j]);
      as_device(out[i], slots[k][j], device[i], devices);
    }
  }
  return out;
}

std::vector<Outcome> Runner::run_paired(const Scenario& base, const std::vector<Variant>& variants) {
  std::vector<Outcome> out(variants.size());
  std::vector<std::size_t> on, off;
  for (std::size_t i = 0; i < variants.size(); ++i) (variants[i].without.empty() ? on : off).push_back(i);
  auto simulate = [&](const std::vector<std::size_t>& idx) {
    std::vector<Variant> v;
    for (std::size_t i : idx) v.push_back(variants[i]);
    const std::vector<Outcome> o = v.empty() ? std::vector<Outcome>{} : run(base, v);
    for (std::size_t j = 0; j < idx.size(); ++j) out[idx[j]] = o[j];
  };
  simulate(on);
  std::vector<std::size_t> left;
  for (std::size_t i : off) {
    const auto twin = std::find_if(on.begin(), on.end(),
                                   [&](std::size_t j) { return variants[j].streams == variants[i].streams; });
    const std::uint32_t bit = mechanism_bit(variants[i].without);
    if (twin != on.end() && bit != 0 && (out[*twin].acted & bit) == 0) {
      out[i] = out[*twin];
    } else {
      left.push_back(i);
    }
  }
  logger("analysis")->debug("additivity: {} of {} paired runs with a mechanism off repeat their all-on twin (the "
                            "mechanism did not act): not simulated",
                            off.size() - left.size(), off.size());
  simulate(left);
  return out;
}

}  // namespace gpusim::additivity
