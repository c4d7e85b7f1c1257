#pragma once
/// The schemas of platform.yaml and of catalog entries (platforms/catalog/NAME.yaml, also the keys of a
/// device's `overrides`): every field with its kind, unit, range, default and meaning.

#include "core/schema.hpp"

namespace gpusim {

/// platform.yaml.
const Schema& platform_schema();
/// A catalog entry; `overrides:` in platform.yaml takes the same keys (except name and sources).
const Schema& device_schema();

/// Largest power cap, as a multiple of the device's TDP.
inline constexpr double kMaxPowerCapOverTdp = 2.0;

}  // namespace gpusim
