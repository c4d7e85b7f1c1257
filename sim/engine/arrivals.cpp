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
    if (trace_) trace_->queue_changed(st.unit);
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
