// Same inputs and seed -> byte-identical JSON; another seed -> other Poisson arrivals.

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "scenario_builder.hpp"

using namespace gpusim;
using namespace gpusim::test;

namespace {

std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string run_quickstart(const std::filesystem::path& out, const std::string& extra) {
  const std::string ex = std::string(GPUSIM_EXAMPLES_DIR) + "/quickstart/";
  const std::string cmd = std::string(GPUSIM_BINARY) + " -q run " + ex + "platform.yaml " + ex + "workloads.yaml --json " +
                          out.string() + " " + extra + " > /dev/null";
  EXPECT_EQ(std::system(cmd.c_str()), 0) << cmd;
  return read_file(out);
}

}  // namespace

TEST(Determinism, SameSeedGivesByteIdenticalJson) {
  const auto dir = std::filesystem::temp_directory_path() / ("gpusim_det_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::string a = run_quickstart(dir / "a.json", "");
  const std::string b = run_quickstart(dir / "b.json", "");
  const std::string c = run_quickstart(dir / "c.json", "--seed 43");
  std::filesystem::remove_all(dir);
  ASSERT_FALSE(a.empty());
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
}

TEST(Determinism, DifferentSeedsGiveDifferentPoissonArrivals) {
  Scenario sc;
  sc.platform.devices.push_back(device(a100(0.7, 0.9, 0.0), SharingMode::TIME_SLICE));
  sc.workloads.run.duration = Seconds{1.0};
  sc.workloads.streams.push_back(stream("p", 1e6, 1e3, 1, poisson(100)));
  sc.workloads.run.seed = 1;
  const SimResult r1 = run(sc);
  const SimResult r1b = run(sc);
  sc.workloads.run.seed = 2;
  const SimResult r2 = run(sc);
  ASSERT_GT(r1.requests.size(), 50u);
  ASSERT_EQ(r1.requests.size(), r1b.requests.size());
  for (std::size_t i = 0; i < r1.requests.size(); ++i) EXPECT_EQ(r1.requests[i].arrival, r1b.requests[i].arrival);
  bool differ = r1.requests.size() != r2.requests.size();
  for (std::size_t i = 0; !differ && i < r1.requests.size(); ++i) differ = r1.requests[i].arrival != r2.requests[i].arrival;
  EXPECT_TRUE(differ);
}
