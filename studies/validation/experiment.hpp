#pragma once
/// The pieces every validation experiment is made of: a group of cases, the small scenarios (built in code,
/// each with a checked Plan) that predict them, and how to read the predictions off their results. The
/// experiments of each category are in kernels.hpp, pairs.hpp and models.hpp.

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "analysis/validation_report.hpp"
#include "core/precision.hpp"
#include "platforms/device_spec.hpp"
#include "sim/plan.hpp"
#include "sim/sim_result.hpp"
#include "studies/validation/measured.hpp"

namespace gpusim::validation {

/// One simulation: a scenario and its plan.
struct Run {
  Scenario sc;
  Plan plan;
};

/// A group of cases, the runs they need, and the predictions (one per case, in order) from the runs'
/// results (one per run, in order).
struct Experiment {
  std::vector<ValidationCase> cases;
  std::vector<Run> runs;
  std::function<std::vector<double>(const std::vector<SimResult>&)> predict;
};

/// What the experiments of one harness output directory share.
struct MeasuredContext {
  const MeasuredData* data = nullptr;
  const DeviceSpec* spec = nullptr;
  std::string origin;  ///< measured | SAMPLE
  std::string prefix;  ///< "<gpu dir name>/"
  std::string source;  ///< the directory
  double l2 = 0;       ///< the measured L2 size in bytes, else the catalog's
};

/// Mean power of one device over runs `r` taken together, from the start of each to its last event: the
/// energy the power controller integrated (every control period, up to the first tick at or after the last
/// event) less the idle power of the tail after that event (power is linear in the load within a period).
double mean_busy_power(const std::vector<SimResult>& r, double idle_w);

/// A case with no prediction yet.
ValidationCase make_case(std::string name, std::string category, std::string origin, std::string device,
                         std::string unit, double measured, bool held_out, std::string source);

/// A precision the readers have already checked (an internal error otherwise).
Precision precision_of(const std::string& s);

/// Arrivals at the given times.
ArrivalSpec trace(std::vector<double> times);

/// A stream of one stage.
StreamSpec make_stream(const std::string& name, StageSpec stage, Precision p, int batch, ArrivalSpec arrival);

/// A stream of one request, at time 0, made of `launches` identical kernels with launch geometry `shape`
/// (FILL: none known, the kernel fills the device).
StreamSpec kernel_stream(const std::string& name, Precision p, double flops, double bytes, double working_set,
                         int launches, const KernelShape& shape = {});

/// The launch geometry of a harness kernel (validation/harness/kernels.cuh) on a GPU of `sm_count` SMs:
/// fma_fp32, stream_hbm and stream_l2 launch sm_count x 8 blocks of 256 threads (one full wave, 8 blocks per
/// SM); gemm_* is cuBLAS's 8192 x 8192 x 8192 product (a GEMM whose tiles gpusim chooses).
KernelShape harness_kernel_shape(const std::string& kernel, int sm_count);

/// One device of the catalog entry, the streams on it (one context each), every mechanism as shipped except
/// the launch overhead where the measurement hides it (back-to-back asynchronous launches of long kernels).
Run make_run(const DeviceSpec& spec, SharingMode mode, std::vector<StreamSpec> streams, bool launch_overhead);
/// The same on one MIG instance of `profile` (every stream on it), or on the whole device when `profile` is
/// empty, with the device's power capped at `power_cap_w` when > 0.
Run make_run(const DeviceSpec& spec, std::vector<StreamSpec> streams, bool launch_overhead,
             const std::string& mig_profile, double power_cap_w);

/// The host time per kernel eager-PyTorch cases run with: the device's fitted `eager_host_launch` (a
/// calibration overlay), else none (the host is not simulated).
Seconds eager_host_launch(const DeviceSpec& spec);

/// Latest finish of a stream's requests (they all complete: the drain is long).
double last_finish(const SimResult& r, std::uint32_t stream);

/// Mean latency of a stream's completed requests (0 when none completed).
double mean_latency(const SimResult& r, std::uint32_t stream);

}  // namespace gpusim::validation
