// `gpusim sweep`: the grid's rows in their documented order and columns, a failing point reported while
// the others finish, --resume completing an interrupted sweep to the same bytes without running the rows
// already there, the bad-input lines, and the same file from two MPI ranks (mpirun) as from one process.

#include <gtest/gtest.h>

#include <fmt/format.h>

#include <cmath>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "cli_helpers.hpp"

namespace gpusim::test {
namespace {

const std::string kSweepPlatform = std::string(GPUSIM_EXAMPLES_DIR) + "/quickstart/platform.yaml";

// One workload of periodic arrivals (100 requests/s per stream) on the quickstart's two A100s, 1 s measured
// after a 0.5 s warm-up: a stream completes 100 requests in the window when nothing saturates.
const char* kSweepWorkloads = R"(run:
  duration: 1.5s
  warmup: 0.5s
  seed: 7
  scheduler: round-robin
workloads:
  - name: cam
    count: 2
    batch: 1
    precision: fp16
    arrival: {kind: periodic, rate: 100/s}
    sla: 50ms
    model: {flops: 8.2Gf, bytes: 150MB, weights: 51MB, activations: 40MB, kernels: 60}
)";

std::string workloads_file(const TempDir& tmp) {
  const std::string path = tmp.file("workloads.yaml");
  std::ofstream(path) << kSweepWorkloads;
  return path;
}

std::string sweep_args(const TempDir& tmp, const std::string& extra) {
  return "sweep " + quoted(kSweepPlatform) + " " + quoted(workloads_file(tmp)) + " " + extra;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

std::vector<std::string> fields(const std::string& line) {
  std::vector<std::string> out;
  std::stringstream in(line);
  for (std::string f; std::getline(in, f, ',');) out.push_back(f);
  if (!line.empty() && line.back() == ',') out.emplace_back();
  return out;
}

// The 2 x 2 grid of the tests: streams x devices.
const std::string kAxes = "--set workloads.cam.count=1,2 --set nodes.server0.devices.gpu.count=1:2:1";
const std::string kGrid = kAxes + " -q";

TEST(Sweep, SeedsGiveTheMeanAndItsStudentInterval) {
  TempDir tmp;
  const std::string csv = tmp.file("s.csv");
  const Outcome o = gpusim(tmp, sweep_args(tmp, "--set workloads.cam.count=1,2 --seeds 3 -q --csv " + quoted(csv)));
  ASSERT_EQ(o.exit_code, 0) << o.err;
  // Point 0's three rows (seeds 7, 8, 9): cam.p99_ms is column 5 (point, count, seed, status, p50, p99).
  std::vector<double> p99;
  for (const auto& line : lines_of(slurp(csv))) {
    const auto f = fields(line);
    if (f.size() > 5 && f[0] == "0") p99.push_back(std::stod(f[5]));
  }
  ASSERT_EQ(p99.size(), 3u);
  const double mean = (p99[0] + p99[1] + p99[2]) / 3;
  double ss = 0;
  for (double x : p99) ss += (x - mean) * (x - mean);
  // t(0.975, 2) = 4.303 (Student's t table), half width t sd / sqrt(3).
  const double half = 4.303 * std::sqrt(ss / 2) / std::sqrt(3.0);
  const std::string cell = fmt::format("{:.2f} ± {:.2f}", mean, half);
  EXPECT_NE(o.out.find(cell), std::string::npos) << cell << "\n" << o.out;
  EXPECT_NE(o.out.find("95 % interval (Student t)"), std::string::npos) << o.out;
}

TEST(Sweep, RowsInGridOrderWithTheDocumentedColumns) {
  TempDir tmp;
  const Outcome o = gpusim(tmp, sweep_args(tmp, kGrid + " --csv " + quoted(tmp.file("s.csv"))));
  ASSERT_EQ(o.exit_code, 0) << o.err;
  const auto lines = lines_of(slurp(tmp.file("s.csv")));
  ASSERT_EQ(lines.size(), 5u);
  // docs/sweep.md: point, the axes, seed, status, per workload six figures, per device three, saturated, error.
  // Devices of every point: one device is named "gpu", two "gpu0" and "gpu1" (README, platform.yaml).
  EXPECT_EQ(lines[0],
            "point,workloads.cam.count,nodes.server0.devices.gpu.count,seed,status,cam.p50_ms,cam.p99_ms,"
            "cam.sla_attainment,cam.throughput_rps,cam.unfinished,cam.saturated,gpu.occupied,gpu.mean_power_w,"
            "gpu.energy_j,gpu0.occupied,gpu0.mean_power_w,gpu0.energy_j,gpu1.occupied,gpu1.mean_power_w,"
            "gpu1.energy_j,saturated,error");
  // Every column is documented in docs/sweep.md: NAME.FIGURE as *W*.FIGURE or *D*.FIGURE, the others as rows.
  const std::string doc = slurp(std::string(GPUSIM_DOCS_DIR) + "/sweep.md");
  for (const auto& c : fields(lines[0])) {
    if (c.rfind("workloads.", 0) == 0 || c.rfind("nodes.", 0) == 0) continue;  // the axes
    const auto dot = c.find('.');
    const std::string entry = dot == std::string::npos ? "| " + c + " |" : "." + c.substr(dot + 1);
    EXPECT_NE(doc.find(entry), std::string::npos) << c << " is not in docs/sweep.md";
  }
  // Row-major: the first axis varies slowest. Seed: run.seed of the file.
  const std::vector<std::pair<std::string, std::string>> values{{"1", "1"}, {"1", "2"}, {"2", "1"}, {"2", "2"}};
  for (std::size_t i = 0; i < values.size(); ++i) {
    const auto f = fields(lines[i + 1]);
    ASSERT_EQ(f.size(), 22u) << lines[i + 1];
    EXPECT_EQ(f[0], std::to_string(i));
    EXPECT_EQ(f[1], values[i].first);
    EXPECT_EQ(f[2], values[i].second);
    EXPECT_EQ(f[3], "7");
    EXPECT_EQ(f[4], "ok");
    // Periodic arrivals: each stream completes 100 requests in the 1 s window (one more or less by phase).
    const double streams = std::stod(values[i].first);
    EXPECT_NEAR(std::stod(f[8]), 100 * streams, streams) << lines[i + 1];
    EXPECT_EQ(f[7], "1") << "every request meets a 50 ms SLA on an idle A100";
    // One device: the cells of gpu0 and gpu1 are empty; two: those of gpu.
    EXPECT_EQ(f[11].empty(), values[i].second == "2") << lines[i + 1];
    EXPECT_EQ(f[17].empty(), values[i].second == "1") << lines[i + 1];
    EXPECT_EQ(f[20], "0");
    EXPECT_EQ(f[21], "");
  }
  EXPECT_NE(o.out.find("point"), std::string::npos);
}

TEST(Sweep, AFailingPointIsReportedAndTheOthersFinish) {
  TempDir tmp;
  // Point 1: a count out of range; point 2: activations larger than an A100's memory (40 GB).
  const Outcome o = gpusim(tmp, sweep_args(tmp, "--set 'workloads.cam.model.activations=40MB,60GB' "
                                               "--set workloads.cam.count=1,0 --progress always --json " +
                                               quoted(tmp.file("s.json"))));
  EXPECT_EQ(o.exit_code, 3) << o.err;
  const auto j = nlohmann::json::parse(slurp(tmp.file("s.json")));
  ASSERT_EQ(j["rows"].size(), 4u);
  EXPECT_EQ(j["rows"][0]["status"], "ok");
  EXPECT_EQ(j["rows"][1]["status"], "error");
  EXPECT_NE(j["rows"][1]["error"].get<std::string>().find("--set workloads.cam.count=0"), std::string::npos);
  EXPECT_EQ(j["rows"][2]["status"], "error");
  EXPECT_NE(j["rows"][2]["error"].get<std::string>().find("needs 60.05 GB of device memory"), std::string::npos)
      << j["rows"][2];
  EXPECT_EQ(j["rows"][3]["status"], "error");
  EXPECT_NE(o.err.find("workloads.cam.count=0"), std::string::npos) << o.err;
  EXPECT_NE(o.out.find("Failed rows"), std::string::npos) << o.out;
  // Progress on stderr: rows done (the failed ones included) out of the rows to run.
  EXPECT_NE(o.err.find("sweep: 4 of 4 rows (100 %)"), std::string::npos) << o.err;
}

// A sweep run in one go, for the resume tests: the CSV and the JSON.
void full_sweep(const TempDir& tmp) {
  ASSERT_EQ(gpusim(tmp, sweep_args(tmp, kGrid + " --csv " + quoted(tmp.file("full.csv")) + " --json " +
                                            quoted(tmp.file("full.json"))))
                .exit_code,
            0);
  ASSERT_EQ(lines_of(slurp(tmp.file("full.csv"))).size(), 5u);
}

TEST(Sweep, ResumeCompletesAnInterruptedCsvToTheSameBytes) {
  TempDir tmp;
  full_sweep(tmp);
  const auto lines = lines_of(slurp(tmp.file("full.csv")));
  // An interrupted CSV: the header and rows 0 and 2. Resuming runs rows 1 and 3 only.
  const std::string part = tmp.file("part.csv");
  std::ofstream(part) << lines[0] << "\n" << lines[1] << "\n" << lines[3] << "\n";
  const Outcome o = gpusim(tmp, sweep_args(tmp, kAxes + " --resume --csv " + quoted(part)));
  ASSERT_EQ(o.exit_code, 0) << o.err;
  EXPECT_EQ(slurp(part), slurp(tmp.file("full.csv")));
  EXPECT_NE(o.err.find("2 already done, 2 to run"), std::string::npos) << o.err;
}

TEST(Sweep, ResumeKeepsTheRowsThereWithoutRunningThem) {
  TempDir tmp;
  full_sweep(tmp);
  const auto lines = lines_of(slurp(tmp.file("full.csv")));
  // A figure changed by hand in a kept row stays as it is: that row was not simulated again.
  auto row = fields(lines[3]);
  row[6] = "987.5";
  std::string edited = row[0];
  for (std::size_t i = 1; i < row.size(); ++i) edited += "," + row[i];
  const std::string part = tmp.file("part.csv");
  std::ofstream(part) << lines[0] << "\n" << edited << "\n";
  ASSERT_EQ(gpusim(tmp, sweep_args(tmp, kGrid + " --resume --csv " + quoted(part))).exit_code, 0);
  const auto resumed = lines_of(slurp(part));
  ASSERT_EQ(resumed.size(), 5u);
  EXPECT_EQ(resumed[3], edited);
  EXPECT_EQ(resumed[1], lines[1]);
  EXPECT_EQ(resumed[4], lines[4]);
}

TEST(Sweep, ResumeReadsTheJsonAndWritesBothFilesWhole) {
  TempDir tmp;
  full_sweep(tmp);
  auto j = nlohmann::json::parse(slurp(tmp.file("full.json")));
  j["rows"].erase(1);
  const std::string part = tmp.file("part.json");
  std::ofstream(part) << j.dump(2);
  const Outcome o = gpusim(
      tmp, sweep_args(tmp, kAxes + " --resume --json " + quoted(part) + " --csv " + quoted(tmp.file("b.csv"))));
  ASSERT_EQ(o.exit_code, 0) << o.err;
  EXPECT_EQ(slurp(part), slurp(tmp.file("full.json")));
  EXPECT_EQ(slurp(tmp.file("b.csv")), slurp(tmp.file("full.csv")));
  EXPECT_NE(o.err.find("3 already done, 1 to run"), std::string::npos) << o.err;
}

TEST(Sweep, AKilledSweepLeavesWholeRowsThatResumeCompletes) {
  TempDir tmp;
  // 4 rows, one simulation at a time: the file is rewritten after every 2 rows.
  const std::string grid = kGrid + " -j 1 --set run.duration=3s";
  const std::string full = tmp.file("full.csv");
  ASSERT_EQ(gpusim(tmp, sweep_args(tmp, grid + " --csv " + quoted(full))).exit_code, 0);
  const std::string part = tmp.file("part.csv");
  const std::string pid_file = tmp.file("pid");
  const std::string cmd = quoted(GPUSIM_BINARY) + " " + sweep_args(tmp, grid + " --csv " + quoted(part)) +
                          " >/dev/null 2>&1 </dev/null & echo $! >" + quoted(pid_file);
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  for (int i = 0; i < 400 && !std::filesystem::exists(part); ++i) ::usleep(25000);
  ::kill(std::stoi(slurp(pid_file)), SIGKILL);
  ASSERT_TRUE(std::filesystem::exists(part)) << "no rows written after 10 s";
  // Whatever was written is whole rows in their final order: a prefix of the complete file's lines.
  const std::string written = slurp(part);
  EXPECT_EQ(slurp(full).rfind(written, 0), 0u) << written;
  const Outcome o = gpusim(tmp, sweep_args(tmp, grid + " --resume --csv " + quoted(part)));
  ASSERT_EQ(o.exit_code, 0) << o.err;
  EXPECT_EQ(slurp(part), slurp(full));
}

TEST(Sweep, ResumeRefusesTheFileOfAnotherSweep) {
  TempDir tmp;
  const std::string csv = tmp.file("s.csv");
  ASSERT_EQ(gpusim(tmp, sweep_args(tmp, "--set workloads.cam.count=1,2 -q --csv " + quoted(csv))).exit_code, 0);
  const std::string before = slurp(csv);
  // Other axes: the header differs.
  Outcome o = gpusim(tmp, sweep_args(tmp, "--set workloads.cam.batch=1,2 --resume --csv " + quoted(csv)));
  EXPECT_EQ(o.exit_code, 2);
  EXPECT_NE(o.err.find(csv + ": error: written by another sweep (column 2 is 'workloads.cam.count', this sweep "
                             "writes 'workloads.cam.batch')"),
            std::string::npos)
      << o.err;
  EXPECT_EQ(lines_of(o.err).size(), 1u) << o.err;
  // The same axis with other values: a row's values are not this sweep's.
  o = gpusim(tmp, sweep_args(tmp, "--set workloads.cam.count=3,4 --resume --csv " + quoted(csv)));
  EXPECT_EQ(o.exit_code, 2);
  EXPECT_NE(o.err.find("written by another sweep (its row of point 0, seed 7 has other values)"), std::string::npos)
      << o.err;
  EXPECT_EQ(slurp(csv), before) << "nothing is written";
}

TEST(Sweep, BadAxesAreOneLineWithExitCode2) {
  TempDir tmp;
  const std::vector<std::pair<std::string, std::string>> cases{
      {"--set workloads.cam.count=8:64:0",
       "--set workloads.cam.count=8:64:0: error: the range's STEP must be greater than zero"},
      {"--set workloads.cam.count=a:b:1",
       "--set workloads.cam.count=a:b:1: error: range START:STOP:STEP needs a number for START (got 'a')"},
      {"--set workloads.cam.count=64:8:8", "--set workloads.cam.count=64:8:8: error: the range's STOP is below its START"},
      {"--set run.duration=1s:3s:1ms", "error: START, STOP and STEP must have the same unit (got 's', 's', 'ms')"},
      {"--set workloads.cam.count=1,,2", "--set workloads.cam.count=1,,2: error: empty value in the list"},
      {"--set workloads.cam.count=a:b --set run.seed=1,2", "--set workloads.cam.count=a:b: error:"},
      {"--set workloads.cam.cuont=1,2",
       "--set workloads.cam.cuont=1,2: error: unknown field 'workloads.cam.cuont' (known under 'workloads[]': "},
      {"--set workloads.lobby.count=1,2", "--set workloads.lobby.count=1,2: error: no workload named 'lobby' (known: cam)"},
      {"--set workloads.cam.count=1,2 --set workloads.cam.count=3", "'workloads.cam.count' is set twice"},
      {"--set workloads.cam.count=2", "error: gpusim sweep needs an axis"},
      {"--set workloads.cam.count=1,2 --resume", "error: --resume needs --csv FILE or --json FILE"},
  };
  for (const auto& [args, message] : cases) {
    const Outcome o = gpusim(tmp, sweep_args(tmp, args));
    EXPECT_EQ(o.exit_code, 2) << args << "\n" << o.err;
    EXPECT_NE(o.err.find(message), std::string::npos) << args << "\n" << o.err;
    EXPECT_EQ(lines_of(o.err).size(), 1u) << args << "\n" << o.err;
    EXPECT_EQ(o.out, "") << args;
  }
}

// mpirun as the CI runs it: as root in a container without a network (shared memory between the ranks).
std::string mpirun() {
  for (const char* dir : {"/usr/bin", "/usr/local/bin"}) {
    const std::string p = std::string(dir) + "/mpirun";
    if (::access(p.c_str(), X_OK) == 0) return p;
  }
  return "";
}

TEST(Sweep, TwoMpiRanksWriteTheSameFileAsOneProcess) {
  const std::string launcher = mpirun();
  if (launcher.empty()) GTEST_SKIP() << "mpirun is not installed (Debian: openmpi-bin; scripts/install-deps)";
#ifndef GPUSIM_HAVE_MPI_BUILD
  FAIL() << "mpirun is installed but gpusim was built without MPI (libopenmpi-dev)";
#endif
  TempDir tmp;
  const std::string one = tmp.file("one.csv");
  const std::string two = tmp.file("two.csv");
  const std::string grid = kAxes + " --seeds 2 -j 1";
  ASSERT_EQ(gpusim(tmp, sweep_args(tmp, grid + " --csv " + quoted(one))).exit_code, 0);
  const std::string env =
      "OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_btl=self,vader "
      "OMPI_MCA_btl_vader_single_copy_mechanism=none OMPI_MCA_rmaps_base_oversubscribe=1 "
      "ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 ";  // Open MPI's own allocations at exit
  const std::string cmd = env + quoted(launcher) + " -np 2 --oversubscribe " + quoted(GPUSIM_BINARY) + " " +
                          sweep_args(tmp, grid + " --csv " + quoted(two)) + " >" + quoted(tmp.file("out")) + " 2>" +
                          quoted(tmp.file("err")) + " </dev/null";
  const int status = std::system(cmd.c_str());
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << slurp(tmp.file("err"));
  EXPECT_EQ(slurp(two), slurp(one));
  EXPECT_EQ(lines_of(slurp(two)).size(), 9u);  // header + 4 points x 2 seeds
  EXPECT_NE(slurp(tmp.file("err")).find("on 2 processes"), std::string::npos) << slurp(tmp.file("err"));
}

}  // namespace
}  // namespace gpusim::test
