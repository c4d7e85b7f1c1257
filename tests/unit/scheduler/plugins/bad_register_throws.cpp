// A plugin whose registration function throws.
#include <stdexcept>

#include "scheduler/plugin.hpp"

GPUSIM_PLUGIN(registrar) {
  (void)registrar;
  throw std::runtime_error("cannot read my configuration");
}
