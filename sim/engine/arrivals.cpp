// Arrivals on SimGrid: a timer per stream for its next arrival, the host pre-processing of each request
// (a timer), and its admission (the policy's admit(), the unit's queue limit) into its context's queue. The views a per-request policy
// sees of a request and of a unit are built here too.

#include <algorithm>
#include <simgrid/kernel/Timer.hpp>

#include "sim/engine/simulation.hpp"
#include "sim/engine/trace.hpp"

namespace gpusim {

void Simulation::schedule_arrival(std::uint32_t s) {
  Stream& st = streams_[s];
  const std::optional<Seconds> t = st.arrivals.next(st.rng);
  if (t && t->v < window_end_) {
    simgrid::kernel::timer::Timer::set(t->v, [this, s, at = t->v] { on_arrival(s, at); });
  }
}

// `at` is the arrival's own time: SimGrid's clock reaches it as a sum of steps, which may differ from it
// in the last bit depending on the other events of the engine.
void Simulation::on_arrival(std::uint32_t s, double at) {
  Stream& st = streams_[s];
  if (devices_[units_[st.unit].device].record.stopped_at >= 0) return;  // stopped: no more arrivals
  const auto req = static_cast<std::uint32_t>(result_.requests.size());
  RequestRecord r;
  r.stream = s;
  r.arrival = at;
  last_event_ = r.arrival;
  result_.requests.push_back(r);
  items_.push_back(static_cast<std::uint16_t>(
      st.spec->fanout ? draw_fanout(*st.spec->fanout, st.spec->batch, st.rng) : 1));
  const double pre = st.spec->host_pre.v;
  if (pre > 0) {
    // Host pre-processing (its own thread): the request reaches its device's queue afterwards.
    simgrid::kernel::timer::Timer::set(at + pre, [this, s, req] { enqueue(s, req); });
  } else {
    enqueue(s, req);
  }
  schedule_arrival(s);
}

// Admission of a request into its context's queue (the policy's admit(), the unit's queue limit).
void Simulation::enqueue(std::uint32_t s, std::uint32_t req) {
  Stream& st = streams_[s];
  UnitRt& unit = units_[st.unit];
  Context& ctx = contexts_[st.context];
  if (devices_[unit.device].record.stopped_at >= 0) {
    result_.requests[req].status = RequestStatus::DROPPED;  // after its host pre-processing, on a stopped device
  } else if (policy_ && !policy_->admit(view_of(req), state_of(st.unit))) {
    result_.requests[req].status = RequestStatus::DROPPED;
    missed(req);
  } else if (ctx.job >= 0 && unit.spec->queue_limit > 0 &&
             unit.waiting >= static_cast<std::size_t>(unit.spec->queue_limit)) {
    result_.requests[req].status = RequestStatus::DROPPED;
    missed(req);
  } else {
    ctx.waiting.push_back(req);
    ++unit.waiting;
    unit.queued_work += st.predicted_service;
    try_start(st.context);
    if (trace_) trace_->queue_changed(st.unit);
  }
}

// Stop rules (Plan::stop_quantile): per device that has one, each workload's requests in the window, known
// before the run from its streams' generators.
void Simulation::build_stop_rules() {
  for (std::size_t d = 0; d < devices_.size(); ++d) {
    const double q = plan_.stop_quantile(device_global_[d]);
    if (q <= 0) continue;
    devices_[d].stop_quantile = q;
    devices_[d].window_requests.assign(sc_.workloads.streams.size(), 0);
    devices_[d].late.assign(sc_.workloads.streams.size(), 0);
  }
  for (std::size_t s = 0; s < streams_.size(); ++s) {
    const Stream& st = streams_[s];
    DeviceRt& dev = devices_[units_[st.unit].device];
    if (dev.late.empty() || !st.spec->sla) continue;
    const StreamInstance& id = plan_.placements()[static_cast<std::size_t>(stream_global_[s])].stream;
    dev.window_requests[st.workload] +=
        count_arrivals(*st.spec, stream_seed(sc_.workloads.run.seed, st.workload, id.instance), window_begin_,
                       window_end_, id.instance);
  }
}

// A request in the window that missed its SLA (finished late, or dropped) on a device with a stop rule: when
// its workload's attainment can no longer reach the quantile (the share met of all its window requests, as
// the analysis reads it), the device stops.
void Simulation::missed(std::uint32_t req) {
  const RequestRecord& r = result_.requests[req];
  const Stream& st = streams_[r.stream];
  const int d = units_[st.unit].device;
  DeviceRt& dev = devices_[d];
  if (dev.late.empty() || dev.record.stopped_at >= 0 || !st.spec->sla) return;
  if (r.arrival < window_begin_ || r.arrival >= window_end_) return;
  const auto w = static_cast<std::size_t>(st.workload);
  const std::uint64_t n = dev.window_requests[w];
  if (n == 0 || ++dev.late[w] > n) return;
  if (static_cast<double>(n - dev.late[w]) / static_cast<double>(n) < dev.stop_quantile) stop_device(d);
}

// Stops a device whose failure is certain: its queued requests are dropped and its later arrivals not
// simulated; the jobs it runs finish.
void Simulation::stop_device(int d) {
  DeviceRt& dev = devices_[d];
  dev.record.stopped_at = now();
  for (Context& c : contexts_) {
    if (units_[c.unit].device != d) continue;
    for (std::uint32_t req : c.waiting) result_.requests[req].status = RequestStatus::DROPPED;
    c.waiting.clear();
  }
  for (int u : dev.units) {
    units_[u].waiting = 0;
    units_[u].queued_work = 0;
  }
}

RequestView Simulation::view_of(std::uint32_t req) const {
  const RequestRecord& r = result_.requests[req];
  const Stream& st = streams_[r.stream];
  RequestView v;
  v.id = req;
  v.stream = stream_global_[r.stream];
  v.arrival = Seconds{r.arrival};
  if (st.spec->sla) v.deadline = Seconds{r.arrival} + *st.spec->sla;
  v.priority = st.spec->priority;
  v.predicted_service = Seconds{st.predicted_service};
  return v;
}

UnitState Simulation::state_of(int unit) const {
  const UnitRt& u = units_[unit];
  UnitState s;
  s.unit = unit_global_[unit];
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

}  // namespace gpusim
