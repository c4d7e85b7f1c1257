// The SimGrid adapter: the only file of gpusim that includes SimGrid.
//
// Each device is two SimGrid hosts joined by one link: the GPU host executes the compute part of a kernel,
// a memory pseudo-host terminates the bytes, and the link between them is the memory bus (HBM/GDDR). A
// kernel is one L07 parallel task over both hosts, so alone it takes max(compute, bytes / bandwidth) and
// co-running kernels share both resources (the solver's max-min sharing). No actors: arrivals are kernel
// timers, and a kernel's completion callback starts the next kernel of its request.

#include "sim/simgrid_engine.hpp"

#include <simgrid/kernel/Timer.hpp>
#include <simgrid/s4u.hpp>
#include <sys/resource.h>
#include <xbt/log.h>

#include <chrono>
#include <cmath>
#include <cstdint>
#include <deque>
#include <limits>
#include <random>

#include <fmt/format.h>

#include "core/errors.hpp"
#include "core/logging.hpp"

namespace gpusim {
namespace {

namespace sg = simgrid::s4u;
using simgrid::kernel::timer::Timer;

// Compute is expressed in device-nanoseconds of full-device work: a GPU host runs 1e9 units per second
// at its boost clock, and a kernel of F FLOPs at precision p needs F / (peak_p x efficiency) x 1e9 units.
// Kernels of different precisions then share the SMs by time, as they do on the hardware.
constexpr double kWorkUnitsPerSecond = 1e9;

// SplitMix64 mixes the run seed with a stream index so each stream gets an independent generator.
std::uint64_t mix_seed(std::uint64_t seed, std::uint64_t stream) {
  std::uint64_t z = seed + 0x9E3779B97F4A7C15ULL * (stream + 1);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

// A uniform double in [0, 1) from the top 53 bits: portable across standard libraries.
double uniform01(std::mt19937_64& rng) { return static_cast<double>(rng() >> 11) * 0x1.0p-53; }

class Simulation {
 public:
  Simulation(const Scenario& sc, const Plan& plan, Scheduler* policy)
      : sc_(sc), plan_(plan), policy_(policy && policy->per_request() ? policy : nullptr) {}

  SimResult run();

 private:
  // Requests of a lane run one after the other. A time-sliced device has one lane for all its streams
  // (one context at a time, FIFO); an MPS device has one lane per stream (streams run concurrently).
  struct Lane {
    std::deque<std::uint32_t> waiting;
    bool busy = false;
    sg::ExecPtr exec;  // kept alive until it completes
  };
  // An execution unit (a device or a MIG slice) on SimGrid.
  struct UnitRt {
    const DeviceInstance* spec = nullptr;
    const Unit* unit = nullptr;
    sg::Host* gpu = nullptr;
    sg::Host* mem = nullptr;
    sg::Link* bus = nullptr;
    std::size_t waiting = 0;  // requests queued on all lanes
    int running = 0;          // requests in service
    double queued_work = 0;   // predicted service time of the waiting requests
    DeviceRecord record;
  };
  // A kernel's demand at batch b: compute work_per_sample x b, bytes bytes_fixed + bytes_per_sample x b.
  struct KernelCost {
    double work_per_sample = 0;
    double bytes_fixed = 0;
    double bytes_per_sample = 0;
  };
  struct Stream {
    const StreamSpec* spec = nullptr;
    int unit = 0;
    double predicted_service = 0;  // alone on its unit
    int lane = 0;
    std::mt19937_64 rng;
    double phase = 0;
    std::uint64_t arrivals = 0;
    double next_arrival = 0;
    std::vector<std::vector<KernelCost>> stage_kernels;  // per stage, per kernel
    bool record_stages = false;                          // pipelines record each stage
  };
  // Progress of a request through its stages and kernels.
  struct Progress {
    std::uint32_t kernel = 0;
    std::uint16_t stage = 0;
    std::uint16_t items = 1;  // fan-out of this request
    std::uint32_t stage_record = 0;
  };

  void build_platform();
  void schedule_first_arrival(std::uint32_t s);
  void schedule_next_arrival(std::uint32_t s);
  void on_arrival(std::uint32_t s);
  void start_request(int lane_id, std::uint32_t req);
  bool enter_stage(std::uint32_t req, std::uint16_t stage);
  void finish_request(std::uint32_t req);
  void launch_kernel(std::uint32_t req);
  int draw_items(Stream& st);
  void on_kernel_done(std::uint32_t req);
  void account(double dt);
  RequestView view_of(std::uint32_t req) const;
  UnitState state_of(int unit) const;
  std::uint32_t take_next(Lane& lane, int unit);

  const Scenario& sc_;
  const Plan& plan_;
  Scheduler* policy_;  // set only when the policy decides per request
  std::vector<UnitRt> units_;
  std::vector<Lane> lanes_;
  std::vector<Stream> streams_;
  std::vector<Progress> progress_;  // per request
  SimResult result_;
  double window_begin_ = 0;
  double window_end_ = 0;
  double horizon_ = 0;
  double last_event_ = 0;  // last arrival or kernel completion
};

void Simulation::build_platform() {
  auto* zone = sg::create_full_zone("gpusim");
  for (const auto& u : plan_.units) {
    const DeviceInstance& d = sc_.platform.devices[u.device];
    UnitRt rt;
    rt.spec = &d;
    rt.unit = &u;
    rt.gpu = zone->create_host(u.name, kWorkUnitsPerSecond * u.sm_fraction);
    rt.mem = zone->create_host(u.name + ".mem", 1.0);
    rt.bus = zone->create_link(u.name + ".bus", d.spec.achievable_bandwidth().v * u.bw_fraction)->set_latency(0)->seal();
    zone->add_route(rt.gpu->get_netpoint(), rt.mem->get_netpoint(), nullptr, nullptr, {sg::LinkInRoute(rt.bus)},
                    true);
    units_.push_back(rt);
  }
  zone->seal();
}

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
  s.now = Seconds{sg::Engine::get_clock()};
  s.running = u.running;
  s.waiting = static_cast<int>(u.waiting);
  s.busy_until = s.now + Seconds{u.queued_work};
  return s;
}

// The next request a free lane serves: the policy's pick, or the oldest.
std::uint32_t Simulation::take_next(Lane& lane, int unit) {
  std::size_t index = 0;
  if (policy_ && lane.waiting.size() > 1) {
    std::vector<RequestView> waiting;
    waiting.reserve(lane.waiting.size());
    for (auto req : lane.waiting) waiting.push_back(view_of(req));
    index = policy_->pick(state_of(unit), waiting);
    if (index >= waiting.size()) {
      throw PolicyError(fmt::format("scheduler '{}' at t={:.6f}s: pick() returned {} for {} waiting requests",
                                    plan_.scheduler, sg::Engine::get_clock(), index, waiting.size()));
    }
  }
  const std::uint32_t req = lane.waiting[index];
  lane.waiting.erase(lane.waiting.begin() + static_cast<std::ptrdiff_t>(index));
  UnitRt& u = units_[unit];
  --u.waiting;
  u.queued_work -= streams_[result_.requests[req].stream].predicted_service;
  return req;
}

void Simulation::schedule_first_arrival(std::uint32_t s) {
  Stream& st = streams_[s];
  const ArrivalSpec& a = st.spec->arrival;
  switch (a.kind) {
    case ArrivalKind::PERIODIC:
      // Cameras are not synchronised: each stream starts at a random phase within its first period.
      st.phase = uniform01(st.rng) / a.rate.v;
      st.next_arrival = st.phase;
      break;
    case ArrivalKind::POISSON:
      st.next_arrival = -std::log1p(-uniform01(st.rng)) / a.rate.v;
      break;
    case ArrivalKind::TRACE:
      st.next_arrival = a.trace.front().v;
      break;
  }
  if (st.next_arrival < sc_.workloads.run.duration.v) Timer::set(st.next_arrival, [this, s] { on_arrival(s); });
}

void Simulation::schedule_next_arrival(std::uint32_t s) {
  Stream& st = streams_[s];
  const ArrivalSpec& a = st.spec->arrival;
  switch (a.kind) {
    case ArrivalKind::PERIODIC:
      st.next_arrival = st.phase + static_cast<double>(st.arrivals) / a.rate.v;
      break;
    case ArrivalKind::POISSON:
      st.next_arrival += -std::log1p(-uniform01(st.rng)) / a.rate.v;
      break;
    case ArrivalKind::TRACE:
      if (st.arrivals >= a.trace.size()) return;
      st.next_arrival = a.trace[st.arrivals].v;
      break;
  }
  if (st.next_arrival < sc_.workloads.run.duration.v) Timer::set(st.next_arrival, [this, s] { on_arrival(s); });
}

void Simulation::on_arrival(std::uint32_t s) {
  Stream& st = streams_[s];
  ++st.arrivals;
  const auto req = static_cast<std::uint32_t>(result_.requests.size());
  RequestRecord r;
  r.stream = s;
  r.arrival = sg::Engine::get_clock();
  last_event_ = r.arrival;
  result_.requests.push_back(r);
  Progress p;
  p.items = static_cast<std::uint16_t>(st.spec->fanout ? draw_items(st) : 1);
  progress_.push_back(p);
  UnitRt& unit = units_[st.unit];
  Lane& lane = lanes_[st.lane];
  if (policy_ && !policy_->admit(view_of(req), state_of(st.unit))) {
    result_.requests[req].status = RequestStatus::DROPPED;
  } else if (!lane.busy) {
    start_request(st.lane, req);
  } else if (unit.spec->queue_limit > 0 && unit.waiting >= static_cast<std::size_t>(unit.spec->queue_limit)) {
    result_.requests[req].status = RequestStatus::DROPPED;
  } else {
    lane.waiting.push_back(req);
    ++unit.waiting;
    unit.queued_work += st.predicted_service;
  }
  schedule_next_arrival(s);
}

// Items (faces) of one request: the sum of one draw per frame of the batch, each capped at the maximum.
int Simulation::draw_items(Stream& st) {
  const FanoutSpec& f = *st.spec->fanout;
  int total = 0;
  for (int frame = 0; frame < st.spec->batch; ++frame) {
    int k = 0;
    switch (f.kind) {
      case FanoutSpec::Kind::FIXED:
        k = static_cast<int>(f.mean);
        break;
      case FanoutSpec::Kind::UNIFORM:
        k = f.min + static_cast<int>(uniform01(st.rng) * (f.max - f.min + 1));
        break;
      case FanoutSpec::Kind::POISSON: {
        // Inversion by sequential search: exact and portable for the small means of a fan-out.
        const double u = uniform01(st.rng);
        double p = std::exp(-f.mean);
        double cdf = p;
        while (u > cdf && k < f.max) {
          ++k;
          p *= f.mean / k;
          cdf += p;
        }
        break;
      }
    }
    total += std::min(k, f.max);
  }
  return std::min(total, 65535 / std::max(1, st.spec->batch));
}

void Simulation::start_request(int lane_id, std::uint32_t req) {
  lanes_[lane_id].busy = true;
  ++units_[streams_[result_.requests[req].stream].unit].running;
  result_.requests[req].start = sg::Engine::get_clock();
  if (!enter_stage(req, 0)) finish_request(req);
}

// Moves a request to the first stage at or after `stage` that has work, and launches its first kernel.
// Returns false when no stage is left.
bool Simulation::enter_stage(std::uint32_t req, std::uint16_t stage) {
  Progress& p = progress_[req];
  const Stream& st = streams_[result_.requests[req].stream];
  const StreamSpec& spec = *st.spec;
  for (; stage < spec.stages.size(); ++stage) {
    if (spec.stage_batch(spec.stages[stage], p.items) > 0 && !st.stage_kernels[stage].empty()) break;
  }
  if (stage >= spec.stages.size()) return false;
  p.stage = stage;
  p.kernel = 0;
  if (st.record_stages) {
    p.stage_record = static_cast<std::uint32_t>(result_.stages.size());
    StageRecord rec;
    rec.request = req;
    rec.stage = stage;
    rec.batch = static_cast<std::uint16_t>(spec.stage_batch(spec.stages[stage], p.items));
    rec.start = sg::Engine::get_clock();
    result_.stages.push_back(rec);
  }
  launch_kernel(req);
  return true;
}

// Starts the current kernel of a request after the device's launch overhead.
void Simulation::launch_kernel(std::uint32_t req) {
  const Stream& st = streams_[result_.requests[req].stream];
  const double overhead = units_[st.unit].spec->spec.launch_overhead.v;
  auto go = [this, req] {
    const Stream& s = streams_[result_.requests[req].stream];
    const UnitRt& dev = units_[s.unit];
    const Progress& p = progress_[req];
    const double b = s.spec->stage_batch(s.spec->stages[p.stage], p.items);
    const KernelCost& k = s.stage_kernels[p.stage][p.kernel];
    if (k.work_per_sample == 0 && k.bytes_fixed + k.bytes_per_sample * b == 0) {
      on_kernel_done(req);  // nothing for SimGrid to do: only the launch was paid
      return;
    }
    auto exec = sg::Exec::init();
    exec->set_hosts({dev.gpu, dev.mem});
    exec->set_flops_amounts({k.work_per_sample * b, 0.0});
    exec->set_bytes_amounts({0.0, k.bytes_fixed + k.bytes_per_sample * b, 0.0, 0.0});
    exec->set_data(reinterpret_cast<void*>(static_cast<std::uintptr_t>(req)));
    lanes_[s.lane].exec = exec;
    exec->start();
  };
  if (overhead > 0) {
    Timer::set(sg::Engine::get_clock() + overhead, go);
  } else {
    go();
  }
}

void Simulation::on_kernel_done(std::uint32_t req) {
  const Stream& st = streams_[result_.requests[req].stream];
  UnitRt& dev = units_[st.unit];
  ++result_.kernels;
  ++dev.record.kernels;
  last_event_ = sg::Engine::get_clock();
  Progress& p = progress_[req];
  if (++p.kernel < st.stage_kernels[p.stage].size()) {
    launch_kernel(req);
    return;
  }
  if (st.record_stages) result_.stages[p.stage_record].finish = last_event_;
  if (!enter_stage(req, static_cast<std::uint16_t>(p.stage + 1))) finish_request(req);
}

void Simulation::finish_request(std::uint32_t req) {
  const Stream& st = streams_[result_.requests[req].stream];
  RequestRecord& r = result_.requests[req];
  r.finish = sg::Engine::get_clock();
  r.status = RequestStatus::COMPLETED;
  --units_[st.unit].running;
  Lane& lane = lanes_[st.lane];
  lane.exec = nullptr;
  lane.busy = false;
  if (!lane.waiting.empty()) start_request(st.lane, take_next(lane, st.unit));
}

// Integrates utilisation over the measured window; called by SimGrid each time the clock advances,
// before the activities that ended at the new date are removed, so the load is the one of the interval.
void Simulation::account(double dt) {
  const double now = sg::Engine::get_clock();
  const double from = std::max(now - dt, window_begin_);
  const double to = std::min(now, window_end_);
  if (to <= from) return;
  const double span = to - from;
  for (auto& d : units_) {
    d.record.compute_busy += std::min(1.0, d.gpu->get_load() / d.gpu->get_speed()) * span;
    d.record.bandwidth_busy += std::min(1.0, d.bus->get_usage() / d.bus->get_bandwidth()) * span;
  }
}

SimResult Simulation::run() {
  const auto wall_start = std::chrono::steady_clock::now();
  xbt_log_control_set("root.thres:critical");
  sg::Engine engine("gpusim");
  sg::Engine::set_config("host/model:ptask_L07");
  sg::Engine::set_config("network/model:CM02");
  sg::Engine::set_config("network/crosstraffic:0");
  set_sim_clock([] { return sg::Engine::get_clock(); });
  build_platform();

  const RunSpec& run = sc_.workloads.run;
  window_begin_ = run.warmup.v;
  window_end_ = run.duration.v;
  horizon_ = run.duration.v + run.drain.v;

  // Lanes: one per time-sliced unit (a whole device or a MIG slice), one per stream on MPS devices.
  std::vector<int> unit_lane(units_.size(), -1);
  streams_.resize(plan_.streams.size());
  for (std::size_t s = 0; s < plan_.streams.size(); ++s) {
    Stream& st = streams_[s];
    st.spec = &sc_.workloads.streams[plan_.streams[s].workload];
    st.unit = plan_.unit_of[s];
    st.rng.seed(mix_seed(run.seed, s));
    const DeviceInstance& d = *units_[st.unit].spec;
    st.predicted_service = isolated_request_time(*st.spec, d, *units_[st.unit].unit).v;
    if (d.sharing == SharingMode::MPS) {
      st.lane = static_cast<int>(lanes_.size());
      lanes_.emplace_back();
    } else {
      if (unit_lane[st.unit] < 0) {
        unit_lane[st.unit] = static_cast<int>(lanes_.size());
        lanes_.emplace_back();
      }
      st.lane = unit_lane[st.unit];
    }
    const double compute_rate = d.spec.achievable(st.spec->precision).v;
    for (const auto& stage : st.spec->stages) {
      std::vector<KernelCost> costs;
      for (const auto& k : stage.kernels) {
        // A kernel with no work at all would only cost its launch: keep it, it is a real launch.
        costs.push_back(KernelCost{k.flops.v / compute_rate * kWorkUnitsPerSecond, k.weight_bytes.v, k.bytes.v});
      }
      st.stage_kernels.push_back(std::move(costs));
    }
    st.record_stages = st.spec->stages.size() > 1;
  }
  result_.devices.resize(units_.size());

  sg::Activity::on_completion_cb([this](const sg::Activity& a) {
    on_kernel_done(static_cast<std::uint32_t>(reinterpret_cast<std::uintptr_t>(a.get_data<void>())));
  });
  sg::Engine::on_time_advance_cb([this](double dt) { account(dt); });
  for (std::uint32_t s = 0; s < streams_.size(); ++s) schedule_first_arrival(s);

  logger("sim")->info("simulating {} stream(s) on {} unit(s) for {} s (+{} s drain)", streams_.size(),
                      units_.size(), run.duration.v, run.drain.v);
  engine.run_until(horizon_);
  result_.end_time = last_event_;
  set_sim_clock(nullptr);

  for (std::size_t d = 0; d < units_.size(); ++d) result_.devices[d] = units_[d].record;
  result_.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  struct rusage usage {};
  getrusage(RUSAGE_SELF, &usage);
  result_.peak_rss_kib = usage.ru_maxrss;
  return std::move(result_);
}

}  // namespace

SimResult simulate(const Scenario& sc, const Plan& plan, Scheduler* policy) {
  Simulation sim(sc, plan, policy);
  return sim.run();
}

}  // namespace gpusim
