#pragma once
/// The required-speed searches of the additivity study (docs/additivity.md, "Cost"): each finds the smallest
/// speed scale of a device at which a set of workloads meets its SLAs, by rounds of simulations whose
/// scales a latency model proposes, until a failing and a meeting scale are close enough.

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "studies/additivity_runs.hpp"

namespace gpusim::additivity {

constexpr double MIN_SCALE = 1.0 / 4096;
constexpr double MAX_SCALE = 64.0;

/// One required-speed search: the smallest scale at which every workload of `workloads` meets its SLA when
/// the streams `streams` run on the scope's device.
struct Search {
  std::size_t scope = 0;
  const Scenario* base = nullptr;  // the scenario (its length) the search simulates
  std::string without;             // mechanism switched off in every run ("" = none)
  std::vector<int> streams;
  std::vector<int> workloads;
  double fixed = 0;  // lateness that no speed removes (launch overheads, host time), analytic
  double floor = 0;  // below this scale the device is busy all the time (from the run at speed 1)
  // The floor is a failing scale: the streams take the device one request at a time (a time-sliced or MIG
  // unit, or one MPS context without dynamic batching), so busy all the time is a queue that grows.
  bool floor_fails = false;
  struct Point {
    double scale, lateness;
  };
  std::vector<Point> points;  // lateness measured at a scale (finite only)
  std::vector<double> first;  // the scales of the first round (empty: the model's proposal)
  // The first round's meeting scale (first[1]) meets without the mechanism too, since the mechanism only adds
  // time (adds_time in platforms/contention_spec.hpp): the first round checks only the failing one.
  bool hi_holds = false;
  double upper = 0;  // the queueing estimate above a failing floor, for the round after the first (0: none)
  // From the simulated run at `lo`, when it stopped at its first certain miss: how fast the device would have
  // to be for its queue to stop growing (overload_estimate; 0: unknown).
  double lo_estimate = 0;
  // Every simulated run: its scale, verdict and the mechanisms that acted in it (Outcome::acted).
  struct Run {
    double scale;
    bool met;
    std::uint32_t acted;
    double estimate = 0;  // overload_estimate of a failing run (0: unknown)
  };
  std::vector<Run> runs;
  // An ablation copy: the all-on search's runs. A run of the copy at one of their scales whose mechanism did
  // not act there would be the same run (PowerRecord::acted): its verdict is taken, not simulated again.
  std::vector<Run> prior;
  double lo = 0, hi = 0;      // fastest failing, slowest meeting (0: none yet)
  int rounds = 0;
  bool done = false;
  bool unreachable = false;
};

/// Requests of each workload in a search run's window: at the 0.99 quantile the 50th is its worst.
constexpr double MIN_SEARCH_REQUESTS = 50;

/// The window of every search on one device, alone and together alike (each workload is then judged on
/// the same requests in both terms of the ratio): long enough for the device's slowest workload (`rates`:
/// requests per second of each of its workloads) to have MIN_SEARCH_REQUESTS in it, within [floor,
/// longest]; `window` when no workload has a rate, and at least `window` when `at_least_window`.
Seconds search_window(const std::map<int, double>& rates, Seconds window, Seconds floor, Seconds longest,
                      bool at_least_window);

/// The analytic floor of a search whose streams all run on one unit: below this speed scale the unit is
/// busy all the time. `occupied`: its device's occupied fraction in the run at speed 1 (each unit's busy
/// time weighted by its share of the SMs; the device's other units have none of the search's streams, so
/// a MIG slice's own is occupied / sm_fraction); `fixed_busy`: the share of the time spent in what no speed
/// removes (launch overheads, host time). At speed s the unit is busy f + (u - f) / s, below 1 from
/// s = (u - f) / (1 - f). 0 when the unit is busy less than its fixed share or all of the time is fixed.
double busy_floor(double occupied, double sm_fraction, double fixed_busy);

/// How the searches decide and when they stop.
struct SearchRule {
  double quantile = 0.99;   ///< a workload meets its SLA when this share of its requests does
  double precision = 0.05;  ///< a search stops when hi / lo - 1 is at most this
  int rounds = 5;           ///< at most this many simulated rounds per search (then one check at MAX_SCALE)
};

/// From a run at `scale` that stopped at its first certain miss, an estimate from above of the scale at
/// which its device keeps up: arrivals from time 0 into a device too slow by a factor rho build a backlog
/// that a request arriving at time a waits (rho - 1) a for, so the request of latency L that finished by the
/// stop t arrived at t - L or later and rho - 1 <= L / (t - L) (its own service counted as waiting); the
/// device must be about t / (t - L) times as fast. 0 when the run did not stop, or L >= t. A failure from a
/// tail rather than a growing backlog gives L near the SLA and an estimate just above `scale`.
double overload_estimate(const Outcome& o, double scale);

/// The worst lateness (latency at the SLA quantile / SLA) of the search's workloads in one simulation.
double lateness_of(const Outcome& o, const Search& s);

/// Whether every workload of the search meets its SLA in one simulation.
bool meets(const Outcome& o, const Search& s, double quantile);

/// Simulates a batch of variants, variant i on bases[i] (Runner::run, or a stand-in in tests).
using SimulateBatch =
    std::function<std::vector<Outcome>(const std::vector<const Scenario*>&, const std::vector<Variant>&)>;

/// Runs every open search of `searches` to its end, in rounds: each round simulates the open searches'
/// next scales in one batch.
void run_searches(std::vector<Search>& searches, const SimulateBatch& simulate, const SearchRule& rule);
inline void run_searches(std::vector<Search>& searches, Runner& runner, const SearchRule& rule) {
  run_searches(
      searches, [&](const std::vector<const Scenario*>& b, const std::vector<Variant>& v) { return runner.run(b, v); },
      rule);
}

}  // namespace gpusim::additivity
