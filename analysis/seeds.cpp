#include "analysis/seeds.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <stdexcept>

#include "core/errors.hpp"

namespace gpusim {
namespace {

// P(|T| < t) for Student's t with `dof` degrees of freedom: Abramowitz and Stegun 26.7.3 (odd) and
// 26.7.4 (even), finite sums in theta = atan(t / sqrt(dof)).
double two_sided_cdf(double t, int dof) {
  const double pi = std::acos(-1.0);
  const double theta = std::atan(t / std::sqrt(static_cast<double>(dof)));
  const double c2 = std::cos(theta) * std::cos(theta);
  if (dof % 2 == 1) {
    if (dof == 1) return 2 * theta / pi;
    // sin(theta) cos(theta) (1 + 2/3 cos^2 + 2*4/(3*5) cos^4 + ... up to cos^(dof-3)).
    double term = 1.0;
    double sum = 1.0;
    for (int k = 2; k <= dof - 3; k += 2) {
      term *= c2 * k / (k + 1);
      sum += term;
    }
    return 2 / pi * (theta + std::sin(theta) * std::cos(theta) * sum);
  }
  // sin(theta) (1 + 1/2 cos^2 + 1*3/(2*4) cos^4 + ... up to cos^(dof-2)).
  double term = 1.0;
  double sum = 1.0;
  for (int k = 1; k <= dof - 3; k += 2) {
    term *= c2 * k / (k + 1);
    sum += term;
  }
  return std::sin(theta) * sum;
}

}  // namespace

int parse_seed_count(const std::string& text, const std::string& option) {
  const std::string bad =
      fmt::format("error: {} '{}': must be a whole number of runs from 1 to {}", option, text, kMaxSeeds);
  if (text.empty() || text.size() > 9) throw ConfigError(bad);
  for (const char c : text) {
    if (!std::isdigit(static_cast<unsigned char>(c))) throw ConfigError(bad);
  }
  const int n = std::stoi(text);
  if (n < 1 || n > kMaxSeeds) throw ConfigError(bad);
  return n;
}

double student_t_quantile(double p, int dof) {
  if (!(p >= 0.5 && p < 1.0) || dof < 1) {
    throw std::invalid_argument(
        fmt::format("student_t_quantile({}, {}): needs 0.5 <= p < 1 and dof >= 1", p, dof));
  }
  const double target = 2 * p - 1;  // P(|T| < t)
  double lo = 0.0;
  double hi = 1.0;
  while (two_sided_cdf(hi, dof) < target) hi *= 2;
  while (hi - lo > 1e-10) {
    const double mid = (lo + hi) / 2;
    (two_sided_cdf(mid, dof) < target ? lo : hi) = mid;
  }
  return (lo + hi) / 2;
}

SeedStat seed_stat(const std::vector<double>& values) {
  SeedStat s;
  s.n = static_cast<int>(values.size());
  if (values.empty()) return s;
  double sum = 0;
  for (const double v : values) sum += v;
  s.mean = sum / s.n;
  if (s.n < 2) return s;
  double squares = 0;
  for (const double v : values) squares += (v - s.mean) * (v - s.mean);
  s.sd = std::sqrt(squares / (s.n - 1));
  s.half_width = student_t_quantile(0.975, s.n - 1) * s.sd / std::sqrt(static_cast<double>(s.n));
  return s;
}

bool overlaps(const SeedStat& a, const SeedStat& b) { return a.low() <= b.high() && b.low() <= a.high(); }

std::vector<WorkloadSeeds> workload_seeds(const std::vector<RunMetrics>& runs) {
  std::vector<WorkloadSeeds> out;
  if (runs.empty()) return out;
  const std::size_t workloads = runs.front().workloads.size();
  for (std::size_t k = 0; k < workloads; ++k) {
    WorkloadSeeds w;
    w.name = runs.front().workloads[k].name;
    std::vector<double> sla;
    for (const auto& run : runs) {
      const WorkloadMetrics& m = run.workloads.at(k);
      w.p99_per_seed_s.push_back(m.latency.p99);
      w.sla_per_seed.push_back(m.sla_attainment);
      w.throughput_per_seed_rps.push_back(m.throughput_rps);
      if (m.sla_attainment) sla.push_back(*m.sla_attainment);
    }
    w.p99_s = seed_stat(w.p99_per_seed_s);
    w.throughput_rps = seed_stat(w.throughput_per_seed_rps);
    if (sla.size() == runs.size()) w.sla_attainment = seed_stat(sla);
    out.push_back(std::move(w));
  }
  return out;
}

SeedCompareRow seed_compare_row(const std::string& scheduler, std::vector<CompareRow> runs) {
  SeedCompareRow row;
  row.scheduler = scheduler;
  row.runs = std::move(runs);
  if (row.runs.empty()) return row;
  std::vector<double> sla;
  std::vector<double> p99;
  std::vector<double> rps;
  for (const auto& r : row.runs) {
    if (r.sla_attainment) sla.push_back(*r.sla_attainment);
    p99.push_back(r.p99_s);
    rps.push_back(r.throughput_rps);
  }
  if (sla.size() == row.runs.size()) row.sla_attainment = seed_stat(sla);
  row.p99_s = seed_stat(p99);
  row.throughput_rps = seed_stat(rps);
  // The mean row: the first seed's placement, every figure averaged.
  CompareRow& m = row.mean;
  m = row.runs.front();
  m.latencies_s.clear();
  const double n = static_cast<double>(row.runs.size());
  if (row.sla_attainment) m.sla_attainment = row.sla_attainment->mean;
  m.p99_s = row.p99_s.mean;
  m.throughput_rps = row.throughput_rps.mean;
  m.energy_j = m.queue_s = m.service_s = 0;
  for (auto& d : m.metrics.devices) d.occupied = 0, d.switches = 0;
  std::vector<double> switches(m.metrics.devices.size(), 0.0);
  for (const auto& r : row.runs) {
    m.energy_j += r.energy_j / n;
    m.queue_s += r.queue_s / n;
    m.service_s += r.service_s / n;
    for (std::size_t u = 0; u < switches.size() && u < r.metrics.devices.size(); ++u) {
      m.metrics.devices[u].occupied += r.metrics.devices[u].occupied / n;
      switches[u] += static_cast<double>(r.metrics.devices[u].switches) / n;
    }
  }
  for (std::size_t u = 0; u < switches.size(); ++u) {
    m.metrics.devices[u].switches = static_cast<std::uint64_t>(std::llround(switches[u]));
  }
  return row;
}

void rank_seed_rows(std::vector<SeedCompareRow>& rows) {
  for (auto& r : rows) {
    r.mean.scheduler = r.scheduler;
    r.mean.error = r.error;
  }
  std::stable_sort(rows.begin(), rows.end(), [](const SeedCompareRow& a, const SeedCompareRow& b) {
    return ranks_before(a.mean, b.mean);
  });
  // Worse apart from the row above: by SLA attainment, or (SLA intervals overlapping) by p99.
  const auto apart = [](const SeedCompareRow& above, const SeedCompareRow& below) {
    if (above.sla_attainment && below.sla_attainment) {
      if (!overlaps(*above.sla_attainment, *below.sla_attainment)) return true;
    }
    // Apart by p99 only when the lower p99 belongs to the row ranked above (else the keys disagree: a tie).
    return above.p99_s.high() < below.p99_s.low();
  };
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (!rows[i].error.empty()) {
      rows[i].rank = 0;
      continue;
    }
    rows[i].rank = i > 0 && !apart(rows[i - 1], rows[i]) ? rows[i - 1].rank : static_cast<int>(i) + 1;
  }
}

}  // namespace gpusim
