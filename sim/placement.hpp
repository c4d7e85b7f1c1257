#pragma once
/// Placement constraints (`placement:` in workloads.yaml): which units a workload's instances may run on,
/// and the checks made against the platform before a plan is made. make_plan() hides the units a
/// workload may not use from the policy (StreamView::isolated_time holds nothing there) and PlanBuilder
/// rejects a plan that places a stream outside its placement, so every policy, plugins included, keeps it.

#include <string>

#include "sim/plan.hpp"

namespace gpusim {

/// Checks every workload's placement against the platform: each named device exists; `slice` is given
/// only for a device with a fixed MIG partition and lies within it; each named device supports the
/// workload's precision and has a unit with room for one instance; a workload pinned to one unit fits
/// there with all its instances. ConfigError at the device name (or the slice) otherwise.
void check_placement(const Scenario& sc);

/// True when workload `s` may run on unit `u`.
bool placement_allows(const StreamSpec& s, const PlatformSpec& p, const Unit& u);

/// True when workload `s` may run on some unit of device `device` (an index into p.devices).
bool placement_allows_device(const StreamSpec& s, const PlatformSpec& p, int device);

/// The units a placement allows, for messages: "a100 slice 1", "t4, a100".
std::string placement_text(const PlacementSpec& p);

}  // namespace gpusim
