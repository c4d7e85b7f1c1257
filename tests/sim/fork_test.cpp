// The forker (sim/fork.hpp): a simulating child can itself fork simulations (the scaling benchmark's sizes,
// a sweep rank), and a process forked some other way after the forker started gets an error, never a hang.
// The simulated value is hand-computed: 13.65 GFLOP at the A100's 19.5 TFLOP/s FP32 x 0.7 takes 1 ms.

#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <stdexcept>

#include "scenario_builder.hpp"
#include "sim/fork.hpp"

using namespace gpusim;
using namespace gpusim::test;

namespace {

Scenario one_kernel() {
  Scenario sc;
  sc.platform.devices.push_back(device(a100(0.7, 0.9, 0.0), SharingMode::TIME_SLICE));
  sc.workloads.run.duration = Seconds{1.0};
  sc.workloads.run.drain = Seconds{1.0};
  sc.workloads.streams.push_back(stream("c", 13.65e9, 1e6, 1, at_times({0.5})));
  return sc;
}

// The exit status of `pid` (-1 when it did not exit normally).
int exit_status(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace

TEST(Fork, ASimulatingChildForksItsOwnSimulations) {
  const Scenario sc = one_kernel();
  // Exit 0 when the grandchild's run gives the 1 ms latency, 1 when it gives something else.
  const pid_t pid = fork_simulating_child([&] {
    ::alarm(60);  // a hang ends the child (and fails the test) instead of the test's time limit
    const SimResult r = run(sc);
    const bool ok = r.requests.size() == 1 && std::abs(r.requests[0].finish - r.requests[0].arrival - 1e-3) < 1e-9;
    ::_exit(ok ? 0 : 1);
  });
  EXPECT_EQ(exit_status(pid), 0);
}

TEST(Fork, APlainForkAfterTheForkerStartedCannotSimulateAndSaysSo) {
  const Scenario sc = one_kernel();
  ASSERT_EQ(run(sc).requests.size(), 1u);  // the forker is running, its engine created
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    ::alarm(60);
    try {
      run(sc);
    } catch (const std::logic_error&) {
      ::_exit(3);  // the expected refusal
    } catch (...) {
      ::_exit(4);
    }
    ::_exit(5);
  }
  EXPECT_EQ(exit_status(pid), 3);
}
