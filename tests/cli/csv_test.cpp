// `gpusim run --csv DIR` on the face example: the per-request tables (docs/csv.md). Each completed
// request's stage times add up to its latency, and the counts are those the workloads file implies.

#include <gtest/gtest.h>

#include <cmath>
#include <map>

#include "cli_helpers.hpp"

namespace gpusim::test {
namespace {

using Row = std::map<std::string, std::string>;

std::vector<std::string> split(const std::string& line) {
  std::vector<std::string> out(1);
  for (char c : line) {
    if (c == ',') {
      out.emplace_back();
    } else {
      out.back() += c;
    }
  }
  return out;
}

std::vector<Row> read_csv(const std::string& path) {
  std::istringstream in(slurp(path));
  std::string line;
  std::getline(in, line);
  const auto header = split(line);
  std::vector<Row> rows;
  while (std::getline(in, line)) {
    const auto cells = split(line);
    EXPECT_EQ(cells.size(), header.size()) << path << ": " << line;
    Row r;
    for (std::size_t i = 0; i < header.size() && i < cells.size(); ++i) r[header[i]] = cells[i];
    rows.push_back(r);
  }
  return rows;
}

TEST(CsvTables, FaceExampleStageTimesAddUpToEachLatency) {
  TempDir dir;
  const std::string ex = std::string(GPUSIM_EXAMPLES_DIR) + "/face-recognition/";
  const Outcome o = gpusim(dir, "run " + quoted(ex + "platform.yaml") + " " + quoted(ex + "workloads.yaml") +
                                    " --additivity off -q --set run.duration=5s --csv " + quoted(dir.file("csv")) +
                                    // host time of the lobby cameras: 2 ms before, 1 ms after each frame
                                    " --set workloads.lobby.host.pre=2ms --set workloads.lobby.host.post=1ms");
  ASSERT_EQ(o.exit_code, 0) << o.err;
  const auto requests = read_csv(dir.file("csv/requests.csv"));
  const auto stages = read_csv(dir.file("csv/stages.csv"));
  std::map<std::string, double> stage_sum;  // request -> sum of queue + service, ms
  std::map<std::string, int> stage_count;
  std::map<std::string, int> detect_runs;
  for (const auto& s : stages) {
    stage_sum[s.at("request")] += std::stod(s.at("queue_ms")) + std::stod(s.at("service_ms"));
    ++stage_count[s.at("request")];
    if (s.at("stage") == "detect") ++detect_runs[s.at("workload")];
    EXPECT_GE(std::stod(s.at("queue_ms")), 0.0);
    EXPECT_GT(std::stod(s.at("service_ms")), 0.0);
  }
  // 8 lobby cameras at 30/s and 4 entrance cameras at 15/s over the 3 s after the warm-up (periodic).
  std::map<std::string, int> measured;
  int completed = 0;
  for (const auto& r : requests) {
    if (r.at("measured") == "1" && r.at("status") == "completed") ++measured[r.at("workload")];
    if (r.at("status") != "completed") continue;
    ++completed;
    const double latency = std::stod(r.at("latency_ms"));
    const double arrival = std::stod(r.at("arrival_s"));
    const double end = std::stod(r.at("end_s"));
    EXPECT_NEAR(latency, (end - arrival) * 1e3, 1e-5) << r.at("request");
    const double pre = std::stod(r.at("host_pre_ms")), post = std::stod(r.at("host_post_ms"));
    EXPECT_EQ(pre, r.at("workload") == "lobby" ? 2.0 : 0.0) << r.at("request");
    EXPECT_EQ(post, r.at("workload") == "lobby" ? 1.0 : 0.0) << r.at("request");
    EXPECT_GE(std::stod(r.at("queue_ms")), 0.0) << r.at("request");
    EXPECT_NEAR(pre + std::stod(r.at("queue_ms")) + std::stod(r.at("service_ms")) + post, latency, 2e-6)
        << r.at("request");
    // Every frame is detected; the per-face stages run when it has faces.
    ASSERT_GE(stage_count[r.at("request")], 1) << r.at("request");
    EXPECT_EQ(stage_count[r.at("request")], std::stoi(r.at("stages")));
    EXPECT_NEAR(pre + stage_sum[r.at("request")] + std::stod(r.at("output_ms")) + post, latency, 1e-5)
        << r.at("request");
  }
  EXPECT_EQ(measured["lobby"], 8 * 30 * 3);
  EXPECT_EQ(measured["entrance"], 4 * 15 * 3);
  EXPECT_EQ(completed, static_cast<int>(requests.size()));  // nothing is dropped at this load
  EXPECT_EQ(detect_runs["lobby"] + detect_runs["entrance"], completed);
  // The latency series: one row per workload and 100 ms interval; arrivals add up to the requests.
  const auto series = read_csv(dir.file("csv/latency_timeseries.csv"));
  long arrivals = 0;
  for (const auto& s : series) {
    arrivals += std::stol(s.at("arrivals"));
    EXPECT_GE(std::stol(s.at("queue_length")), 0);
  }
  EXPECT_EQ(arrivals, static_cast<long>(requests.size()));
  EXPECT_EQ(series.size() % 2, 0U);
  // Every column of every table is documented in docs/csv.md (as `column` in a table, or in a list).
  const std::string doc = slurp(std::string(GPUSIM_DOCS_DIR) + "/csv.md");
  for (const std::string name : {"workloads.csv", "devices.csv", "power.csv", "timeseries.csv", "requests.csv",
                                 "stages.csv", "latency_timeseries.csv"}) {
    std::istringstream table(slurp(dir.file("csv/" + name)));
    std::string header;
    std::getline(table, header);
    EXPECT_NE(doc.find("## " + name), std::string::npos) << name;
    for (const auto& column : split(header)) {
      const bool documented = doc.find("| " + column + " |") != std::string::npos ||
                              doc.find("`" + column + "`") != std::string::npos ||
                              doc.find(column + ",") != std::string::npos || doc.find(", " + column) != std::string::npos;
      EXPECT_TRUE(documented) << name << ": column " << column << " is not in docs/csv.md";
    }
  }
  // devices.csv has the occupancy and switch counts of the table.
  const auto devices = read_csv(dir.file("csv/devices.csv"));
  ASSERT_EQ(devices.size(), 2U);
  for (const auto& d : devices) {
    EXPECT_GT(std::stod(d.at("occupied")), 0.0);
    EXPECT_GT(std::stol(d.at("switches")), 0);
  }
}

}  // namespace
}  // namespace gpusim::test
