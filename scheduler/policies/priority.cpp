// Priority classes: the free lane serves the waiting request of the highest workload priority, oldest
// first within a class (strict priority queueing, as in the priority classes of Triton's scheduler and of
// Kubernetes; Blox and Nexus treat priority as a scheduling input). Optionally, when a unit's queue has
// reached max_queue waiting requests, arriving requests below the `protect` priority are dropped, so a
// burst of best-effort work cannot push important requests past their SLA. Placement is least-loaded.

#include "core/logging.hpp"
#include "scheduler/policies/load.hpp"

namespace gpusim {
namespace {

const ParamDecl<int> kMaxQueue{
    "max_queue", 0, {0, 1e9}, "waiting requests on a unit from which low priority is dropped (0: never)"};
const ParamDecl<int> kProtect{"protect", 1, {}, "requests of at least this priority are never dropped"};

class PriorityClasses : public Scheduler {
 public:
  explicit PriorityClasses(const Params& p)
      : max_queue_(kMaxQueue.read(p, scheduler_label("priority"))),
        protect_(kProtect.read(p, scheduler_label("priority"))) {}

  std::vector<int> place(const std::vector<StreamView>& streams,
                         const std::vector<DeviceView>& units) override {
    return policy::least_loaded_placement(streams, units);
  }

  bool per_request() const override { return true; }

  bool admit(const RequestView& r, const UnitState& unit) override {
    if (max_queue_ > 0 && unit.waiting >= max_queue_ && r.priority < protect_) {
      logger("sched")->debug("drop request {} (priority {}): {} waiting on unit {}", r.id, r.priority,
                             unit.waiting, unit.unit);
      return false;
    }
    return true;
  }

  std::size_t pick(const UnitState&, const std::vector<RequestView>& waiting) override {
    std::size_t best = 0;
    for (std::size_t i = 1; i < waiting.size(); ++i) {
      if (waiting[i].priority > waiting[best].priority) best = i;  // strict: the oldest of a class wins
    }
    return best;
  }

 private:
  int max_queue_;
  int protect_;
};

GPUSIM_REGISTER_SCHEDULER(PriorityClasses, "priority",
                          "highest priority first, FIFO within a class; optional drop of low priority",
                          kMaxQueue, kProtect);

}  // namespace
}  // namespace gpusim
