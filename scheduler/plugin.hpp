#pragma once
/// External scheduling policies, loaded from shared libraries (`--scheduler-plugin PATH.so`).
///
/// The ABI. A plugin is a shared library (CMake `add_library(NAME MODULE ...)`) that exports two C symbols:
///
///     extern "C" int gpusim_plugin_abi_version();                      // returns GPUSIM_PLUGIN_ABI_VERSION
///     extern "C" void gpusim_register_plugin(gpusim::PluginRegistrar* registrar);
///
/// gpusim dlopen()s the file, calls gpusim_plugin_abi_version() and refuses the plugin unless it returns
/// the GPUSIM_PLUGIN_ABI_VERSION of this gpusim (the number changes whenever the Scheduler interface, its
/// views, Params or PluginRegistrar change layout), then calls gpusim_register_plugin(), in which the
/// plugin adds its policies by name. The policies then behave like built-ins: `gpusim list schedulers`,
/// `run --scheduler NAME`, `compare --schedulers NAME,...`. GPUSIM_PLUGIN(registrar) below writes both
/// entry points.
///
/// Symbols. A plugin derives from gpusim::Scheduler and may call Params and the logging functions; those
/// symbols live in the gpusim executable, which exports them (ENABLE_EXPORTS, i.e. -rdynamic). So a plugin
/// links nothing from gpusim (only fmt for the headers' sake) and is built with the same compiler and
/// standard library as gpusim: the ABI version cannot detect a C++ standard-library mismatch. A program
/// other than gpusim that loads plugins must be linked with ENABLE_EXPORTS too.
///
/// Errors: a missing file, a file that is not a shared library, a missing entry point, a version mismatch,
/// a name already taken, and a registration or policy constructor that throws are ConfigErrors (exit 2)
/// naming the file. Plugins are never unloaded (their code backs the policies until the process ends).
///
/// Containment (scheduler/contained_call.hpp): the plugin is first loaded and registered in a child
/// process, and a plugin policy's partition(), place() and mps_shares() run in a child process whose
/// result comes back through a pipe, so changes they make to the policy object are not kept. A crash, or a
/// callback running past GPUSIM_CALLBACK_BUDGET seconds (default 10), in these or in admit()/pick() is a
/// one-line error naming the policy and the callback (exit 2).

#include <memory>
#include <string>
#include <vector>

#include "core/params.hpp"
#include "scheduler/scheduler.hpp"

/// Version of the plugin ABI of this gpusim.
#define GPUSIM_PLUGIN_ABI_VERSION 3

namespace gpusim {

/// Creates a policy from its parameters.
using SchedulerFactory = std::unique_ptr<Scheduler> (*)(const Params& params);

/// What a plugin's gpusim_register_plugin() receives: it adds the plugin's policies.
class PluginRegistrar {
 public:
  virtual ~PluginRegistrar() = default;

  /// Adds a policy. `name` must not be taken (built-ins and other plugins); `params` documents the
  /// parameters it accepts (others are rejected before the factory runs): param_docs(decls...) builds it
  /// from the ParamDecls whose read() the policy's constructor calls.
  virtual void add_scheduler(const std::string& name, const std::string& summary,
                             const std::vector<ParamDoc>& params, SchedulerFactory factory) = 0;

  /// Adds policy class `T`, constructed as `T(const Params&)`.
  template <class T>
  void add(const std::string& name, const std::string& summary, const std::vector<ParamDoc>& params = {}) {
    add_scheduler(name, summary, params,
                  [](const Params& p) -> std::unique_ptr<Scheduler> { return std::make_unique<T>(p); });
  }
};

/// Loads a plugin and registers its policies; a ConfigError naming `path` when it cannot. Loading the
/// same file twice registers it once. Returns the names it registered.
std::vector<std::string> load_scheduler_plugin(const std::string& path);

/// Loads every plugin of a list, in order.
void load_scheduler_plugins(const std::vector<std::string>& paths);

}  // namespace gpusim

#define GPUSIM_PLUGIN_EXPORT extern "C" __attribute__((visibility("default")))

/// Defines both entry points: GPUSIM_PLUGIN(r) { r->add<MyPolicy>("my-policy", "what it does"); }
#define GPUSIM_PLUGIN(registrar)                                                             \
  GPUSIM_PLUGIN_EXPORT int gpusim_plugin_abi_version() { return GPUSIM_PLUGIN_ABI_VERSION; } \
  GPUSIM_PLUGIN_EXPORT void gpusim_register_plugin(::gpusim::PluginRegistrar* registrar)
