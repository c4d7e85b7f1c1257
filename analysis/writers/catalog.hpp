#pragma once
/// `gpusim list`: the device catalog and the registered scheduling policies as tables.

#include <ostream>
#include <string>

#include "platforms/catalog.hpp"

namespace gpusim {

/// One line per catalog device (dense peaks, memory, bandwidth, L2, TDP, MIG profiles); `dir` for the header.
void print_devices(std::ostream& out, const Catalog& catalog, const std::string& dir);

/// One line per registered scheduling policy: its parameters with defaults and what it does.
void print_schedulers(std::ostream& out);

}  // namespace gpusim
