// Hostile policies: each crashes or hangs in one callback (segfault, abort, stack overflow, endless loop),
// in place() or in pick() of a per-request policy. gpusim must report each one and go on living.
#include <cstdlib>
#include <vector>

#include "scheduler/plugin.hpp"
#include "hostile.hpp"

namespace {

enum class Hostility { SEGFAULT, ABORT, STACK_OVERFLOW, ENDLESS_LOOP };

void misbehave(Hostility h) {
  switch (h) {
    case Hostility::SEGFAULT:
      hostile::segfault();
      break;
    case Hostility::ABORT:
      std::abort();
    case Hostility::STACK_OVERFLOW:
      hostile::recurse(1);
      break;
    case Hostility::ENDLESS_LOOP:
      hostile::spin();
  }
}

template <Hostility H>
class InPlace : public gpusim::Scheduler {
 public:
  explicit InPlace(const gpusim::Params&) {}
  std::vector<int> place(const std::vector<gpusim::StreamView>&, const std::vector<gpusim::DeviceView>&) override {
    misbehave(H);
    return {};
  }
};

template <Hostility H>
class InPick : public gpusim::Scheduler {
 public:
  explicit InPick(const gpusim::Params&) {}
  std::vector<int> place(const std::vector<gpusim::StreamView>& streams,
                         const std::vector<gpusim::DeviceView>&) override {
    return std::vector<int>(streams.size(), 0);
  }
  bool per_request() const override { return true; }
  std::size_t pick(const gpusim::UnitState&, const std::vector<gpusim::RequestView>&) override {
    misbehave(H);
    return 0;
  }
};

}  // namespace

GPUSIM_PLUGIN(registrar) {
  registrar->add<InPlace<Hostility::SEGFAULT>>("segfault-in-place", "place() dereferences null");
  registrar->add<InPlace<Hostility::ABORT>>("abort-in-place", "place() calls abort()");
  registrar->add<InPlace<Hostility::STACK_OVERFLOW>>("overflow-in-place", "place() recurses without end");
  registrar->add<InPlace<Hostility::ENDLESS_LOOP>>("loop-in-place", "place() never returns");
  registrar->add<InPick<Hostility::SEGFAULT>>("segfault-in-pick", "pick() dereferences null");
  registrar->add<InPick<Hostility::ABORT>>("abort-in-pick", "pick() calls abort()");
  registrar->add<InPick<Hostility::STACK_OVERFLOW>>("overflow-in-pick", "pick() recurses without end");
  registrar->add<InPick<Hostility::ENDLESS_LOOP>>("loop-in-pick", "pick() never returns");
}
