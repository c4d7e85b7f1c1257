#pragma once
/// Experiments of the categories "isolated kernels" and "L2-resident kernels": one kernel alone, launch
/// overhead off; the prediction is the bytes or FLOPs it moves per second of simulated time.

#include <string>

#include "studies/validation/experiment.hpp"
#include "studies/validation/published.hpp"

namespace gpusim::validation {

/// "L2-resident kernels" when the working set fits the L2 (`working_set` <= `l2`), else "isolated kernels".
std::string category_for_working_set(double working_set, double l2);

/// A published streaming benchmark (gpu-stream triad or read, on doubles) on `spec`: predicted GB/s.
Experiment published_bandwidth(const PublishedBandwidth& b, const DeviceSpec& spec);

/// A measured harness kernel: predicted TFLOP/s for compute kernels (fma, GEMM), GB/s for streaming ones.
Experiment measured_kernel(const MeasuredContext& ctx, const KernelRow& k, bool held_out);

/// A kernel of steady.csv, launched back to back for the measured run's length: its throughput as
/// measured_kernel's and, when power.csv holds at least three samples of its phase "steady:<kernel>" at
/// 100 % utilisation, their median board power against the simulated mean power of the run (W).
Experiment measured_steady_kernel(const MeasuredContext& ctx, const KernelRow& k, bool held_out);

}  // namespace gpusim::validation
