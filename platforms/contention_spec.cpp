#include "platforms/contention_spec.hpp"

namespace gpusim {
namespace {

bool* flag(ContentionSpec& c, const std::string& name) {
  if (name == "bandwidth") return &c.bandwidth;
  if (name == "l2") return &c.l2;
  if (name == "time_slice") return &c.time_slice;
  if (name == "power") return &c.power;
  if (name == "thermal") return &c.thermal;
  if (name == "pcie") return &c.pcie;
  if (name == "batching") return &c.batching;
  if (name == "shared_weights") return &c.shared_weights;
  if (name == "launch_overhead") return &c.launch_overhead;
  return nullptr;
}

}  // namespace

const std::vector<std::string>& mechanism_names() {
  static const std::vector<std::string> names{"bandwidth", "l2",      "time_slice",     "power",          "thermal",
                                              "pcie",      "batching", "shared_weights", "launch_overhead"};
  return names;
}

bool ContentionSpec::set(const std::string& name, bool on) {
  bool* f = flag(*this, name);
  if (!f) return false;
  *f = on;
  return true;
}

bool ContentionSpec::enabled(const std::string& name) const {
  bool* f = flag(const_cast<ContentionSpec&>(*this), name);
  return f && *f;
}

}  // namespace gpusim
