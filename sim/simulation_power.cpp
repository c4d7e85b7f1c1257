// Time accounting, and the power/thermal controller that moves each device's clock between pstates.

#include <simgrid/kernel/Timer.hpp>

#include <algorithm>

#include "sim/simulation.hpp"

namespace gpusim {

// Integrates utilisation; SimGrid calls it each time the clock advances, before the activities that
// ended at the new date are removed, so the loads read here are those of the interval just elapsed.
void Simulation::account(double dt) {
  const double t = sg::Engine::get_clock();
  const double from = std::max(t - dt, window_begin_);
  const double to = std::min(t, window_end_);
  const double span = std::max(0.0, to - from);
  for (auto& u : units_) {
    const double c = std::min(1.0, u.gpu->get_load() / u.gpu->get_speed());
    const double b = std::min(1.0, u.bus->get_usage() / u.bus->get_bandwidth());
    u.period_compute += c * dt;
    u.period_bandwidth += b * dt;
    if (span > 0) {
      u.record.compute_busy += c * span;
      u.record.bandwidth_busy += b * span;
      if (u.holders > 0) u.record.occupied += span;
    }
  }
}

bool Simulation::all_done() const { return sg::Engine::get_clock() >= window_end_ && jobs_in_flight_ == 0; }

void Simulation::set_pstate(DeviceRt& d, int pstate) {
  if (pstate == d.pstate) return;
  d.pstate = pstate;
  for (auto* h : d.hosts) h->set_pstate(pstate);
  d.record.min_clock_hz = std::min(d.record.min_clock_hz, d.clocks[pstate].v);
}

// Every control period, per device: power from the period's utilisation, energy, temperature (RC
// model), then the power controller (one 15 MHz step down while over the cap, one up when the next
// faster pstate is predicted to stay within it) and the thermal controller (one step down while over
// the limit, one up below limit - 1 C). The device runs at the slower of the two.
void Simulation::control_tick() {
  const double t = sg::Engine::get_clock();
  const double dt = t - last_control_;
  last_control_ = t;
  ++ticks_;
  const bool emit = ticks_ % samples_per_tick_ == 0;
  const double w_from = std::max(t - dt, window_begin_);
  const double w_span = std::max(0.0, std::min(t, window_end_) - w_from);
  for (std::size_t d = 0; d < devices_.size(); ++d) {
    DeviceRt& dev = devices_[d];
    double uc = 0;
    double um = 0;
    for (int u : dev.units) {
      UnitRt& unit = units_[u];
      uc += unit.period_compute / dt * unit.unit->sm_fraction;
      um += unit.period_bandwidth / dt * unit.unit->bw_fraction;
      unit.period_compute = 0;
      unit.period_bandwidth = 0;
    }
    uc = std::min(1.0, uc);
    um = std::min(1.0, um);
    const double r = dev.clocks[dev.pstate].v / dev.clocks.front().v;
    const Watts p = dev.model.power(uc, um, r);
    dev.record.energy_total_j += p.v * dt;
    dev.record.energy_j += p.v * w_span;
    dev.record.peak_power_w = std::max(dev.record.peak_power_w, p.v);
    dev.temperature = thermal_step(dev.spec->spec.thermal, dev.temperature, p, Seconds{dt});
    dev.record.max_temperature_c = std::max(dev.record.max_temperature_c, dev.temperature.v);

    const int last = static_cast<int>(dev.clocks.size()) - 1;
    if (mech_.power) {
      if (p > dev.cap) {
        dev.power_level = std::min(dev.power_level + 1, last);
      } else if (dev.power_level > 0) {
        const double r_up = dev.clocks[dev.power_level - 1].v / dev.clocks.front().v;
        const double uc_up = std::min(1.0, uc * r / r_up);
        if (dev.model.power(uc_up, um, r_up) <= dev.cap) --dev.power_level;
      }
    }
    if (mech_.thermal) {
      const ThermalSpec& th = dev.spec->spec.thermal;
      if (dev.temperature > th.limit) {
        dev.thermal_level = std::min(dev.thermal_level + 1, last);
      } else if (dev.thermal_level > 0 && dev.temperature.v < th.limit.v - 1.0) {
        --dev.thermal_level;
      }
    }
    set_pstate(dev, std::max(mech_.power ? dev.power_level : 0, mech_.thermal ? dev.thermal_level : 0));

    dev.sample_energy += p.v * dt;
    dev.sample_compute += uc * dt;
    dev.sample_bandwidth += um * dt;
    dev.sample_time += dt;
    if (emit) {
      result_.samples.push_back(Sample{static_cast<std::uint32_t>(d), t, dev.sample_energy / dev.sample_time,
                                       dev.temperature.v, dev.clocks[dev.pstate].v,
                                       dev.sample_compute / dev.sample_time,
                                       dev.sample_bandwidth / dev.sample_time});
      dev.sample_energy = dev.sample_compute = dev.sample_bandwidth = dev.sample_time = 0;
    }
  }
  if (!all_done() && t + mech_.control_period.v <= horizon_ + 1e-12) {
    simgrid::kernel::timer::Timer::set(t + mech_.control_period.v, [this] { control_tick(); });
  }
}

}  // namespace gpusim
