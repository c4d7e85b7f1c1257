#pragma once
/// Raw records of one simulation, sent from the simulating child process to the parent.

#include <cstdint>
#include <string>
#include <vector>

namespace gpusim {

enum class RequestStatus : std::uint8_t { COMPLETED = 0, DROPPED = 1, UNFINISHED = 2 };

/// One request; times in seconds of simulated time (start/finish are -1 when they never happened).
struct RequestRecord {
  std::uint32_t stream = 0;  ///< index into Plan::streams
  RequestStatus status = RequestStatus::UNFINISHED;
  double arrival = 0;
  double start = -1;
  double finish = -1;
};

/// One stage of a multi-stage request (recorded only for pipelines).
struct StageRecord {
  std::uint32_t request = 0;  ///< index into SimResult::requests
  std::uint16_t stage = 0;    ///< index into StreamSpec::stages
  std::uint16_t batch = 0;    ///< samples the stage ran on
  double start = 0;
  double finish = 0;
};

/// Integrals over the measured window [warmup, duration].
struct DeviceRecord {
  double compute_busy = 0;    ///< integral of compute utilisation (0..1) over time, in seconds
  double bandwidth_busy = 0;  ///< same for memory bandwidth
  std::uint64_t kernels = 0;  ///< kernels completed (whole run)
};

struct SimResult {
  std::vector<RequestRecord> requests;
  std::vector<StageRecord> stages;
  std::vector<DeviceRecord> devices;
  double end_time = 0;        ///< simulated time of the last arrival or kernel completion
  std::uint64_t kernels = 0;  ///< kernels completed (whole run)
  double wall_seconds = 0;    ///< host time spent simulating
  long peak_rss_kib = 0;      ///< of the simulating process
};

/// Binary (de)serialisation for the pipe between child and parent.
std::string serialize(const SimResult& r);
SimResult deserialize(const std::string& bytes);

}  // namespace gpusim
