#include "scheduler/plugin.hpp"

#include <dlfcn.h>
#include <unistd.h>
#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <cstring>
#include <set>

#include "core/errors.hpp"
#include "core/logging.hpp"
#include "scheduler/contained_call.hpp"

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

// What a placement callback returns, as bytes through the contained child's pipe: sizes and numbers in
// their in-memory representation (the same binary on both ends), strings with their length.
class Encoder {
 public:
  void size(std::size_t n) { raw(&n, sizeof n); }
  void value(const std::vector<int>& v) {
    size(v.size());
    raw(v.data(), v.size() * sizeof(int));
  }
  void value(const std::vector<double>& v) {
    size(v.size());
    raw(v.data(), v.size() * sizeof(double));
  }
  void value(const std::vector<std::vector<std::string>>& v) {
    size(v.size());
    for (const auto& list : v) {
      size(list.size());
      for (const auto& str : list) {
        size(str.size());
        raw(str.data(), str.size());
      }
    }
  }
  std::string bytes;

 private:
  void raw(const void* p, std::size_t n) { bytes.append(static_cast<const char*>(p), n); }
};

class Decoder {
 public:
  explicit Decoder(const std::string& bytes) : bytes_(bytes) {}
  std::size_t size() {
    std::size_t n = 0;
    raw(&n, sizeof n);
    return n;
  }
  void value(std::vector<int>& v) {
    v.resize(bounded(size(), sizeof(int)));
    raw(v.data(), v.size() * sizeof(int));
  }
  void value(std::vector<double>& v) {
    v.resize(bounded(size(), sizeof(double)));
    raw(v.data(), v.size() * sizeof(double));
  }
  void value(std::vector<std::vector<std::string>>& v) {
    v.resize(bounded(size(), sizeof(std::size_t)));
    for (auto& list : v) {
      list.resize(bounded(size(), sizeof(std::size_t)));
      for (auto& str : list) {
        str.resize(bounded(size(), 1));
        raw(str.data(), str.size());
      }
    }
  }

 private:
  std::size_t bounded(std::size_t n, std::size_t each) const {
    GPUSIM_CHECK(n <= (bytes_.size() - at_) / each, "contained callback result is truncated");
    return n;
  }
  void raw(void* p, std::size_t n) {
    GPUSIM_CHECK(n <= bytes_.size() - at_, "contained callback result is truncated");
    if (n > 0) std::memcpy(p, bytes_.data() + at_, n);
    at_ += n;
  }
  const std::string& bytes_;
  std::size_t at_ = 0;
};

// A plugin policy behind a guard: an exception other than ConfigError/PolicyError escaping one of its
// decisions becomes a PolicyError naming the policy and the simulated time. The placement decisions
// (partition, place, mps_shares) run in a child process with a time budget, so that a crash or a hang
// there is reported instead of taking gpusim down; admit and pick run in the simulating child, marked for
// its crash reporter (install_crash_reporter) and under the same budget.
class Guarded : public Scheduler {
 public:
  Guarded(std::string name, std::unique_ptr<Scheduler> inner)
      : name_(std::move(name)),
        inner_(std::move(inner)),
        admit_label_(scheduler_label(name_) + ": admit()"),
        pick_label_(scheduler_label(name_) + ": pick()") {}

  std::vector<std::vector<std::string>> partition(const std::vector<StreamView>& streams,
                                                  const std::vector<MigChoice>& choices) override {
    return contained<std::vector<std::vector<std::string>>>(
        "partition", [&] { return inner_->partition(streams, choices); });
  }
  std::vector<int> place(const std::vector<StreamView>& streams,
                         const std::vector<DeviceView>& units) override {
    return contained<std::vector<int>>("place", [&] { return inner_->place(streams, units); });
  }
  std::vector<double> mps_shares(const std::vector<StreamView>& streams, const std::vector<DeviceView>& units,
                                 const std::vector<int>& placement) override {
    return contained<std::vector<double>>("mps_shares",
                                          [&] { return inner_->mps_shares(streams, units, placement); });
  }
  bool per_request() const override { return inner_->per_request(); }
  bool admit(const RequestView& request, const UnitState& unit) override {
    CallbackScope scope(admit_label_.c_str());
    return guard(unit.now.v, "admit", [&] { return inner_->admit(request, unit); });
  }
  std::size_t pick(const UnitState& unit, const std::vector<RequestView>& waiting) override {
    CallbackScope scope(pick_label_.c_str());
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

  // Runs placement decision `what` in a child process: its result, or its error raised again here, or a
  // PolicyError when the child crashed, ended the process or ran past the callback budget.
  template <class T, class F>
  T contained(const char* what, F f) {
    const double budget = callback_budget();
    const std::string label = fmt::format("{}: {}()", scheduler_label(name_), what);
    const ContainedOutcome run = run_contained(
        [&]() -> std::string {
          try {
            Encoder e;
            e.value(guard(0.0, what, f));
            return 'R' + e.bytes;
          } catch (const ConfigError& e) {
            return 'C' + std::string(e.what());
          } catch (const PolicyError& e) {
            return 'P' + std::string(e.what());
          }
        },
        budget);
    switch (run.kind) {
      case ContainedOutcome::Kind::CRASHED:
        throw PolicyError(fmt::format("{} {}", label, crash_text(run.signal)));
      case ContainedOutcome::Kind::TIMED_OUT:
        throw PolicyError(fmt::format("{} {}", label, timeout_text(budget)));
      case ContainedOutcome::Kind::EXITED:
        throw PolicyError(fmt::format("{} ended the process (exit status {})", label, run.status));
      case ContainedOutcome::Kind::RETURNED:
        break;
    }
    if (run.output.empty())
      throw PolicyError(fmt::format("{} ended the process (exit status 0)", label));
    const std::string payload = run.output.substr(1);
    if (run.output[0] == 'C') throw ConfigError(payload);
    if (run.output[0] == 'P') throw PolicyError(payload);
    T out;
    Decoder(payload).value(out);
    return out;
  }

  std::string name_;
  std::unique_ptr<Scheduler> inner_;
  std::string admit_label_;
  std::string pick_label_;
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

// Loads the plugin and runs its registration in a child process first, so that a crash or a hang in its
// constructors or its registration is a ConfigError naming the file rather than the end of gpusim. Errors
// that do not end the child (no entry point, a registration that throws, ...) are left to the real load,
// which reports them.
void probe_load(const std::string& path, const std::string& open_path) {
  const double budget = callback_budget();
  const ContainedOutcome run = run_contained(
      [&]() -> std::string {
        void* handle = ::dlopen(open_path.c_str(), RTLD_NOW | RTLD_LOCAL);
        if (!handle) return "loaded";
        auto version = reinterpret_cast<AbiVersionFn>(::dlsym(handle, "gpusim_plugin_abi_version"));
        auto register_fn = reinterpret_cast<RegisterFn>(::dlsym(handle, "gpusim_register_plugin"));
        if (!version || !register_fn || version() != GPUSIM_PLUGIN_ABI_VERSION) return "loaded";
        Registrar registrar(path);
        try {
          register_fn(&registrar);
        } catch (...) {
        }
        return "loaded";
      },
      budget, /*quiet=*/true);
  switch (run.kind) {
    case ContainedOutcome::Kind::RETURNED:
      if (run.output == "loaded") return;
      throw plugin_error(path, "loading ended the process (exit status 0)");
    case ContainedOutcome::Kind::CRASHED:
      throw plugin_error(path, "loading " + crash_text(run.signal));
    case ContainedOutcome::Kind::TIMED_OUT:
      throw plugin_error(path,
                         fmt::format("loading did not finish within {:g} s ({})", budget, budget_source()));
    case ContainedOutcome::Kind::EXITED:
      throw plugin_error(path, fmt::format("loading ended the process (exit status {})", run.status));
  }
}

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
  probe_load(path, open_path);
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
