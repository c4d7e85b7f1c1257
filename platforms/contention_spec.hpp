#pragma once
/// Switches and parameters of the contention mechanisms (platform.yaml `contention:`, CLI --disable).
/// Defaults and their sources: docs/contention.md. The switchable mechanisms are listed once, in
/// `mechanisms()`: names, switches, lookup and help text all come from that table.

#include <cstdint>
#include <string>
#include <vector>

#include "core/units.hpp"

namespace gpusim {

struct ContentionSpec {
  bool bandwidth = true;          ///< co-running kernels share memory bandwidth (off: each sees all of it)
  bool l2 = true;                 ///< co-runners whose working sets overflow L2 lose their L2 hits
  double l2_sensitivity = 1.0;    ///< share of the hits lost at full overflow (sim/l2_model.hpp)
  bool time_slice = true;         ///< contexts pay a switch cost when the GPU changes context
  Seconds slice{2e-3};            ///< time slice of a context when others wait
  Seconds switch_cost{25e-6};     ///< cost of one context switch
  bool power = true;              ///< the clock steps down when power exceeds the cap (TDP by default)
  double compute_power = 0.85;    ///< share of (TDP - idle) drawn by fully busy SMs at the boost clock
  double memory_power = 0.35;     ///< share of (TDP - idle) drawn by a saturated memory bus
  double clock_exponent = 3.0;    ///< dynamic SM power goes as (clock / boost)^clock_exponent
  Seconds control_period{10e-3};  ///< power/thermal controller period
  bool thermal = true;            ///< the clock steps down above the temperature limit
  bool pcie = true;               ///< request inputs and outputs cross the host link
  bool batching = true;           ///< dynamic batching of workloads that ask for it
  bool shared_weights = true;     ///< one copy of a workload's weights per unit
  bool launch_overhead = true;    ///< fixed cost per kernel launch
  bool sm_wait = true;            ///< MPS: a kernel waits for the SMs earlier kernels hold (no pre-emption)
  Seconds sample_interval{0.1};   ///< time-series sampling interval

  /// Switches a mechanism by name; false when the name is unknown.
  bool set(const std::string& name, bool on);
  /// Whether the named mechanism is on; false when the name is unknown.
  bool enabled(const std::string& name) const;
  /// A copy with the named mechanism off ("" : unchanged). Scheduling off (time_slice) is also a slice
  /// shorter than any kernel: contexts alternate kernel by kernel instead of holding the GPU for a slice
  /// (a context yields after each kernel when another waits), with no switch cost. Throws
  /// std::invalid_argument for an unknown name.
  ContentionSpec without(const std::string& name) const;
};

/// One switchable mechanism: its name (as in platform.yaml, --disable and reports), its switch, and a
/// one-line description.
struct Mechanism {
  const char* name;
  bool ContentionSpec::*flag;
  const char* doc;
  /// Switching it off never slows anything down: it only adds time (a lower clock, fewer L2 hits, a shared
  /// bus or link, a launch cost). Not so for a mechanism that changes who runs when (time slices, SM
  /// holding) or that saves time (batching), nor for shared_weights (memory only).
  bool adds_time;
};

/// The named mechanism only adds time (Mechanism::adds_time); false when the name is unknown.
bool adds_time(const std::string& name);

/// The switchable mechanisms, in report order (the order is part of the output format).
const std::vector<Mechanism>& mechanisms();

/// The mechanisms by their position in mechanisms() (tests/unit/platforms/contention_spec_test.cpp checks
/// that the two agree): a run records which of them acted as a bit set (PowerRecord::acted).
enum class MechanismId : unsigned {
  BANDWIDTH,
  L2,
  TIME_SLICE,
  POWER,
  THERMAL,
  PCIE,
  BATCHING,
  SHARED_WEIGHTS,
  LAUNCH_OVERHEAD,
  SM_WAIT
};
constexpr std::uint32_t mechanism_bit(MechanismId m) { return std::uint32_t{1} << static_cast<unsigned>(m); }
/// The bit of the named mechanism; 0 when the name is unknown.
std::uint32_t mechanism_bit(const std::string& name);

/// Names of the switchable mechanisms, in report order.
const std::vector<std::string>& mechanism_names();

/// The names joined with ", " (for "known: ..." in error messages).
std::string mechanism_list();

/// One line per mechanism, "  NAME  doc", names padded to one column (for --disable help).
std::string mechanism_help();

}  // namespace gpusim
