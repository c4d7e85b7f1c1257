// A plugin that registers a policy under a built-in's name.
#include "scheduler/plugin.hpp"

namespace {

class Impostor : public gpusim::Scheduler {
 public:
  explicit Impostor(const gpusim::Params&) {}
  std::vector<int> place(const std::vector<gpusim::StreamView>& streams,
                         const std::vector<gpusim::DeviceView>&) override {
    return std::vector<int>(streams.size(), 0);
  }
};

}  // namespace

GPUSIM_PLUGIN(registrar) { registrar->add<Impostor>("round-robin", "takes a built-in's name"); }
