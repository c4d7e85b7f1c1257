// A plugin that crashes or hangs while it loads: in gpusim_register_plugin() (HOSTILE_REGISTER = segfault,
// abort, overflow, loop) or in a constructor the dynamic loader runs (HOSTILE_CONSTRUCTOR).
#include <cstdlib>

#include "scheduler/plugin.hpp"
#include "hostile.hpp"

#if defined(HOSTILE_CONSTRUCTOR)
__attribute__((constructor)) static void crash_on_load() { hostile::segfault(); }
#endif

namespace {

class Never : public gpusim::Scheduler {
 public:
  explicit Never(const gpusim::Params&) {}
  std::vector<int> place(const std::vector<gpusim::StreamView>& streams,
                         const std::vector<gpusim::DeviceView>&) override {
    return std::vector<int>(streams.size(), 0);
  }
};

void misbehave() {
#if defined(HOSTILE_REGISTER_SEGFAULT)
  hostile::segfault();
#elif defined(HOSTILE_REGISTER_ABORT)
  std::abort();
#elif defined(HOSTILE_REGISTER_OVERFLOW)
  hostile::recurse(1);
#elif defined(HOSTILE_REGISTER_LOOP)
  hostile::spin();
#endif
}

}  // namespace

GPUSIM_PLUGIN(registrar) {
  misbehave();
  registrar->add<Never>("never-registered", "registration misbehaves first");
}
