#pragma once
/// The scheduling-policy interface. Policies see read-only views of streams and devices, never
/// SimGrid or YAML, and decide where each stream runs and in which order a device serves requests.

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/params.hpp"
#include "core/precision.hpp"
#include "core/registry.hpp"
#include "core/units.hpp"

namespace gpusim {

/// One stream instance as a policy sees it.
struct StreamView {
  int id = 0;                 ///< index into the list given to place()
  std::string workload;       ///< workload name
  int instance = 0;           ///< 0..count-1
  Precision precision = Precision::FP32;
  Flops request_flops;
  Bytes request_bytes;
  Bytes memory;               ///< device memory one instance needs
  PerSecond rate;             ///< mean arrival rate
  std::optional<Seconds> sla;
  int priority = 0;
  /// Predicted service time of one request alone on each device (roofline), by device id.
  std::vector<Seconds> isolated_time;
};

/// One device as a policy sees it.
struct DeviceView {
  int id = 0;
  std::string name;
  std::string type;
  std::string sharing;        ///< "time-slice", "mps", "mig"
  Bytes memory_capacity;      ///< usable memory (capacity x headroom)
  FlopRate peak_fp32;
  ByteRate bandwidth;
};

/// A scheduling policy. Contracts are checked by the engine; a breach is a PolicyError.
class Scheduler {
 public:
  virtual ~Scheduler() = default;

  /// Chooses a device for every stream, before the run. Returns one device id per stream (same order
  /// as `streams`), or -1 for a stream no device can take (the run then stops with a clear error).
  /// Contract: every id is a valid device; the streams placed on a device fit its memory_capacity.
  virtual std::vector<int> place(const std::vector<StreamView>& streams, const std::vector<DeviceView>& devices) = 0;
};

template <>
inline std::string Registry<Scheduler>::kind_name() {
  return "scheduler";
}

/// Registers a policy class under a name: GPUSIM_REGISTER_SCHEDULER(RoundRobin, "round-robin", "...", {params}).
#define GPUSIM_REGISTER_SCHEDULER(Type, name, summary, ...)                                                     \
  [[maybe_unused]] static const bool Type##_registered = ::gpusim::Registry<::gpusim::Scheduler>::instance().add( \
      name, summary, __VA_ARGS__, [](const ::gpusim::Params& p) { return std::make_unique<Type>(p); })

/// Creates a registered scheduler; unknown names and parameters are ConfigErrors.
std::unique_ptr<Scheduler> make_scheduler(const std::string& name, const Params& params);

}  // namespace gpusim
