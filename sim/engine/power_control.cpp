// Time accounting and power control on SimGrid: busy fractions integrated as the clock advances, and
// every control period, per device: its utilisation, the power/thermal controller step
// (sim/power_controller.hpp), energy and peak records, the new clock on the device's hosts, and the
// time-series samples.

#include <algorithm>
#include <iterator>
#include <simgrid/kernel/Timer.hpp>

#include "sim/engine/simulation.hpp"

namespace gpusim {

// Marks a unit whose busy fractions may change from now on; they are read at the next clock advance,
// once SimGrid has shared the resources again. The time before now is integrated at the fractions read
// last. So the cost of accounting is per event on a unit, not per event times units.
void Simulation::touch(int unit) {
  UnitRt& u = units_[unit];
  if (u.dirty) return;
  u.dirty = true;
  dirty_units_.push_back(unit);
}

// A copy shares the device's host link with the copies of its other units (MIG slices): all may change.
void Simulation::touch_copies(int unit) {
  for (int u : devices_[units_[unit].device].units) touch(u);
}

// Adds the unit's busy fractions from `since` to `to` to the controller's accumulators and, for the part
// inside the measured window, to the unit's record.
void Simulation::integrate(UnitRt& u, double to) {
  if (u.switch_at >= 0 && to > u.switch_at) {  // a kernel launched ahead started meanwhile (launch_ahead)
    const double at = u.switch_at;
    u.switch_at = -1;
    integrate(u, at);
    u.busy_compute = u.switch_compute;
    u.busy_bandwidth = u.switch_bandwidth;
  }
  const double dt = to - u.since;
  if (dt <= 0) return;
  u.period_compute += u.busy_compute * dt;
  u.period_compute_power += u.busy_compute * u.power_factor * dt;
  u.period_bandwidth += u.busy_bandwidth * dt;
  if (u.busy_occupied) u.period_occupied += dt;
  const double span = std::max(0.0, std::min(to, window_end_) - std::max(u.since, window_begin_));
  if (span > 0) {
    u.record.compute_busy += u.busy_compute * span;
    u.record.bandwidth_busy += u.busy_bandwidth * span;
    if (u.busy_occupied) u.record.occupied += span;
  }
  u.since = to;
}

// SimGrid calls it each time the clock advances, before the activities that ended at the new date are
// removed, so the loads read here are those of the interval just elapsed, which began at the last event:
// the units touched then get their new fractions from that date on.
void Simulation::account(double dt) {
  retired_.clear();
  // An activity cancelled before this advance is handled by SimGrid after it: released at the next one.
  std::move(cancelled_.begin(), cancelled_.end(), std::back_inserter(retired_));
  cancelled_.clear();
  const double from = clock_;
  clock_ = sg::Engine::get_clock();
  if (dt <= 0) return;
  for (int unit : dirty_units_) {
    UnitRt& u = units_[unit];
    integrate(u, from);
    // The share of the unit's SM throughput in use: on MPS the GPU host carries each kernel's real compute;
    // a time-sliced unit's one kernel is charged its stretched compute there, so it is scaled back.
    if (u.solo >= 0 && u.execs == 0 && jobs_[u.solo].solo_start > from) {
      // A kernel launched ahead (sim/engine/kernels.cpp, launch_ahead): nothing runs on the unit until it
      // starts, when its fractions take over.
      u.busy_compute = 0;
      u.busy_bandwidth = 0;
      u.switch_at = jobs_[u.solo].solo_start;
      u.switch_compute = u.solo_compute;
      u.switch_bandwidth = u.solo_bandwidth;
    } else if (u.solo >= 0 && u.execs == 0) {  // a kernel alone as a timer (sim/engine/kernels.cpp, run_solo)
      u.busy_compute = u.solo_compute;
      u.busy_bandwidth = u.solo_bandwidth;
    } else if (!u.shared.empty() && u.execs == 0) {  // kernels sharing the unit (sim/engine/shared.cpp)
      u.busy_compute = std::min(1.0, u.shared_gpu_load / u.gpu->get_speed()) * u.kernel_share;
      const double bus = u.shared_bus_load / bus_bandwidth(u);
      u.busy_bandwidth = std::min(1.0, bus);
      if (u.shared.size() >= 2 && bus >= 1 - 1e-9) acted(unit, MechanismId::BANDWIDTH);  // as below
    } else {
      u.busy_compute = std::min(1.0, u.gpu->get_load() / u.gpu->get_speed()) * u.kernel_share;
      const double bus = (u.bus_host ? u.bus_host->get_load() : u.bus->get_usage()) / bus_bandwidth(u);
      u.busy_bandwidth = std::min(1.0, bus);
      // The bus saturated under two or more activities: with the bandwidth mechanism off (each crosses the
      // bus at its whole bandwidth) they would have gone faster. Below saturation its constraint binds no
      // one and the rates are the same either way (to the solver's rounding); the bus's busy fraction is
      // not (a sum here, the largest activity's with it off), which matters only where it moves the clock
      // (bandwidth_acted).
      if (u.bus_host && u.execs >= 2 && bus >= 1 - 1e-9) acted(unit, MechanismId::BANDWIDTH);
    }
    u.busy_occupied = u.holders > 0;
    const double weights = u.weight_tensor + u.weight_simt;
    u.power_factor = weights > 0 ? (u.weight_tensor * u.tensor_ratio + u.weight_simt * u.simt_ratio) / weights
                                 : u.tensor_ratio;
    u.dirty = false;
  }
  dirty_units_.clear();
}

// The bus's busy fraction is a sum of its activities' rates with the bandwidth mechanism on, the largest one's
// with it off (a fat-pipe link): where two activities shared a bus and the clock moved (the power model reads
// that fraction), the mechanism may have moved the clock, and acted.
void Simulation::bandwidth_acted() {
  const std::uint32_t clock = mechanism_bit(MechanismId::POWER) | mechanism_bit(MechanismId::THERMAL);
  for (auto& dev : devices_) {
    if ((dev.record.acted & clock) == 0) continue;
    for (int u : dev.units) {
      if (units_[u].bus_shared) dev.record.acted |= mechanism_bit(MechanismId::BANDWIDTH);
    }
  }
}

// Integrates every unit up to now (a control tick, the end of the run).
void Simulation::flush_accounts() {
  const double t = sg::Engine::get_clock();
  for (auto& u : units_) integrate(u, t);
}

// The device's SM and memory-bus busy fractions over the period (its units weighted by their share of
// the device, at most 1); resets the units' accumulators.
Simulation::Load Simulation::device_load(DeviceRt& d, double dt) {
  Load load;
  for (int u : d.units) {
    UnitRt& unit = units_[u];
    load.compute += unit.period_compute / dt * unit.unit->sm_fraction;
    load.compute_power += unit.period_compute_power / dt * unit.unit->sm_fraction;
    load.memory += unit.period_bandwidth / dt * unit.unit->bw_fraction;
    load.occupied += unit.period_occupied / dt * unit.unit->sm_fraction;
    unit.period_compute = 0;
    unit.period_compute_power = 0;
    unit.period_bandwidth = 0;
    unit.period_occupied = 0;
  }
  load.compute = std::min(1.0, load.compute);
  load.compute_power = std::min(1.0, load.compute_power);
  load.memory = std::min(1.0, load.memory);
  load.occupied = std::min(1.0, load.occupied);
  return load;
}

// Moves every host of the device to the controller's pstate.
void Simulation::apply_pstate(DeviceRt& d) {
  const int pstate = d.controller->pstate();
  // The clock moved: the power cap or the temperature limit (not told apart: both marked).
  d.record.acted |= mechanism_bit(MechanismId::POWER) | mechanism_bit(MechanismId::THERMAL);
  for (auto* h : d.hosts) h->set_pstate(pstate);
  for (int u : d.units) {
    touch(u);
    if (!units_[u].shared.empty()) {  // kernels sharing the unit: the parts done so far went at the old clock
      advance_shared(units_[u]);
      solve_shared(u);
    }
    // A kernel alone as a timer is re-timed: the part done so far went at the old clock.
    const int id = units_[u].solo;
    if (id < 0) continue;
    if (in_launch_gap(units_[u]) == id) {  // launched ahead, not started: it starts at the new clock
      unlaunch(id);
      continue;
    }
    Job& j = jobs_[id];
    const double done = std::clamp((now() - j.solo_start) / j.solo_time, 0.0, 1.0);
    if (done >= 1.0) continue;  // its timer is due in this instant
    j.solo_timer->remove();
    j.solo_timer = nullptr;
    units_[u].solo = -1;
    run_kernel(id, j.kernel_left * (1.0 - done), now());
  }
  d.record.min_clock_hz = std::min(d.record.min_clock_hz, d.controller->clock().v);
}

// Accumulates the period into the device's current sample and, when `emit`, records the sample's
// averages with the temperature and clock at its end.
void Simulation::add_sample(std::size_t device, double t, double dt, const Load& load, Watts p, bool emit) {
  DeviceRt& dev = devices_[device];
  dev.sample_energy += p.v * dt;
  dev.sample_compute += load.compute * dt;
  dev.sample_bandwidth += load.memory * dt;
  dev.sample_occupied += load.occupied * dt;
  dev.sample_time += dt;
  if (!emit) return;
  result_.samples.push_back(Sample{static_cast<std::uint32_t>(device_global_[device]), t, dev.sample_energy / dev.sample_time,
                                   dev.controller->temperature().v, dev.controller->clock().v,
                                   dev.sample_compute / dev.sample_time,
                                   dev.sample_bandwidth / dev.sample_time, dev.sample_occupied / dev.sample_time});
  dev.sample_energy = dev.sample_compute = dev.sample_bandwidth = dev.sample_occupied = dev.sample_time = 0;
}

// A device is stepped until the measured window is over (or its run stopped: Plan::stop_quantile) and its
// units have nothing left to do. The rule
// looks at the device alone, so devices simulated apart (sim/runner's partitions) are stepped alike.
bool Simulation::device_done(const DeviceRt& d) const {
  if ((sg::Engine::get_clock() < window_end_ && d.record.stopped_at < 0) || d.jobs > 0) return false;
  for (int u : d.units) {
    if (units_[u].waiting > 0) return false;
  }
  return true;
}

void Simulation::control_tick() {
  const double t = sg::Engine::get_clock();
  const double dt = t - last_control_;
  last_control_ = t;
  ++ticks_;
  const bool emit = ticks_ % samples_per_tick_ == 0;
  const double w_from = std::max(t - dt, window_begin_);
  const double w_span = std::max(0.0, std::min(t, window_end_) - w_from);
  bool running = false;
  for (std::size_t d = 0; d < devices_.size(); ++d) {
    DeviceRt& dev = devices_[d];
    if (dev.stopped) continue;
    for (int u : dev.units) integrate(units_[u], t);
    const Load load = device_load(dev, dt);
    const int before = dev.controller->pstate();
    const PowerController::Step step = dev.controller->step(load.compute_power, load.memory, Seconds{dt});
    dev.record.energy_total_j += step.power.v * dt;
    dev.record.energy_j += step.power.v * w_span;
    dev.record.peak_power_w = std::max(dev.record.peak_power_w, step.power.v);
    dev.record.max_temperature_c = std::max(dev.record.max_temperature_c, step.temperature.v);
    if (step.pstate != before) apply_pstate(dev);
    add_sample(d, t, dt, load, step.power, emit);
    dev.stopped = device_done(dev);
    running = running || !dev.stopped;
  }
  if (running && t + mech_.control_period.v <= horizon_ + 1e-12) {
    simgrid::kernel::timer::Timer::set(t + mech_.control_period.v, [this] { control_tick(); });
  }
}

}  // namespace gpusim
