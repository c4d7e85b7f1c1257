// A plugin whose policies misbehave: one throws from its constructor, one from place(), and one returns
// an index past the waiting requests from pick().
#include <stdexcept>

#include "scheduler/plugin.hpp"

namespace {

class ThrowsOnStart : public gpusim::Scheduler {
 public:
  explicit ThrowsOnStart(const gpusim::Params&) { throw std::runtime_error("boom"); }
  std::vector<int> place(const std::vector<gpusim::StreamView>&,
                         const std::vector<gpusim::DeviceView>&) override {
    return {};
  }
};

class ThrowsInPlace : public gpusim::Scheduler {
 public:
  explicit ThrowsInPlace(const gpusim::Params&) {}
  std::vector<int> place(const std::vector<gpusim::StreamView>&,
                         const std::vector<gpusim::DeviceView>&) override {
    throw std::out_of_range("vector index");
  }
};

class BadPick : public gpusim::Scheduler {
 public:
  explicit BadPick(const gpusim::Params&) {}
  std::vector<int> place(const std::vector<gpusim::StreamView>& streams,
                         const std::vector<gpusim::DeviceView>&) override {
    return std::vector<int>(streams.size(), 0);
  }
  bool per_request() const override { return true; }
  std::size_t pick(const gpusim::UnitState&, const std::vector<gpusim::RequestView>& waiting) override {
    return waiting.size();
  }
};

}  // namespace

GPUSIM_PLUGIN(registrar) {
  registrar->add<ThrowsOnStart>("throws-on-start", "constructor throws");
  registrar->add<ThrowsInPlace>("throws-in-place", "place() throws");
  registrar->add<BadPick>("bad-pick", "pick() returns an invalid index");
}
