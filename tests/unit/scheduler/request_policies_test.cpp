// Per-request policies (EDF, priority classes) on hand-built request views.

#include <gtest/gtest.h>

#include "views.hpp"

namespace gpusim::test {
namespace {

RequestView request(std::uint32_t id, double arrival_ms, std::optional<double> deadline_ms, int priority = 0,
                    double service_ms = 10) {
  RequestView r;
  r.id = id;
  r.arrival = Seconds{arrival_ms * kMs};
  if (deadline_ms) r.deadline = Seconds{*deadline_ms * kMs};
  r.priority = priority;
  r.predicted_service = Seconds{service_ms * kMs};
  return r;
}

UnitState at(double now_ms, int waiting = 0, double busy_until_ms = -1) {
  UnitState u;
  u.now = Seconds{now_ms * kMs};
  u.waiting = waiting;
  u.busy_until = Seconds{(busy_until_ms < 0 ? now_ms : busy_until_ms) * kMs};
  return u;
}

TEST(Edf, PicksTheEarliestDeadlineFirstInArrivalOrderOnTies) {
  auto p = policy("edf");
  EXPECT_TRUE(p->per_request());
  // No deadline, 50 ms, 30 ms, 30 ms: the first 30 ms one.
  const std::vector<RequestView> waiting{request(0, 0, std::nullopt), request(1, 1, 50), request(2, 2, 30),
                                         request(3, 3, 30)};
  EXPECT_EQ(p->pick(at(5), waiting), 2u);
  // Without any deadline: the oldest.
  EXPECT_EQ(p->pick(at(5), {request(0, 0, std::nullopt), request(1, 1, std::nullopt)}), 0u);
}

TEST(Edf, DropsExactlyTheRequestsThatCannotFinishBehindTheAdmittedWork) {
  // Service 10 ms each, all arriving at t = 0 on an idle unit. Admitted work ends at 10, then 20 ms.
  auto p = policy("edf");
  EXPECT_TRUE(p->admit(request(0, 0, 25), at(0)));            // finishes at 10 <= 25
  EXPECT_FALSE(p->admit(request(1, 0, 15), at(0)));           // would finish at 20 > 15
  EXPECT_TRUE(p->admit(request(2, 0, 20), at(0)));            // finishes at 20 <= 20
  EXPECT_TRUE(p->admit(request(3, 0, std::nullopt), at(0)));  // no deadline: always admitted (ends at 30)
  EXPECT_FALSE(p->admit(request(4, 0, 39), at(0)));           // would finish at 40 > 39
  // The engine's busy_until counts too: 50 ms of queued work at t = 0 -> 60 > 55.
  auto q = policy("edf");
  EXPECT_FALSE(q->admit(request(0, 0, 55), at(0, 5, 50)));
  EXPECT_TRUE(q->admit(request(1, 0, 60), at(0, 5, 50)));
}

TEST(Edf, OrderOnlyWhenDropLateIsOff) {
  auto p = policy("edf", params({{"drop_late", "0"}}));
  EXPECT_TRUE(p->admit(request(0, 0, 5), at(0, 3, 100)));
}

TEST(Priority, ServesTheHighestClassOldestFirst) {
  auto p = policy("priority");
  EXPECT_TRUE(p->per_request());
  const std::vector<RequestView> waiting{request(0, 0, std::nullopt, 0), request(1, 1, std::nullopt, 2),
                                         request(2, 2, std::nullopt, 1), request(3, 3, std::nullopt, 2)};
  EXPECT_EQ(p->pick(at(5), waiting), 1u);
  EXPECT_EQ(p->pick(at(5), {request(0, 0, std::nullopt, 0), request(1, 1, std::nullopt, 0)}), 0u);
}

TEST(Priority, DropsLowPriorityOnlyWhenTheQueueIsLong) {
  EXPECT_TRUE(
      policy("priority")->admit(request(0, 0, std::nullopt, 0), at(0, 1000)));  // default: never drops
  auto p = policy("priority", params({{"max_queue", "2"}, {"protect", "1"}}));
  EXPECT_TRUE(p->admit(request(0, 0, std::nullopt, 0), at(0, 1)));   // 1 waiting < 2
  EXPECT_FALSE(p->admit(request(1, 0, std::nullopt, 0), at(0, 2)));  // 2 waiting, priority 0 < 1
  EXPECT_TRUE(p->admit(request(2, 0, std::nullopt, 1), at(0, 2)));   // protected class
}

}  // namespace
}  // namespace gpusim::test
