#pragma once
/// The harness's output (validation/measured/<gpu>/; format in validation/harness/README.md): machine.json
/// and the CSVs of isolated kernels, kernel pairs, models, model pairs and power samples. The format is
/// tested on its own with validation/harness/sample/ (hand-written, NOT measured).

#include <optional>
#include <string>
#include <vector>

#include "platforms/catalog.hpp"

namespace gpusim {

/// machine.json.
struct MachineInfo {
  std::string gpu_name;  ///< as nvidia-smi and CUDA report it
  std::string catalog;   ///< optional "catalog" key: the catalog entry to simulate (else from the name)
  std::string driver;
  int sm_count = 0;
  double l2_bytes = 0;
  double memory_bytes = 0;
  double max_sm_clock_hz = 0;
  double power_limit_w = 0;
  std::string taken;    ///< when the data were taken (ISO 8601)
  bool sample = false;  ///< "sample": true marks hand-written data (NOT measured)
};

/// kernels.csv: one isolated kernel, timed over back-to-back launches.
struct KernelRow {
  std::string kernel;     ///< fma_fp32 | gemm_fp16 | gemm_bf16 | stream_hbm | stream_l2
  std::string precision;  ///< fp32 | fp16 | bf16
  double working_set_bytes = 0;
  double flops = 0;  ///< per launch
  double bytes = 0;  ///< per launch, as the kernel counts them
  int launches = 0;
  double time_s = 0;  ///< per launch (median over repetitions)
  int line = 0;
};

/// pairs.csv: two kernels co-located as two processes (time-slicing) or two streams of one process.
struct PairRow {
  std::string
      pair;  ///< compute+compute | compute+memory | tensor+memory | memory+memory | l2fit | l2overflow
  std::string mode;  ///< processes | streams
  struct Side {
    std::string kernel;
    std::string precision;
    double flops = 0;  ///< per launch
    double bytes = 0;  ///< per launch
    double working_set_bytes = 0;
    int launches = 0;
    double alone_s = 0;     ///< all its launches, alone
    double together_s = 0;  ///< all its launches, from the common start, with the other side running
  } a, b;
  double makespan_s = 0;  ///< common start to the end of the later side
  int line = 0;
};

/// models.csv: one model at one batch size, run alone.
struct ModelRow {
  std::string model;      ///< resnet50 | mobilenet_v2 | fr_detect | fr_landmark | fr_liveness | fr_feature
  std::string framework;  ///< pytorch (eager) | pytorch-graph (replayed from a CUDA graph) | onnxruntime
  std::string precision;
  int batch = 1;
  int iterations = 0;
  double latency_mean_s = 0;
  double latency_p50_s = 0;
  double latency_p99_s = 0;
  double throughput_sps = 0;  ///< samples per second
  std::string status;         ///< ok, or why the row has no numbers
  int line = 0;
};

/// model_kernels.csv: the GPU activities (kernels, memsets, copies) the profiler recorded over a few more
/// batches of a models.csv row: how much of a batch's latency is the GPU working.
struct ModelKernelsRow {
  std::string model;
  std::string framework;
  std::string precision;
  int batch = 1;
  int passes = 0;            ///< batches traced
  int kernels_per_pass = 0;  ///< GPU activities of one batch
  double busy_s = 0;         ///< per batch: the sum of their durations
  double span_s = 0;         ///< per batch: first start to last end (busy time + the gaps between them)
  std::string status;        ///< ok, or why the row has no numbers
  int line = 0;
};

/// model_pairs.csv: two models in two processes at once; each one's throughput alone and together.
struct ModelPairRow {
  std::string pair;
  std::string model_a, framework_a;
  int batch_a = 1;
  std::string model_b, framework_b;
  int batch_b = 1;
  std::string precision;
  double a_alone_sps = 0, b_alone_sps = 0, a_together_sps = 0, b_together_sps = 0;
  std::string status;
  int line = 0;
};

/// Whether a harness framework fuses operators into fewer kernels (onnxruntime's CUDA provider): its model is
/// simulated as one fused stage; PyTorch, eager or replayed from a CUDA graph, runs one kernel per layer.
inline bool fused_framework(const std::string& framework) { return framework == "onnxruntime"; }

/// Whether a harness framework is eager PyTorch, whose time below batch ~32 is the host dispatching each
/// operator (docs/validation.md): its cases go to the category kEagerHostBound.
inline bool eager_framework(const std::string& framework) { return framework == "pytorch"; }

/// power.csv: one passive nvidia-smi sample, tagged with the harness phase it fell in.
struct PowerRow {
  std::string phase;
  double t_s = 0;
  double power_w = 0;
  double sm_clock_hz = 0;
  double mem_clock_hz = 0;
  double gpu_util = 0;  ///< 0..1
  double mem_util = 0;  ///< 0..1
  double temperature_c = 0;
};

struct MeasuredData {
  std::string dir;
  MachineInfo machine;
  /// harness-notes.yaml `onnx_torch_prelu: three-kernels`: that run's onnx_torch.py ran each PReLU as three
  /// kernels (compare, multiply, select), which the simulation then runs too.
  bool prelu_three_kernels = false;
  std::vector<KernelRow> kernels;
  /// steady.csv (kernels.csv's columns): each kind of work alone for about 4 s, in a power.csv phase
  /// "steady:<kernel>" of its own.
  std::vector<KernelRow> steady;
  std::vector<PairRow> pairs;
  std::vector<ModelRow> models;
  std::vector<ModelKernelsRow> model_kernels;
  std::vector<ModelPairRow> model_pairs;
  std::vector<PowerRow> power;
};

/// Reads one harness output directory (machine.json and whichever CSVs exist). '#' lines are comments. An
/// optional harness-notes.yaml, written after the run (the raw files are never edited), says what the
/// harness of that run did differently from today's, so that the simulation runs what ran.
MeasuredData read_measured(const std::string& dir);

/// Mean SM clock and power of each phase in power.csv, in order of first appearance.
struct PhaseSummary {
  std::string phase;
  int samples = 0;
  double mean_power_w = 0;
  double mean_sm_clock_hz = 0;
  double min_sm_clock_hz = 0;
};
std::vector<PhaseSummary> summarise_power(const std::vector<PowerRow>& rows);

/// The steady board power of one phase: the median of its samples taken while a kernel ran the whole
/// sampling period (gpu_util 100 %), so that process start-up and the gaps between launches are left out.
/// Nothing when fewer than three such samples exist.
struct SteadyPower {
  double power_w = 0;
  double sm_clock_hz = 0;  ///< median clock of the same samples
  int samples = 0;
};
std::optional<SteadyPower> steady_power(const std::vector<PowerRow>& rows, const std::string& phase);

/// The catalog entry to simulate a measured GPU as: machine.json "catalog" when given, else from the
/// name ("H100 ... HBM3" or "SXM" -> H100-SXM, "H100 PCIe" -> H100-PCIe, ...). ConfigError when unknown.
std::string catalog_name_for(const MachineInfo& m, const Catalog& catalog);

}  // namespace gpusim
