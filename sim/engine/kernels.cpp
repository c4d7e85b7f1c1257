// The GPU part of a job on SimGrid: time-slicing between contexts (round robin, switch cost), stages and
// their kernels, the launch of each kernel as an L07 parallel task, the L2 hits each launch keeps, and
// the completion callback of every activity.

#include <algorithm>
#include <cmath>
#include <simgrid/kernel/Timer.hpp>

#include "sim/engine/simulation.hpp"
#include "sim/engine/trace.hpp"

namespace gpusim {
namespace {
using simgrid::kernel::timer::Timer;
}  // namespace

// Time-sliced units give the GPU to one context at a time (round robin among the waiting ones);
// MPS units let every context in at once.
void Simulation::request_gpu(int id) {
  Job& job = jobs_[id];
  job.phase = Phase::WAIT_GPU;
  const int u = contexts_[job.context].unit;
  UnitRt& unit = units_[u];
  touch(u);
  if (unit.mps) {
    ++unit.holders;
    job.phase = Phase::GPU;
    continue_gpu(id);
  } else if (unit.active < 0) {
    activate(u, job.context);
  } else {
    unit.ready.push_back(job.context);
    acted(u, MechanismId::TIME_SLICE);  // contexts contend: who runs when depends on the slices
    if (unit.preempt && now() >= unit.slice_end) preempt(u);  // the holder's slice is over already
  }
}

void Simulation::activate(int u, int c) {
  UnitRt& unit = units_[u];
  const bool switching = unit.last >= 0 && unit.last != c;
  const double cost = switching ? unit.switch_cost : 0.0;
  if (switching) {
    ++unit.record.switches;
    acted(u, MechanismId::TIME_SLICE);
  }
  touch(u);
  if (trace_ && switching) trace_->switched(u, c, cost);
  unit.active = c;
  unit.last = c;
  ++unit.holders;
  unit.slice_end = now() + cost + unit.slice;
  const std::uint64_t gen = ++unit.slice_gen;
  if (unit.preempt) {
    Timer::set(unit.slice_end, [this, u, gen] {
      if (units_[u].slice_gen == gen) preempt(u);
    });
  }
  const int id = contexts_[c].job;
  jobs_[id].phase = Phase::GPU;
  if (cost > 0) {
    Timer::set(now() + cost, [this, id] { continue_gpu(id); });
  } else {
    continue_gpu(id);
  }
}

// Compute pre-emption (Pascal and later): at the end of a slice, with another context waiting, the holder's
// running kernel stops where it is and the GPU changes context; the kernel resumes with the part it has
// left when its context next holds the GPU. Between kernels (in a launch gap) nothing is cut: the holder
// yields when its kernel ends (continue_gpu).
void Simulation::preempt(int u) {
  UnitRt& unit = units_[u];
  if (unit.active < 0 || unit.ready.empty()) return;
  const int id = contexts_[unit.active].job;
  Job& j = jobs_[id];
  if (j.phase != Phase::GPU || !j.kernel_running) return;
  if (in_launch_gap(unit) == id) return;  // launched ahead, not started: nothing to cut
  if (!stop_kernel(id)) return;
  j.kernel_running = false;
  j.preempted = true;
  count_power(id, false);
  if (j.kernel_ws >= 0) unit.l2->remove(Bytes{j.kernel_ws});  // added back when it resumes
  yield_gpu(id);
}

// The job's context gives the time-sliced GPU to the first waiting context and waits for its next turn.
void Simulation::yield_gpu(int id) {
  Job& job = jobs_[id];
  const int u = contexts_[job.context].unit;
  UnitRt& unit = units_[u];
  job.phase = Phase::WAIT_GPU;
  unit.ready.push_back(job.context);
  unit.active = -1;
  --unit.holders;
  touch(u);
  const int next = unit.ready.front();
  unit.ready.pop_front();
  activate(u, next);
}

// Runs the job's next kernel, unless its slice is over and another context waits: then it yields.
void Simulation::continue_gpu(int id) {
  Job& job = jobs_[id];
  const int u = contexts_[job.context].unit;
  UnitRt& unit = units_[u];
  if (!unit.mps && job.gpu_started && now() >= unit.slice_end - 1e-15 && !unit.ready.empty()) {
    yield_gpu(id);
    return;
  }
  if (!job.gpu_started) {
    job.gpu_started = true;
    if (!enter_stage(id, 0)) end_gpu(id);
    return;
  }
  if (job.host_waited) {  // the host has issued the kernel it waited for; its launch gap passed meanwhile
    job.host_waited = false;
    begin_kernel(id);
    return;
  }
  if (job.preempted) {  // the kernel pre-empted at its last slice's end goes on where it stopped
    job.preempted = false;
    if (job.kernel_ws >= 0) unit.l2->add(Bytes{job.kernel_ws});
    run_kernel(id, job.kernel_left, now());
    return;
  }
  launch_kernel(id);
}

// Moves a job to the first stage at or after `stage` that has work and starts its first kernel.
// Returns false when no stage is left.
bool Simulation::enter_stage(int id, std::uint16_t stage) {
  Job& job = jobs_[id];
  const Stream& st = streams_[job.stream];
  const StreamSpec& spec = *st.spec;
  auto batch_of = [&](const StageSpec& s) { return s.per_item ? job.items : job.batch; };
  for (; stage < spec.stages.size(); ++stage) {
    if (batch_of(spec.stages[stage]) > 0 && !(*st.stage_kernels)[stage].empty()) break;
  }
  if (stage >= spec.stages.size()) return false;
  job.stage = stage;
  job.kernel = 0;
  if (st.record_stages) {
    job.stage_record = static_cast<std::uint32_t>(result_.stages.size());
    StageRecord rec;
    rec.request = job.requests.front();
    rec.stage = stage;
    rec.batch = static_cast<std::uint16_t>(std::min(batch_of(spec.stages[stage]), 65535));
    rec.start = now();
    result_.stages.push_back(rec);
  }
  launch_kernel(id);
  return true;
}

// Starts the job's current kernel after the unit's launch overhead, or when the host issues it if that is
// later (`host.launch`: the host issues the k-th kernel of a job k x host.launch after the job started,
// running ahead of the GPU when the kernels are longer).
void Simulation::launch_kernel(int id) {
  Job& job = jobs_[id];
  const int unit = contexts_[job.context].unit;
  const double overhead = units_[unit].launch_overhead;
  const double host = streams_[job.stream].spec->host_launch.v;
  if (host > 0) {
    const double issued = job.start + host * static_cast<double>(++job.issued);
    if (issued > now() + overhead) {
      wait_for_host(id, issued);
      return;
    }
  }
  if (overhead > 0) {
    acted(unit, MechanismId::LAUNCH_OVERHEAD);
    const double at = now() + overhead;
    if (!launch_ahead(id, at)) Timer::set(at, [this, id] { begin_kernel(id); });
  } else {
    begin_kernel(id);
  }
}

// The job's next kernel is not issued yet: its context lets the GPU go (a time-sliced unit to the first
// waiting context) and asks for it again when the host issues the kernel at `issued`; the GPU is idle for
// it meanwhile (neither busy nor held).
void Simulation::wait_for_host(int id, double issued) {
  Job& job = jobs_[id];
  const int u = contexts_[job.context].unit;
  UnitRt& unit = units_[u];
  --unit.holders;
  touch(u);
  job.phase = Phase::WAIT_GPU;
  job.host_waited = true;
  if (!unit.mps) {
    unit.active = -1;
    if (!unit.ready.empty()) {
      acted(u, MechanismId::TIME_SLICE);  // another context runs while this one waits for its host
      const int next = unit.ready.front();
      unit.ready.pop_front();
      activate(u, next);
    }
  }
  Timer::set(issued, [this, id] { request_gpu(id); });
}

// The job's current kernel is launched: its demand at this batch, then the SMs it needs (MPS) or the unit
// it holds alone (time-slice).
void Simulation::begin_kernel(int id) {
  Job& j = jobs_[id];
  const Stream& s = streams_[j.stream];
  const UnitRt& u = units_[contexts_[j.context].unit];
  const StageSpec& stage = s.spec->stages[j.stage];
  // MPS: another context's kernel launched ahead is still in its launch gap: it has not claimed its SMs yet.
  if (const int gap = in_launch_gap(u); gap >= 0 && gap != id) unlaunch(gap);
  prepare_kernel(id);
  j.launched = now();
  if (j.kernel_work == 0 && j.kernel_bytes == 0) {
    on_done(id);  // nothing for SimGrid to do: only the launch was paid
    return;
  }
  j.granted = j.kernel_fit.occupancy;
  if (u.sm_wait && stage.kernels[j.kernel].shape.kind != KernelClass::FILL) {
    claim_sms(id, now());
  } else {
    // Time-sliced; or under MPS a kernel without geometry, or with sm_wait off: shares the SMs fluidly
    // (max-min) with whatever runs.
    run_kernel(id, 1.0, now());
  }
}

// The job's current kernel's demand at its batch: its launch's fit (tabulated at plan time; computed
// beyond the table), bytes and work.
void Simulation::prepare_kernel(int id) {
  Job& j = jobs_[id];
  const Stream& s = streams_[j.stream];
  const UnitRt& u = units_[contexts_[j.context].unit];
  const StageSpec& stage = s.spec->stages[j.stage];
  const double b = stage.per_item ? j.items : j.batch;
  const KernelCost& k = (*s.stage_kernels)[j.stage][j.kernel];
  // The launch's fit at this batch (tabulated at plan time; computed beyond the table).
  const auto row = static_cast<std::size_t>(static_cast<int>(b) - k.first_batch);
  j.kernel_fit = b >= k.first_batch && row < k.fit.size()
                     ? k.fit[row]
                     : kernel_fit(stage.kernels[j.kernel], b, s.spec->precision, u.spec->spec,
                                  u.unit->sm_fraction, context_share(j.context));
  j.kernel_bytes = k.bytes_fixed + k.bytes_per_sample * b;
  j.kernel_work = k.work_per_sample * b;
  j.kernel_ws = -1;
}

// A kernel launched on a unit with no activity (no kernel running or waiting for SMs, no copy on its bus)
// starts at the gap's end `at` already, alone unless something starts on the unit first: its timer is set
// now for the date it would end, and the gap costs no timer of its own. The unit stays idle until `at`
// (its busy fractions switch then: integrate). Should a copy start on its bus, another context's kernel
// begin (MPS) or the clock change before `at`, it goes back to its launch gap (unlaunch), exactly as if it
// had waited for it. Returns false, having changed nothing that begin_kernel does not set again, where that
// does not apply (the trace records kernel starts as they happen; a kernel without compute may take no
// time).
bool Simulation::launch_ahead(int id, double at) {
  Job& j = jobs_[id];
  UnitRt& u = units_[contexts_[j.context].unit];
  if (trace_ || u.execs != 0 || u.solo >= 0 || !u.shared.empty() || u.sm_kernels != 0 ||
      !u.sm_waiting.empty()) {
    return false;
  }
  prepare_kernel(id);
  if (!(j.kernel_work > 0)) return false;
  j.launched = at;
  j.granted = j.kernel_fit.occupancy;
  const Stream& s = streams_[j.stream];
  if (u.sm_wait && s.spec->stages[j.stage].kernels[j.kernel].shape.kind != KernelClass::FILL) {
    claim_sms(id, at);  // every SM is free: it gets its first wave's share and runs
  } else {
    run_kernel(id, 1.0, at);
  }
  return true;
}

// The job launched ahead on the unit that has not started yet (its launch gap is not over), or -1.
int Simulation::in_launch_gap(const UnitRt& u) const {
  return u.solo >= 0 && jobs_[u.solo].solo_start > now() ? u.solo : -1;
}

// The kernel launched ahead goes back to its launch gap: something starts on its unit (or its clock changes)
// before the gap's end; it begins then as launched (begin_kernel).
void Simulation::unlaunch(int id) {
  Job& j = jobs_[id];
  const int unit = contexts_[j.context].unit;
  UnitRt& u = units_[unit];
  const double at = j.solo_start;
  j.solo_timer->remove();
  j.solo_timer = nullptr;
  u.solo = -1;
  u.switch_at = -1;
  j.kernel_running = false;
  count_power(id, false);
  if (j.kernel_ws >= 0) u.l2->remove(Bytes{j.kernel_ws});
  if (j.holds_sms) {  // MPS: the SMs it claimed on the empty unit are free again
    u.sm_held = --u.sm_kernels == 0 ? 0.0 : std::max(0.0, u.sm_held - j.granted);
    j.holds_sms = false;
  }
  touch(unit);
  Timer::set(at, [this, id] { begin_kernel(id); });
}

// MPS: a kernel's blocks go to the SMs the running kernels leave free, in launch order, and a running
// kernel is never pre-empted. The kernel takes the share of the SMs its first wave occupies if that much
// is free and no earlier kernel still waits; else what is free (it runs slower, on fewer SMs, and gets
// the rest as they free up); else it waits. It runs from `at` (now, or the end of its launch gap on an
// empty unit: launch_ahead).
void Simulation::claim_sms(int id, double at) {
  Job& j = jobs_[id];
  UnitRt& u = units_[contexts_[j.context].unit];
  const double free = 1.0 - u.sm_held;
  j.granted = 0;
  if (u.sm_waiting.empty() && free > kSmEpsilon) j.granted = std::min(free, j.kernel_fit.occupancy);
  // Fewer SMs than its first wave occupies, or none (it waits): with sm_wait off it would run at once at
  // its own stretch, sharing the SMs fluidly. A kernel that gets them all runs on the same hosts with the
  // same amounts either way, so that is the only difference sm_wait makes.
  if (j.granted < j.kernel_fit.occupancy - kSmEpsilon) {
    acted(contexts_[j.context].unit, MechanismId::SM_WAIT);
    u.sm_waiting.push_back(id);
  }
  if (j.granted == 0) return;
  j.holds_sms = true;
  u.sm_held += j.granted;
  ++u.sm_kernels;
  run_kernel(id, 1.0, at);
}

// MPS: the job's kernel ended and gives its SMs back; the waiting kernels take them in launch order (a
// running one that holds fewer than it needs is restarted at its larger share with the work it has left).
void Simulation::release_sms(int id) {
  Job& done = jobs_[id];
  UnitRt& u = units_[contexts_[done.context].unit];
  u.sm_held = --u.sm_kernels == 0 ? 0.0 : std::max(0.0, u.sm_held - done.granted);
  done.holds_sms = false;
  done.granted = 0;
  // It may have ended on part of the SMs it needed, before getting the rest.
  const auto it = std::find(u.sm_waiting.begin(), u.sm_waiting.end(), id);
  if (it != u.sm_waiting.end()) u.sm_waiting.erase(it);
  while (!u.sm_waiting.empty() && 1.0 - u.sm_held > kSmEpsilon) {
    const int w = u.sm_waiting.front();
    Job& j = jobs_[w];
    const double add = std::min(1.0 - u.sm_held, j.kernel_fit.occupancy - j.granted);
    const bool running = j.granted > 0;
    j.granted += add;
    u.sm_held += add;
    if (j.granted >= j.kernel_fit.occupancy - kSmEpsilon) u.sm_waiting.pop_front();
    if (!running) {
      j.holds_sms = true;
      ++u.sm_kernels;
      run_kernel(w, 1.0, now());
      continue;
    }
    if (stop_kernel(w)) run_kernel(w, j.kernel_left, now());
  }
}

// Stops the job's running kernel where it is and sets kernel_left to the part it has left; false (nothing
// stopped) when it ends in this instant anyway. The old activity is suspended first, so that it stops
// using the hosts and the bus now (a cancelled one keeps its share until SimGrid handles it, at its next
// event); marked, so that the completion callback ignores it; kept alive until SimGrid has handled it
// (released two clock advances later: sim/engine/power_control.cpp, account()).
bool Simulation::stop_kernel(int id) {
  Job& j = jobs_[id];
  Context& ctx = contexts_[j.context];
  UnitRt& u = units_[ctx.unit];
  if (u.solo == id) unsolo(ctx.unit);  // a timer kernel shares the unit with the part it has left
  if (j.shared) {                      // in the unit's shared set (sim/engine/shared.cpp)
    const double ratio = leave_shared(id);
    if (ratio <= kSmEpsilon) return false;  // it ends now anyway
    j.kernel_left *= ratio;
    return true;
  }
  if (!ctx.exec) return false;  // it ends now anyway
  const double ratio = ctx.exec->get_remaining_ratio();
  if (ratio <= kSmEpsilon) return false;  // it ends now anyway
  j.kernel_left *= ratio;
  ctx.exec->set_data(kCancelled);
  ctx.exec->suspend();
  ctx.exec->cancel();
  --u.execs;
  cancelled_.push_back(std::move(ctx.exec));
  return true;
}

// Power by the kind of SM work (sim/power_model.hpp): the kernel is counted in its unit's split between
// tensor-core and CUDA-core kernels while it runs, weighted by the share of its time alone it computes.
void Simulation::count_power(int id, bool running) {
  Job& j = jobs_[id];
  UnitRt& u = units_[contexts_[j.context].unit];
  if (running == j.power_counted) return;
  if (running) {
    const Stream& s = streams_[j.stream];
    const KernelSpec& k = s.spec->stages[j.stage].kernels[j.kernel];
    j.power_simt = !uses_tensor_cores(k.shape.kind, s.spec->precision, u.spec->spec);
    const double compute = j.kernel_work / u.speeds.front();
    const double memory = j.kernel_traffic / bus_bandwidth(u);
    j.power_weight = compute > 0 ? compute / std::max(compute, memory) : 0.0;
  }
  const double w = running ? j.power_weight : -j.power_weight;
  (j.power_simt ? u.weight_simt : u.weight_tensor) += w;
  if (!running) {  // exact zero when the last one leaves (no rounding residue)
    if (u.weight_simt < 1e-12) u.weight_simt = 0;
    if (u.weight_tensor < 1e-12) u.weight_tensor = 0;
  }
  j.power_counted = running;
  touch(contexts_[j.context].unit);
}

// Runs the part `left` of the job's current kernel (0 < left <= 1) from `at` (now, or the end of its launch
// gap: launch_ahead): alone on its unit as a timer (run_solo), else as an L07 parallel task (from now).
void Simulation::run_kernel(int id, double left, double at) {
  Job& j = jobs_[id];
  const Stream& s = streams_[j.stream];
  Context& ctx = contexts_[j.context];
  UnitRt& u = units_[ctx.unit];
  j.kernel_left = left;
  j.kernel_running = true;
  const double work = j.kernel_work * left;
  if (j.kernel_ws < 0) {  // its first start
    const StageSpec& stage = s.spec->stages[j.stage];
    const double b = stage.per_item ? j.items : j.batch;
    j.kernel_ws = l2_footprint(stage.kernels[j.kernel], b).v;
    u.l2->add(Bytes{j.kernel_ws});
    // L2 hits (sim/l2_model.hpp) cost a share of a device-memory byte on the bus (L2Cost); co-runners that
    // overflow the L2 with it take part of them away.
    const double kept = u.l2->kept();
    if (kept < 1.0) acted(contexts_[j.context].unit, MechanismId::L2);
    j.kernel_hits = l2_hit_bytes(stage.kernels[j.kernel], b, s.l2[j.stage]) * kept;
    j.kernel_traffic = j.kernel_bytes - j.kernel_hits * (1.0 - u.l2_cost.of(j.kernel_ws));
    if (trace_) trace_->kernel_started(id);
  }
  if (!j.power_counted) count_power(id, true);
  const double traffic = j.kernel_traffic * left;
  // On fewer SMs than its first wave needs (MPS), it runs that much slower.
  const double stretch = stretch_of(j);
  if (u.solo >= 0) unsolo(ctx.unit);  // another kernel on the unit (MPS): both share it from now on
  if (u.execs == 0 && u.solo < 0 && u.shared.empty() && run_solo(id, work, traffic, stretch, at)) return;
  if (can_share(u) && (work > 0 || traffic > 0)) {  // MPS with no SimGrid activity on the unit: shared.cpp
    share_kernel(id, work, traffic, stretch);
    return;
  }
  auto exec = sg::Exec::init();
  if (u.mps && stretch != 1.0) {
    // Beside the others on the unit's SMs and bus, at most as fast as alone on the SMs it holds
    // (the context's capping hosts: sim/engine/platform_builder.cpp).
    std::vector<double> moved(16, 0.0);
    if (u.bus_host) {
      exec->set_hosts({u.gpu, ctx.cap, ctx.cap_memory, u.bus_host});
      exec->set_flops_amounts({work, work * stretch, traffic * stretch, traffic});
    } else {
      exec->set_hosts({u.gpu, ctx.cap, ctx.cap_memory, u.mem});
      exec->set_flops_amounts({work, work * stretch, traffic * stretch, 0.0});
      moved[3] = traffic;  // GPU -> memory: over the bus
    }
    exec->set_bytes_amounts(std::move(moved));
  } else {
    // Alone on its unit (time-slice) or filling it (MPS): its compute and bytes stretched, spread over
    // the stretched time; the share of the SMs it really keeps busy is read by the accounting.
    u.kernel_share = 1.0 / stretch;
    if (u.bus_host) {
      exec->set_hosts({u.gpu, u.bus_host});
      exec->set_flops_amounts({work * stretch, traffic * stretch});
      exec->set_bytes_amounts({0.0, 0.0, 0.0, 0.0});
    } else {
      exec->set_hosts({u.gpu, u.mem});
      exec->set_flops_amounts({work * stretch, 0.0});
      exec->set_bytes_amounts({0.0, traffic * stretch, 0.0, 0.0});
    }
  }
  exec->set_data(job_tag(id));
  ctx.exec = exec;
  if (++u.execs >= 2) u.bus_shared = true;  // see power_control.cpp, bandwidth_acted
  touch(ctx.unit);
  exec->start();
}

double Simulation::bus_bandwidth(const UnitRt& u) {
  return u.bus_host ? u.bus_host->get_speed() : u.bus->get_bandwidth();
}

// A kernel with nothing else on its unit (no other kernel, no copy on its bus) takes exactly what the
// parallel task above would take alone, max(compute / speed, bytes / bandwidth) over the resources it
// would use, so it runs as a timer: no SimGrid activity, no sharing to solve. Its busy fractions are
// what SimGrid's loads would read. Anything that starts on the unit while it runs makes it a parallel
// task again with the part it has left (unsolo), and a clock change re-times it (apply_pstate).
// Returns false when the kernel takes no time (SimGrid then handles it as before).
bool Simulation::run_solo(int id, double work, double traffic, double stretch, double at) {
  Job& j = jobs_[id];
  Context& ctx = contexts_[j.context];
  UnitRt& u = units_[ctx.unit];
  const double speed = u.gpu->get_speed();
  const double bandwidth = bus_bandwidth(u);
  double flops = 0, bytes = 0, time = 0;  // on the GPU host and over the bus
  if (u.mps && stretch != 1.0) {
    flops = work;
    bytes = traffic;
    time = std::max({work / speed, work * stretch / ctx.cap->get_speed(),
                     traffic * stretch / ctx.cap_memory->get_speed(), traffic / bandwidth});
  } else {
    flops = work * stretch;
    bytes = traffic * stretch;
    time = std::max(flops / speed, bytes / bandwidth);
  }
  if (!(time > 0) || !std::isfinite(time)) return false;
  if (!(u.mps && stretch != 1.0)) u.kernel_share = 1.0 / stretch;
  u.solo = id;
  u.solo_compute = std::min(1.0, flops / (time * speed)) * u.kernel_share;
  u.solo_bandwidth = std::min(1.0, bytes / (time * bandwidth));
  j.solo_start = at;
  j.solo_time = time;
  j.solo_timer = Timer::set(at + time, [this, id] { solo_done(id); });
  touch(ctx.unit);
  return true;
}

// The unit's timer kernel (run_solo) becomes a parallel task with the part it has left: something else
// starts on the unit now and shares it.
void Simulation::unsolo(int unit) {
  UnitRt& u = units_[unit];
  const int id = u.solo;
  if (id < 0) return;
  if (in_launch_gap(u) == id) {
    unlaunch(id);
    return;
  }
  Job& j = jobs_[id];
  const double done = std::clamp((now() - j.solo_start) / j.solo_time, 0.0, 1.0);
  if (done >= 1.0) return;  // it ends now: its timer is due in this instant
  j.solo_timer->remove();
  j.solo_timer = nullptr;
  u.solo = -1;
  const double left = j.kernel_left * (1.0 - done);
  if (can_share(u)) {  // MPS, no SimGrid activity on the unit: it joins the unit's shared set (shared.cpp)
    j.kernel_left = left;
    share_kernel(id, j.kernel_work * left, j.kernel_traffic * left, stretch_of(j));
    return;
  }
  ++u.execs;  // counted before run_kernel looks, so that it starts a parallel task
  run_kernel(id, left, now());
  --u.execs;
}

void Simulation::solo_done(int id) {
  Job& j = jobs_[id];
  UnitRt& u = units_[contexts_[j.context].unit];
  j.solo_timer = nullptr;
  u.solo = -1;
  on_done(id);
}

void Simulation::on_done(int id) {
  Job& job = jobs_[id];
  last_event_ = now();
  if (job.phase == Phase::H2D || job.phase == Phase::D2H) touch_copies(contexts_[job.context].unit);
  if (trace_) trace_->activity_done(id);
  if (job.phase == Phase::H2D) {
    request_gpu(id);
    return;
  }
  if (job.phase == Phase::D2H) {
    finish_job(id);
    return;
  }
  const int u = contexts_[job.context].unit;
  UnitRt& unit = units_[u];
  touch(u);
  job.kernel_running = false;
  count_power(id, false);
  if (job.kernel_ws >= 0) {
    unit.l2->remove(Bytes{job.kernel_ws});
  }
  if (job.holds_sms) release_sms(id);
  ++result_.kernels;
  ++unit.record.kernels;
  const Stream& st = streams_[job.stream];
  if (++job.kernel < (*st.stage_kernels)[job.stage].size()) {
    continue_gpu(id);
    return;
  }
  if (st.record_stages) result_.stages[job.stage_record].finish = now();
  if (!enter_stage(id, static_cast<std::uint16_t>(job.stage + 1))) end_gpu(id);
}

}  // namespace gpusim
