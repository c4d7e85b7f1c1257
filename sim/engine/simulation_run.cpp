// The simulation's life: construction, run() (engine configuration, set-up, callbacks, the run itself and
// the result), and simulate(), the entry point declared in sim/simulate.hpp.

#include <sys/resource.h>
#include <fmt/format.h>
#include <xbt/log.h>

#include <chrono>
#include <cmath>
#include <simgrid/kernel/Timer.hpp>

#include "core/logging.hpp"
#include "sim/engine/progress.hpp"
#include "sim/engine/simulation.hpp"
#include "sim/engine/trace.hpp"
#include "sim/simulate.hpp"

namespace gpusim {

Simulation::Simulation(const Scenario& sc, const Plan& plan, Scheduler* policy, const TraceOptions* trace)
    : sc_(sc),
      plan_(plan),
      policy_(policy && policy->per_request() ? policy : nullptr),
      mech_(sc.platform.contention),
      switch_cost_(mech_.time_slice ? mech_.switch_cost.v : 0.0),
      trace_options_(trace) {}

Simulation::~Simulation() = default;

SimResult Simulation::run() {
  const auto wall_start = std::chrono::steady_clock::now();
  xbt_log_control_set("root.thres:critical");
  sg::Engine engine("gpusim");
  sg::Engine::set_config("host/model:ptask_L07");
  sg::Engine::set_config("network/model:CM02");
  sg::Engine::set_config("network/crosstraffic:0");
  set_sim_clock([] { return sg::Engine::get_clock(); });

  const RunSpec& run = sc_.workloads.run;
  window_begin_ = run.warmup.v;
  window_end_ = run.duration.v;
  horizon_ = run.duration.v + run.drain.v;
  build_streams();
  build_platform();
  build_costs();
  result_.devices.resize(units_.size());
  if (trace_options_) trace_ = std::make_unique<TraceRecorder>(*this, *trace_options_);
  samples_per_tick_ =
      std::max(1, static_cast<int>(std::lround(mech_.sample_interval.v / mech_.control_period.v)));

  sg::Activity::on_completion_cb([this](const sg::Activity& a) {
    on_done(static_cast<int>(reinterpret_cast<std::uintptr_t>(a.get_data<void>())));
  });
  sg::Engine::on_time_advance_cb([this](double dt) { account(dt); });
  for (std::uint32_t s = 0; s < streams_.size(); ++s) schedule_arrival(s);
  simgrid::kernel::timer::Timer::set(mech_.control_period.v, [this] { control_tick(); });

  logger("sim")->debug("simulating {} stream(s) on {} unit(s) for {} s (+{} s drain)", streams_.size(),
                       units_.size(), run.duration.v, run.drain.v);
  const auto progress = watch_sim_progress(run.duration.v);
  engine.run_until(horizon_);
  result_.end_time = last_event_;
  if (progress) progress->finish(fmt::format("{:.2f} s simulated", last_event_));
  set_sim_clock(nullptr);

  for (std::size_t u = 0; u < units_.size(); ++u) result_.devices[u] = units_[u].record;
  for (const auto& d : devices_) result_.power.push_back(d.record);
  if (trace_) result_.trace = trace_->close(result_.samples);
  result_.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  struct rusage usage {};
  getrusage(RUSAGE_SELF, &usage);
  result_.peak_rss_kib = usage.ru_maxrss;
  return std::move(result_);
}

bool Simulation::all_done() const { return sg::Engine::get_clock() >= window_end_ && jobs_in_flight_ == 0; }

SimResult simulate(const Scenario& sc, const Plan& plan, Scheduler* policy, const TraceOptions* trace) {
  Simulation sim(sc, plan, policy, trace);
  return sim.run();
}

}  // namespace gpusim
