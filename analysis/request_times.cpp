#include "analysis/request_times.hpp"

#include <map>
#include <tuple>

namespace gpusim {

const char* status_name(RequestStatus s) {
  switch (s) {
    case RequestStatus::COMPLETED:
      return "completed";
    case RequestStatus::DROPPED:
      return "dropped";
    case RequestStatus::UNFINISHED:
      break;
  }
  return "unfinished";
}

std::vector<RequestTime> request_times(const Scenario& sc, const Plan& plan, const SimResult& r) {
  const auto& placements = plan.placements();
  std::vector<RequestTime> out(r.requests.size());
  // Stage records per request that owns them (the first request of each job).
  std::vector<std::vector<std::uint32_t>> own(r.requests.size());
  for (std::uint32_t i = 0; i < r.stages.size(); ++i) {
    if (r.stages[i].request < own.size()) own[r.stages[i].request].push_back(i);
  }
  // A batch is one job of one workload on one unit: its requests share a start; the owner is the one
  // with records.
  std::map<std::tuple<int, int, double>, std::uint32_t> owner;
  for (std::uint32_t q = 0; q < r.requests.size(); ++q) {
    if (own[q].empty()) continue;
    const Placement& p = placements[r.requests[q].stream];
    owner.emplace(std::make_tuple(p.stream.workload, p.unit, r.requests[q].start), q);
  }
  for (std::uint32_t q = 0; q < r.requests.size(); ++q) {
    const RequestRecord& rec = r.requests[q];
    const Placement& p = placements[rec.stream];
    RequestTime& t = out[q];
    t.request = q;
    t.workload = p.stream.workload;
    t.instance = p.stream.instance;
    t.unit = p.unit;
    if (rec.status != RequestStatus::COMPLETED) continue;
    const auto& spec = sc.workloads.streams[static_cast<std::size_t>(p.stream.workload)];
    t.host_pre = spec.host_pre.v;
    t.host_post = spec.host_post.v;
    const double queued = rec.arrival + t.host_pre;  // when it reached its device's queue
    const double back = rec.finish - t.host_post;    // when its outputs were back on the host
    std::uint32_t from = q;
    if (own[q].empty()) {
      const auto it = owner.find(std::make_tuple(p.stream.workload, p.unit, rec.start));
      if (it != owner.end()) from = it->second;
    }
    double previous = queued;
    if (own[from].empty()) {
      // No stage records: one stage over the whole service.
      StageTime s;
      s.batch = static_cast<std::uint16_t>(spec.batch);
      s.start = rec.start;
      s.finish = back;
      s.queue = rec.start - queued;
      t.stages.push_back(s);
      previous = back;
    } else {
      for (std::uint32_t i : own[from]) {
        const StageRecord& sr = r.stages[i];
        StageTime s;
        s.stage = sr.stage;
        s.batch = sr.batch;
        s.start = sr.start;
        s.finish = sr.finish;
        s.queue = sr.start - previous;
        previous = sr.finish;
        t.stages.push_back(s);
      }
    }
    t.output = back - previous;
  }
  return out;
}

}  // namespace gpusim
