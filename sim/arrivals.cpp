// Per-stream generators, arrival processes and fan-out draws (see sim/arrivals.hpp).

#include "sim/arrivals.hpp"

#include <algorithm>
#include <cmath>

namespace gpusim {

std::uint64_t mix_seed(std::uint64_t seed, std::uint64_t stream) {
  std::uint64_t z = seed + 0x9E3779B97F4A7C15ULL * (stream + 1);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

std::uint64_t stream_seed(std::uint64_t run_seed, int workload, int instance) {
  return mix_seed(run_seed,
                  (static_cast<std::uint64_t>(workload) << 32) | static_cast<std::uint32_t>(instance));
}

double uniform01(Rng& rng) { return static_cast<double>(rng() >> 11) * 0x1.0p-53; }

ArrivalProcess::ArrivalProcess(const ArrivalSpec& spec, int instance, int count) : spec_(&spec) {
  if (spec.kind != ArrivalKind::PERIODIC) return;
  if (spec.phase) {
    fixed_phase_ = spec.phase->v;
  } else if (spec.spread) {
    fixed_phase_ = static_cast<double>(instance) / (static_cast<double>(std::max(1, count)) * spec.rate.v);
  }
}

std::optional<Seconds> ArrivalProcess::next(Rng& rng) {
  const ArrivalSpec& a = *spec_;
  const bool first = count_ == 0;
  switch (a.kind) {
    case ArrivalKind::PERIODIC:
      if (first) {
        // A given phase still takes its draw, so that the stream's later draws (fan-outs) are the same.
        phase_ = uniform01(rng) / a.rate.v;
        if (fixed_phase_) phase_ = *fixed_phase_;
        last_ = phase_;
      } else {
        last_ = phase_ + static_cast<double>(count_) / a.rate.v;
      }
      break;
    case ArrivalKind::POISSON:
      if (first) {
        last_ = -std::log1p(-uniform01(rng)) / a.rate.v;
      } else {
        last_ += -std::log1p(-uniform01(rng)) / a.rate.v;
      }
      break;
    case ArrivalKind::TRACE:
      if (count_ >= a.trace.size()) return std::nullopt;
      last_ = a.trace[count_].v;
      break;
  }
  ++count_;
  return Seconds{last_};
}

int draw_fanout(const FanoutSpec& f, int batch, Rng& rng) {
  int total = 0;
  for (int frame = 0; frame < batch; ++frame) {
    int k = 0;
    switch (f.kind) {
      case FanoutSpec::Kind::FIXED:
        k = static_cast<int>(f.mean);
        break;
      case FanoutSpec::Kind::UNIFORM:
        k = f.min + static_cast<int>(uniform01(rng) * (f.max - f.min + 1));
        break;
      case FanoutSpec::Kind::POISSON: {
        // Inversion by sequential search: exact and portable for the small means of a fan-out.
        const double u = uniform01(rng);
        double p = std::exp(-f.mean);
        double cdf = p;
        while (u > cdf && k < f.max) {
          ++k;
          p *= f.mean / k;
          cdf += p;
        }
        break;
      }
    }
    total += std::min(k, f.max);
  }
  return std::min(total, 65535 / std::max(1, batch));
}

std::uint64_t count_arrivals(const StreamSpec& s, std::uint64_t seed, double from, double to, int instance) {
  Rng rng(seed);
  ArrivalProcess arrivals(s.arrival, instance, s.count);
  std::uint64_t n = 0;
  for (;;) {
    const std::optional<Seconds> t = arrivals.next(rng);
    if (!t || !(t->v < to)) return n;
    if (t->v >= from) ++n;
    if (s.fanout) draw_fanout(*s.fanout, s.batch, rng);
  }
}

}  // namespace gpusim
