#pragma once
/// Published figures (validation/published/*.csv): streaming bandwidth and MLPerf Inference ResNet-50
/// results of single-GPU systems, read strictly (docs/validation.md, "Sources").

#include <string>
#include <vector>

namespace gpusim {

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
  std::string scenario;  ///< Offline | SingleStream | MultiStream (one query of `batch` samples)
  int batch = 1;
  std::string precision;
  double value = 0;  ///< Offline: samples/s; SingleStream: 90th-, MultiStream: 99th-percentile latency in s
  bool held_out = false;
  std::string source;
  int gpus = 1;      ///< GPUs of the system the figure covers; an Offline figure is shared out evenly
  std::string mig;   ///< MIG profile of the one instance that ran it ("" for a whole GPU)
  double power_limit_w = 0;  ///< per-GPU power limit set by the submission (MaxQ); 0 for none
};

struct PublishedData {
  std::vector<PublishedBandwidth> bandwidth;
  std::vector<PublishedMlperf> mlperf;
};

/// Reads DIR/bandwidth.csv and DIR/mlperf_resnet50.csv (either may be absent). Any other *.csv in DIR,
/// an unknown column or a malformed value is a ConfigError naming FILE:LINE.
PublishedData read_published(const std::string& dir);

}  // namespace gpusim
