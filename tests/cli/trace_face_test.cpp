// The face example's whole trace (`gpusim run --trace`, docs/trace.md): valid Chrome trace-event JSON
// (the file as a whole; then each event: required fields, non-negative durations, slices nested per
// track, counters in time order) holding every kernel that ran and every completed request. The trace has
// 1.3 M events (about 250 MB), so it is read event by event, never as one document; this test has its own
// binary, left out of the sanitizer run.

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "cli_helpers.hpp"

namespace gpusim::test {
namespace {

using nlohmann::json;

struct Span {
  long long begin, end;  // nanoseconds
  char cat;              // 'k'ernel, 's'tage, 'r'equest, other
  std::uint32_t first_request;
};

long long ns(const json& v) { return std::llround(v.get<double>() * 1e3); }

TEST(TraceFace, ValidAndHoldsEveryKernelAndCompletedRequest) {
  TempDir dir;
  const std::string ex = std::string(GPUSIM_EXAMPLES_DIR) + "/face-recognition/";
  const Outcome o = gpusim(dir, "run " + quoted(ex + "platform.yaml") + " " + quoted(ex + "workloads.yaml") +
                                    " --additivity off -q --trace " + quoted(dir.file("face.json")) +
                                    " --trace-max-events 3000000 --json " + quoted(dir.file("result.json")) +
                                    " --csv " + quoted(dir.file("csv")));
  ASSERT_EQ(o.exit_code, 0) << o.err;
  {
    std::ifstream whole(dir.file("face.json"));
    ASSERT_TRUE(json::accept(whole)) << "not valid JSON";
  }
  const json result = json::parse(slurp(dir.file("result.json")));
  std::ifstream in(dir.file("face.json"));
  std::string line;
  std::getline(in, line);
  ASSERT_EQ(line, R"({"displayTimeUnit":"ms","traceEvents":[)");
  std::map<std::pair<int, int>, std::vector<Span>> tracks;
  std::map<std::pair<int, std::string>, long long> last_counter;
  std::set<std::string> processes, counters;
  std::set<std::uint64_t> traced;
  std::uint64_t kernels = 0;
  while (std::getline(in, line)) {
    if (line == "]}") break;
    if (!line.empty() && line.back() == ',') line.pop_back();
    const json e = json::parse(line);
    ASSERT_TRUE(e.contains("ph") && e.contains("pid") && e.contains("name")) << line;
    const std::string ph = e.at("ph");
    if (ph == "M") {
      if (e.at("name") == "process_name") processes.insert(e.at("args").at("name"));
      continue;
    }
    ASSERT_TRUE(e.contains("ts")) << line;
    const long long ts = ns(e.at("ts"));
    ASSERT_GE(ts, 0) << line;
    if (ph == "X") {
      ASSERT_TRUE(e.contains("tid") && e.contains("dur") && e.contains("cat")) << line;
      const long long dur = ns(e.at("dur"));
      ASSERT_GE(dur, 0) << line;
      const std::string cat = e.at("cat");
      Span s{ts, ts + dur, cat == "kernel" ? 'k' : cat == "stage" ? 's' : cat == "request" ? 'r' : 'o', 0};
      if (s.cat == 'k') {
        ++kernels;
        // Every kernel does work: FLOPs, bytes or both (a concatenation only moves bytes).
        EXPECT_GE(e.at("args").at("flops").get<double>(), 0.0) << line;
        EXPECT_GT(e.at("args").at("flops").get<double>() + e.at("args").at("bytes").get<double>(), 0.0) << line;
      }
      if (s.cat == 'r') {
        s.first_request = e.at("args").at("requests").at(0);
        for (const auto& id : e.at("args").at("requests")) traced.insert(id.get<std::uint64_t>());
      }
      tracks[{e.at("pid").get<int>(), e.at("tid").get<int>()}].push_back(s);
    } else if (ph == "C") {
      ASSERT_EQ(e.at("args").size(), 1U) << line;
      ASSERT_TRUE(e.at("args").begin()->is_number()) << line;
      counters.insert(e.at("name"));
      const auto key = std::make_pair(e.at("pid").get<int>(), e.at("name").get<std::string>());
      if (last_counter.count(key)) {
        ASSERT_GE(ts, last_counter[key]) << "counter out of order: " << line;
      }
      last_counter[key] = ts;
    } else {
      ASSERT_TRUE(ph == "b" || ph == "e" || ph == "s" || ph == "t" || ph == "f") << line;
      ASSERT_TRUE(e.contains("id") && e.contains("cat")) << line;
    }
  }
  EXPECT_EQ(processes, (std::set<std::string>{"t4 (T4)", "a100 (A100-PCIe-40GB)"}));
  EXPECT_EQ(counters, (std::set<std::string>{"power", "clock", "temperature", "utilization", "bandwidth", "queue"}));
  // Every kernel that completed is a slice.
  EXPECT_EQ(kernels, result.at("run").at("kernels").get<std::uint64_t>());
  // Nesting per track: request > stage > kernel; each request slice holds at least one stage and kernel.
  for (auto& [track, spans] : tracks) {
    std::sort(spans.begin(), spans.end(), [](const Span& a, const Span& b) {
      return a.begin != b.begin ? a.begin < b.begin : a.end > b.end;
    });
    std::vector<const Span*> open;
    std::map<const Span*, int> kernels_in;
    for (const auto& s : spans) {
      while (!open.empty() && open.back()->end <= s.begin) open.pop_back();
      if (!open.empty()) {
        ASSERT_LE(s.end, open.back()->end) << "overlap on track " << track.first << "/" << track.second;
      }
      if (s.cat == 'k') {
        for (const Span* p : open) kernels_in[p] += p->cat == 'r';
        ASSERT_TRUE(!open.empty() && open.back()->cat == 's') << "a kernel outside a stage";
      }
      if (s.cat == 's') {
        ASSERT_TRUE(!open.empty() && open.back()->cat == 'r') << "a stage outside a request";
      }
      open.push_back(&s);
    }
    for (const auto& s : spans) {
      if (s.cat == 'r') {
        EXPECT_GE(kernels_in[&s], 1) << "request " << s.first_request << " has no kernel";
      }
    }
  }
  // Every completed request is in a request slice: all 6,000 of them (the 18 s measured and the 2 s warm-up
  // of 8 cameras at 30/s and 4 at 15/s).
  std::istringstream requests(slurp(dir.file("csv/requests.csv")));
  std::getline(requests, line);
  std::size_t completed = 0;
  while (std::getline(requests, line)) {
    if (line.find(",completed,") == std::string::npos) continue;
    ++completed;
    EXPECT_TRUE(traced.count(std::stoull(line.substr(0, line.find(','))))) << line;
  }
  EXPECT_EQ(completed, (8 * 30 + 4 * 15) * 20U);
}

}  // namespace
}  // namespace gpusim::test
