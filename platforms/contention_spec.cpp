// The table of switchable contention mechanisms and the lookups derived from it.

#include "platforms/contention_spec.hpp"

#include <algorithm>
#include <cstring>
#include <stdexcept>

namespace gpusim {
namespace {

const Mechanism* find(const std::string& name) {
  for (const auto& m : mechanisms()) {
    if (name == m.name) return &m;
  }
  return nullptr;
}

}  // namespace

const std::vector<Mechanism>& mechanisms() {
  static const std::vector<Mechanism> table{
      {"bandwidth", &ContentionSpec::bandwidth,
       "co-running kernels share the memory bus (off: each sees all of it)", true},
      {"l2", &ContentionSpec::l2, "co-runners whose working sets overflow L2 lose their L2 hits", true},
      {"time_slice", &ContentionSpec::time_slice,
       "a time-sliced GPU pays a switch cost when it changes context", false},
      {"power", &ContentionSpec::power, "the clock steps down while power exceeds the cap", true},
      {"thermal", &ContentionSpec::thermal, "the clock steps down while the temperature exceeds its limit", true},
      {"pcie", &ContentionSpec::pcie, "request inputs and outputs cross the shared host link", true},
      {"batching", &ContentionSpec::batching, "dynamic batching of workloads that ask for it", false},
      {"shared_weights", &ContentionSpec::shared_weights, "one copy of a workload's weights per unit", false},
      {"launch_overhead", &ContentionSpec::launch_overhead, "a fixed cost before each kernel", true},
      {"sm_wait", &ContentionSpec::sm_wait,
       "MPS: a running kernel keeps its SMs and a later one waits for them (off: fluid max-min sharing)", false},
  };
  return table;
}

const std::vector<std::string>& mechanism_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> n;
    for (const auto& m : mechanisms()) n.emplace_back(m.name);
    return n;
  }();
  return names;
}

std::string mechanism_list() {
  std::string out;
  for (const auto& m : mechanisms()) out += (out.empty() ? "" : ", ") + std::string(m.name);
  return out;
}

std::string mechanism_help() {
  std::size_t width = 0;
  for (const auto& m : mechanisms()) width = std::max(width, std::strlen(m.name));
  std::string out;
  for (const auto& m : mechanisms()) {
    out += "  " + std::string(m.name) + std::string(width + 2 - std::strlen(m.name), ' ') + m.doc + "\n";
  }
  return out;
}

std::uint32_t mechanism_bit(const std::string& name) {
  const Mechanism* m = find(name);
  return m ? std::uint32_t{1} << static_cast<unsigned>(m - mechanisms().data()) : 0;
}

bool adds_time(const std::string& name) {
  const Mechanism* m = find(name);
  return m && m->adds_time;
}

bool ContentionSpec::set(const std::string& name, bool on) {
  const Mechanism* m = find(name);
  if (!m) return false;
  this->*(m->flag) = on;
  return true;
}

bool ContentionSpec::enabled(const std::string& name) const {
  const Mechanism* m = find(name);
  return m && this->*(m->flag);
}

ContentionSpec ContentionSpec::without(const std::string& name) const {
  ContentionSpec out = *this;
  if (name.empty()) return out;
  if (!out.set(name, false)) throw std::invalid_argument("unknown contention mechanism '" + name + "'");
  if (name == "time_slice") out.slice = Seconds{1e-9};
  return out;
}

}  // namespace gpusim
