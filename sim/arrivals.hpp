#pragma once
/// What arrives on a stream and when (pure; no SimGrid): per-stream random generators, arrival processes
/// (periodic with a random phase, Poisson, trace) and fan-out draws (items, e.g. faces, per request).

#include <cstdint>
#include <optional>
#include <random>

#include "core/units.hpp"
#include "workloads/workload_spec.hpp"

namespace gpusim {

/// Every random draw of a stream comes from its own generator.
using Rng = std::mt19937_64;

/// SplitMix64: mixes the run seed with a stream index into an independent generator seed.
std::uint64_t mix_seed(std::uint64_t seed, std::uint64_t stream);

/// Seed of the stream that is instance `instance` of workload `workload`. It depends on (workload,
/// instance) only, not on the stream's position: a stream draws the same arrivals whichever other streams
/// are simulated with it (the additivity analysis relies on it).
std::uint64_t stream_seed(std::uint64_t run_seed, int workload, int instance);

/// A uniform double in [0, 1) from the top 53 bits of one draw: portable across standard libraries.
double uniform01(Rng& rng);

/// The arrival times of one stream, in order.
///  - periodic at rate f: phase + k / f for k = 0, 1, ..., phase uniform in [0, 1/f) (cameras are not
///    synchronised), or the spec's own phase (ArrivalSpec::phase, or spread over the instances; the draw
///    is taken all the same);
///  - Poisson at rate f: exponential gaps of mean 1/f (inversion: -log(1 - u) / f);
///  - trace: the listed times, then none.
class ArrivalProcess {
 public:
  /// `spec` must outlive the process. `instance` of `count`: the stream's place among its workload's
  /// instances, for `phase: spread` (instance i of N starts at i / (N x rate)).
  explicit ArrivalProcess(const ArrivalSpec& spec, int instance = 0, int count = 1);
  explicit ArrivalProcess(const ArrivalSpec&& spec, int instance = 0, int count = 1) = delete;

  /// The next arrival time (the first on the first call); nothing once a trace is exhausted. Draws from
  /// `rng` for the phase of a periodic stream (first call only) and for each Poisson gap.
  std::optional<Seconds> next(Rng& rng);

  /// Arrival times returned so far.
  std::uint64_t count() const { return count_; }

 private:
  const ArrivalSpec* spec_;
  std::optional<double> fixed_phase_;  // periodic: the spec's phase, or its spread one for this instance
  double phase_ = 0;
  double last_ = 0;
  std::uint64_t count_ = 0;
};

/// Arrivals of a stream seeded `seed` in [from, to), drawn as the engine draws them (each arrival's time,
/// then its fan-out when the stream has one) up to the first at or after `to`: how many requests of the
/// stream a run whose arrivals stop at `to` measures in that window, known before it starts.
std::uint64_t count_arrivals(const StreamSpec& s, std::uint64_t seed, double from, double to, int instance = 0);

/// Items of one request of `batch` frames: the sum of one draw per frame, each capped at `f.max`, and the
/// total capped so that a batch of them fits in 16 bits (65535 / batch).
int draw_fanout(const FanoutSpec& f, int batch, Rng& rng);

}  // namespace gpusim
