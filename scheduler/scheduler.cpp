#include "scheduler/scheduler.hpp"

#include <fmt/format.h>

namespace gpusim {

std::vector<std::vector<std::string>> Scheduler::partition(const std::vector<StreamView>&,
                                                           const std::vector<MigChoice>& choices) {
  std::vector<std::vector<std::string>> out;
  for (const auto& c : choices) out.push_back({c.profiles.back()});
  return out;
}

std::vector<double> Scheduler::mps_shares(const std::vector<StreamView>& streams, const std::vector<DeviceView>&,
                                          const std::vector<int>&) {
  return std::vector<double>(streams.size(), 1.0);
}

bool Scheduler::admit(const RequestView&, const UnitState&) { return true; }

std::size_t Scheduler::pick(const UnitState&, const std::vector<RequestView>&) { return 0; }

std::unique_ptr<Scheduler> make_scheduler(const std::string& name, const Params& params) {
  const auto& registry = Registry<Scheduler>::instance();
  for (const auto* e : registry.entries()) {
    if (e->name == name) {
      params.check_known(scheduler_label(name), e->params);
      return e->factory(params);
    }
  }
  throw ConfigError(fmt::format("unknown scheduler '{}'. Valid values are: {}", name, registry.names()));
}

}  // namespace gpusim
