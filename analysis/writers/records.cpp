#include "analysis/writers/records.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "analysis/metrics.hpp"
#include "analysis/request_times.hpp"

namespace gpusim {
namespace {

std::string time_s(double t) { return t < 0 ? std::string() : fmt::format("{:.9f}", t); }
std::string records_ms(double seconds) { return fmt::format("{:.6f}", seconds * 1e3); }

std::string requests_csv(const Scenario& sc, const Plan& plan, const SimResult& r,
                         const std::vector<RequestTime>& times) {
  const RunSpec& run = sc.workloads.run;
  std::string out =
      "request,workload,instance,device,status,measured,arrival_s,start_s,end_s,latency_ms,host_pre_ms,queue_ms,"
      "service_ms,output_ms,host_post_ms,stages\n";
  for (const RequestTime& t : times) {
    const RequestRecord& rec = r.requests[t.request];
    const bool done = rec.status == RequestStatus::COMPLETED;
    const auto& spec = sc.workloads.streams[static_cast<std::size_t>(t.workload)];
    const double pre = spec.host_pre.v, post = spec.host_post.v;
    out += fmt::format("{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}\n", t.request, spec.name, t.instance,
                       plan.units()[static_cast<std::size_t>(t.unit)].name, status_name(rec.status),
                       in_window(run, rec) ? 1 : 0, time_s(rec.arrival), time_s(rec.start),
                       done ? time_s(rec.finish) : "", done ? records_ms(rec.finish - rec.arrival) : "",
                       rec.start >= 0 ? records_ms(pre) : "", rec.start >= 0 ? records_ms(rec.start - rec.arrival - pre) : "",
                       done ? records_ms(rec.finish - post - rec.start) : "", done ? records_ms(t.output) : "",
                       done ? records_ms(post) : "", t.stages.size());
  }
  return out;
}

std::string stages_csv(const Scenario& sc, const std::vector<RequestTime>& times) {
  std::string out = "request,workload,stage,index,batch,start_s,end_s,queue_ms,service_ms\n";
  for (const RequestTime& t : times) {
    const auto& spec = sc.workloads.streams[static_cast<std::size_t>(t.workload)];
    for (const StageTime& s : t.stages) {
      out += fmt::format("{},{},{},{},{},{},{},{},{}\n", t.request, spec.name, spec.stages[s.stage].name, s.stage,
                         s.batch, time_s(s.start), time_s(s.finish), records_ms(s.queue), records_ms(s.service()));
    }
  }
  return out;
}

// Per workload and sample interval [k x dt, (k+1) x dt): arrivals, completions and their latency; the
// queue (arrived, not started, not dropped) and requests in service at the interval's end.
std::string latency_csv(const Scenario& sc, const Plan& plan, const SimResult& r) {
  const double dt = sc.platform.contention.sample_interval.v;
  const double end = std::max(r.end_time, sc.workloads.run.duration.v);
  const auto buckets = static_cast<std::size_t>(std::max(1.0, std::ceil(end / dt - 1e-9)));
  const std::size_t nw = sc.workloads.streams.size();
  auto bucket = [&](double x) { return std::min(buckets - 1, static_cast<std::size_t>(std::max(0.0, x / dt))); };
  struct Acc {
    std::vector<long> arrived, started, finished, dropped;
    std::vector<std::vector<double>> latency;
  };
  std::vector<Acc> acc(nw);
  for (auto& a : acc) {
    a.arrived.assign(buckets, 0);
    a.started.assign(buckets, 0);
    a.finished.assign(buckets, 0);
    a.dropped.assign(buckets, 0);
    a.latency.resize(buckets);
  }
  for (const RequestRecord& rec : r.requests) {
    Acc& a = acc[static_cast<std::size_t>(plan.placements()[rec.stream].stream.workload)];
    ++a.arrived[bucket(rec.arrival)];
    if (rec.status == RequestStatus::DROPPED) ++a.dropped[bucket(rec.arrival)];
    if (rec.start >= 0) ++a.started[bucket(rec.start)];
    if (rec.status == RequestStatus::COMPLETED) {
      ++a.finished[bucket(rec.finish)];
      a.latency[bucket(rec.finish)].push_back(rec.finish - rec.arrival);
    }
  }
  std::string out =
      "workload,time_s,arrivals,completed,latency_mean_ms,latency_p50_ms,latency_p99_ms,latency_max_ms,"
      "queue_length,in_service\n";
  for (std::size_t w = 0; w < nw; ++w) {
    Acc& a = acc[w];
    long arrived = 0, started = 0, finished = 0, dropped = 0;
    for (std::size_t k = 0; k < buckets; ++k) {
      arrived += a.arrived[k];
      started += a.started[k];
      finished += a.finished[k];
      dropped += a.dropped[k];
      auto& lat = a.latency[k];
      std::sort(lat.begin(), lat.end());
      const bool any = !lat.empty();
      const double mean = any ? std::accumulate(lat.begin(), lat.end(), 0.0) / static_cast<double>(lat.size()) : 0;
      out += fmt::format("{},{:.6f},{},{},{},{},{},{},{},{}\n", sc.workloads.streams[w].name,
                         static_cast<double>(k + 1) * dt, a.arrived[k], a.finished[k], any ? records_ms(mean) : "",
                         any ? records_ms(percentile_sorted(lat, 0.50)) : "", any ? records_ms(percentile_sorted(lat, 0.99)) : "",
                         any ? records_ms(lat.back()) : "", arrived - dropped - started, started - finished);
    }
  }
  return out;
}

}  // namespace

const std::vector<std::string>& record_table_names() {
  static const std::vector<std::string> names{"requests.csv", "stages.csv", "latency_timeseries.csv"};
  return names;
}

std::vector<std::pair<std::string, std::string>> record_tables(const Scenario& sc, const Plan& plan,
                                                               const SimResult& r) {
  const std::vector<RequestTime> times = request_times(sc, plan, r);
  return {{"requests.csv", requests_csv(sc, plan, r, times)},
          {"stages.csv", stages_csv(sc, times)},
          {"latency_timeseries.csv", latency_csv(sc, plan, r)}};
}

}  // namespace gpusim
