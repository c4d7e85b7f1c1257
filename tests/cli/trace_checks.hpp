#pragma once
// Checks of Chrome trace-event JSON shared by the trace tests: the fields every event needs,
// non-negative durations, complete slices nested per (pid, tid) track, counters in time order per track.

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace gpusim::test {

using nlohmann::json;

struct Slice {
  long long begin, end;  // nanoseconds (the file's microseconds have three decimals)
  std::string cat;
  const json* event;
};

// Checks the fields every event needs and returns the complete ("X") slices per (pid, tid) track.
inline std::map<std::pair<int, int>, std::vector<Slice>> check_events(const json& events) {
  std::map<std::pair<int, int>, std::vector<Slice>> tracks;
  std::map<std::pair<int, std::string>, double> last_counter;
  for (const auto& e : events) {
    EXPECT_TRUE(e.contains("ph") && e.contains("pid") && e.contains("name")) << e.dump();
    const std::string ph = e.at("ph");
    if (ph == "M") continue;
    EXPECT_TRUE(e.contains("ts") && e.at("ts").is_number()) << e.dump();
    const double ts = e.at("ts");
    EXPECT_GE(ts, 0.0) << e.dump();
    if (ph == "X") {
      EXPECT_TRUE(e.contains("tid") && e.contains("dur") && e.contains("cat")) << e.dump();
      const double dur = e.at("dur");
      EXPECT_GE(dur, 0.0) << e.dump();
      const long long b = std::llround(ts * 1e3);
      tracks[{e.at("pid").get<int>(), e.at("tid").get<int>()}].push_back(
          Slice{b, b + std::llround(dur * 1e3), e.at("cat"), &e});
    } else if (ph == "C") {
      EXPECT_TRUE(e.contains("args") && e.at("args").size() == 1) << e.dump();
      if (!e.contains("args") || e.at("args").empty()) continue;
      EXPECT_TRUE(e.at("args").begin()->is_number()) << e.dump();
      const auto key = std::make_pair(e.at("pid").get<int>(), e.at("name").get<std::string>());
      if (last_counter.count(key)) {
        EXPECT_GE(ts, last_counter[key]) << "counter out of time order: " << e.dump();
      }
      last_counter[key] = ts;
    } else {
      EXPECT_TRUE(ph == "b" || ph == "e" || ph == "s" || ph == "t" || ph == "f") << e.dump();
      EXPECT_TRUE(e.contains("id") && e.contains("cat")) << e.dump();
    }
  }
  // Nesting: on each track, a slice that starts inside another ends inside it.
  for (auto& [track, slices] : tracks) {
    std::sort(slices.begin(), slices.end(), [](const Slice& a, const Slice& b) {
      return a.begin != b.begin ? a.begin < b.begin : a.end > b.end;
    });
    std::vector<const Slice*> open;
    for (const auto& s : slices) {
      while (!open.empty() && open.back()->end <= s.begin) open.pop_back();
      if (!open.empty()) {
        EXPECT_LE(s.end, open.back()->end) << "slices overlap on track " << track.first << "/" << track.second
                                           << ": " << open.back()->event->dump() << " and " << s.event->dump();
      }
      open.push_back(&s);
    }
  }
  return tracks;
}

}  // namespace gpusim::test
