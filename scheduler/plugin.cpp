#include "scheduler/plugin.hpp"

#include <dlfcn.h>
#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <set>

#include "core/errors.hpp"
#include "core/logging.hpp"

namespace gpusim {
namespace {

using AbiVersionFn = int (*)();
using RegisterFn = void (*)(PluginRegistrar*);

ConfigError plugin_error(const std::string& path, const std::string& what) {
  return ConfigError(fmt::format("{}: error: scheduler plugin: {}", path, what));
}

// dlerror() text without the path it repeats at its start.
std::string dl_message(const std::string& path) {
  const char* e = ::dlerror();
  std::string msg = e ? e : "unknown dynamic loader error";
  if (msg.rfind(path + ": ", 0) == 0) msg = msg.substr(path.size() + 2);
  return msg;
}

// True when the file starts with the ELF magic number.
bool is_elf(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  char magic[4] = {};
  in.read(magic, 4);
  return in.gcount() == 4 && magic[0] == 0x7f && magic[1] == 'E' && magic[2] == 'L' && magic[3] == 'F';
}

// A plugin policy behind a guard: an exception other than ConfigError/PolicyError escaping one of its
// decisions becomes a PolicyError naming the policy and the simulated time.
class Guarded : public Scheduler {
 public:
  Guarded(std::string name, std::unique_ptr<Scheduler> inner)
      : name_(std::move(name)), inner_(std::move(inner)) {}

  std::vector<std::vector<std::string>> partition(const std::vector<StreamView>& streams,
                                                  const std::vector<MigChoice>& choices) override {
    return guard(0.0, "partition", [&] { return inner_->partition(streams, choices); });
  }
  std::vector<int> place(const std::vector<StreamView>& streams,
                         const std::vector<DeviceView>& units) override {
    return guard(0.0, "place", [&] { return inner_->place(streams, units); });
  }
  std::vector<double> mps_shares(const std::vector<StreamView>& streams, const std::vector<DeviceView>& units,
                                 const std::vector<int>& placement) override {
    return guard(0.0, "mps_shares", [&] { return inner_->mps_shares(streams, units, placement); });
  }
  bool per_request() const override { return inner_->per_request(); }
  bool admit(const RequestView& request, const UnitState& unit) override {
    return guard(unit.now.v, "admit", [&] { return inner_->admit(request, unit); });
  }
  std::size_t pick(const UnitState& unit, const std::vector<RequestView>& waiting) override {
    return guard(unit.now.v, "pick", [&] { return inner_->pick(unit, waiting); });
  }

 private:
  template <class F>
  auto guard(double now, const char* what, F f) -> decltype(f()) {
    try {
      return f();
    } catch (const ConfigError&) {
      throw;
    } catch (const PolicyError&) {
      throw;
    } catch (const std::exception& e) {
      throw PolicyError(
          fmt::format("scheduler '{}' at t={:.6f}s: {}() threw: {}", name_, now, what, e.what()));
    } catch (...) {
      throw PolicyError(
          fmt::format("scheduler '{}' at t={:.6f}s: {}() threw an unknown exception", name_, now, what));
    }
  }

  std::string name_;
  std::unique_ptr<Scheduler> inner_;
};

// Registers a plugin's policies in the scheduler registry. Factories are wrapped so that a constructor
// that throws anything but a ConfigError becomes a ConfigError naming the plugin.
class Registrar : public PluginRegistrar {
 public:
  explicit Registrar(std::string path) : path_(std::move(path)) {}

  void add_scheduler(const std::string& name, const std::string& summary, const std::vector<ParamDoc>& params,
                     SchedulerFactory factory) override {
    auto& registry = Registry<Scheduler>::instance();
    if (name.empty()) throw plugin_error(path_, "a policy has an empty name");
    if (!factory) throw plugin_error(path_, fmt::format("policy '{}' has no factory", name));
    if (registry.has(name))
      throw plugin_error(path_, fmt::format("policy name '{}' is already registered", name));
    const std::string path = path_;
    registry.add(
        name, fmt::format("{} [plugin {}]", summary, std::filesystem::path(path_).filename().string()),
        params, [path, name, factory](const Params& p) -> std::unique_ptr<Scheduler> {
          std::unique_ptr<Scheduler> s;
          try {
            s = factory(p);
          } catch (const ConfigError&) {
            throw;
          } catch (const std::exception& e) {
            throw plugin_error(path, fmt::format("policy '{}' failed to start: {}", name, e.what()));
          } catch (...) {
            throw plugin_error(path, fmt::format("policy '{}' failed to start (unknown exception)", name));
          }
          if (!s) throw plugin_error(path, fmt::format("policy '{}': the factory returned no policy", name));
          return std::make_unique<Guarded>(name, std::move(s));
        });
    names_.push_back(name);
  }

  const std::vector<std::string>& names() const { return names_; }

 private:
  std::string path_;
  std::vector<std::string> names_;
};

}  // namespace

std::vector<std::string> load_scheduler_plugin(const std::string& path) {
  static std::set<std::string> loaded;  // canonical paths
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) throw plugin_error(path, "no such file");
  const std::string canonical = std::filesystem::canonical(path, ec).string();
  if (loaded.count(canonical)) return {};
  if (!is_elf(path)) throw plugin_error(path, "not a shared library (no ELF header)");

  // dlopen needs a slash to take the name as a path rather than search the library path.
  const std::string open_path = path.find('/') == std::string::npos ? "./" + path : path;
  void* handle = ::dlopen(open_path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle) throw plugin_error(path, fmt::format("cannot load: {}", dl_message(open_path)));

  ::dlerror();
  auto version = reinterpret_cast<AbiVersionFn>(::dlsym(handle, "gpusim_plugin_abi_version"));
  if (!version) {
    ::dlclose(handle);
    throw plugin_error(
        path, "missing symbol 'gpusim_plugin_abi_version' (is it a gpusim plugin? see scheduler/plugin.hpp)");
  }
  auto register_fn = reinterpret_cast<RegisterFn>(::dlsym(handle, "gpusim_register_plugin"));
  if (!register_fn) {
    ::dlclose(handle);
    throw plugin_error(path, "missing symbol 'gpusim_register_plugin' (see scheduler/plugin.hpp)");
  }
  const int v = version();
  if (v != GPUSIM_PLUGIN_ABI_VERSION) {
    ::dlclose(handle);
    throw plugin_error(path,
                       fmt::format("ABI version {}, but this gpusim needs version {}: rebuild the plugin "
                                   "against this gpusim's headers",
                                   v, GPUSIM_PLUGIN_ABI_VERSION));
  }
  // From here on the library stays loaded: policies registered before a failure point into it.
  loaded.insert(canonical);
  Registrar registrar(path);
  try {
    register_fn(&registrar);
  } catch (const ConfigError&) {
    throw;
  } catch (const std::exception& e) {
    throw plugin_error(path, fmt::format("registration failed: {}", e.what()));
  } catch (...) {
    throw plugin_error(path, "registration failed (unknown exception)");
  }
  if (registrar.names().empty()) throw plugin_error(path, "registered no policy");
  std::string list;
  for (const auto& n : registrar.names()) list += (list.empty() ? "" : ", ") + n;
  logger("sched")->info("loaded scheduler plugin {} ({})", path, list);
  return registrar.names();
}

void load_scheduler_plugins(const std::vector<std::string>& paths) {
  for (const auto& p : paths) load_scheduler_plugin(p);
}

}  // namespace gpusim
