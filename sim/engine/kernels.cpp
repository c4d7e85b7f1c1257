// The GPU part of a job on SimGrid: time-slicing between contexts (round robin, switch cost), stages and
// their kernels, the launch of each kernel as an L07 parallel task, the L2 hits each launch keeps, and
// the completion callback of every activity.

#include <algorithm>
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
  }
}

void Simulation::activate(int u, int c) {
  UnitRt& unit = units_[u];
  const bool switching = unit.last >= 0 && unit.last != c;
  const double cost = switching ? switch_cost_ : 0.0;
  if (switching) ++unit.record.switches;
  touch(u);
  if (trace_ && switching) trace_->switched(u, c, cost);
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
    touch(u);
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

// Starts the job's current kernel after the unit's launch overhead.
void Simulation::launch_kernel(int id) {
  const Job& job = jobs_[id];
  const double overhead = units_[contexts_[job.context].unit].launch_overhead;
  auto go = [this, id] {
    Job& j = jobs_[id];
    const Stream& s = streams_[j.stream];
    Context& ctx = contexts_[j.context];
    UnitRt& u = units_[ctx.unit];
    const StageSpec& stage = s.spec->stages[j.stage];
    const double b = stage.per_item ? j.items : j.batch;
    const KernelCost& k = (*s.stage_kernels)[j.stage][j.kernel];
    // The launch's stretch at this batch (tabulated at plan time; computed beyond the table).
    const auto row = static_cast<std::size_t>(static_cast<int>(b) - k.first_batch);
    const double stretch = b >= k.first_batch && row < k.stretch.size()
                               ? k.stretch[row]
                               : kernel_stretch(stage.kernels[j.kernel], b, s.spec->precision, u.spec->spec,
                                                u.unit->sm_fraction, context_share(j.context));
    const double bytes = k.bytes_fixed + k.bytes_per_sample * b;
    const double work = k.work_per_sample * b;
    j.kernel_ws = bytes;
    u.l2->add(Bytes{bytes});
    // L2 hits (sim/l2_model.hpp) cost l2_hit_cost of a device-memory byte on the bus; co-runners that
    // overflow the L2 with it take part of them away.
    const double hits = l2_hit_bytes(stage.kernels[j.kernel], b, s.l2[j.stage]) * u.l2->kept();
    j.kernel_hits = hits;
    const double traffic = bytes - hits * (1.0 - u.l2_hit_cost);
    if (work == 0 && bytes == 0) {
      u.l2->remove(Bytes{bytes});
      j.kernel_ws = -1;
      on_done(id);  // nothing for SimGrid to do: only the launch was paid
      return;
    }
    auto exec = sg::Exec::init();
    if (u.mps && stretch != 1.0) {
      // Beside the others on the unit's SMs and bus, at most as fast as alone on the SMs it holds
      // (the context's capping hosts: sim/engine/platform_builder.cpp).
      exec->set_hosts({u.gpu, ctx.cap, ctx.cap_memory, u.mem});
      exec->set_flops_amounts({work, work * stretch, traffic * stretch, 0.0});
      std::vector<double> moved(16, 0.0);
      moved[3] = traffic;  // GPU -> memory: over the bus
      exec->set_bytes_amounts(std::move(moved));
    } else {
      // Alone on its unit (time-slice) or filling it (MPS): its compute and bytes stretched, spread over
      // the stretched time; the share of the SMs it really keeps busy is read by the accounting.
      u.kernel_share = 1.0 / stretch;
      exec->set_hosts({u.gpu, u.mem});
      exec->set_flops_amounts({work * stretch, 0.0});
      exec->set_bytes_amounts({0.0, traffic * stretch, 0.0, 0.0});
    }
    exec->set_data(job_tag(id));
    ctx.exec = exec;
    touch(ctx.unit);
    if (trace_) trace_->kernel_started(id);
    exec->start();
  };
  if (overhead > 0) {
    Timer::set(now() + overhead, go);
  } else {
    go();
  }
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
  if (job.kernel_ws >= 0) {
    unit.l2->remove(Bytes{job.kernel_ws});
  }
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
