#pragma once
/// The schema of workloads.yaml: every field with its kind, unit, range, default and meaning.

#include "core/schema.hpp"

namespace gpusim {

/// workloads.yaml.
const Schema& workloads_schema();

}  // namespace gpusim
