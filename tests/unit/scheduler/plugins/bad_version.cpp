// A plugin built against another ABI version.
#include "scheduler/plugin.hpp"

GPUSIM_PLUGIN_EXPORT int gpusim_plugin_abi_version() { return 999; }
GPUSIM_PLUGIN_EXPORT void gpusim_register_plugin(gpusim::PluginRegistrar*) {}
