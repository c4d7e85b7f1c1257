#pragma once
/// Capacity of one device for streams of one model: the analytic limits on the number of streams
/// (utilisation, an M/D/1 latency bound, memory) and the record of a capacity estimate (`gpusim estimate`),
/// whose simulated search lives in studies/estimate.

#include <cstdint>
#include <limits>
#include <map>
#include <string>

#include "core/units.hpp"
#include "sim/plan.hpp"

namespace gpusim {

/// What the analytic stream count needs: per-request times and the memory of the streams.
struct CapacityInputs {
  Seconds service;      ///< device time of one request when streams share the device (switches included)
  Seconds copies;       ///< host<->device copies of one request: latency, not device time
  PerSecond rate;       ///< of one stream
  Seconds sla;          ///< latency target
  double miss = 0.01;   ///< share of requests allowed to miss the SLA
  Bytes weights;        ///< resident once per device
  Bytes activations;    ///< per stream
  Bytes usable_memory;  ///< device memory x headroom
};

/// The analytic limits on the number of streams; `streams` is the smallest.
struct CapacityBound {
  long utilisation = 0;  ///< largest N with N x rate x service <= 1
  long latency = 0;      ///< largest N (<= utilisation) whose latency bound meets the SLA
  long memory = 0;       ///< largest N with weights + N x activations <= usable memory
  long streams = 0;
  std::string limit;  ///< "utilisation", "latency" or "memory"
};

/// Lundberg's bound on the waiting time of an M/D/1 queue at load `rho` with service `service` that only
/// a share `miss` of arrivals exceed: P(W > t) <= min(rho, exp(-gamma t / service)), gamma > 0 solving
/// rho (e^gamma - 1) = gamma. Zero when rho <= miss; infinite when rho >= 1.
Seconds md1_wait_bound(double rho, Seconds service, double miss);

/// Upper bound on the latency that all but a share `miss` of the requests of N periodic streams meet:
/// copies + service + min((N - 1) x service, md1_wait_bound). The first term of the min holds for any
/// phases when N x rate x service <= 1 (FIFO: a request waits for at most one request of each other
/// stream); the second on average over random phases, because N periodic streams at random phases queue
/// less than Poisson arrivals at the same total rate (one fixed draw of phases can be unluckier: each
/// stream's wait then repeats every period). Infinite when N x rate x service > 1.
Seconds latency_bound(const CapacityInputs& in, long n);

/// The three analytic limits and the stream count they allow.
CapacityBound analytic_streams(const CapacityInputs& in);

/// One simulated stream count of the search.
struct CountOutcome {
  long streams = 0;
  double attainment = 0;
  double p99_s = 0;
  double occupied = 0;  ///< share of the window some stream held the GPU
  double min_clock_hz = 0;
  std::uint64_t generated = 0;
  bool saturated = false;  ///< the GPU was held throughout the window (unstable queue)
  bool meets = false;      ///< attainment reached and not saturated
};

/// Everything `gpusim estimate` derives and simulates for one model on one device type.
struct CapacityEstimate {
  std::string label;  ///< the model reference as given
  const DeviceSpec* device = nullptr;
  Precision precision = Precision::FP32;
  StreamSpec stream;  ///< one stream of the model (count set per simulation)
  DeviceInstance instance;
  Unit unit;
  double macs = 0;  ///< per request
  Seconds alone;    ///< latency of one request alone: kernels + launch overheads
  Seconds compute_term;
  Seconds memory_term;
  int switches = 1;  ///< context switches per request when streams share the device
  ContentionSpec contention;
  CapacityInputs capacity;
  double headroom = 0.8;
  CapacityBound bound;                  ///< the analytic limits
  bool simulated = false;               ///< the search ran
  std::uint64_t seed = 0;               ///< of the simulations' arrival phases
  Seconds warmup{1.0};                  ///< not measured: the device starts idle
  Seconds measured{10.0};               ///< the simulated window whose requests count
  double saturated_share = 0.999;       ///< GPU held this share of the window or more: saturated
  std::map<long, CountOutcome> counts;  ///< every simulated stream count
  long answer = 0;                      ///< streams that meet the SLA (simulated, or the analytic count)
};

}  // namespace gpusim
