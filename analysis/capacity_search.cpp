#include "analysis/capacity_search.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

namespace gpusim {
namespace {

constexpr double kNoBound = std::numeric_limits<double>::infinity();

std::string search_ms(double s) {
  return std::isfinite(s) ? fmt::format("{:.1f} ms", 1e3 * s) : std::string("unbounded");
}

}  // namespace

double latency_at_quantile(const std::vector<double>& sorted, std::uint64_t generated, double quantile) {
  if (generated == 0) return 0.0;
  const auto rank = static_cast<std::uint64_t>(std::ceil(quantile * static_cast<double>(generated) - 1e-9));
  if (rank == 0) return sorted.empty() ? 0.0 : sorted.front();
  if (rank > sorted.size()) return kNoBound;
  return sorted[rank - 1];
}

CapacityPoint judge_point(const RunMetrics& m, const std::vector<std::vector<double>>& latencies,
                          double quantile, long streams, std::uint64_t seed) {
  CapacityPoint p;
  p.streams = streams;
  p.seed = seed;
  std::string sat;
  for (std::size_t i = 0; i < m.workloads.size(); ++i) {
    const WorkloadMetrics& w = m.workloads[i];
    CapacityWorkload c;
    c.name = w.name;
    c.streams = w.streams;
    c.sla_s = w.sla_s;
    c.attainment = w.sla_attainment;
    std::vector<double> sorted = i < latencies.size() ? latencies[i] : std::vector<double>{};
    std::sort(sorted.begin(), sorted.end());
    c.latency_q_s = latency_at_quantile(sorted, w.generated, quantile);
    c.p99_s = w.completed ? w.latency.p99 : kNoBound;
    c.throughput_rps = w.throughput_rps;
    c.generated = w.generated;
    c.unfinished = w.unfinished;
    c.dropped = w.dropped;
    c.meets = !c.sla_s || (w.generated > 0 && c.attainment.value_or(0.0) >= quantile - 1e-12);
    if (sat.empty() && w.saturation.saturated) sat = fmt::format("'{}': {}", w.name, w.saturation.reason);
    p.workloads.push_back(std::move(c));
  }
  for (const DeviceMetrics& d : m.devices) {
    p.devices.push_back(
        CapacityDevice{d.name, d.type, d.streams, d.occupied, d.memory_bytes, d.memory_capacity});
  }
  p.saturated = !sat.empty();
  p.saturation = sat;
  if (p.saturated) {
    p.binding = "saturation";
    p.failure = "saturated: not a steady state: " + sat;
  } else {
    for (const CapacityWorkload& w : p.workloads) {
      if (w.meets) continue;
      p.binding = "sla:" + w.name;
      p.failure =
          fmt::format("SLA of '{}': {:.2f} % of requests within {} (needs {:g} %); {:g}th percentile {}",
                      w.name, 100.0 * w.attainment.value_or(0.0), search_ms(*w.sla_s), 100.0 * quantile,
                      100.0 * quantile, search_ms(w.latency_q_s));
      break;
    }
  }
  p.meets = p.binding.empty();
  return p;
}

long utilisation_bound(const std::vector<std::optional<double>>& per_stream,
                       const std::vector<double>& others) {
  long n = 0;
  for (std::size_t u = 0; u < per_stream.size(); ++u) {
    if (!per_stream[u] || !(*per_stream[u] > 0)) continue;
    const double room = 1.0 - (u < others.size() ? others[u] : 0.0);
    if (room <= 0) continue;
    n += static_cast<long>(std::floor(room / *per_stream[u] + 1e-9));
  }
  return n;
}

long search_high(const SearchState& s) {
  for (const auto& [n, ok] : s.tried) {
    if (!ok) return n;
  }
  return s.most + 1;
}

long search_low(const SearchState& s) {
  const long hi = search_high(s);
  long lo = 0;
  for (const auto& [n, ok] : s.tried) {
    if (ok && n < hi) lo = std::max(lo, n);
  }
  return lo;
}

bool search_done(const SearchState& s) {
  const long lo = search_low(s);
  return search_high(s) <= lo + 1 || lo >= s.most;
}

std::vector<long> next_counts(const SearchState& s, int k) {
  k = std::max(k, 2);
  std::vector<long> out;
  auto add = [&](long n) {
    if (n >= 1 && n <= s.most && !s.tried.count(n) && std::find(out.begin(), out.end(), n) == out.end() &&
        static_cast<int>(out.size()) < k) {
      out.push_back(n);
    }
  };
  if (search_done(s)) return out;
  const long lo = search_low(s);
  const long hi = search_high(s);
  if (s.tried.empty()) {
    const long h = std::clamp(s.hint, 1L, s.most);
    add(h);
    add(h + 1);
    for (int i = 1; static_cast<int>(out.size()) < k && i <= k; ++i)
      add(h - static_cast<long>(i) * std::max(1L, h / 5));
  } else if (hi == s.most + 1) {
    // Everything tried meets: step up from the largest by an eighth of it (the bracket is usually close).
    const long step = std::max(1L, lo / 8);
    for (int i = 1; i <= k; ++i) add(std::min(s.most, lo + static_cast<long>(i) * step));
  } else {
    // Split the gap (lo, hi) into k + 1 parts (lo is 0 when everything tried fails).
    const long gap = hi - lo;
    for (int i = 1; i <= k; ++i) {
      add(lo + std::max(1L, static_cast<long>(std::llround(static_cast<double>(gap) * i / (k + 1)))));
    }
    if (out.empty()) add(lo + 1);
  }
  std::sort(out.begin(), out.end());
  return out;
}

const std::vector<CapacityPoint>& points_at(const CapacitySearch& s, long n) {
  static const std::vector<CapacityPoint> none;
  const auto it = s.points.find(n);
  return it == s.points.end() ? none : it->second;
}

bool all_meet(const std::vector<CapacityPoint>& points) {
  if (points.empty()) return false;
  for (const auto& p : points) {
    if (!p.meets) return false;
  }
  return true;
}

const CapacityPoint* first_failure(const std::vector<CapacityPoint>& points) {
  for (const auto& p : points) {
    if (!p.meets) return &p;
  }
  return nullptr;
}

}  // namespace gpusim
