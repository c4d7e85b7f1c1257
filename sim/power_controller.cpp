// The per-device power and thermal controller step (see sim/power_controller.hpp).

#include "sim/power_controller.hpp"

#include <algorithm>
#include <utility>

namespace gpusim {

PowerController::PowerController(PowerModel model, std::vector<Hertz> clocks, Watts cap, ThermalSpec thermal,
                                 bool power_capping, bool thermal_throttling)
    : model_(model),
      clocks_(std::move(clocks)),
      cap_(cap),
      thermal_(thermal),
      power_capping_(power_capping),
      thermal_throttling_(thermal_throttling),
      temperature_(thermal.ambient) {}

double PowerController::ratio(int pstate) const {
  return clocks_[static_cast<std::size_t>(pstate)].v / clocks_.front().v;
}

PowerController::Step PowerController::step(double u_compute, double u_memory, Seconds dt) {
  const double r = ratio(pstate_);
  const Watts p = model_.power(u_compute, u_memory, r);
  temperature_ = thermal_step(thermal_, temperature_, p, dt);

  const int last = static_cast<int>(clocks_.size()) - 1;
  if (power_capping_) {
    if (p > cap_) {
      power_level_ = std::min(power_level_ + 1, last);
    } else if (power_level_ > 0) {
      const double r_up = ratio(power_level_ - 1);
      const double uc_up = std::min(1.0, u_compute * r / r_up);
      if (model_.power(uc_up, u_memory, r_up) <= cap_) --power_level_;
    }
  }
  if (thermal_throttling_) {
    if (temperature_ > thermal_.limit) {
      thermal_level_ = std::min(thermal_level_ + 1, last);
    } else if (thermal_level_ > 0 && temperature_.v < thermal_.limit.v - 1.0) {
      --thermal_level_;
    }
  }
  pstate_ = std::max(power_capping_ ? power_level_ : 0, thermal_throttling_ ? thermal_level_ : 0);
  return Step{p, temperature_, pstate_};
}

}  // namespace gpusim
