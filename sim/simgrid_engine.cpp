// Requests, jobs and kernels on SimGrid: admission, dynamic batching, time-slicing between contexts,
// host-link copies, the L2 model and the launch of each kernel. See sim/simulation.hpp for the platform.

#include "sim/simgrid_engine.hpp"

#include <fmt/format.h>
#include <simgrid/kernel/Timer.hpp>

#include <algorithm>

#include "core/errors.hpp"
#include "sim/simulation.hpp"

namespace gpusim {
namespace {
using simgrid::kernel::timer::Timer;
double now() { return sg::Engine::get_clock(); }
void* tag(int job) { return reinterpret_cast<void*>(static_cast<std::uintptr_t>(job)); }
}  // namespace

RequestView Simulation::view_of(std::uint32_t req) const {
  const RequestRecord& r = result_.requests[req];
  const Stream& st = streams_[r.stream];
  RequestView v;
  v.id = req;
  v.stream = static_cast<int>(r.stream);
  v.arrival = Seconds{r.arrival};
  if (st.spec->sla) v.deadline = Seconds{r.arrival} + *st.spec->sla;
  v.priority = st.spec->priority;
  v.predicted_service = Seconds{st.predicted_service};
  return v;
}

UnitState Simulation::state_of(int unit) const {
  const UnitRt& u = units_[unit];
  UnitState s;
  s.unit = unit;
  s.now = Seconds{now()};
  s.running = u.running;
  s.waiting = static_cast<int>(u.waiting);
  // Predicted end of the queued work and of what is running (each job's predicted time, less its age).
  double running_left = 0;
  for (const auto& c : contexts_) {
    if (c.unit != unit || c.job < 0) continue;
    const Job& j = jobs_[c.job];
    running_left += std::max(0.0, j.start + j.predicted - now());
  }
  s.busy_until = s.now + Seconds{u.queued_work + running_left};
  return s;
}

void Simulation::on_arrival(std::uint32_t s) {
  Stream& st = streams_[s];
  ++st.arrivals;
  const auto req = static_cast<std::uint32_t>(result_.requests.size());
  RequestRecord r;
  r.stream = s;
  r.arrival = now();
  last_event_ = r.arrival;
  result_.requests.push_back(r);
  items_.push_back(static_cast<std::uint16_t>(st.spec->fanout ? draw_items(st) : 1));
  UnitRt& unit = units_[st.unit];
  Context& ctx = contexts_[st.context];
  if (policy_ && !policy_->admit(view_of(req), state_of(st.unit))) {
    result_.requests[req].status = RequestStatus::DROPPED;
  } else if (ctx.job >= 0 && unit.spec->queue_limit > 0 &&
             unit.waiting >= static_cast<std::size_t>(unit.spec->queue_limit)) {
    result_.requests[req].status = RequestStatus::DROPPED;
  } else {
    ctx.waiting.push_back(req);
    ++unit.waiting;
    unit.queued_work += st.predicted_service;
    try_start(st.context);
  }
  schedule_next_arrival(s);
}

// Index in the context's queue of the request to serve next: the policy's pick, or the oldest.
std::size_t Simulation::pick_first(int c) {
  const Context& ctx = contexts_[c];
  if (!policy_ || ctx.waiting.size() < 2) return 0;
  std::vector<RequestView> waiting;
  waiting.reserve(ctx.waiting.size());
  for (auto req : ctx.waiting) waiting.push_back(view_of(req));
  const std::size_t index = policy_->pick(state_of(ctx.unit), waiting);
  if (index >= waiting.size()) {
    throw PolicyError(fmt::format("scheduler '{}' at t={:.6f}s: pick() returned {} for {} waiting requests",
                                  plan_.scheduler(), now(), index, waiting.size()));
  }
  return index;
}

// Starts the context's next job when it is free: one request, or with dynamic batching up to max_batch
// samples of its workload once max_batch samples wait or the oldest has waited max_delay.
void Simulation::try_start(int c) {
  Context& ctx = contexts_[c];
  if (ctx.job >= 0 || ctx.waiting.empty()) return;
  const std::size_t first = pick_first(c);
  std::vector<std::uint32_t> take{ctx.waiting[first]};
  ctx.waiting.erase(ctx.waiting.begin() + static_cast<std::ptrdiff_t>(first));
  if (ctx.batching) {
    const int max_batch = ctx.batching->max_batch;
    int samples = streams_[result_.requests[take[0]].stream].spec->batch;
    int waiting_samples = samples;
    for (auto r : ctx.waiting) waiting_samples += streams_[result_.requests[r].stream].spec->batch;
    const double oldest = result_.requests[take[0]].arrival;
    if (waiting_samples < max_batch && now() < oldest + ctx.batching->max_delay.v) {
      ctx.waiting.insert(ctx.waiting.begin() + static_cast<std::ptrdiff_t>(first), take[0]);
      if (!ctx.delay_timer) {
        ctx.delay_timer = true;
        Timer::set(oldest + ctx.batching->max_delay.v, [this, c] {
          contexts_[c].delay_timer = false;
          try_start(c);
        });
      }
      return;
    }
    while (!ctx.waiting.empty()) {
      const int b = streams_[result_.requests[ctx.waiting.front()].stream].spec->batch;
      if (samples + b > max_batch) break;
      samples += b;
      take.push_back(ctx.waiting.front());
      ctx.waiting.pop_front();
    }
  }
  start_job(c, std::move(take));
}

void Simulation::start_job(int c, std::vector<std::uint32_t> requests) {
  const int id = static_cast<int>(jobs_.size());
  Job job;
  job.context = c;
  job.stream = static_cast<int>(result_.requests[requests.front()].stream);
  UnitRt& unit = units_[contexts_[c].unit];
  for (auto r : requests) {
    const Stream& st = streams_[result_.requests[r].stream];
    job.batch += st.spec->batch;
    job.items += items_[r];
    result_.requests[r].start = now();
    job.predicted += st.predicted_service;
    --unit.waiting;
    unit.queued_work -= st.predicted_service;
    ++unit.running;
  }
  job.start = now();
  job.requests = std::move(requests);
  jobs_.push_back(std::move(job));
  contexts_[c].job = id;
  ++jobs_in_flight_;
  const StreamSpec& spec = *streams_[jobs_[id].stream].spec;
  const StageSpec& first = spec.stages.front();
  const int first_batch = first.per_item ? jobs_[id].items : jobs_[id].batch;
  copy(id, first.input_bytes.v * first_batch, true);
}

// Host <-> device copy over the node's PCIe link (and the unit's memory bus); skipped when empty or off.
void Simulation::copy(int id, double bytes, bool to_device) {
  Job& job = jobs_[id];
  job.phase = to_device ? Phase::H2D : Phase::D2H;
  const UnitRt& unit = units_[contexts_[job.context].unit];
  const DeviceRt& dev = devices_[unit.unit->device];
  if (!mech_.pcie || bytes <= 0 || !dev.pcie) {
    if (to_device) {
      request_gpu(id);
    } else {
      finish_job(id);
    }
    return;
  }
  auto exec = sg::Exec::init();
  exec->set_hosts({dev.cpu, unit.mem});
  exec->set_flops_amounts({0.0, 0.0});
  exec->set_bytes_amounts({0.0, to_device ? bytes : 0.0, to_device ? 0.0 : bytes, 0.0});
  exec->set_data(tag(id));
  contexts_[job.context].exec = exec;
  exec->start();
}

// Time-sliced units give the GPU to one context at a time (round robin among the waiting ones);
// MPS units let every context in at once.
void Simulation::request_gpu(int id) {
  Job& job = jobs_[id];
  job.phase = Phase::WAIT_GPU;
  const int u = contexts_[job.context].unit;
  UnitRt& unit = units_[u];
  if (unit.mps) {
    ++unit.holders;
    job.phase = Phase::GPU;
    continue_gpu(id);
  } else if (unit.active < 0) {
    activate(u, job.context);
  } else {
    unit.ready.push_back(job.context);
  }
}

void Simulation::activate(int u, int c) {
  UnitRt& unit = units_[u];
  const bool switching = unit.last >= 0 && unit.last != c;
  const double cost = switching && mech_.time_slice ? mech_.switch_cost.v : 0.0;
  if (switching) ++unit.record.switches;
  unit.active = c;
  unit.last = c;
  ++unit.holders;
  unit.slice_end = now() + cost + mech_.slice.v;
  const int id = contexts_[c].job;
  jobs_[id].phase = Phase::GPU;
  if (cost > 0) {
    Timer::set(now() + cost, [this, id] { continue_gpu(id); });
  } else {
    continue_gpu(id);
  }
}

// Runs the job's next kernel, unless its slice is over and another context waits: then it yields.
void Simulation::continue_gpu(int id) {
  Job& job = jobs_[id];
  const int u = contexts_[job.context].unit;
  UnitRt& unit = units_[u];
  if (!unit.mps && job.gpu_started && now() >= unit.slice_end - 1e-15 && !unit.ready.empty()) {
    job.phase = Phase::WAIT_GPU;
    unit.ready.push_back(job.context);
    unit.active = -1;
    --unit.holders;
    const int next = unit.ready.front();
    unit.ready.pop_front();
    activate(u, next);
    return;
  }
  if (!job.gpu_started) {
    job.gpu_started = true;
    if (!enter_stage(id, 0)) end_gpu(id);
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
    if (batch_of(spec.stages[stage]) > 0 && !st.stage_kernels[stage].empty()) break;
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

// Starts the job's current kernel after the device's launch overhead.
void Simulation::launch_kernel(int id) {
  const Job& job = jobs_[id];
  const UnitRt& unit = units_[contexts_[job.context].unit];
  const double overhead = mech_.launch_overhead ? unit.spec->spec.launch_overhead.v : 0.0;
  auto go = [this, id] {
    Job& j = jobs_[id];
    const Stream& s = streams_[j.stream];
    Context& ctx = contexts_[j.context];
    UnitRt& u = units_[ctx.unit];
    const StageSpec& stage = s.spec->stages[j.stage];
    const double b = stage.per_item ? j.items : j.batch;
    const KernelCost& k = s.stage_kernels[j.stage][j.kernel];
    const double work = k.work_per_sample * b;
    const double bytes = k.bytes_fixed + k.bytes_per_sample * b;
    j.kernel_ws = bytes;
    if (work == 0 && bytes == 0) {
      j.kernel_ws = -1;
      on_done(id);  // nothing for SimGrid to do: only the launch was paid
      return;
    }
    auto exec = sg::Exec::init();
    if (ctx.cap) {
      exec->set_hosts({u.gpu, ctx.cap, u.mem});
      exec->set_flops_amounts({work, work, 0.0});
      exec->set_bytes_amounts({0.0, 0.0, bytes, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0});
    } else {
      exec->set_hosts({u.gpu, u.mem});
      exec->set_flops_amounts({work, 0.0});
      exec->set_bytes_amounts({0.0, bytes, 0.0, 0.0});
    }
    exec->set_data(tag(id));
    ctx.exec = exec;
    u.working_sets.insert(bytes);
    update_l2(u);
    exec->start();
  };
  if (overhead > 0) {
    Timer::set(now() + overhead, go);
  } else {
    go();
  }
}

// L2 interference: when the working sets of the kernels running on a unit together overflow its L2
// (beyond what the largest one alone already overflows), the bus loses bandwidth:
// factor = 1 + sensitivity x min(1, overflow / L2), overflow = sum - max(L2, largest).
void Simulation::update_l2(UnitRt& u) {
  double factor = 1.0;
  if (mech_.l2 && u.working_sets.size() > 1) {
    double sum = 0;
    for (double w : u.working_sets) sum += w;
    const double l2 = u.unit->l2.v;
    const double overflow = std::max(0.0, sum - std::max(l2, *u.working_sets.rbegin()));
    factor = 1.0 + mech_.l2_sensitivity * std::min(1.0, overflow / l2);
  }
  if (factor != u.l2_factor) {
    u.l2_factor = factor;
    u.bus->set_bandwidth(u.bus_bandwidth / factor);
  }
}

void Simulation::on_done(int id) {
  Job& job = jobs_[id];
  last_event_ = now();
  if (job.phase == Phase::H2D) {
    request_gpu(id);
    return;
  }
  if (job.phase == Phase::D2H) {
    finish_job(id);
    return;
  }
  UnitRt& unit = units_[contexts_[job.context].unit];
  if (job.kernel_ws >= 0) {
    unit.working_sets.erase(unit.working_sets.find(job.kernel_ws));
    update_l2(unit);
  }
  ++result_.kernels;
  ++unit.record.kernels;
  const Stream& st = streams_[job.stream];
  if (++job.kernel < st.stage_kernels[job.stage].size()) {
    continue_gpu(id);
    return;
  }
  if (st.record_stages) result_.stages[job.stage_record].finish = now();
  if (!enter_stage(id, static_cast<std::uint16_t>(job.stage + 1))) end_gpu(id);
}

void Simulation::end_gpu(int id) {
  Job& job = jobs_[id];
  const int u = contexts_[job.context].unit;
  UnitRt& unit = units_[u];
  --unit.holders;
  if (!unit.mps) {
    unit.active = -1;
    if (!unit.ready.empty()) {
      const int next = unit.ready.front();
      unit.ready.pop_front();
      activate(u, next);
    }
  }
  const StreamSpec& spec = *streams_[job.stream].spec;
  double out = 0;
  for (std::size_t s = 0; s < spec.stages.size(); ++s) {
    bool leaf = true;
    for (const auto& other : spec.stages) {
      for (int a : other.after) leaf = leaf && a != static_cast<int>(s);
    }
    if (leaf) out += spec.stages[s].output_bytes.v * (spec.stages[s].per_item ? job.items : job.batch);
  }
  copy(id, out, false);
}

void Simulation::finish_job(int id) {
  Job& job = jobs_[id];
  Context& ctx = contexts_[job.context];
  UnitRt& unit = units_[ctx.unit];
  for (auto r : job.requests) {
    result_.requests[r].finish = now();
    result_.requests[r].status = RequestStatus::COMPLETED;
    --unit.running;
  }
  ctx.exec = nullptr;
  ctx.job = -1;
  --jobs_in_flight_;
  last_event_ = now();
  try_start(job.context);
}

}  // namespace gpusim
