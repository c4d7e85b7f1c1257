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
#include "workloads/model/kernel_shape.hpp"

namespace gpusim {

enum class ArrivalKind { PERIODIC, POISSON, TRACE };

struct ArrivalSpec {
  ArrivalKind kind = ArrivalKind::PERIODIC;
  PerSecond rate;                  ///< periodic and poisson
  /// periodic: the time of the first arrival of every instance (synchronised sources, e.g. genlocked
  /// cameras), in [0, 1 / rate); nothing: a phase drawn per instance from its seed (independent sources)
  std::optional<Seconds> phase;
  /// periodic, `phase: spread`: instance i of N starts at i / (N x rate), evenly staggered over one period
  bool spread = false;
  std::vector<Seconds> trace;      ///< trace: arrival times, sorted
  std::string trace_file;
};

/// One input a kernel reads that an earlier kernel of its stage wrote: an L2 hit while it stays there
/// (sim/l2_model.hpp), each input on its own (a residual add reads a tensor written just before and one
/// written several kernels earlier).
struct ChainedRead {
  Bytes bytes;     ///< per sample
  Bytes distance;  ///< per sample: activation bytes moved from its write to this read
  Bytes weights;   ///< weight bytes the kernels in between read (they pass through L2 too)
};

/// One kernel: a per-sample part that scales with the batch and a fixed part (weights) read once per
/// invocation. At batch b it executes flops x b FLOPs and moves weight_bytes + bytes x b bytes.
struct KernelSpec {
  Flops flops;         ///< per sample
  Bytes bytes;         ///< activation traffic per sample (reads + writes)
  Bytes weight_bytes;  ///< weights streamed once per invocation
  Bytes working_set;   ///< bytes one sample's invocation touches (activations + weights), for the L2 model
  KernelShape shape;   ///< its problem for one sample, for the launch geometry (FILL: fills the unit)
  std::vector<ChainedRead> chained;  ///< inputs earlier kernels of its stage wrote (L2 hits)
  bool resident = false;  ///< re-reads a buffer its earlier launches left in L2 (streaming benchmarks)

  Flops flops_at(int batch) const { return flops * batch; }
  Bytes bytes_at(int batch) const { return weight_bytes + bytes * batch; }
};

/// How many items (faces) one frame fans out to: a fixed count, Poisson or uniform, capped at `max`.
struct FanoutSpec {
  enum class Kind { FIXED, POISSON, UNIFORM };
  Kind kind = Kind::FIXED;
  double mean = 1;  ///< fixed count, or Poisson mean
  int min = 0;      ///< uniform lower bound
  int max = 1;      ///< upper bound of any draw (memory is sized for it)
  double expected() const;
};

/// One stage of a stream: a model run once per request, or once per fan-out item.
struct StageSpec {
  std::string name;
  std::string model;               ///< "explicit", an ONNX path or zoo:NAME
  std::vector<KernelSpec> kernels;  ///< in order
  Bytes weight_bytes;              ///< resident weights
  Bytes activation_bytes;          ///< peak activation memory per sample
  double params = 0;               ///< parameter count
  Bytes input_bytes;               ///< per sample, copied host -> device before the stage (first stage)
  Bytes output_bytes;              ///< per sample, copied device -> host (stages nothing depends on)
  bool per_item = false;           ///< batch = fan-out items x the stream's batch
  std::vector<int> after;          ///< stages that must finish first (indices, all earlier)
  bool l2_weights = false;         ///< its weights stay in L2 across requests when they fit (sim/l2_model.hpp)

  Flops flops_per_sample() const;
};

/// Dynamic batching of a workload's requests on a unit (one server context per workload and unit):
/// a batch starts when max_batch samples wait or the oldest has waited max_delay.
struct BatchingSpec {
  int max_batch = 8;
  Seconds max_delay{5e-3};
};

/// Where a workload's instances may run (`placement:`): one device by its platform name, optionally one
/// MIG slice of it (`slice`: position in the device's `mig:` list, from 0), or a list of allowed devices.
/// Device names are unique across the platform, so no node is named. Empty `devices`: any unit.
struct PlacementSpec {
  std::vector<std::string> devices;  ///< allowed devices; empty: any
  std::vector<SourceLoc> device_locs;  ///< where each name is written
  std::optional<int> slice;          ///< with one device: the one MIG slice
  SourceLoc slice_loc;
  bool any() const { return devices.empty(); }
};

/// A named stream of requests; `count` identical instances of it are simulated.
struct StreamSpec {
  std::string name;
  int count = 1;
  int batch = 1;
  Precision precision = Precision::FP32;
  std::vector<StageSpec> stages;    ///< topological order; a plain model is one stage
  std::optional<FanoutSpec> fanout;  ///< needed when a stage is per_item
  std::optional<BatchingSpec> batching;
  ArrivalSpec arrival;
  std::optional<Seconds> sla;   ///< end-to-end latency target
  int priority = 0;             ///< larger = more important
  PlacementSpec placement;      ///< where the instances may run
  /// CPU time of each request outside the GPU (`host: {pre, post}`): before it reaches its device's queue
  /// (decode, resize) and after its outputs are back (NMS, encoding). Part of its latency; holds neither
  /// the GPU nor the context (the host has a thread per request in flight).
  Seconds host_pre{0.0};
  Seconds host_post{0.0};
  /// CPU time the host spends issuing each kernel (framework dispatch + driver; `host.launch`): the k-th
  /// kernel of a job is issued k x host_launch after the job starts, and waits for it off the GPU.
  Seconds host_launch{0.0};
  SourceLoc loc;                ///< the stream's entry
  SourceLoc precision_loc;      ///< the precision value (or the entry)

  /// Expected FLOPs and bytes of one request (mean fan-out).
  Flops request_flops() const;
  Bytes request_bytes() const;
  /// Device memory one instance needs: all stages' weights + the largest stage's activations at its
  /// largest batch.
  Bytes memory_bytes() const;
  /// Batch of a stage for a request that fanned out to `items`.
  int stage_batch(const StageSpec& st, int items) const { return st.per_item ? items * batch : batch; }
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
