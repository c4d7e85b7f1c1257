#pragma once
/// Reading of device fields, shared by catalog entries and per-device overrides in platform.yaml.

#include "core/yaml_reader.hpp"
#include "platforms/device_spec.hpp"

namespace gpusim {

/// Reads the device keys present in `m` into `d`. With is_override, every key is optional and
/// replaces the catalog value; otherwise the core keys are required.
void read_device_fields(MapReader& m, DeviceSpec& d, bool is_override);

}  // namespace gpusim
