#pragma once
/// `gpusim estimate MODEL --device TYPE --rate R --sla L`: the capacity planner's answers for one model on
/// one device type — compute and memory needed, latency alone, and how many streams meet the SLA
/// (analytic bound first, then confirmed by short simulations).

#include <cstdint>
#include <string>

#include "cli/model_args.hpp"
#include "core/units.hpp"

namespace gpusim {

struct EstimateOptions {
  ModelArgs model;
  std::string device;           ///< catalog type
  std::string rate;             ///< requests per second of one stream, with its unit ("30/s")
  std::string sla;              ///< latency target with its unit ("100ms")
  double headroom = 0.8;        ///< usable fraction of device memory
  std::uint64_t seed = 42;      ///< of the simulations' arrival phases
  std::string simulate = "on";  ///< on | off
  bool json = false;            ///< JSON on stdout instead of the reasoning lines
};

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

/// Runs the command; returns the exit code.
int command_estimate(const EstimateOptions& o);

}  // namespace gpusim
