// Hostile scheduler plugins against the gpusim binary: a segfault, an abort, a stack overflow and an
// endless loop in place(), in pick() and in the registration, and a crashing dlopen constructor. Each run
// must exit 2 with one line naming the policy and the callback (or the plugin file) within the callback
// budget (GPUSIM_CALLBACK_BUDGET=2 here, or --callback-budget where a test gives one), and leave no process
// behind. This test process makes itself a child subreaper, so a process orphaned by gpusim becomes its
// child, where the test can see it.

#include <gtest/gtest.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/command.hpp"

namespace {

const std::string kData = GPUSIM_TEST_DATA_DIR;
const std::string kPlatform = kData + "/bad/ok_platform_t4.yaml";
const std::string kWorkloads = std::string(GPUSIM_RELIABILITY_DATA_DIR) + "/busy_workloads.yaml";
constexpr int kBudget = 2;

using gpusim::test::Outcome;
using gpusim::test::quoted;
using gpusim::test::slurp;

/// Live processes whose parent is this test process (zombies are reaped on the way).
std::vector<pid_t> live_children() {
  while (::waitpid(-1, nullptr, WNOHANG) > 0) {
  }
  std::vector<pid_t> out;
  const pid_t self = ::getpid();
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    const std::string name = entry.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    const std::string stat = slurp(entry.path() / "stat");
    const auto close = stat.rfind(')');
    if (close == std::string::npos) continue;
    std::istringstream rest(stat.substr(close + 2));
    char state = 0;
    pid_t ppid = 0;
    rest >> state >> ppid;
    if (ppid == self && state != 'Z') out.push_back(static_cast<pid_t>(std::stoi(name)));
  }
  return out;
}

/// Waits up to `seconds` for this process to have no live child; returns those left.
std::vector<pid_t> children_left_after(double seconds) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  for (;;) {
    auto left = live_children();
    if (left.empty() || std::chrono::steady_clock::now() >= until) return left;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

class HostilePlugin : public ::testing::Test {
 public:
  void SetUp() override {
    ASSERT_EQ(::prctl(PR_SET_CHILD_SUBREAPER, 1), 0);
    ASSERT_TRUE(live_children().empty());
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = std::filesystem::temp_directory_path() /
           ("gpusim_reliability_" + std::string(info->name()) + "_" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override {
    for (pid_t pid : live_children()) ::kill(pid, SIGKILL);
    std::filesystem::remove_all(dir_);
  }

  /// Runs `gpusim ARGS --catalog TEST_CATALOG` with the callback budget, killed after 60 s.
  Outcome gpusim(const std::string& args, const std::string& budget = std::to_string(kBudget)) const {
    return gpusim::test::run_command("GPUSIM_CALLBACK_BUDGET=" + quoted(budget) + " timeout -k 2 60 " +
                                         quoted(GPUSIM_BINARY) + " " + args + " --quiet --catalog " +
                                         quoted(kData + "/catalog"),
                                     dir_);
  }

  /// `gpusim run` of the small scenario with policy `name` of plugin `plugin`.
  Outcome run(const std::string& plugin, const std::string& name) const {
    return gpusim("run " + quoted(kPlatform) + " " + quoted(kWorkloads) + " --scheduler " + name +
                  " --scheduler-plugin " + quoted(plugin));
  }

  /// Exit 2, exactly `line` on stderr, nothing on stdout, within the budget (plus start-up slack for a
  /// loaded machine), and no process left behind.
  static void expect_contained(const Outcome& o, const std::string& line) {
    EXPECT_EQ(o.exit_code, 2);
    EXPECT_EQ(o.err, line + "\n");
    EXPECT_EQ(o.out, "");
    EXPECT_LT(o.seconds, kBudget + 10.0);
    EXPECT_TRUE(children_left_after(2.0).empty()) << "a process was left behind";
  }

  std::filesystem::path dir_;
};

const std::string kPlugin = GPUSIM_HOSTILE_PLUGIN;
const std::string kTimeout = " did not return within 2 s (budget: GPUSIM_CALLBACK_BUDGET)";
const std::string kSegv = " crashed with signal 11 (Segmentation fault)";
const std::string kAbort = " crashed with signal 6 (Aborted)";

TEST_F(HostilePlugin, SegfaultInPlace) {
  expect_contained(run(kPlugin, "segfault-in-place"), "error: scheduler 'segfault-in-place': place()" + kSegv);
}

TEST_F(HostilePlugin, AbortInPlace) {
  expect_contained(run(kPlugin, "abort-in-place"), "error: scheduler 'abort-in-place': place()" + kAbort);
}

TEST_F(HostilePlugin, StackOverflowInPlace) {
  expect_contained(run(kPlugin, "overflow-in-place"), "error: scheduler 'overflow-in-place': place()" + kSegv);
}

TEST_F(HostilePlugin, EndlessLoopInPlace) {
  expect_contained(run(kPlugin, "loop-in-place"), "error: scheduler 'loop-in-place': place()" + kTimeout);
}

TEST_F(HostilePlugin, SegfaultInPick) {
  expect_contained(run(kPlugin, "segfault-in-pick"), "error: scheduler 'segfault-in-pick': pick()" + kSegv);
}

TEST_F(HostilePlugin, AbortInPick) {
  expect_contained(run(kPlugin, "abort-in-pick"), "error: scheduler 'abort-in-pick': pick()" + kAbort);
}

TEST_F(HostilePlugin, StackOverflowInPick) {
  expect_contained(run(kPlugin, "overflow-in-pick"), "error: scheduler 'overflow-in-pick': pick()" + kSegv);
}

TEST_F(HostilePlugin, EndlessLoopInPick) {
  expect_contained(run(kPlugin, "loop-in-pick"), "error: scheduler 'loop-in-pick': pick()" + kTimeout);
}

/// A plugin that crashes or hangs while loading: `gpusim list schedulers` refuses it naming the file.
void expect_load_refused(const Outcome& o, const std::string& plugin, const std::string& what) {
  HostilePlugin::expect_contained(o, plugin + ": error: scheduler plugin: loading " + what);
}

TEST_F(HostilePlugin, SegfaultInRegistration) {
  const std::string p = GPUSIM_HOSTILE_REGISTER_SEGFAULT;
  expect_load_refused(run(p, "never-registered"), p, "crashed with signal 11 (Segmentation fault)");
}

TEST_F(HostilePlugin, AbortInRegistration) {
  const std::string p = GPUSIM_HOSTILE_REGISTER_ABORT;
  expect_load_refused(run(p, "never-registered"), p, "crashed with signal 6 (Aborted)");
}

TEST_F(HostilePlugin, StackOverflowInRegistration) {
  const std::string p = GPUSIM_HOSTILE_REGISTER_OVERFLOW;
  expect_load_refused(run(p, "never-registered"), p, "crashed with signal 11 (Segmentation fault)");
}

TEST_F(HostilePlugin, EndlessLoopInRegistration) {
  const std::string p = GPUSIM_HOSTILE_REGISTER_LOOP;
  expect_load_refused(run(p, "never-registered"), p,
                      "did not finish within 2 s (budget: GPUSIM_CALLBACK_BUDGET)");
}

TEST_F(HostilePlugin, CrashingDlopenConstructor) {
  const std::string p = GPUSIM_HOSTILE_CONSTRUCTOR;
  expect_load_refused(run(p, "never-registered"), p, "crashed with signal 11 (Segmentation fault)");
}

TEST_F(HostilePlugin, CompareReportsCrashedPoliciesInTheirRowsAndGoesOn) {
  const Outcome o = gpusim("compare " + quoted(kPlatform) + " " + quoted(kWorkloads) +
                           " --schedulers round-robin,segfault-in-place,abort-in-pick --scheduler-plugin " +
                           quoted(kPlugin));
  EXPECT_EQ(o.exit_code, 0) << o.err;
  EXPECT_NE(o.out.find("round-robin"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("place()" + kSegv), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("pick()" + kAbort), std::string::npos) << o.out;
  EXPECT_TRUE(children_left_after(2.0).empty()) << "a process was left behind";
}

TEST_F(HostilePlugin, BudgetIsAPositiveNumberOfSeconds) {
  const Outcome o = gpusim("list schedulers --scheduler-plugin " + quoted(kPlugin), "ten");
  EXPECT_EQ(o.exit_code, 2);
  EXPECT_EQ(o.err, "GPUSIM_CALLBACK_BUDGET: error: expected a number of seconds in (0, 86400], got 'ten'\n");
}

// --callback-budget takes precedence over GPUSIM_CALLBACK_BUDGET: with the variable at 60 s, a loop is
// stopped at the 1.5 s given on the command line (the message names it, and the run ends long before 60 s).
TEST_F(HostilePlugin, CallbackBudgetOptionStopsALoopingPlace) {
  const Outcome o =
      gpusim("run " + quoted(kPlatform) + " " + quoted(kWorkloads) +
                 " --scheduler loop-in-place --callback-budget 1500ms --scheduler-plugin " + quoted(kPlugin),
             "60");
  expect_contained(o,
                   "error: scheduler 'loop-in-place': place() did not return within 1.5 s "
                   "(budget: --callback-budget)");
  EXPECT_GE(o.seconds, 1.5);
}

TEST_F(HostilePlugin, CallbackBudgetOptionInPlainSecondsStopsALoopingPick) {
  const Outcome o =
      gpusim("run " + quoted(kPlatform) + " " + quoted(kWorkloads) +
                 " --scheduler loop-in-pick --callback-budget 1 --scheduler-plugin " + quoted(kPlugin),
             "60");
  expect_contained(o,
                   "error: scheduler 'loop-in-pick': pick() did not return within 1 s "
                   "(budget: --callback-budget)");
  EXPECT_GE(o.seconds, 1.0);
}

TEST_F(HostilePlugin, CallbackBudgetOptionStopsALoopingRegistration) {
  const std::string p = GPUSIM_HOSTILE_REGISTER_LOOP;
  expect_load_refused(gpusim("list schedulers --callback-budget 1s --scheduler-plugin " + quoted(p), "60"), p,
                      "did not finish within 1 s (budget: --callback-budget)");
}

TEST_F(HostilePlugin, CallbackBudgetOptionReachesComparesRows) {
  const Outcome o = gpusim(
      "compare " + quoted(kPlatform) + " " + quoted(kWorkloads) +
          " --schedulers round-robin,loop-in-pick --callback-budget 1s --scheduler-plugin " + quoted(kPlugin),
      "60");
  EXPECT_EQ(o.exit_code, 0) << o.err;
  EXPECT_NE(o.out.find("pick() did not return within 1 s (budget: --callback-budget)"), std::string::npos)
      << o.out;
  EXPECT_LT(o.seconds, 30.0);
  EXPECT_TRUE(children_left_after(2.0).empty()) << "a process was left behind";
}

TEST_F(HostilePlugin, CallbackBudgetOptionIsAPositiveDuration) {
  const std::string list = "list schedulers --scheduler-plugin " + quoted(kPlugin) + " --callback-budget=";
  struct Case {
    std::string value, err;
  } cases[] = {
      {"ten", "error: --callback-budget: 'ten' is not a duration with a unit, such as 33ms or 10s\n"},
      {"5kg",
       "error: --callback-budget: unknown unit 'kg' in '5kg': expected a duration with a unit, such as "
       "33ms or 10s (accepted: "},
      {"0", "error: --callback-budget '0': must be positive and at most 86400 s (24 h)\n"},
      {"-2s", "error: --callback-budget '-2s': must be positive and at most 86400 s (24 h)\n"},
      {"2d", "error: --callback-budget: unknown unit 'd'"},
      {"90000", "error: --callback-budget '90000': must be positive and at most 86400 s (24 h)\n"},
      {"nan", "error: --callback-budget 'nan': must be positive and at most 86400 s (24 h)\n"},
  };
  for (const Case& c : cases) {
    const Outcome o = gpusim(list + quoted(c.value));
    EXPECT_EQ(o.exit_code, 2) << c.value;
    EXPECT_EQ(o.err.rfind(c.err, 0), 0u) << c.value << ": " << o.err;
    EXPECT_EQ(o.err.find('\n'), o.err.size() - 1) << o.err;
    EXPECT_EQ(o.out, "") << c.value;
  }
}

TEST_F(HostilePlugin, KillingGpusimDuringASimulationKillsItsChild) {
  // pick() spins for as long as the budget allows (60 s): the simulating child is busy when gpusim dies.
  const pid_t gpusim = ::fork();
  ASSERT_GE(gpusim, 0);
  if (gpusim == 0) {
    ::setenv("GPUSIM_CALLBACK_BUDGET", "60", 1);
    const std::string catalog = kData + "/catalog";
    ::execl(GPUSIM_BINARY, GPUSIM_BINARY, "run", kPlatform.c_str(), kWorkloads.c_str(), "--scheduler",
            "loop-in-pick", "--scheduler-plugin", kPlugin.c_str(), "--catalog", catalog.c_str(), "--quiet",
            static_cast<char*>(nullptr));
    ::_exit(127);
  }
  // Wait until gpusim has had the same child for a second: its simulation (plugin loading and placement
  // take a few milliseconds).
  auto child_of_gpusim = [&] {
    for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
      const std::string stat = slurp(entry.path() / "stat");
      const auto close = stat.rfind(')');
      if (close == std::string::npos) continue;
      std::istringstream rest(stat.substr(close + 2));
      char state = 0;
      pid_t ppid = 0;
      rest >> state >> ppid;
      if (ppid == gpusim && state != 'Z') return static_cast<pid_t>(std::stoi(entry.path().filename().string()));
    }
    return pid_t{0};
  };
  bool child_seen = false;
  pid_t last = 0;
  int same = 0;
  for (int i = 0; i < 1000 && !child_seen; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    const pid_t c = child_of_gpusim();
    same = c != 0 && c == last ? same + 1 : 0;
    last = c;
    child_seen = same >= 50;
  }
  ASSERT_TRUE(child_seen) << "gpusim started no simulation";
  ASSERT_EQ(::kill(gpusim, SIGKILL), 0);
  int status = 0;
  ASSERT_EQ(::waitpid(gpusim, &status, 0), gpusim);
  EXPECT_TRUE(WIFSIGNALED(status));
  EXPECT_TRUE(children_left_after(2.0).empty()) << "the simulation outlived gpusim";
}

}  // namespace
