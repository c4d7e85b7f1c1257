#pragma once
/// The power and thermal controllers of one device, stepped once per control period (pure; no SimGrid).
///
/// Each step takes the period's device utilisations and returns the power drawn over the period (see
/// PowerModel), the temperature at its end (thermal_step) and the pstate to run next:
///  - power controller: one clock bin down while the power is over the cap; one bin up when the next
///    faster pstate is predicted to stay within it (u_compute scaled by r / r_up, at most 1);
///  - thermal controller: one bin down while the temperature is over the limit; one up below limit - 1 C;
///  - the device runs at the slower of the two. A switched-off controller stays at pstate 0.

#include <vector>

#include "core/units.hpp"
#include "platforms/device_spec.hpp"
#include "sim/power_model.hpp"

namespace gpusim {

class PowerController {
 public:
  /// What one control period produced.
  struct Step {
    Watts power;          ///< drawn over the period, at the pstate the period ran at
    Celsius temperature;  ///< at the end of the period
    int pstate = 0;       ///< to run the next period at
  };

  /// `clocks` from pstate_clocks() (index 0 = boost, not empty); the device starts at pstate 0 and at
  /// the ambient temperature.
  PowerController(PowerModel model, std::vector<Hertz> clocks, Watts cap, ThermalSpec thermal,
                  bool power_capping, bool thermal_throttling);

  /// One period of length `dt`: `u_compute` is the SM busy fraction at the current clock, `u_memory` the
  /// memory-bus busy fraction (each in [0, 1]).
  Step step(double u_compute, double u_memory, Seconds dt);

  int pstate() const { return pstate_; }
  Celsius temperature() const { return temperature_; }
  const std::vector<Hertz>& clocks() const { return clocks_; }
  Hertz clock() const { return clocks_[static_cast<std::size_t>(pstate_)]; }

 private:
  double ratio(int pstate) const;

  PowerModel model_;
  std::vector<Hertz> clocks_;
  Watts cap_;
  ThermalSpec thermal_;
  bool power_capping_;
  bool thermal_throttling_;
  int power_level_ = 0;
  int thermal_level_ = 0;
  int pstate_ = 0;
  Celsius temperature_;
};

}  // namespace gpusim
