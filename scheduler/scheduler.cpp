#include "scheduler/scheduler.hpp"

#include <fmt/format.h>

namespace gpusim {

std::unique_ptr<Scheduler> make_scheduler(const std::string& name, const Params& params) {
  const auto& registry = Registry<Scheduler>::instance();
  for (const auto* e : registry.entries()) {
    if (e->name == name) {
      params.check_known(fmt::format("scheduler '{}'", name), e->params);
      return e->factory(params);
    }
  }
  throw ConfigError(fmt::format("unknown scheduler '{}'. Valid values are: {}", name, registry.names()));
}

}  // namespace gpusim
