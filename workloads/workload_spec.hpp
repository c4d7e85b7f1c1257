#pragma once
/// The validated workloads file: streams of requests and the run settings.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/params.hpp"
#include "core/precision.hpp"
#include "core/source_loc.hpp"
#include "core/units.hpp"

namespace gpusim {

enum class ArrivalKind { PERIODIC, POISSON, TRACE };

struct ArrivalSpec {
  ArrivalKind kind = ArrivalKind::PERIODIC;
  PerSecond rate;                  ///< periodic and poisson
  std::vector<Seconds> trace;      ///< trace: arrival times, sorted
  std::string trace_file;
};

/// One kernel of a request, at the stream's batch and precision.
struct KernelSpec {
  Flops flops;
  Bytes bytes;        ///< memory traffic (HBM/GDDR)
  Bytes working_set;  ///< bytes the kernel touches (for the L2 model)
};

/// A named stream of requests; `count` identical instances of it are simulated.
struct StreamSpec {
  std::string name;
  int count = 1;
  int batch = 1;
  Precision precision = Precision::FP32;
  std::string model;            ///< what the work comes from ("explicit", a path, zoo:NAME)
  std::vector<KernelSpec> kernels;  ///< one request, in order
  Bytes weight_bytes;           ///< resident weights of one instance
  Bytes activation_bytes;       ///< peak activation memory of one request
  double params = 0;            ///< parameter count (information)
  ArrivalSpec arrival;
  std::optional<Seconds> sla;   ///< end-to-end latency target
  int priority = 0;             ///< larger = more important
  SourceLoc loc;                ///< the stream's entry
  SourceLoc precision_loc;      ///< the precision value (or the entry)

  Flops request_flops() const;
  Bytes request_bytes() const;
  /// Device memory one instance needs: weights + activations.
  Bytes memory_bytes() const { return weight_bytes + activation_bytes; }
};

struct RunSpec {
  Seconds duration{60.0};
  Seconds warmup{0.0};   ///< requests arriving before this are not measured
  Seconds drain{10.0};   ///< after `duration`, time left for queued requests to finish
  std::uint64_t seed = 1;
  std::string scheduler = "round-robin";
  Params scheduler_params;
  SourceLoc scheduler_loc;
};

struct WorkloadSpec {
  std::string file;
  RunSpec run;
  std::vector<StreamSpec> streams;
};

}  // namespace gpusim
