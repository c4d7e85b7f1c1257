#pragma once
// The SimGrid simulation's state (private to sim/; included only by the engine's .cpp files).
//
// Each execution unit (a device, or a MIG slice) is two SimGrid hosts joined by one link: the GPU host
// executes the compute of a kernel, a memory pseudo-host terminates its bytes, and the link is the memory
// bus. A kernel is one L07 parallel task over both, so alone it takes max(compute, bytes / bandwidth) and
// co-running kernels share both. A context (a CUDA context: one stream, or a server for a batching
// workload, or a unit's dispatcher for a per-request policy) runs one job at a time: an optional host-to-
// device copy, its kernels, and an optional device-to-host copy. Time-sliced units give the GPU to one
// context at a time; MPS units run contexts concurrently. No actors: arrivals and launches are timers,
// completions are callbacks.

#include <simgrid/s4u.hpp>

#include <cstdint>
#include <deque>
#include <random>
#include <set>
#include <vector>

#include "sim/power_model.hpp"
#include "sim/plan.hpp"
#include "sim/sim_result.hpp"

namespace gpusim {

namespace sg = simgrid::s4u;

// Compute is expressed in device-nanoseconds of full-device work: a whole GPU host runs 1e9 units per
// second at its boost clock, and a kernel of F FLOPs at precision p needs F / (peak_p x efficiency) x 1e9
// units. Kernels of different precisions then share the SMs by time, as on the hardware.
constexpr double kWorkUnitsPerSecond = 1e9;

class Simulation {
 public:
  Simulation(const Scenario& sc, const Plan& plan, Scheduler* policy);
  SimResult run();

 private:
  // A kernel's demand at batch b: compute work_per_sample x b, bytes bytes_fixed + bytes_per_sample x b.
  struct KernelCost {
    double work_per_sample = 0;
    double bytes_fixed = 0;
    double bytes_per_sample = 0;
  };
  struct Stream {
    const StreamSpec* spec = nullptr;
    int workload = 0;
    int unit = 0;
    int context = 0;
    double predicted_service = 0;  // alone on its unit
    std::mt19937_64 rng;
    double phase = 0;
    std::uint64_t arrivals = 0;
    double next_arrival = 0;
    std::vector<std::vector<KernelCost>> stage_kernels;  // per stage, per kernel
    bool record_stages = false;                          // pipelines record each stage
  };
  enum class Phase { H2D, WAIT_GPU, GPU, D2H };
  // One execution of one or more requests of the same workload (several when batched).
  struct Job {
    std::vector<std::uint32_t> requests;
    int stream = 0;  // the first request's stream: its spec and costs
    int context = 0;
    int batch = 0;   // samples (sum of the requests' batches)
    int items = 0;   // fan-out items (sum over the requests)
    Phase phase = Phase::H2D;
    bool gpu_started = false;
    std::uint16_t stage = 0;
    std::uint32_t kernel = 0;
    std::uint32_t stage_record = 0;
    double kernel_ws = 0;  // working set of the running kernel (L2 model)
    double start = 0;      // when the job started
    double predicted = 0;  // predicted service time of its requests, alone
  };
  struct Context {
    int unit = 0;
    int workload = -1;          // >= 0 when the context batches one workload's requests
    const BatchingSpec* batching = nullptr;
    std::deque<std::uint32_t> waiting;
    int job = -1;
    bool delay_timer = false;   // a max-delay timer is pending
    double share = 1.0;         // MPS active-thread share
    sg::Host* cap = nullptr;    // caps the context's compute at `share` of the unit (MPS)
    sg::ExecPtr exec;           // kept alive until it completes
  };
  struct UnitRt {
    const DeviceInstance* spec = nullptr;
    const Unit* unit = nullptr;
    sg::Host* gpu = nullptr;
    sg::Host* mem = nullptr;
    sg::Link* bus = nullptr;
    bool mps = false;
    double bus_bandwidth = 0;      // without L2 loss
    double l2_factor = 1.0;
    std::multiset<double> working_sets;  // of running kernels
    std::size_t waiting = 0;       // requests queued on all contexts
    int running = 0;               // requests in service
    double queued_work = 0;        // predicted service time of the waiting requests
    int holders = 0;               // contexts holding the GPU (time-slice: 0 or 1)
    int active = -1;               // time-slice: context holding the GPU
    int last = -1;                 // time-slice: context that held it last
    double slice_end = 0;
    std::deque<int> ready;         // time-slice: contexts waiting for the GPU
    double period_compute = 0;     // controller accumulators (whole run)
    double period_bandwidth = 0;
    DeviceRecord record;
  };
  struct DeviceRt {
    const DeviceInstance* spec = nullptr;
    std::vector<int> units;
    std::vector<sg::Host*> hosts;  // every host whose speed follows the clock
    sg::Link* pcie = nullptr;
    sg::Host* cpu = nullptr;
    PowerModel model;
    std::vector<Hertz> clocks;
    Watts cap;
    int power_level = 0;
    int thermal_level = 0;
    int pstate = 0;
    Celsius temperature;
    double sample_energy = 0, sample_compute = 0, sample_bandwidth = 0, sample_time = 0;
    PowerRecord record;
  };

  // Platform and set-up (simulation_setup.cpp).
  void build_contexts();
  void build_platform();
  void build_costs();
  // Arrivals (simulation_setup.cpp).
  void schedule_first_arrival(std::uint32_t s);
  void schedule_next_arrival(std::uint32_t s);
  int draw_items(Stream& st);
  // Requests, jobs and kernels (simgrid_engine.cpp).
  void on_arrival(std::uint32_t s);
  void try_start(int ctx);
  void start_job(int ctx, std::vector<std::uint32_t> requests);
  void request_gpu(int job);
  void activate(int unit, int ctx);
  void continue_gpu(int job);
  bool enter_stage(int job, std::uint16_t stage);
  void launch_kernel(int job);
  void on_done(int job);
  void end_gpu(int job);
  void finish_job(int job);
  void copy(int job, double bytes, bool to_device);
  void update_l2(UnitRt& u);
  RequestView view_of(std::uint32_t req) const;
  UnitState state_of(int unit) const;
  std::size_t pick_first(int ctx);
  // Time, power and heat (simulation_power.cpp).
  void account(double dt);
  void control_tick();
  void set_pstate(DeviceRt& d, int pstate);
  bool all_done() const;

  const Scenario& sc_;
  const Plan& plan_;
  Scheduler* policy_;  // set only when the policy decides per request
  const ContentionSpec& mech_;
  std::vector<UnitRt> units_;
  std::vector<DeviceRt> devices_;
  std::vector<Context> contexts_;
  std::vector<Stream> streams_;
  std::vector<Job> jobs_;
  std::vector<std::uint16_t> items_;  // per request: fan-out
  SimResult result_;
  double window_begin_ = 0;
  double window_end_ = 0;
  double horizon_ = 0;
  double last_event_ = 0;   // last arrival or completion
  double last_control_ = 0;
  int samples_per_tick_ = 1;
  int ticks_ = 0;
  int jobs_in_flight_ = 0;
};

}  // namespace gpusim
