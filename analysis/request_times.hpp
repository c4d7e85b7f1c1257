#pragma once
/// Where each request's time went: waiting for its context, then per pipeline stage the time before the
/// stage started (queueing: copies in, waiting for the GPU, context switches, the previous stage's
/// hand-over) and the stage's own time (service), then the copy of its outputs back to the host.
/// For every completed request: latency = sum over its stages of (queue + service) + output.

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
  double output = 0;  ///< from the last stage's end to the request's end (the copy back to the host)
};

/// The stage times of every request, in request order. A single-stage workload has no stage records in
/// the simulation: its one stage spans the request's service (start to end). A request batched with
/// others shares the stages recorded for the batch's first request.
std::vector<RequestTime> request_times(const Scenario& sc, const Plan& plan, const SimResult& r);

/// "completed", "dropped" or "unfinished".
const char* status_name(RequestStatus s);

}  // namespace gpusim
