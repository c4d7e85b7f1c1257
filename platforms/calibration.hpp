#pragma once
/// A calibration overlay (written by `gpusim calibrate`, docs/validation.md "Calibration"): per catalog
/// entry, the efficiencies and launch overhead fitted to the calibration subset of the validation data, each
/// with the cases it was fitted on. A platform names one with `calibration: FILE`; `gpusim validate
/// --calibration FILE` compares its errors with the catalog's.

#include <optional>
#include <string>
#include <vector>

#include "core/units.hpp"
#include "platforms/catalog.hpp"

namespace gpusim {

/// One fitted field and the validation cases it was fitted on.
struct FittedValue {
  double value = 0;  ///< efficiency (fraction), or seconds (launch overhead, time slice, context switch)
  std::vector<std::string> cases;
};

/// The fitted fields of one catalog entry; absent = the catalog's value stands.
struct DeviceCalibration {
  std::string device;
  std::optional<FittedValue> compute_efficiency;
  std::optional<FittedValue> memory_efficiency;
  std::optional<FittedValue> l2_efficiency;  ///< share of l2_bandwidth L2-resident reads reach
  std::optional<FittedValue> l2_far_ratio;  ///< far-partition hit bandwidth / near (DeviceSpec::l2_far_ratio)
  std::optional<FittedValue> compute_power;  ///< DeviceSpec::power_compute (tensor-core SMs)
  std::optional<FittedValue> simt_power;     ///< DeviceSpec::power_simt (CUDA-core SMs)
  std::optional<FittedValue> memory_power;   ///< DeviceSpec::power_memory
  std::optional<FittedValue> launch_overhead;
  std::optional<FittedValue> time_slice;      ///< seconds a context holds a time-sliced GPU while others wait
  std::optional<FittedValue> context_switch;  ///< seconds one context switch costs
  std::optional<FittedValue> eager_host_launch;  ///< DeviceSpec::eager_host_launch (validation only)
};

struct Calibration {
  std::string file;  ///< where it was read from (empty when fitted in memory)
  std::vector<DeviceCalibration> devices;
};

/// Physical bounds of the fitted fields (the fit never leaves them; a file outside them is rejected).
inline constexpr double kMinEfficiency = 0.05;
inline constexpr double kMaxEfficiency = 1.0;
inline constexpr double kMinPowerShare = 0.02;  ///< of (TDP - idle)
inline constexpr double kMaxPowerShare = 1.5;
inline constexpr double kMinLaunchOverhead = 0.5e-6;  ///< s
inline constexpr double kMaxLaunchOverhead = 100e-6;  ///< s
inline constexpr double kMinTimeSlice = 100e-6;       ///< s
inline constexpr double kMaxTimeSlice = 20e-3;        ///< s
inline constexpr double kMinContextSwitch = 1e-6;     ///< s
inline constexpr double kMaxContextSwitch = 1e-3;     ///< s
inline constexpr double kMinEagerHostLaunch = 1e-6;   ///< s
inline constexpr double kMaxEagerHostLaunch = 1e-3;   ///< s

/// Reads an overlay; ConfigError naming FILE:LINE:COL on a malformed one or a device not in `catalog`.
Calibration read_calibration(const std::string& path, const Catalog& catalog);

/// The overlay as YAML text (the format read_calibration reads); `header` lines become comments.
std::string calibration_yaml(const Calibration& c, const std::vector<std::string>& header);

/// `catalog` with the overlay's fields replacing the entries' own.
Catalog apply_calibration(const Catalog& catalog, const Calibration& c);

/// One entry with the overlay's fields for it (unchanged when the overlay does not name it).
void apply_calibration(DeviceSpec& d, const Calibration& c);

}  // namespace gpusim
