// A plugin that has the version entry point but not gpusim_register_plugin.
#include "scheduler/plugin.hpp"

GPUSIM_PLUGIN_EXPORT int gpusim_plugin_abi_version() { return GPUSIM_PLUGIN_ABI_VERSION; }
