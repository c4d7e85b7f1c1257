#pragma once
/// `gpusim validate`: gpusim's predictions held against published figures (validation/published/*.csv)
/// and measurements taken with the harness (validation/measured/<gpu>/), one simulation per case, each
/// in its own process. Method, data and current errors: docs/validation.md.
///
/// Reading the data (validate_data.cpp) is separate from simulating it (validate.cpp), so the harness's
/// output format is tested on its own (validation/harness/sample/, hand-written, NOT measured).

#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "platforms/catalog.hpp"

namespace gpusim {

// ---- Published figures (validation/published/) ------------------------------------------------------

/// bandwidth.csv: a streaming kernel's achieved bandwidth.
struct PublishedBandwidth {
  std::string name;
  std::string device;  ///< catalog entry
  std::string kernel;  ///< triad (2 loads + 1 store) | read (1 load)
  double working_set_bytes = 0;
  double bandwidth_Bps = 0;  ///< bytes counted by the benchmark per second
  bool held_out = false;
  std::string source;
};

/// mlperf_resnet50.csv: one MLPerf Inference ResNet-50 result of a single-GPU system.
struct PublishedMlperf {
  std::string name;
  std::string device;
  std::string scenario;  ///< Offline | SingleStream
  int batch = 1;
  std::string precision;
  double value = 0;  ///< Offline: samples/s; SingleStream: 90th-percentile latency in seconds
  bool held_out = false;
  std::string source;
};

struct PublishedData {
  std::vector<PublishedBandwidth> bandwidth;
  std::vector<PublishedMlperf> mlperf;
};

/// Reads DIR/bandwidth.csv and DIR/mlperf_resnet50.csv (either may be absent). Any other *.csv in DIR,
/// an unknown column or a malformed value is a ConfigError naming FILE:LINE.
PublishedData read_published(const std::string& dir);

// ---- Harness output (validation/measured/<gpu>/; format in validation/harness/README.md) ------------

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
  std::string framework;  ///< pytorch | onnxruntime
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
  std::vector<KernelRow> kernels;
  std::vector<PairRow> pairs;
  std::vector<ModelRow> models;
  std::vector<ModelPairRow> model_pairs;
  std::vector<PowerRow> power;
};

/// Reads one harness output directory (machine.json and whichever CSVs exist). '#' lines are comments.
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

/// The catalog entry to simulate a measured GPU as: machine.json "catalog" when given, else from the
/// name ("H100 ... HBM3" or "SXM" -> H100-SXM, "H100 PCIe" -> H100-PCIe, ...). ConfigError when unknown.
std::string catalog_name_for(const MachineInfo& m, const Catalog& catalog);

// ---- Cases, simulation and the report -----------------------------------------------------------------

/// One validated number.
struct ValidationCase {
  std::string name;
  std::string category;  ///< isolated kernels | L2-resident kernels | co-located pairs | models
  std::string origin;    ///< published | measured | SAMPLE (hand-written harness output, NOT measured)
  std::string device;    ///< catalog entry simulated
  std::string unit;      ///< GB/s, TFLOP/s, samples/s, ms, ratio
  double measured = 0;
  std::optional<double> predicted;
  bool held_out = false;  ///< never used by calibration (docs/validation.md)
  std::string source;
  std::string note;  ///< why a case has no prediction, or a modelling remark
  /// (predicted - measured) / measured x 100.
  std::optional<double> error_pct() const;
};

/// Error statistics of one category and subset.
struct CategorySummary {
  std::string category;
  std::string subset;  ///< all | calibration | held-out
  int cases = 0;
  double mean_abs_error_pct = 0;
  double mean_error_pct = 0;  ///< signed: > 0 means gpusim predicts too high
  double worst_abs_error_pct = 0;
  std::string worst_case;
};

struct ValidationReport {
  std::string data_dir;
  std::string calibration;  ///< "none": every prediction uses the catalog as shipped
  bool sample = false;      ///< some data are the hand-written sample (NOT measured)
  std::vector<ValidationCase> cases;
  std::vector<CategorySummary> summary;
  std::vector<std::string> notes;  ///< data found, measured directories, skipped cases
};

struct ValidateOptions {
  std::string data_dir;     ///< holds published/ and measured/<gpu>/, or is one harness output directory
  std::string catalog_dir;  ///< empty: the bundled catalog
  std::string models_dir;   ///< ONNX face models; empty: examples/face-recognition/models
  unsigned parallel = 0;    ///< simulations at once; 0 = number of cores
};

/// The validation directory compiled in (the source tree's validation/), or $GPUSIM_VALIDATION when set.
std::string default_validation_dir();

/// Finds every case under options.data_dir, simulates it and summarises the errors per category.
ValidationReport run_validation(const ValidateOptions& options);

/// Cases from already-read data (the test entry point); `catalog` resolves device names.
ValidationReport validate_data(const PublishedData& published, const std::vector<MeasuredData>& measured,
                               const Catalog& catalog, const ValidateOptions& options);

/// Per-category statistics (all, calibration, held-out) of the cases that have a prediction.
std::vector<CategorySummary> summarise(const std::vector<ValidationCase>& cases);

void print_validation(std::ostream& out, const ValidationReport& r);
nlohmann::json validation_json(const ValidationReport& r);

}  // namespace gpusim
