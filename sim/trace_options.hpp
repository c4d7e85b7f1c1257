#pragma once
/// What `--trace` asks of one simulation: a Chrome trace-event JSON file (Perfetto, chrome://tracing)
/// written by the simulating process as events happen (sim/engine/trace.hpp), not held in memory.

#include <cstdint>
#include <limits>
#include <string>

namespace gpusim {

/// The default of --trace-max-events: about 200 MB of JSON (events average about 190 bytes, all under 320).
constexpr std::uint64_t kDefaultTraceMaxEvents = 1000000;

struct TraceOptions {
  std::string path;  ///< the file the simulation writes (a temporary that the parent renames into place)
  double begin = 0;  ///< seconds of simulated time: events outside [begin, end] are left out
  double end = std::numeric_limits<double>::infinity();
  std::uint64_t max_events = 0;  ///< events written at most (0: no limit); metadata does not count
};

/// What the trace holds, sent back with the result.
struct TraceSummary {
  std::uint64_t events = 0;   ///< events written
  std::uint64_t dropped = 0;  ///< events in the window left out by max_events
  int error = 0;              ///< errno of a failed open or write of the file; 0 when all was written
};

}  // namespace gpusim
