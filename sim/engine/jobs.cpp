// Jobs on SimGrid: which waiting request a context serves next, dynamic batching, the host-link copies
// before and after the GPU part of a job, its completion and each request's host post-processing.

#include <fmt/format.h>

#include <simgrid/kernel/Timer.hpp>

#include "core/errors.hpp"
#include "sim/engine/simulation.hpp"
#include "sim/engine/trace.hpp"

namespace gpusim {

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
    // The oldest has waited since it reached the queue: its arrival plus its host pre-processing.
    const double oldest = result_.requests[take[0]].arrival +
                          streams_[result_.requests[take[0]].stream].spec->host_pre.v;
    if (waiting_samples < max_batch && now() < oldest + ctx.batching->max_delay.v) {
      ctx.waiting.insert(ctx.waiting.begin() + static_cast<std::ptrdiff_t>(first), take[0]);
      if (!ctx.delay_timer) {
        ctx.delay_timer = true;
        simgrid::kernel::timer::Timer::set(oldest + ctx.batching->max_delay.v, [this, c] {
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
  // A finished job's slot is reused: the jobs in flight, not every job of the run, stay in memory.
  int id = static_cast<int>(jobs_.size());
  if (!free_jobs_.empty()) {
    id = free_jobs_.back();
    free_jobs_.pop_back();
  }
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
  if (id == static_cast<int>(jobs_.size())) {
    jobs_.push_back(std::move(job));
  } else {
    jobs_[id] = std::move(job);
  }
  contexts_[c].job = id;
  ++devices_[unit.device].jobs;
  const StreamSpec& spec = *streams_[jobs_[id].stream].spec;
  const StageSpec& first = spec.stages.front();
  const int first_batch = first.per_item ? jobs_[id].items : jobs_[id].batch;
  copy(id, first.input_bytes.v * first_batch, true);
}

// Host <-> device copy over the node's PCIe link (and the unit's memory bus); skipped when empty or when
// the device has no host link (the pcie mechanism is off).
void Simulation::copy(int id, double bytes, bool to_device) {
  Job& job = jobs_[id];
  job.phase = to_device ? Phase::H2D : Phase::D2H;
  if (trace_) trace_->copy_started(id, bytes, to_device);
  const int u = contexts_[job.context].unit;
  UnitRt& unit = units_[u];
  const DeviceRt& dev = devices_[unit.device];
  if (bytes <= 0 || !dev.host_link()) {
    if (to_device) {
      request_gpu(id);
    } else {
      finish_job(id);
    }
    return;
  }
  acted(u, MechanismId::PCIE);
  if (dev.pcie_host && dev.units.size() == 1 && can_share(unit)) {  // sim/engine/shared.cpp
    unsolo(u);  // a kernel alone on the unit shares its bus with the copy from now on
    share_copy(id, bytes);
    touch_copies(u);
    return;
  }
  auto exec = sg::Exec::init();
  if (dev.pcie_host) {  // the bytes as work on the host link and the bus (bandwidth on: no route)
    exec->set_hosts({dev.pcie_host, unit.bus_host});
    exec->set_flops_amounts({bytes, bytes});
    exec->set_bytes_amounts({0.0, 0.0, 0.0, 0.0});
  } else {
    exec->set_hosts({dev.cpu, unit.mem});
    exec->set_flops_amounts({0.0, 0.0});
    exec->set_bytes_amounts({0.0, to_device ? bytes : 0.0, to_device ? 0.0 : bytes, 0.0});
  }
  exec->set_data(job_tag(id));
  contexts_[job.context].exec = exec;
  // The copy crosses the unit's bus: the kernels there share it from now on, as parallel tasks (counted
  // first, so that a kernel alone there becomes one too).
  unshare(u);
  ++unit.execs;
  unsolo(u);
  if (unit.execs >= 2) unit.bus_shared = true;  // see power_control.cpp, bandwidth_acted
  touch_copies(u);
  exec->start();
}

// Releases the GPU (a time-sliced unit hands it to the next waiting context) and copies the outputs of
// the job's leaf stages back to the host.
void Simulation::end_gpu(int id) {
  Job& job = jobs_[id];
  const int u = contexts_[job.context].unit;
  UnitRt& unit = units_[u];
  --unit.holders;
  touch(u);
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
  const double post = streams_[job.stream].spec->host_post.v;
  for (auto r : job.requests) {
    --unit.running;
    if (post > 0) {
      // Host post-processing (its own thread): the context is free now, the request done afterwards.
      simgrid::kernel::timer::Timer::set(now() + post, [this, r] { complete(r); });
    } else {
      complete(r);
    }
  }
  if (trace_) trace_->job_finished(id);
  ctx.exec = nullptr;
  ctx.job = -1;
  --devices_[unit.device].jobs;
  last_event_ = now();
  const int context = job.context;
  free_jobs_.push_back(id);  // nothing refers to it any more: timers and the trace are done with it
  try_start(context);
}

void Simulation::complete(std::uint32_t request) {
  RequestRecord& r = result_.requests[request];
  r.finish = now();
  r.status = RequestStatus::COMPLETED;
  last_event_ = now();
  const StreamSpec& spec = *streams_[r.stream].spec;
  if (spec.sla && r.finish - r.arrival > spec.sla->v * (1 + 1e-12)) missed(request);
}

}  // namespace gpusim
