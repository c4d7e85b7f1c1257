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
  // Resources: three shared by all (0 the GPU host, 1 the bus, 2 the host link) and two of each kernel's
  // own (its context's capping hosts: compute, memory). w[5i + r]: kernel i's amount on resource r (3, 4:
  // its own); remaining, usage and open of the shared ones in [0, 3), of kernel i's own at 3 + 2i + {0, 1}.
  constexpr std::size_t kShared = 3;
  // Scratch on the stack for up to 8 kernels (nearly always 1 to 3), else in the simulation's vectors.
  constexpr std::size_t kSmall = 8;
  double w_small[5 * kSmall], remaining_small[kShared + 2 * kSmall], mu_small[kSmall];
  char open_small[kShared + 2 * kSmall], fixed_small[kSmall];
  const bool small = n <= kSmall;
  if (!small) {
    sh_weight_.resize(5 * n);
    sh_remaining_.resize(kShared + 2 * n);
    sh_mu_.resize(n);
    sh_active_.resize(kShared + 2 * n);
    sh_fixed_.resize(n);
  }
  double* w = small ? w_small : sh_weight_.data();
  double* remaining = small ? remaining_small : sh_remaining_.data();
  double* mu = small ? mu_small : sh_mu_.data();
  char* open = small ? open_small : sh_active_.data();
  char* fixed = small ? fixed_small : sh_fixed_.data();
  double usage[kShared] = {0, 0, 0};
  std::fill(remaining, remaining + kShared + 2 * n, 0.0);
  std::fill(mu, mu + n, 0.0);
  std::fill(open, open + kShared + 2 * n, char{0});
  std::fill(fixed, fixed + n, char{0});
  remaining[0] = u.gpu->get_speed();
  remaining[1] = u.bus_host->get_speed();
  if (const sg::Host* link = devices_[u.device].pcie_host) remaining[2] = link->get_speed();
  std::size_t growing = 0;
  for (std::size_t i = 0; i < n; ++i) {
    Job& j = jobs_[u.shared[i]];
    j.sh_rate = 0;
    const Context& ctx = contexts_[j.context];
    if (ctx.cap != nullptr) remaining[kShared + 2 * i] = ctx.cap->get_speed();
    if (ctx.cap_memory != nullptr) remaining[kShared + 2 * i + 1] = ctx.cap_memory->get_speed();
    const double amounts[5] = {j.sh_gpu, j.sh_bus, j.sh_pcie, j.sh_cap, j.sh_cap_memory};
    bool uses = false;
    for (std::size_t r = 0; r < 5; ++r) {
      w[5 * i + r] = amounts[r];
      if (!(amounts[r] > 0)) continue;
      uses = true;
      open[r < kShared ? r : kShared + 2 * i + (r - kShared)] = 1;
    }
    if (uses) {
      ++growing;
    } else {
      fixed[i] = 1;  // nothing to do anywhere (run_kernel never shares such a kernel)
    }
  }
  for (int round = 0; growing > 0 && round < 100000; ++round) {
    for (std::size_t r = 0; r < kShared; ++r) {  // equal shares of what each resource has left
      if (!open[r]) continue;
      int nb = 0;
      for (std::size_t i = 0; i < n; ++i) {
        if (!fixed[i] && w[5 * i + r] > 0) ++nb;
      }
      if (nb == 0) {
        open[r] = 0;
        remaining[r] = 0;
      } else {
        usage[r] = remaining[r] / nb;
      }
    }
    for (std::size_t i = 0; i < n; ++i) {  // (a kernel's own: all of it, or closed once it is fixed)
      for (std::size_t c = kShared + 2 * i; c < kShared + 2 * i + 2; ++c) {
        if (open[c] && fixed[i]) {
          open[c] = 0;
          remaining[c] = 0;
        }
      }
    }
    for (std::size_t i = 0; i < n; ++i) {  // each growing kernel grows by its least share over its amount
      if (fixed[i]) continue;
      double inc = std::numeric_limits<double>::max();
      for (std::size_t r = 0; r < kShared; ++r) {
        if (w[5 * i + r] > 0) inc = std::min(inc, usage[r] / w[5 * i + r]);
      }
      for (std::size_t r = kShared; r < 5; ++r) {
        if (w[5 * i + r] > 0) inc = std::min(inc, remaining[kShared + 2 * i + (r - kShared)] / w[5 * i + r]);
      }
      mu[i] = inc;
      jobs_[u.shared[i]].sh_rate += inc;
    }
    auto saturate = [&](std::size_t c, auto&& uses) {  // below the precision: fix the kernels that use it
      if (remaining[c] > 0) return;
      open[c] = 0;
      for (std::size_t i = 0; i < n; ++i) {
        if (!fixed[i] && uses(i)) {
          fixed[i] = 1;
          --growing;
        }
      }
    };
    for (std::size_t r = 0; r < kShared; ++r) {
      if (!open[r]) continue;
      for (std::size_t k = n; k-- > 0;) {  // SimGrid's order: the latest kernel first
        remaining[r] -= w[5 * k + r] * mu[k];
        if (remaining[r] < kMaxminPrecision) remaining[r] = 0;
      }
      saturate(r, [&](std::size_t i) { return w[5 * i + r] > 0; });
    }
    for (std::size_t k = 0; k < n; ++k) {
      for (std::size_t r = kShared; r < 5; ++r) {
        const std::size_t c = kShared + 2 * k + (r - kShared);
        if (!open[c]) continue;
        remaining[c] -= w[5 * k + r] * mu[k];
        if (remaining[c] < kMaxminPrecision) remaining[c] = 0;
        saturate(c, [&](std::size_t i) { return i == k && w[5 * k + r] > 0; });
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
