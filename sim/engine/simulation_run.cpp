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

Simulation::Simulation(const Scenario& sc, const Plan& plan, Scheduler* policy, const std::vector<int>* devices,
                       const TraceOptions* trace)
    : sc_(sc),
      plan_(plan),
      policy_(policy && policy->per_request() ? policy : nullptr),
      mech_(sc.platform.contention),
      trace_options_(trace) {
  device_local_.assign(sc.platform.devices.size(), -1);
  auto add_device = [this](int d) {
    device_local_[d] = static_cast<int>(device_global_.size());
    device_global_.push_back(d);
  };
  if (devices) {
    for (int d : *devices) add_device(d);
  } else {
    for (std::size_t d = 0; d < sc.platform.devices.size(); ++d) add_device(static_cast<int>(d));
  }
  unit_local_.assign(plan.units().size(), -1);
  for (std::size_t u = 0; u < plan.units().size(); ++u) {
    if (device_local_[plan.units()[u].device] < 0) continue;
    unit_local_[u] = static_cast<int>(unit_global_.size());
    unit_global_.push_back(static_cast<int>(u));
  }
}

Simulation::~Simulation() = default;

SimResult Simulation::run() {
  const auto wall_start = std::chrono::steady_clock::now();
  prepare_simulation_engine();
  sg::Engine& engine = *sg::Engine::get_instance();
  set_sim_clock([] { return sg::Engine::get_clock(); });

  const RunSpec& run = sc_.workloads.run;
  window_begin_ = run.warmup.v;
  window_end_ = run.duration.v;
  horizon_ = run.duration.v + run.drain.v;
  build_streams();
  build_platform();
  build_stop_rules();
  build_costs();
  if (trace_options_) trace_ = std::make_unique<TraceRecorder>(*this, *trace_options_);
  samples_per_tick_ =
      std::max(1, static_cast<int>(std::lround(mech_.sample_interval.v / mech_.control_period.v)));

  sg::Activity::on_completion_cb([this](const sg::Activity& a) {
    if (a.get_data<void>() == kCancelled) return;  // restarted (sim/engine/kernels.cpp, release_sms)
    const int job = static_cast<int>(reinterpret_cast<std::uintptr_t>(a.get_data<void>()));
    // SimGrid still reads the activity after this callback: its last reference is dropped at the next
    // clock advance, not here when the job starts its next activity in the context's slot.
    Context& ctx = contexts_[jobs_[job].context];
    --units_[ctx.unit].execs;
    retired_.push_back(std::move(ctx.exec));
    on_done(job);
  });
  sg::Engine::on_time_advance_cb([this](double dt) { account(dt); });
  for (std::uint32_t s = 0; s < streams_.size(); ++s) schedule_arrival(s);
  simgrid::kernel::timer::Timer::set(mech_.control_period.v, [this] { control_tick(); });

  logger("sim")->debug("simulating {} stream(s) on {} unit(s) for {} s (+{} s drain)", streams_.size(),
                       units_.size(), run.duration.v, run.drain.v);
  const auto progress = watch_sim_progress(run.duration.v);
  engine.run_until(horizon_);
  flush_accounts();
  result_.end_time = last_event_;
  if (progress) progress->finish(fmt::format("{:.2f} s simulated", last_event_));
  set_sim_clock(nullptr);

  // Records of the units and devices simulated here, in plan order; requests and samples by the whole
  // plan's indices, in the order that does not depend on the partition.
  for (const auto& u : units_) result_.devices.push_back(u.record);
  bandwidth_acted();
  for (const auto& d : devices_) result_.power.push_back(d.record);
  for (auto& r : result_.requests) r.stream = static_cast<std::uint32_t>(stream_global_[r.stream]);
  // A traced run is never split and its trace already names requests by their index here: keep it.
  if (!trace_) canonical_order(result_);
  if (trace_) result_.trace = trace_->close(result_.samples);
  result_.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  struct rusage usage {};
  getrusage(RUSAGE_SELF, &usage);
  result_.peak_rss_kib = usage.ru_maxrss;
  return std::move(result_);
}


void prepare_simulation_engine() {
  static sg::Engine* engine = nullptr;  // never destroyed: one engine per process, used by its forked children
  if (engine) return;
  xbt_log_control_set("root.thres:critical");
  engine = new sg::Engine("gpusim");
  sg::Engine::set_config("host/model:ptask_L07");
  sg::Engine::set_config("network/model:CM02");
  sg::Engine::set_config("network/crosstraffic:0");
}

SimResult simulate(const Scenario& sc, const Plan& plan, Scheduler* policy, const std::vector<int>* devices,
                   const TraceOptions* trace) {
  Simulation sim(sc, plan, policy, devices, trace);
  return sim.run();
}

}  // namespace gpusim
