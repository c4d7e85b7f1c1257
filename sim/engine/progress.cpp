// The simulated-time progress line of one simulation: a time-advance callback that looks at the host
// clock every few thousand advances (nothing is registered when progress is off).

#include "sim/engine/progress.hpp"

#include <fmt/format.h>

#include <simgrid/s4u.hpp>
#include <string>

#include "sim/simulate.hpp"

namespace gpusim {
namespace {

std::string& progress_label() {
  static std::string label;
  return label;
}

}  // namespace

void show_sim_progress(std::string what) { progress_label() = std::move(what); }

std::shared_ptr<Progress> watch_sim_progress(double duration) {
  if (progress_label().empty() || progress_mode() == ProgressMode::NEVER || duration <= 0) return nullptr;
  auto progress = std::make_shared<Progress>(progress_label(), "sim");
  simgrid::s4u::Engine::on_time_advance_cb([progress, duration, advances = 0U](double) mutable {
    if (++advances % 4096 != 0) return;
    const double t = simgrid::s4u::Engine::get_clock();
    progress->update(t / duration, fmt::format("{:.2f} of {:g} s simulated", t, duration));
  });
  return progress;
}

}  // namespace gpusim
