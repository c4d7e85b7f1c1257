// External policies from shared libraries: the example plugin (examples/plugins) loads and runs, and every
// way a plugin can be wrong is a ConfigError (exit 2 from gpusim) naming the file. The bad plugins are
// built from plugins/*.cpp by this folder's CMakeLists.txt.

#include "scheduler/plugin.hpp"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/errors.hpp"
#include "views.hpp"
#include "tests/support/config_error.hpp"

namespace gpusim::test {
namespace {

#ifdef GPUSIM_EXAMPLE_PLUGIN_PATH
const std::string kExample = GPUSIM_EXAMPLE_PLUGIN_PATH;
#define REQUIRE_EXAMPLE_PLUGIN()
#else
const std::string kExample;
#define REQUIRE_EXAMPLE_PLUGIN() GTEST_SKIP() << "built without GPUSIM_EXAMPLE_PLUGIN"
#endif

std::string read(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(Plugin, TheExamplePluginRegistersItsPolicy) {
  REQUIRE_EXAMPLE_PLUGIN();
  EXPECT_FALSE(Registry<Scheduler>::instance().has("slo-pack"));
  EXPECT_EQ(load_scheduler_plugin(kExample), std::vector<std::string>{"slo-pack"});
  EXPECT_TRUE(Registry<Scheduler>::instance().has("slo-pack"));
  EXPECT_TRUE(load_scheduler_plugin(kExample).empty());  // loading it again changes nothing
  for (const auto* e : Registry<Scheduler>::instance().entries()) {
    if (e->name == "slo-pack") {
      EXPECT_NE(e->summary.find("[plugin libgpusim_example_plugin.so]"), std::string::npos) << e->summary;
      ASSERT_EQ(e->params.size(), 1u);
      EXPECT_EQ(e->params[0].name, "sla_fraction");
    }
  }
}

TEST(Plugin, TheExamplePolicyPacksWhileEverySlaHolds) {
  REQUIRE_EXAMPLE_PLUGIN();
  // Two streams of 10/s x 20 ms (load 0.2 each) with an 80 ms SLA: together the M/G/1 wait is
  // 2 x 10 x 0.02^2 / (2 x 0.6) = 6.7 ms, 26.7 ms <= 0.8 x 80 ms: one unit. A third with a 25 ms SLA would
  // see 20 + 15 = 35 ms > 20 ms there, so it opens the second unit.
  load_scheduler_plugin(kExample);
  auto p = make_scheduler("slo-pack", Params{});
  const std::vector<DeviceView> units{unit(0, "time-slice", 16), unit(1, "time-slice", 16)};
  const std::vector<StreamView> streams{stream(0, 0, 1, 10, 2, 20, 20, 1, 80.0),
                                        stream(1, 1, 1, 10, 2, 20, 20, 1, 80.0),
                                        stream(2, 2, 1, 10, 2, 20, 20, 1, 25.0)};
  EXPECT_EQ(p->place(streams, units), (std::vector<int>{0, 0, 1}));
}

TEST(Plugin, AMissingFile) {
  EXPECT_EQ(config_error([] { load_scheduler_plugin("/nonexistent/policy.so"); }),
            "/nonexistent/policy.so: error: scheduler plugin: no such file");
}

TEST(Plugin, AFileThatIsNotASharedLibrary) {
  const std::string path = (std::filesystem::path(::testing::TempDir()) / "not_a_plugin.so").string();
  std::ofstream(path) << "this is text\n";
  EXPECT_EQ(config_error([&] { load_scheduler_plugin(path); }),
            path + ": error: scheduler plugin: not a shared library (no ELF header)");
}

TEST(Plugin, ASharedLibraryWithoutTheEntryPoints) {
  const std::string path = GPUSIM_BAD_PLUGIN_NO_ENTRY;
  EXPECT_EQ(
      config_error([&] { load_scheduler_plugin(path); }),
      path +
          ": error: scheduler plugin: missing symbol 'gpusim_plugin_abi_version' (is it a gpusim plugin? "
          "see scheduler/plugin.hpp)");
}

TEST(Plugin, AMissingRegistrationFunction) {
  const std::string path = GPUSIM_BAD_PLUGIN_NO_REGISTER;
  EXPECT_EQ(
      config_error([&] { load_scheduler_plugin(path); }),
      path + ": error: scheduler plugin: missing symbol 'gpusim_register_plugin' (see scheduler/plugin.hpp)");
}

TEST(Plugin, AnotherAbiVersion) {
  const std::string path = GPUSIM_BAD_PLUGIN_VERSION;
  EXPECT_EQ(
      config_error([&] { load_scheduler_plugin(path); }),
      path +
          ": error: scheduler plugin: ABI version 999, but this gpusim needs version 3: rebuild the plugin "
          "against this gpusim's headers");
}

TEST(Plugin, ARegistrationThatThrows) {
  const std::string path = GPUSIM_BAD_PLUGIN_REGISTER_THROWS;
  EXPECT_EQ(config_error([&] { load_scheduler_plugin(path); }),
            path + ": error: scheduler plugin: registration failed: cannot read my configuration");
}

TEST(Plugin, ANameThatIsTaken) {
  const std::string path = GPUSIM_BAD_PLUGIN_DUPLICATE;
  EXPECT_EQ(config_error([&] { load_scheduler_plugin(path); }),
            path + ": error: scheduler plugin: policy name 'round-robin' is already registered");
}

TEST(Plugin, AConstructorThatThrows) {
  const std::string path = GPUSIM_BAD_PLUGIN_THROWS;
  EXPECT_EQ(load_scheduler_plugin(path),
            (std::vector<std::string>{"throws-on-start", "throws-in-place", "bad-pick"}));
  EXPECT_EQ(config_error([] { make_scheduler("throws-on-start", Params{}); }),
            path + ": error: scheduler plugin: policy 'throws-on-start' failed to start: boom");
}

TEST(Plugin, ADecisionThatThrowsIsAPolicyError) {
  load_scheduler_plugin(GPUSIM_BAD_PLUGIN_THROWS);
  auto p = make_scheduler("throws-in-place", Params{});
  try {
    p->place({stream(0, 0, 1, 1, 1, 1, 1, 1)}, {unit(0, "time-slice", 16)});
    FAIL() << "no error";
  } catch (const PolicyError& e) {
    EXPECT_STREQ(e.what(), "scheduler 'throws-in-place' at t=0.000000s: place() threw: vector index");
  }
}

/// Runs the gpusim binary; returns its exit code, with stdout and stderr in files.
int gpusim(const std::string& args, const std::string& out, const std::string& err) {
  const int status =
      std::system((std::string(GPUSIM_BINARY) + " " + args + " >" + out + " 2>" + err).c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

TEST(PluginCli, CompareRunsTheExamplePluginBesideTheBuiltIns) {
  REQUIRE_EXAMPLE_PLUGIN();
  // A directory per test process: ctest runs these tests in parallel.
  const auto dir = std::filesystem::path(::testing::TempDir()) /
                   ("gpusim_plugin_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::string json = (dir / "compare.json").string();
  const std::string ex = GPUSIM_EXAMPLES_DIR;
  ASSERT_EQ(gpusim("-q compare " + ex + "/quickstart/platform.yaml " + ex + "/quickstart/workloads.yaml " +
                       "--schedulers round-robin,slo-pack --scheduler-plugin " + kExample + " --json " + json,
                   (dir / "out.txt").string(), (dir / "err.txt").string()),
            0)
      << read((dir / "err.txt").string());
  const std::string text = read(json);
  EXPECT_NE(text.find("\"scheduler\": \"slo-pack\""), std::string::npos);
  EXPECT_NE(text.find("\"scheduler\": \"round-robin\""), std::string::npos);
  EXPECT_NE(read((dir / "out.txt").string()).find("slo-pack"), std::string::npos);
}

TEST(PluginCli, ComparedPoliciesThatBreakTheirContractAreErrorRows) {
  // throws-in-place fails while planning (in gpusim), bad-pick during its simulation (in a child process,
  // the first time it is asked to choose): both are listed with their error, round-robin is still ranked.
  // A directory per test process: ctest runs these tests in parallel.
  const auto dir = std::filesystem::path(::testing::TempDir()) /
                   ("gpusim_plugin_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::string json = (dir / "errors.json").string();
  const std::string ex = GPUSIM_EXAMPLES_DIR;
  ASSERT_EQ(gpusim("-q compare " + ex + "/quickstart/platform.yaml " + ex + "/quickstart/workloads.yaml " +
                       "--schedulers throws-in-place,round-robin,bad-pick --scheduler-plugin " +
                       GPUSIM_BAD_PLUGIN_THROWS + " --json " + json,
                   (dir / "out.txt").string(), (dir / "err.txt").string()),
            0)
      << read((dir / "err.txt").string());
  const std::string text = read(json);
  EXPECT_NE(text.find("\"rank\": 1,\n      \"saturated\": false,\n      \"scheduler\": \"round-robin\""),
            std::string::npos)
      << text;
  EXPECT_NE(
      text.find("\"error\": \"scheduler 'throws-in-place' at t=0.000000s: place() threw: vector index\""),
      std::string::npos)
      << text;
  EXPECT_NE(text.find("\"error\": \"scheduler 'bad-pick' at t="), std::string::npos) << text;
  EXPECT_NE(text.find("pick() returned "), std::string::npos) << text;
}

TEST(PluginCli, ABadPluginIsExitCodeTwoWithOneLine) {
  // A directory per test process: ctest runs these tests in parallel.
  const auto dir = std::filesystem::path(::testing::TempDir()) /
                   ("gpusim_plugin_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::string err = (dir / "err.txt").string();
  const std::string path = GPUSIM_BAD_PLUGIN_VERSION;
  EXPECT_EQ(gpusim("list schedulers --scheduler-plugin " + path, (dir / "out.txt").string(), err), 2);
  EXPECT_EQ(read(err),
            path +
                ": error: scheduler plugin: ABI version 999, but this gpusim needs version 3: rebuild "
                "the plugin against this gpusim's headers\n");
}

}  // namespace
}  // namespace gpusim::test
