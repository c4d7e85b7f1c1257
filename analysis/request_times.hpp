#pragma once
/// Where each request's time went: its host pre-processing, waiting for its context, then per pipeline
/// stage the time before the stage started (queueing: copies in, waiting for the GPU, context switches, the
/// previous stage's hand-over) and the stage's own time (service), then the copy of its outputs back to
/// the host, then its host post-processing.
/// For every completed request: latency = host_pre + sum over its stages of (queue + service) + output +
/// host_post.

#include <cstdint>
#include <string>
#include <vector>

#include "sim/plan.hpp"
#include "sim/sim_result.hpp"

namespace gpusim {

/// One stage of one request; seconds of simulated time.
struct StageTime {
  std::uint16_t stage = 0;  ///< index into StreamSpec::stages
  std::uint16_t batch = 0;  ///< samples (or items) the stage ran on, with the requests batched with it
  double start = 0;
  double finish = 0;
  double queue = 0;  ///< from the previous stage's end (the request's arrival for the first) to start
  double service() const { return finish - start; }
};

/// One request with its stages (completed requests only have stages).
struct RequestTime {
  std::uint32_t request = 0;  ///< index into SimResult::requests
  int workload = 0;
  int instance = 0;
  int unit = 0;
  std::vector<StageTime> stages;
  double output = 0;  ///< from the last stage's end to the copy back's end
  double host_pre = 0;   ///< CPU time before it reached its device's queue (`host.pre`)
  double host_post = 0;  ///< CPU time after its outputs were back (`host.post`)
};

/// The stage times of every request, in request order. A single-stage workload has no stage records in
/// the simulation: its one stage spans the request's service (start to end). A request batched with
/// others shares the stages recorded for the batch's first request.
std::vector<RequestTime> request_times(const Scenario& sc, const Plan& plan, const SimResult& r);

/// "completed", "dropped" or "unfinished".
const char* status_name(RequestStatus s);

}  // namespace gpusim
