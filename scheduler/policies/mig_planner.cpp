// MIG slice planner: for devices the platform leaves to the policy (`mig: auto`), chooses the slice sizes
// so that each stream gets the smallest profile whose memory fits it and whose predicted service time
// meets its SLA, then places the streams on those slices.
//
// partition(): streams are taken largest need first (the SMs of the smallest suitable profile, then
// memory). Each opens the smallest profile that suits it on a device whose slice budget (compute and
// memory slices of the largest profile, instances per profile) allows it, preferring devices already in
// use (fewest devices). A slice suits a stream when its memory (x headroom) fits, the slice's predicted
// utilisation (sum of rate x service time on that profile) stays within max_utilization, and the
// predicted latency of every stream on it, service time + the M/G/1 wait sum(rate x time^2) / (2 (1 -
// utilisation)), is within sla_fraction x its SLA. When no budget is left, the stream shares a planned
// slice that suits it: the least loaded one after adding it (load: sum of rate x service time on that
// slice; ties: fewer streams, then the first planned), so identical streams spread evenly over the slices
// (their counts differ by at most one) and a slow slice takes fewer. Failing both, it opens the smallest
// profile that fits its memory, or shares the least loaded slice with room; a stream that fits nowhere is
// left to place(). A device the stream cannot run on (its precision, or its workload's `placement`: its
// times there are empty) is never planned for it. A device that received no slice gets the whole GPU as
// one slice.
// place(): each stream goes to the slice planned for it; other units (fixed partitions, whole devices)
// get the remaining streams least-loaded.
//
// The idea: right-sizing spatial partitions per model from its latency curve, as gpu-lets (Choi et al.,
// ATC 2022) does for fractional GPUs and as MIG-serving (Tan et al., 2021) and PARIS/ELSA (Kim et al.,
// 2022) do for MIG slices; sharing a slice between small models is Nexus's squishy bin packing.
// Requests are served first come, first served.

#include <algorithm>
#include <limits>
#include <cmath>
#include <map>
#include <set>

#include "core/logging.hpp"
#include "scheduler/policies/load.hpp"

namespace gpusim {
namespace {

const ParamDecl<double> kMigSlaFraction{
    "sla_fraction", 0.8, {0.01, 1.0}, "share of the SLA the predicted latency on a slice may take"};
const ParamDecl<double> kMigMaxUtilization{
    "max_utilization", 0.9, {0.01, 1.0}, "predicted utilisation a slice may reach"};

class MigPlanner : public Scheduler {
 public:
  explicit MigPlanner(const Params& p)
      : sla_fraction_(kMigSlaFraction.read(p, scheduler_label("mig-planner"))),
        max_utilization_(kMigMaxUtilization.read(p, scheduler_label("mig-planner"))) {}

  std::vector<std::vector<std::string>> partition(const std::vector<StreamView>& streams,
                                                  const std::vector<MigChoice>& choices) override;

  std::vector<int> place(const std::vector<StreamView>& streams,
                         const std::vector<DeviceView>& units) override;

 private:
  /// A stream on a planned slice: its predicted service time there and its latency target.
  struct Member {
    double time = 0;
    double target = 0;
  };
  /// A planned slice: profile `profile` of choice `choice`.
  struct Slice {
    std::size_t choice = 0;
    std::size_t profile = 0;
    double free = 0;              ///< usable bytes left
    double load = 0;              ///< predicted utilisation, sum of rate x time
    double second_moment = 0;     ///< sum of rate x time^2 (M/G/1 waiting time)
    std::vector<Member> members;  ///< streams with a known time
    int streams = 0;              ///< all streams planned on it
    std::set<int> workloads;      ///< whose weights are loaded
  };
  /// Slice budget of one device.
  struct Budget {
    int compute = 0, memory = 0;
    std::vector<int> instances;  ///< per profile, in use
    std::vector<int> cs, ms;     ///< compute and memory slices per profile
    int slices = 0;
  };

  static Budget budget_of(const MigChoice& c);
  /// Predicted service time of stream `s` on a slice of profile `p` of `c`; negative when unknown.
  static double time_on(const MigChoice& c, std::size_t p, const StreamView& s) {
    return p < c.profile_time.size() && static_cast<std::size_t>(s.id) < c.profile_time[p].size()
               ? (c.profile_time[p][s.id] ? c.profile_time[p][s.id]->v : std::numeric_limits<double>::infinity())
               : -1.0;
  }
  /// False when the stream cannot run on device `c` (its times there are empty: precision or placement).
  static bool runnable(const MigChoice& c, const StreamView& s) {
    return time_on(c, 0, s) != std::numeric_limits<double>::infinity();
  }
  /// Predicted load of slice `sl` once `s` joins it.
  static double load_with(const Slice& sl, const MigChoice& c, const StreamView& s) {
    const double t = time_on(c, sl.profile, s);
    return sl.load + (t > 0 ? s.rate.v * t : 0.0);
  }
  /// Latency target of a stream: sla_fraction x SLA, or none.
  double target(const StreamView& s) const { return s.sla ? sla_fraction_ * s.sla->v : 1e300; }
  /// True when `s` can join `sl` (empty for a fresh slice): the slice's utilisation stays within
  /// max_utilization and every stream on it, `s` included, meets its target with the M/G/1 wait
  /// sum(rate x time^2) / (2 (1 - utilisation)). A stream whose time is unknown always suits.
  bool suits(const Slice& sl, const MigChoice& c, const StreamView& s) const {
    const double t = time_on(c, sl.profile, s);
    if (t < 0) return true;
    const double rho = sl.load + s.rate.v * t;
    if (rho > max_utilization_) return false;
    const double wait = (sl.second_moment + s.rate.v * t * t) / (2 * (1 - rho));
    if (t + wait > target(s)) return false;
    for (const auto& m : sl.members) {
      if (m.time + wait > m.target) return false;
    }
    return true;
  }
  static Slice fresh(std::size_t choice, std::size_t profile) {
    Slice sl;
    sl.choice = choice;
    sl.profile = profile;
    return sl;
  }
  double cost(const Slice& sl, const StreamView& s) const {
    return s.memory.v - (sl.workloads.count(s.workload_index) ? s.weights.v : 0.0);
  }
  double usable(const MigChoice& c, std::size_t p) const { return c.profile_memory[p] * c.memory_headroom; }

  double sla_fraction_;
  double max_utilization_;
  std::vector<int> planned_device_;  // per choice: the physical device
  std::vector<std::pair<int, std::size_t>>
      slice_of_;  // per stream id: (device, slice index on it), or (-1, 0)
};

MigPlanner::Budget MigPlanner::budget_of(const MigChoice& c) {
  Budget b;
  const std::size_t n = c.profiles.size();
  b.instances.assign(n, 0);
  b.cs = c.profile_compute_slices;
  b.ms = c.profile_memory_slices;
  if (b.cs.size() != n || b.ms.size() != n) {
    // Derive the slices from the smallest profile: SMs and memory are whole multiples of its own.
    const int min_sms = *std::min_element(c.profile_sms.begin(), c.profile_sms.end());
    const double min_mem = *std::min_element(c.profile_memory.begin(), c.profile_memory.end());
    b.cs.assign(n, 1);
    b.ms.assign(n, 1);
    for (std::size_t p = 0; p < n; ++p) {
      b.cs[p] = std::max(1, static_cast<int>(std::lround(static_cast<double>(c.profile_sms[p]) / min_sms)));
      b.ms[p] = std::max(1, static_cast<int>(std::lround(c.profile_memory[p] / min_mem)));
    }
  }
  b.compute = *std::max_element(b.cs.begin(), b.cs.end());
  b.memory = *std::max_element(b.ms.begin(), b.ms.end());
  return b;
}

std::vector<std::vector<std::string>> MigPlanner::partition(const std::vector<StreamView>& streams,
                                                            const std::vector<MigChoice>& choices) {
  std::vector<Budget> budgets;
  for (const auto& c : choices) budgets.push_back(budget_of(c));
  std::vector<std::vector<Slice>> slices(choices.size());
  slice_of_.assign(streams.size(), {-1, 0});
  planned_device_.clear();
  for (const auto& c : choices) planned_device_.push_back(c.device);
  auto fits_budget = [&](std::size_t c, std::size_t p) {
    const Budget& b = budgets[c];
    int compute = 0, memory = 0;
    for (std::size_t q = 0; q < b.instances.size(); ++q) {
      compute += b.instances[q] * b.cs[q];
      memory += b.instances[q] * b.ms[q];
    }
    return compute + b.cs[p] <= b.compute && memory + b.ms[p] <= b.memory &&
           b.instances[p] < choices[c].max_instances[p];
  };
  // Smallest suitable profile (by SMs) of the first device that can run the stream, for the order.
  auto need_sms = [&](const StreamView& s) {
    for (std::size_t k = 0; k < choices.size(); ++k) {
      const MigChoice& c = choices[k];
      if (!runnable(c, s)) continue;
      for (std::size_t p = 0; p < c.profiles.size(); ++p) {
        if (s.memory.v <= usable(c, p) && suits(fresh(k, p), c, s)) return c.profile_sms[p];
      }
      return c.profile_sms.back() + 1;
    }
    return 0;
  };
  std::vector<std::size_t> order(streams.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    const int na = need_sms(streams[a]);
    const int nb = need_sms(streams[b]);
    return na != nb ? na > nb : streams[a].memory.v > streams[b].memory.v;
  });

  for (const std::size_t i : order) {
    const StreamView& s = streams[i];
    std::size_t bc = 0, bs = 0;  // the chosen device (choice) and slice
    // Opens the smallest profile that fits the stream (strict: also its SLA and utilisation) on a device
    // whose budget allows it, preferring devices already in use.
    auto open_slice = [&](bool strict) {
      bool found = false;
      std::size_t best_p = 0;
      for (std::size_t c = 0; c < choices.size(); ++c) {
        const MigChoice& ch = choices[c];
        if (!runnable(ch, s)) continue;
        for (std::size_t p = 0; p < ch.profiles.size(); ++p) {
          const bool ok =
              s.memory.v <= usable(ch, p) && fits_budget(c, p) && (!strict || suits(fresh(c, p), ch, s));
          if (!ok) continue;
          const int sms = ch.profile_sms[p];
          const int best_sms = found ? choices[bc].profile_sms[best_p] : 0;
          if (!found || sms < best_sms ||
              (sms == best_sms && budgets[c].slices > 0 && budgets[bc].slices == 0)) {
            bc = c, best_p = p, found = true;
          }
          break;  // profiles are smallest first: the first that fits is this device's best
        }
      }
      if (!found) return false;
      Slice sl = fresh(bc, best_p);
      sl.free = usable(choices[bc], best_p);
      slices[bc].push_back(sl);
      ++budgets[bc].instances[best_p];
      ++budgets[bc].slices;
      bs = slices[bc].size() - 1;
      return true;
    };
    // Joins a planned slice with memory room (strict: also SLA and utilisation): the least loaded once
    // the stream is added, then the one with fewer streams.
    auto join_slice = [&](bool strict) {
      bool found = false;
      double best_load = 0;
      for (std::size_t c = 0; c < choices.size(); ++c) {
        if (!runnable(choices[c], s)) continue;
        for (std::size_t k = 0; k < slices[c].size(); ++k) {
          const Slice& sl = slices[c][k];
          if (cost(sl, s) > sl.free || (strict && !suits(sl, choices[c], s))) {
            continue;
          }
          const double after = load_with(sl, choices[c], s);
          const bool better = !found || after < best_load ||
                              (after == best_load && sl.streams < slices[bc][bs].streams);
          if (better) bc = c, bs = k, best_load = after, found = true;
        }
      }
      return found;
    };
    if (!open_slice(true) && !join_slice(true) && !open_slice(false) && !join_slice(false)) {
      logger("sched")->debug("{}#{}: no MIG slice planned (no budget left)", s.workload, s.instance);
      continue;
    }
    Slice& sl = slices[bc][bs];
    sl.free -= cost(sl, s);
    const double t = time_on(choices[bc], sl.profile, s);
    if (t >= 0) {
      sl.load += s.rate.v * t;
      sl.second_moment += s.rate.v * t * t;
      sl.members.push_back({t, target(s)});
    }
    sl.workloads.insert(s.workload_index);
    ++sl.streams;
    slice_of_[i] = {choices[bc].device, bs};
    logger("sched")->debug("{}#{} -> device {} slice {} ({})", s.workload, s.instance, choices[bc].device, bs,
                           choices[bc].profiles[sl.profile]);
  }

  std::vector<std::vector<std::string>> out(choices.size());
  for (std::size_t c = 0; c < choices.size(); ++c) {
    for (const auto& sl : slices[c]) out[c].push_back(choices[c].profiles[sl.profile]);
    if (out[c].empty()) out[c].push_back(choices[c].profiles.back());  // unused: the whole GPU
  }
  return out;
}

std::vector<int> MigPlanner::place(const std::vector<StreamView>& streams,
                                   const std::vector<DeviceView>& units) {
  std::vector<int> out(streams.size(), -1);
  MemoryTracker memory(units);
  std::vector<double> load(units.size(), 0.0);
  // The slices of each planned device, in partition order.
  std::map<int, std::vector<int>> slices_of;
  for (const auto& u : units) {
    if (!u.mig_profile.empty()) slices_of[u.device].push_back(u.id);
  }
  auto put = [&](std::size_t i, int u) {
    out[i] = u;
    memory.add(streams[i], u);
    load[u] += policy::utilisation(streams[i], u);
  };
  for (std::size_t i = 0; i < streams.size() && i < slice_of_.size(); ++i) {
    const auto [device, k] = slice_of_[i];
    if (device < 0 || k >= slices_of[device].size()) continue;
    const int u = slices_of[device][k];
    if (policy::can_run(streams[i], u) && memory.fits(streams[i], u)) put(i, u);
  }
  for (std::size_t i = 0; i < streams.size(); ++i) {
    if (out[i] >= 0) continue;
    int best = -1;
    for (const auto& u : units) {
      if (!policy::can_run(streams[i], u.id) || !memory.fits(streams[i], u.id)) continue;
      const double after = load[u.id] + policy::utilisation(streams[i], u.id);
      if (best < 0 || after < load[best] + policy::utilisation(streams[i], best)) best = u.id;
    }
    if (best >= 0) put(i, best);
  }
  return out;
}

GPUSIM_REGISTER_SCHEDULER(MigPlanner, "mig-planner",
                          "`mig: auto`: the smallest MIG slice per stream that fits its memory and SLA",
                          kMigSlaFraction, kMigMaxUtilization);

}  // namespace
}  // namespace gpusim
