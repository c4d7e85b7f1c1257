// Kernels and copies sharing a unit, solved by the engine instead of SimGrid (docs/engine.md, "Kernels
// sharing a unit"). While no SimGrid activity uses the unit (bandwidth on), the kernels that run on it at
// once (MPS) and the copies that cross its bus need no parallel task each: the engine gives them the rates
// SimGrid's solver for parallel tasks would (the same algorithm over the same resources: the GPU host, the
// bus, the device's host link and each MPS context's two capping hosts), keeps the part of each left, and
// sets one timer, for the first to end. Copies share so only on a device that is one unit (nothing else
// uses its host link); elsewhere a copy is a parallel task, and starting on the bus it makes the unit's
// shared kernels parallel tasks again with the parts they have left (unshare).

#include <algorithm>
#include <limits>
#include <simgrid/kernel/Timer.hpp>

#include "sim/engine/simulation.hpp"
#include "sim/simulate.hpp"

namespace gpusim {
namespace {
using simgrid::kernel::timer::Timer;
// SimGrid's defaults, which its solver (maxmin/precision: a resource with less left is saturated) and its
// actions' progress (maxmin/precision x surf/precision: a part left below it is done) use.
constexpr double kMaxminPrecision = 1e-5;
constexpr double kDonePrecision = 1e-5 * 1e-9;
bool engine_shares = true;
}  // namespace

void set_engine_shares(bool on) { engine_shares = on; }

bool Simulation::can_share(const UnitRt& u) const {
  return engine_shares && u.bus_host != nullptr && u.execs == 0;
}

// The job's kernel (its part `kernel_left`: work units, bytes over the bus, stretch on the SMs it holds)
// joins the unit's shared set from now, on the resources run_kernel's parallel task would use.
void Simulation::share_kernel(int id, double work, double traffic, double stretch) {
  Job& j = jobs_[id];
  const int unit = contexts_[j.context].unit;
  UnitRt& u = units_[unit];
  advance_shared(u);
  if (u.mps && stretch != 1.0) {  // beside the others, at most as fast as alone on the SMs it holds
    j.sh_gpu = work;
    j.sh_cap = work * stretch;
    j.sh_cap_memory = traffic * stretch;
    j.sh_bus = traffic;
  } else {  // alone on its unit (time-slice) or filling it (MPS): compute and bytes stretched
    u.kernel_share = 1.0 / stretch;
    j.sh_gpu = work * stretch;
    j.sh_bus = traffic * stretch;
    j.sh_cap = 0;
    j.sh_cap_memory = 0;
  }
  j.sh_pcie = 0;
  join_shared(id);
}

// The job's copy of `bytes` over its device's host link and its unit's bus joins the unit's shared set
// (the device is one unit: nothing else uses its host link).
void Simulation::share_copy(int id, double bytes) {
  Job& j = jobs_[id];
  advance_shared(units_[contexts_[j.context].unit]);
  j.sh_gpu = 0;
  j.sh_bus = bytes;
  j.sh_pcie = bytes;
  j.sh_cap = 0;
  j.sh_cap_memory = 0;
  join_shared(id);
}

void Simulation::join_shared(int id) {
  Job& j = jobs_[id];
  const int unit = contexts_[j.context].unit;
  UnitRt& u = units_[unit];
  j.shared = true;
  j.sh_left = 1.0;
  j.sh_rate = 0;
  u.shared.push_back(id);
  if (u.shared.size() >= 2) u.bus_shared = true;  // see power_control.cpp, bandwidth_acted
  solve_shared(unit);
  touch(unit);
}

// Brings the parts left of the unit's shared kernels up to now, at the rates of the last solve.
void Simulation::advance_shared(UnitRt& u) {
  const double dt = now() - u.shared_since;
  u.shared_since = now();
  if (!(dt > 0)) return;
  for (int id : u.shared) {
    Job& j = jobs_[id];
    j.sh_left -= j.sh_rate * dt;
    if (j.sh_left < kDonePrecision) j.sh_left = 0;
  }
}

// The rates of the unit's shared kernels, as SimGrid's solver for parallel tasks (lmm::FairBottleneck)
// gives them: every round, each resource still open offers what it has left in equal shares to the
// kernels still growing that use it; each such kernel grows by the least of its shares over its amounts
// there; a resource whose remainder falls below the solver's precision is saturated and fixes the kernels
// that use it. A kernel fixed earlier keeps counting its last growth against its other resources (as
// SimGrid's does). Then the loads of the GPU host and the bus, and a timer for the first kernel to end.
void Simulation::solve_shared(int unit) {
  UnitRt& u = units_[unit];
  if (u.shared_timer != nullptr) {
    u.shared_timer->remove();
    u.shared_timer = nullptr;
  }
  u.shared_gpu_load = 0;
  u.shared_bus_load = 0;
  const std::size_t n = u.shared.size();
  if (n == 0) return;
  // Resources: 0 the GPU host, 1 the bus, 2 the host link, 3 + 2i and 4 + 2i the capping hosts of kernel
  // i's context.
  const std::size_t nc = 3 + 2 * n;
  auto weight = [&](std::size_t c, std::size_t i) {
    const Job& j = jobs_[u.shared[i]];
    if (c == 0) return j.sh_gpu;
    if (c == 1) return j.sh_bus;
    if (c == 2) return j.sh_pcie;
    if ((c - 3) / 2 != i) return 0.0;
    return c % 2 == 1 ? j.sh_cap : j.sh_cap_memory;
  };
  auto& remaining = sh_remaining_;
  auto& usage = sh_usage_;
  auto& mu = sh_mu_;
  auto& open = sh_active_;
  auto& fixed = sh_fixed_;
  remaining.assign(nc, 0.0);
  usage.assign(nc, 0.0);
  open.assign(nc, 0);
  mu.assign(n, 0.0);
  fixed.assign(n, 0);
  remaining[0] = u.gpu->get_speed();
  remaining[1] = u.bus_host->get_speed();
  if (const sg::Host* link = devices_[u.device].pcie_host) remaining[2] = link->get_speed();
  for (std::size_t i = 0; i < n; ++i) {
    const Context& ctx = contexts_[jobs_[u.shared[i]].context];
    if (ctx.cap != nullptr) remaining[3 + 2 * i] = ctx.cap->get_speed();
    if (ctx.cap_memory != nullptr) remaining[4 + 2 * i] = ctx.cap_memory->get_speed();
  }
  std::size_t growing = 0;
  for (std::size_t i = 0; i < n; ++i) {
    jobs_[u.shared[i]].sh_rate = 0;
    bool uses = false;
    for (std::size_t c : {std::size_t{0}, std::size_t{1}, std::size_t{2}, 3 + 2 * i, 4 + 2 * i}) {
      if (weight(c, i) > 0) {
        uses = true;
        open[c] = 1;
      }
    }
    if (uses) {
      ++growing;
    } else {
      fixed[i] = 1;  // nothing to do anywhere (run_kernel never shares such a kernel)
    }
  }
  for (int round = 0; growing > 0 && round < 100000; ++round) {
    for (std::size_t c = 0; c < nc; ++c) {
      if (!open[c]) continue;
      int nb = 0;
      for (std::size_t i = 0; i < n; ++i) {
        if (!fixed[i] && weight(c, i) > 0) ++nb;
      }
      if (nb == 0) {
        open[c] = 0;
        remaining[c] = 0;
        usage[c] = 0;
      } else {
        usage[c] = remaining[c] / nb;
      }
    }
    for (std::size_t i = 0; i < n; ++i) {
      if (fixed[i]) continue;
      double inc = std::numeric_limits<double>::max();
      for (std::size_t c : {std::size_t{0}, std::size_t{1}, std::size_t{2}, 3 + 2 * i, 4 + 2 * i}) {
        const double w = weight(c, i);
        if (w > 0) inc = std::min(inc, usage[c] / w);
      }
      mu[i] = inc;
      jobs_[u.shared[i]].sh_rate += inc;
    }
    for (std::size_t c = 0; c < nc; ++c) {
      if (!open[c]) continue;
      for (std::size_t k = n; k-- > 0;) {  // SimGrid's order: the latest kernel first
        if (c >= 3 && (c - 3) / 2 != k) continue;
        remaining[c] -= weight(c, k) * mu[k];
        if (remaining[c] < kMaxminPrecision) remaining[c] = 0;
      }
      if (remaining[c] <= 0) {
        open[c] = 0;
        for (std::size_t i = 0; i < n; ++i) {
          if (!fixed[i] && weight(c, i) > 0) {
            fixed[i] = 1;
            --growing;
          }
        }
      }
    }
  }
  double first = std::numeric_limits<double>::infinity();
  for (std::size_t k = n; k-- > 0;) {
    Job& j = jobs_[u.shared[k]];
    u.shared_gpu_load += j.sh_gpu * j.sh_rate;
    u.shared_bus_load += j.sh_bus * j.sh_rate;
    j.sh_end = j.sh_left <= 0  ? now()
               : j.sh_rate > 0 ? now() + j.sh_left / j.sh_rate
                               : std::numeric_limits<double>::infinity();
    first = std::min(first, j.sh_end);
  }
  u.shared_due = first;
  if (first < std::numeric_limits<double>::infinity()) {
    u.shared_timer = Timer::set(first, [this, unit] { shared_event(unit); });
  }
}

// The first of the unit's shared kernels ends (and any other due at the same date, or whose part left is
// within SimGrid's precision of it): the others are solved again, then each ended one goes on (on_done),
// in start order. Ends are told by the date the timer was set for, not by the clock: SimGrid advances its
// clock to a timer's date by adding a difference, which may fall an ulp short of it.
void Simulation::shared_event(int unit) {
  UnitRt& u = units_[unit];
  u.shared_timer = nullptr;
  advance_shared(u);
  const double due = u.shared_due;
  std::vector<int> ended;
  auto it = std::stable_partition(u.shared.begin(), u.shared.end(), [&](int id) {
    const Job& j = jobs_[id];
    return !(j.sh_end <= due || j.sh_left <= 0);
  });
  ended.assign(it, u.shared.end());
  u.shared.erase(it, u.shared.end());
  for (int id : ended) {
    jobs_[id].shared = false;
    jobs_[id].sh_rate = 0;
  }
  solve_shared(unit);
  touch(unit);
  for (int id : ended) on_done(id);
}

// The job's kernel leaves the unit's shared set now (stop_kernel); returns the part of its current part it
// had left, or 0 when that is within kSmEpsilon of its end (then it stays, and ends as it would have, as a
// parallel task stopped that close to its end does).
double Simulation::leave_shared(int id) {
  Job& j = jobs_[id];
  const int unit = contexts_[j.context].unit;
  UnitRt& u = units_[unit];
  advance_shared(u);
  if (j.sh_left <= kSmEpsilon) return 0.0;
  const double left = j.sh_left;
  u.shared.erase(std::find(u.shared.begin(), u.shared.end(), id));
  j.shared = false;
  j.sh_rate = 0;
  solve_shared(unit);
  touch(unit);
  return left;
}

// A copy starts on the unit's bus: its shared kernels become parallel tasks with the parts they have left,
// in start order (those ending in this instant end as they are).
void Simulation::unshare(int unit) {
  UnitRt& u = units_[unit];
  if (u.shared.empty()) return;
  advance_shared(u);
  std::vector<int> members;
  members.swap(u.shared);
  ++u.execs;  // counted before run_kernel looks, so that it starts parallel tasks
  for (int id : members) {
    Job& j = jobs_[id];
    if (j.sh_left <= kSmEpsilon || j.phase != Phase::GPU) {  // (a copy shares only where none
      u.shared.push_back(id);                                // starts as a parallel task)
      continue;
    }
    j.shared = false;
    j.sh_rate = 0;
    run_kernel(id, j.kernel_left * j.sh_left, now());
  }
  --u.execs;
  solve_shared(unit);
  touch(unit);
}

}  // namespace gpusim
