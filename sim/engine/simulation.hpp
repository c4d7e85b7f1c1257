#pragma once
// The SimGrid simulation's state (private to sim/; included only by sim/engine/*.cpp).
//
// Each execution unit (a device, or a MIG slice) is two SimGrid hosts: the GPU host executes the compute of
// a kernel, and the bus host, as fast as the memory bus, its bytes (with the bandwidth mechanism off, a
// fat-pipe link to a memory pseudo-host instead: platform_builder.cpp). A kernel is one L07 parallel task
// over both, so alone it takes max(compute, bytes / bandwidth) and
// co-running kernels share both; a kernel with its unit to itself runs as a timer at that time instead
// (no SimGrid activity) until something starts beside it (kernels.cpp, run_solo and unsolo), timed from the
// end of its launch gap when launched on an idle unit (launch_ahead); kernels and copies sharing a unit
// with no SimGrid activity on it are solved by the engine as SimGrid would solve their tasks (shared.cpp). A
// context (a CUDA context: one stream, or a server for a batching workload, or a unit's dispatcher for a
// per-request policy) runs one job at a time: an optional host-to-device copy, its kernels, and an optional
// device-to-host copy. Time-sliced units give the GPU to one context at a time; MPS units run contexts
// concurrently. No actors: arrivals and launches are timers, completions are callbacks.
//
// The contention switches (each device's: PlatformSpec::contention_of) are read once, while the
// simulation is built: each then shows up as a
// parameter (a zero cost, a missing link, a controller or L2 model that is off), not as a branch in the
// event handlers. The pure models live beside the engine: sim/arrivals.hpp, sim/l2_model.hpp,
// sim/power_controller.hpp, sim/work_units.hpp.
//
// Where each part is implemented:
//   simulation_run.cpp    constructor, run(), simulate()
//   streams.cpp           streams, their contexts and kernel costs
//   platform_builder.cpp  SimGrid hosts, links, routes and the zone
//   arrivals.cpp          arrival timers and admission of requests
//   jobs.cpp              jobs: dynamic batching, host-link copies, completion
//   kernels.cpp           time-slicing between contexts, stages and kernels, the L2 model
//   shared.cpp            kernels and copies sharing a unit, solved by the engine
//   power_control.cpp     utilisation accounting, the power/thermal controller, samples

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <simgrid/kernel/Timer.hpp>
#include <simgrid/s4u.hpp>
#include <vector>

#include "sim/arrivals.hpp"
#include "sim/l2_model.hpp"
#include "sim/plan.hpp"
#include "sim/power_controller.hpp"
#include "sim/sim_result.hpp"
#include "sim/trace_options.hpp"
#include "sim/work_units.hpp"

namespace gpusim {

namespace sg = simgrid::s4u;

/// The simulated time.
inline double now() { return sg::Engine::get_clock(); }
/// A job's index as the data of its SimGrid activities (read back by the completion callback).
inline void* job_tag(int job) { return reinterpret_cast<void*>(static_cast<std::uintptr_t>(job)); }
/// The data of an activity cancelled to restart it (an MPS kernel given more SMs): no job's.
inline void* const kCancelled = reinterpret_cast<void*>(~std::uintptr_t{0});
/// Shares of a unit's SMs closer than this are equal (MPS).
constexpr double kSmEpsilon = 1e-9;

class TraceRecorder;

class Simulation {
 public:
  /// `devices`: the partition to simulate (null: every device); `trace`: write the timeline there
  /// (sim/engine/trace.hpp); null: no trace.
  Simulation(const Scenario& sc, const Plan& plan, Scheduler* policy, const std::vector<int>* devices,
             const TraceOptions* trace = nullptr);
  ~Simulation();
  SimResult run();

 private:
  friend class TraceRecorder;  // reads the state it records
  struct Stream {
    Stream(const StreamSpec& s, int workload, int instance, int unit, std::uint64_t seed)
        : spec(&s), workload(workload), unit(unit), rng(seed), arrivals(s.arrival, instance, s.count) {}
    const StreamSpec* spec;
    int workload;
    int unit;
    int context = 0;
    double predicted_service = 0;  // alone on its unit
    Rng rng;                       // arrivals and fan-out draws
    ArrivalProcess arrivals;
    // per stage, per kernel; shared by the streams of one workload on one unit (computed once there)
    std::shared_ptr<const std::vector<std::vector<KernelCost>>> stage_kernels;
    bool record_stages = false;                          // pipelines record each stage
    std::vector<L2Residency> l2;                         // per stage: what its unit's L2 holds for it
  };
  enum class Phase { H2D, WAIT_GPU, GPU, D2H };
  // One execution of one or more requests of the same workload (several when batched).
  struct Job {
    std::vector<std::uint32_t> requests;
    int stream = 0;  // the first request's stream: its spec and costs
    int context = 0;
    int batch = 0;  // samples (sum of the requests' batches)
    int items = 0;  // fan-out items (sum over the requests)
    Phase phase = Phase::H2D;
    bool gpu_started = false;
    std::uint16_t stage = 0;
    std::uint32_t kernel = 0;
    std::uint32_t stage_record = 0;
    double kernel_ws = 0;  // working set of the running kernel (L2 model); < 0 when none runs
    double kernel_hits = 0;  // its bytes served from L2
    // The current kernel's demand alone (sim/engine/kernels.cpp): work units, bytes, bytes on the bus
    // after its L2 hits, its fit on the unit; under MPS the share of the SMs it holds now (< occupancy
    // while it waits for SMs that earlier kernels hold); when it was launched.
    double kernel_work = 0;
    double kernel_bytes = 0;
    double kernel_traffic = 0;
    KernelFit kernel_fit;
    double granted = 0;
    bool holds_sms = false;  // MPS: counted in its unit's sm_held
    double kernel_left = 1;  // part of the kernel left when its current activity started
    bool kernel_running = false;  // its current kernel executes (not in its launch gap, not pre-empted)
    bool preempted = false;       // time-slice: pre-empted at a slice's end; resumes with kernel_left
    double launched = 0;
    // A kernel alone on its unit runs as a timer, not a SimGrid activity (sim/engine/kernels.cpp, run_solo):
    // the timer, when its part `kernel_left` started and how long that part takes at the unit's clock.
    simgrid::kernel::timer::Timer* solo_timer = nullptr;
    double solo_start = 0;
    double solo_time = 0;
    // A kernel or copy sharing a unit with no SimGrid activity on it runs in the unit's shared set, solved
    // by the engine (sim/engine/shared.cpp): its amounts on the GPU host, the bus, the host link and its MPS
    // context's two capping hosts (0: not used), the part of its current part left at `shared_since` of its
    // unit, its rate (parts per second) and the date it ends at that rate.
    bool shared = false;
    double sh_gpu = 0, sh_bus = 0, sh_pcie = 0, sh_cap = 0, sh_cap_memory = 0;
    double sh_left = 0;
    double sh_rate = 0;
    double sh_end = 0;
    // Its running kernel's part in the unit's split of compute power (count_power): tensor-core or CUDA-core,
    // and its weight (compute time alone / time alone); counted while power_counted.
    double power_weight = 0;
    bool power_simt = false;
    bool power_counted = false;
    double start = 0;      // when the job started
    // `host.launch`: the host issues the job's kernels one after another from its start (launch_kernel);
    // kernels issued so far, and whether the current one waited for its issue off the GPU.
    std::uint32_t issued = 0;
    bool host_waited = false;
    double predicted = 0;  // predicted service time of its requests, alone
  };
  struct Context {
    int unit = 0;
    int workload = -1;  // >= 0 when the context batches one workload's requests
    const BatchingSpec* batching = nullptr;
    std::deque<std::uint32_t> waiting;
    int job = -1;
    bool delay_timer = false;  // a max-delay timer is pending
    double share = 1.0;              // MPS active-thread share: of the unit's SMs it may hold
    sg::Host* cap = nullptr;         // MPS: caps its kernel's compute rate at the share of the SMs it holds
    sg::Host* cap_memory = nullptr;  // MPS: caps its kernel's bytes at the same share of the bus
    sg::ExecPtr exec;          // kept alive until it completes
  };
  struct UnitRt {
    const DeviceInstance* spec = nullptr;
    const Unit* unit = nullptr;
    int device = 0;  // index into devices_
    sg::Host* gpu = nullptr;
    // The memory bus: a host as fast as the bus when the bandwidth mechanism is on (a task's bytes are then
    // work on it, and SimGrid computes no route per task); else a fat-pipe link (no sharing) between the
    // GPU host and a memory pseudo-host, crossed by the task's bytes (sim/engine/platform_builder.cpp).
    sg::Host* bus_host = nullptr;
    sg::Host* mem = nullptr;
    sg::Link* bus = nullptr;
    bool mps = false;
    bool sm_wait = false;  // MPS with the sm_wait mechanism: kernels with geometry hold and wait for SMs
    double kernel_share = 1.0;  // time-slice: share of the unit's roofline the running kernel achieves
    std::vector<double> speeds;  // of the GPU host, per pstate
    double launch_overhead = 0;  // before each kernel (0 when the mechanism is off)
    std::optional<L2Interference> l2;
    L2Cost l2_cost;           // device-memory bytes one L2-hit byte is worth (sim/l2_model.hpp)
    std::size_t waiting = 0;  // requests queued on all contexts
    int running = 0;          // requests in service
    double queued_work = 0;   // predicted service time of the waiting requests
    int holders = 0;          // contexts holding the GPU (time-slice: 0 or 1)
    int active = -1;          // time-slice: context holding the GPU
    int last = -1;            // time-slice: context that held it last
    double slice_end = 0;
    double slice = 0;        // time-slice: a context's slice when others wait
    double switch_cost = 0;  // of a context switch (0 when the time_slice mechanism is off)
    bool preempt = false;    // time_slice on: a kernel is pre-empted at its slice's end if others wait
    std::uint64_t slice_gen = 0;  // counts activations: a pre-emption timer of an earlier slice does nothing
    std::deque<int> ready;      // time-slice: contexts waiting for the GPU
    double sm_held = 0;          // MPS: share of the SMs the running kernels hold
    int sm_kernels = 0;          // MPS: kernels holding some
    std::deque<int> sm_waiting;  // MPS: jobs whose kernel waits for (more) SMs, in launch order
    int execs = 0;               // SimGrid activities on its hosts or bus (kernels, and copies to or from it)
    bool bus_shared = false;     // two or more at once, some time (Simulation::bandwidth_acted)
    int solo = -1;               // job whose kernel runs alone on it as a timer (-1: none)
    // Bandwidth on: kernels and copies sharing the unit while no SimGrid activity uses it, in start order,
    // solved by the engine (sim/engine/shared.cpp); when their parts left were last brought up to date; the
    // timer of the first to end and its date; their loads on the GPU host (work units/s) and the bus
    // (bytes/s).
    std::vector<int> shared;
    double shared_since = 0;
    simgrid::kernel::timer::Timer* shared_timer = nullptr;
    double shared_due = 0;  // the date it was set for
    double shared_gpu_load = 0;
    double shared_bus_load = 0;
    double solo_compute = 0;     // that kernel's busy fractions (what SimGrid's loads would read)
    double solo_bandwidth = 0;
    // A kernel launched ahead (launch_ahead) starts at `switch_at`: the unit is idle until then and the
    // busy fractions switch to these at that date (integrate); -1 when no switch is due.
    double switch_at = -1;
    double switch_compute = 0;
    double switch_bandwidth = 0;
    double period_compute = 0;  // controller accumulators (whole run)
    double period_compute_power = 0;  // period_compute weighted by the running kernels' power class
    double period_bandwidth = 0;
    double period_occupied = 0;
    // Utilisation is integrated lazily: the busy fractions below hold from `since` until the unit is next
    // touched (an activity starts or ends on it, a context takes or leaves the GPU, its clock changes).
    double busy_compute = 0;
    double busy_bandwidth = 0;
    // Power: busy_compute x power_factor is what the power model charges: the running kernels' shares
    // (tensor_ratio, simt_ratio: sim/power_model.hpp, compute_shares) weighted by their power_weight.
    double tensor_ratio = 1.0;
    double simt_ratio = 1.0;
    double weight_tensor = 0;
    double weight_simt = 0;
    double power_factor = 1.0;
    bool busy_occupied = false;
    double since = 0;
    bool dirty = false;  // touched since the fractions were read: read them at the next clock advance
    DeviceRecord record;
  };
  struct DeviceRt {
    const DeviceInstance* spec = nullptr;
    std::vector<int> units;
    std::vector<sg::Host*> hosts;  // every host whose speed follows the clock
    // The host link, as the bus above: a host (bandwidth on) or a link (off); neither when pcie is off.
    sg::Host* pcie_host = nullptr;
    sg::Link* pcie = nullptr;
    sg::Host* cpu = nullptr;
    bool host_link() const { return pcie_host != nullptr || pcie != nullptr; }
    std::optional<PowerController> controller;
    // Its stop rule (Plan::stop_quantile; empty vectors: none): per workload, its requests in the window
    // on this device (known before the run: count_arrivals) and how many of them missed their SLA so far.
    double stop_quantile = 0;
    std::vector<std::uint64_t> window_requests, late;
    int jobs = 0;          // jobs in flight on its units
    bool stopped = false;  // no longer stepped: the measured window is over and its units are idle
    double sample_energy = 0, sample_compute = 0, sample_bandwidth = 0, sample_occupied = 0, sample_time = 0;
    PowerRecord record;
  };
  // Device utilisations over one control period.
  struct Load {
    double compute = 0;
    double compute_power = 0;  // compute weighted by the kernels' power class: what the power model reads
    double memory = 0;
    double occupied = 0;  // some context held the GPU (time-series only; power does not read it)
  };

  // Set-up (streams.cpp, platform_builder.cpp).
  void build_streams();
  void build_platform();
  void build_costs();
  double context_share(int ctx) const;
  // Arrivals and admission (arrivals.cpp).
  void schedule_arrival(std::uint32_t s);
  void on_arrival(std::uint32_t s, double at);
  void enqueue(std::uint32_t s, std::uint32_t req);
  void build_stop_rules();
  // Records that mechanism `m` changed something on unit `unit`'s device (PowerRecord::acted).
  void acted(int unit, MechanismId m) { devices_[units_[unit].device].record.acted |= mechanism_bit(m); }
  void missed(std::uint32_t req);
  void stop_device(int device);
  RequestView view_of(std::uint32_t req) const;
  UnitState state_of(int unit) const;
  // Jobs (jobs.cpp).
  std::size_t pick_first(int ctx);
  void try_start(int ctx);
  void start_job(int ctx, std::vector<std::uint32_t> requests);
  void copy(int job, double bytes, bool to_device);
  void end_gpu(int job);
  void finish_job(int job);
  void complete(std::uint32_t request);
  // GPU time, stages and kernels (kernels.cpp).
  void request_gpu(int job);
  void activate(int unit, int ctx);
  void preempt(int unit);
  void yield_gpu(int job);
  void continue_gpu(int job);
  bool enter_stage(int job, std::uint16_t stage);
  void launch_kernel(int job);
  void wait_for_host(int job, double issued);
  void begin_kernel(int job);
  void prepare_kernel(int job);
  bool launch_ahead(int job, double at);
  void unlaunch(int job);
  int in_launch_gap(const UnitRt& u) const;
  void claim_sms(int job, double at);
  void release_sms(int job);
  void run_kernel(int job, double left, double at);
  bool stop_kernel(int job);
  void count_power(int job, bool running);       // the job's kernel joins or leaves its unit's power split
  static double bus_bandwidth(const UnitRt& u);  // bytes/s of the unit's memory bus
  void bandwidth_acted();  // at the end of the run: the bandwidth mechanism's last way to act (power_control.cpp)
  bool run_solo(int job, double work, double traffic, double stretch, double at);
  void unsolo(int unit);
  void solo_done(int job);
  // Kernels and copies sharing a unit, solved by the engine (shared.cpp).
  // On fewer SMs than its first wave needs (MPS), a kernel runs that much slower.
  static double stretch_of(const Job& j) {
    const KernelFit& fit = j.kernel_fit;
    return j.granted < fit.occupancy ? fit.stretch * fit.occupancy / j.granted : fit.stretch;
  }
  bool can_share(const UnitRt& u) const;  // bandwidth on, no SimGrid activity on the unit
  void share_kernel(int job, double work, double traffic, double stretch);
  void share_copy(int job, double bytes);
  void join_shared(int job);
  void advance_shared(UnitRt& u);
  void solve_shared(int unit);
  void shared_event(int unit);
  void unshare(int unit);
  double leave_shared(int job);
  void on_done(int job);
  // Time, power and heat (power_control.cpp).
  void touch(int unit);
  void touch_copies(int unit);
  void integrate(UnitRt& u, double to);
  void account(double dt);
  void flush_accounts();
  void control_tick();
  Load device_load(DeviceRt& d, double dt);
  void apply_pstate(DeviceRt& d);
  void add_sample(std::size_t device, double t, double dt, const Load& load, Watts p, bool emit);
  bool device_done(const DeviceRt& d) const;

  const Scenario& sc_;
  const Plan& plan_;
  Scheduler* policy_;  // set only when the policy decides per request
  const ContentionSpec& mech_;  // the platform's: its periods; each device's switches are contention_of's
  std::vector<UnitRt> units_;
  std::vector<DeviceRt> devices_;
  std::vector<Context> contexts_;
  std::vector<Stream> streams_;
  std::vector<Job> jobs_;
  std::vector<int> free_jobs_;  // slots of finished jobs, reused by the next ones (jobs.cpp, start_job)
  std::vector<std::uint16_t> items_;  // per request: fan-out
  // The partition simulated: indices into the plan's streams and units and the platform's devices of
  // those simulated here (streams_, units_, devices_), and back (-1: not simulated here).
  std::vector<int> stream_global_, unit_global_, device_global_;
  std::vector<int> unit_local_, device_local_;
  std::vector<int> dirty_units_;      // units touched since the last clock advance
  std::vector<sg::ExecPtr> retired_;  // completed activities, released at the next clock advance
  std::vector<double> sh_weight_, sh_remaining_, sh_mu_;  // solve_shared's scratch (beyond 8 kernels)
  std::vector<char> sh_active_, sh_fixed_;
  std::vector<sg::ExecPtr> cancelled_;  // cancelled since the last clock advance (kernels.cpp, release_sms)
  double clock_ = 0;                  // simulated time before the clock advance being accounted
  SimResult result_;
  double window_begin_ = 0;
  double window_end_ = 0;
  double horizon_ = 0;
  double last_event_ = 0;  // last arrival or completion
  double last_control_ = 0;
  int samples_per_tick_ = 1;
  int ticks_ = 0;
  const TraceOptions* trace_options_ = nullptr;
  std::unique_ptr<TraceRecorder> trace_;  // null unless a trace was asked for
};

}  // namespace gpusim
