#include "studies/additivity_search.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

#include "core/logging.hpp"
#include "platforms/contention_spec.hpp"

namespace gpusim::additivity {
namespace {

// The next scale to simulate: the model lateness(s) = a + b / s (the part of a request's time that scales
// with the device's speed, plus the part that does not) through the two measured points nearest the SLA
// (one point and the analytic fixed part while only one is known), kept inside the bracket.
double propose(const Search& s, double precision) {
  std::vector<Search::Point> pts = s.points;
  std::sort(pts.begin(), pts.end(), [](auto& a, auto& b) {
    return std::fabs(std::log(a.lateness)) < std::fabs(std::log(b.lateness));
  });
  double next = 0;
  // Bracketed: interpolate log(lateness) linearly in log(scale) between the nearest failing and meeting
  // points (regula falsi on a curve that is close to a power law).
  const Search::Point* below = nullptr;
  const Search::Point* above = nullptr;
  for (const auto& p : s.points) {
    if (p.lateness > 1 && (!below || p.scale > below->scale)) below = &p;
    if (p.lateness <= 1 && (!above || p.scale < above->scale)) above = &p;
  }
  if (below && above && below->scale < above->scale) {
    const double t = std::log(below->lateness) / (std::log(below->lateness) - std::log(above->lateness));
    next = std::exp(std::log(below->scale) + t * (std::log(above->scale) - std::log(below->scale)));
  } else if (pts.size() >= 2 && pts[0].scale != pts[1].scale) {
    const double b = (pts[0].lateness - pts[1].lateness) / (1 / pts[0].scale - 1 / pts[1].scale);
    const double a = pts[0].lateness - b / pts[0].scale;
    if (b > 0 && a < 1) next = b / (1 - a);
  }
  if (next <= 0 && !pts.empty()) {
    const double a = std::min(s.fixed, 0.9 * pts[0].lateness);
    const double b = (pts[0].lateness - a) * pts[0].scale;
    next = a < 1 ? b / (1 - a) : pts[0].scale * pts[0].lateness;
  }
  // The analytic lower bound where the device serves one request at a time: below it the device is
  // overloaded. Under MPS several contexts overlap more as they slow down, so a floor from the run at speed 1
  // bounds nothing there (floor_fails false): the first round still starts from it (where the contexts
  // barely overlap, memory-bound ones, the answer lies above it), later rounds go below it when runs there
  // meet.
  const bool first = s.rounds == 0 && s.lo == 0 && s.hi == 0;
  if (s.floor_fails || first) next = std::max(next, s.floor * (1 + precision));
  if (next <= 0) next = 1.0;
  const double margin = 1 + precision / 2;
  if (s.lo > 0 && s.hi > 0) {
    if (next <= s.lo * margin || next >= s.hi / margin) next = std::sqrt(s.lo * s.hi);
  } else if (s.hi > 0) {
    next = std::min(next, s.hi / (1 + precision));
  } else if (s.lo > 0) {
    next = std::max(next, s.lo * 1.25);  // everything failed so far: step up by at least a quarter
  }
  return std::clamp(next, MIN_SCALE, MAX_SCALE);
}

// An upper estimate of the answer for a search whose floor fails (its streams take the device one request
// at a time), from its point at speed 1 (or the first measured): the request's time scaled as an M/M/1
// sojourn, service / (1 - utilisation), with the service part of the lateness (all but the fixed part)
// proportional to 1 / s and the utilisation floor / s. Lateness 1 then falls at s = floor + s0 (1 - rho1),
// s0 = (lateness - fixed) x scale / (1 - fixed) the speed at which the service alone would just fit and
// rho1 = floor / scale the utilisation of the point. Waiting in a queue of periodic or batched arrivals
// grows more slowly than in M/M/1, so the answer is usually below it; 0 when there is no such estimate.
double queue_bound(const Search& s) {
  if (!s.floor_fails || s.floor <= 0 || s.points.empty() || s.fixed >= 1) return 0;
  const Search::Point& p = s.points.front();
  const double rho1 = s.floor / p.scale;
  if (rho1 >= 1 || p.lateness <= s.fixed) return 0;
  const double s0 = (p.lateness - s.fixed) * p.scale / (1 - s.fixed);
  return s.floor + s0 * (1 - rho1);
}

// A run at `scale` failed (its overload estimate `estimate`, 0: none).
void fail_at(Search& s, double scale, double estimate) {
  if (scale >= s.lo) {
    s.lo = scale;
    s.lo_estimate = estimate;
  }
  if (scale >= MAX_SCALE) s.unreachable = true;
}

// The far scale of a round after both first scales failed, beside the near one (two steps above the failing
// end): `far`, at most the failing end's overload estimate when there is one; 0 (none) when that is no step
// above `near`. A far run that meets costs a whole window, and is wasted when the near one meets too: the
// estimate, from above, says when the answer cannot lie beyond near.
double far_scale(const Search& s, double far, double near, double prec) {
  if (s.lo_estimate > 0) far = std::min(far, s.lo_estimate);
  return far > near * (1 + prec) ? far : 0.0;
}

}  // namespace

double overload_estimate(const Outcome& o, double scale) {
  if (!o.settled || o.stopped_at <= 0 || o.worst_latency <= 0 || o.worst_latency >= o.stopped_at) return 0;
  return scale * o.stopped_at / (o.stopped_at - o.worst_latency);
}

Seconds search_window(const std::map<int, double>& rates, Seconds window, Seconds floor, Seconds longest,
                      bool at_least_window) {
  double slowest = std::numeric_limits<double>::infinity();
  for (const auto& [w, rate] : rates) {
    if (rate > 0) slowest = std::min(slowest, rate);
  }
  if (!std::isfinite(slowest)) return window;
  const Seconds win{std::clamp(MIN_SEARCH_REQUESTS / slowest, floor.v, longest.v)};
  return at_least_window ? std::max(win, window) : win;
}

double busy_floor(double occupied, double sm_fraction, double fixed_busy) {
  if (!(sm_fraction > 0) || !(fixed_busy < 1)) return 0.0;
  const double busy = occupied / sm_fraction;
  return busy > fixed_busy ? (busy - fixed_busy) / (1 - fixed_busy) : 0.0;
}

double lateness_of(const Outcome& o, const Search& s) {
  double worst = 0;
  for (int w : s.workloads) {
    if (o.generated[w] > 0) worst = std::max(worst, o.lateness[w]);
  }
  return worst;
}

bool meets(const Outcome& o, const Search& s, double quantile) {
  for (int w : s.workloads) {
    if (o.generated[w] > 0 && o.attainment[w] < quantile) return false;
  }
  return true;
}

void run_searches(std::vector<Search>& searches, const SimulateBatch& simulate, const SearchRule& rule) {
  // Rounds: each open search simulates two scales around its model's answer, (1 -+ precision / 2) x,
  // and stops when a failing and a meeting scale are within `precision` of each other.
  const double prec = rule.precision;
  for (std::size_t i = 0; i < searches.size(); ++i) {
    const Search& s = searches[i];
    logger("analysis")->debug("additivity search {}{}: floor {:.5g}{}, fixed {:.3g}, first point {}", i,
                              s.without.empty() ? "" : " without " + s.without, s.floor,
                              s.floor_fails ? " (fails)" : "", s.fixed,
                              s.points.empty() ? std::string("none")
                                               : fmt::format("{:.3g} x the SLA at {:.5g}", s.points[0].lateness,
                                                             s.points[0].scale));
  }
  for (int round = 0; round < rule.rounds + 1; ++round) {
    std::vector<Variant> batch;
    std::vector<const Scenario*> batch_base;
    std::vector<std::pair<std::size_t, double>> owner;
    const bool last = round == rule.rounds;
    for (std::size_t i = 0; i < searches.size(); ++i) {
      Search& s = searches[i];
      if (s.done) continue;
      std::vector<double> scales;
      if (!s.first.empty() && s.rounds == 0 && !last) {
        scales = s.first;  // a prior bracket (an ablation starts from the all-on answer)
        if (s.hi_holds && scales.size() == 2) {
          s.hi = scales[1];
          scales.pop_back();
        }
      } else if (last) {
        if (s.hi > 0) {
          s.done = true;
          continue;
        }
        scales.push_back(MAX_SCALE);  // never met: is it reachable at all?
      } else if (const double u = std::min(queue_bound(s), s.hi > 0 ? s.hi : MAX_SCALE);
                 s.rounds == 0 && s.lo == 0 && u > s.floor * (1 + prec) * (1 + prec)) {
        // The first round of a search whose floor fails: close above the floor first. A device that serves
        // one request at a time and keeps up just above its floor needs little more, and a failing run
        // costs a fraction of a meeting one (it stops at its first certain miss): the floor's next step,
        // which ends the search when it meets, and three steps up (at most the estimate).
        s.upper = u;
        scales.push_back(s.floor * (1 + prec));
        scales.push_back(std::min(s.floor * std::pow(1 + prec, 3), u));
      } else if (s.upper > 0 && s.hi == 0) {
        // Both failed: two steps up (near: a meeting one ends the search with one more run), and two thirds
        // of the way (log scale) to the queueing estimate, which the answer usually lies below (far: the
        // search's reach grows as fast as before).
        const double near = std::min(s.lo * (1 + prec) * (1 + prec), MAX_SCALE);
        scales.push_back(near);
        const double far = far_scale(s, std::cbrt(s.lo * s.upper * s.upper), near, prec);
        if (far > 0) scales.push_back(far);
        s.upper = 0;
      } else if (s.lo > 0 && s.hi > 0 && s.hi / s.lo <= (1 + prec) * (1 + prec) * (1 + 1e-9)) {
        // Within two steps: the middle ends the search whatever it says.
        scales.push_back(std::sqrt(s.lo * s.hi));
      } else if (s.lo > 0 && s.hi > 0 && s.hi / s.lo <= std::pow(1 + prec, 4) * (1 + 1e-9)) {
        // Within four steps: two steps below the meeting end. Whatever it says, the middle of at most two
        // steps is left (two runs in all: two at once would cost three when the lower fails and waste one
        // when it meets; a failing run is the cheaper, and this is the lower of the two such scales).
        scales.push_back(s.hi / ((1 + prec) * (1 + prec)));
      } else {
        const double c = propose(s, prec);
        if (c >= MAX_SCALE) {
          scales.push_back(MAX_SCALE);
        } else if (s.lo > 0 && s.hi > 0 && s.hi / s.lo > std::pow(1 + prec, 4)) {
          // A wide bracket: the model's answer and the bracket's geometric middle, so that the bracket
          // at least halves (in log scale) every round.
          const double mid = std::sqrt(s.lo * s.hi);
          if (std::fabs(std::log(c / mid)) > std::log(1 + prec)) {
            scales.push_back(std::min(c, mid));
            scales.push_back(std::max(c, mid));
          } else {  // the model agrees with the middle: split the bracket in three
            scales.push_back(std::cbrt(s.lo * s.lo * s.hi));
            scales.push_back(std::cbrt(s.lo * s.hi * s.hi));
          }
        } else if (s.rounds == 0 && s.lo == 0 && s.hi == 0 && c * std::pow(1 + prec, 3) < MAX_SCALE) {
          // A first round without a failing floor: near saturation latency rises steeply and the model
          // then answers low, so its answer and three steps up, as above the floor (when both fail, the
          // rule below takes over: the model's answer, at least 1.25x the failing end, and 1.5x that).
          scales.push_back(c);
          scales.push_back(c * std::pow(1 + prec, 3));
        } else if (s.rounds == 1 && s.lo > 0 && s.hi == 0) {
          // Both first scales failed: two steps up (near, as above), and half as much again as the model's
          // answer (far; the model proposes at least 1.25x the failing end).
          const double near = std::min(s.lo * (1 + prec) * (1 + prec), MAX_SCALE);
          scales.push_back(near);
          const double far = far_scale(s, std::min(c * 1.5, MAX_SCALE), near, prec);
          if (far > 0) scales.push_back(far);
        } else {
          // Not bracketed yet: the model's answer, and half as much again (below the slowest speed that
          // met): near saturation latency rises steeply, and the model then answers too low.
          scales.push_back(c);
          const double more = std::min(c * 1.5, MAX_SCALE);
          if (s.hi == 0 || more < s.hi / (1 + prec)) scales.push_back(more);
        }
      }
      // A copy's run that would repeat an all-on run (its mechanism did not act there) takes that verdict.
      if (!s.prior.empty()) {
        const std::uint32_t bit = mechanism_bit(s.without);
        std::vector<double> left;
        for (double x : scales) {
          const auto same = std::find_if(s.prior.begin(), s.prior.end(), [&](const Search::Run& r) {
            return r.scale == x && bit != 0 && (r.acted & bit) == 0;
          });
          if (same == s.prior.end()) {
            left.push_back(x);
            continue;
          }
          if (same->met) {
            s.hi = s.hi > 0 ? std::min(s.hi, x) : x;
          } else {
            fail_at(s, x, same->estimate);
          }
          s.runs.push_back(*same);
          logger("analysis")->debug("additivity search {} without {} round {}: scale {:.5g} {} as with it ({} did not "
                                    "act there)",
                                    i, s.without, round + 1, x, same->met ? "meets" : "fails", s.without);
        }
        scales = std::move(left);
      }
      // A search needs each run's verdict; a failing run stops once its failure is certain (its lateness,
      // which the model would have used, is then unknown: measured, the rounds barely change while a
      // failing run costs a fraction of its window).
      for (double x : scales) {
        batch.push_back(Variant{s.streams, s.without, x, true});
        batch_base.push_back(s.base);
        owner.emplace_back(i, x);
      }
      ++s.rounds;
    }
    const auto res = batch.empty() ? std::vector<Outcome>{} : simulate(batch_base, batch);
    for (std::size_t j = 0; j < res.size(); ++j) {
      Search& s = searches[owner[j].first];
      const double x = owner[j].second;
      const double estimate = overload_estimate(res[j], x);
      if (meets(res[j], s, rule.quantile)) {
        s.hi = s.hi > 0 ? std::min(s.hi, x) : x;
      } else {
        fail_at(s, x, estimate);
      }
      s.runs.push_back(Search::Run{x, meets(res[j], s, rule.quantile), res[j].acted, estimate});
      const double l = res[j].settled ? 0.0 : lateness_of(res[j], s);
      if (l > 0 && std::isfinite(l)) s.points.push_back({x, l});
      const std::string how =
          res[j].settled
              ? fmt::format(
                    "stopped at its first certain miss, {:.3g} s in, its longest latency {:.3g} s: "
                    "kept up from {:.5g} at most",
                    res[j].stopped_at, res[j].worst_latency, estimate)
              : fmt::format("latency at the SLA quantile {:.3g} x the SLA", l);
      logger("analysis")->debug("additivity search {}{} round {}: scale {:.5g} {} ({}); bracket ({:.5g}, {:.5g}]",
                                owner[j].first, s.without.empty() ? "" : " without " + s.without, round + 1, x,
                                meets(res[j], s, rule.quantile) ? "meets" : "fails", how, s.lo, s.hi);
    }
    for (auto& s : searches) {
      // After a first round stepped up from the floor, the floor is the bracket's failing end until a
      // simulated scale fails.
      if (s.upper > 0 && s.floor_fails && s.floor > s.lo) {
        s.lo = s.floor;
        s.lo_estimate = 0;  // not a simulated run
      }
      if (s.hi > 0) s.upper = 0;  // the estimate only serves a search that has not met yet
      if (s.unreachable || (s.lo > 0 && s.hi > 0 && s.hi / s.lo - 1 <= prec + 1e-9)) s.done = true;
      // A meeting scale within `precision` of a floor that fails ends the search, the floor standing for its
      // failing end: below the floor the device is busy all the time, so a slower run that still met would
      // only say that its window ended before the queue grew long enough (nothing below the floor is
      // simulated: docs/additivity.md, "Cost").
      if (!s.done && s.floor_fails && s.floor > 0 && s.hi > 0 && s.hi / s.floor - 1 <= prec + 1e-9) {
        s.lo = std::max(s.lo, s.floor);
        s.done = true;
      }
      // A prior bracket that holds again (its failing scale fails, its meeting one meets) is as good as the
      // search that found it: an ablation whose mechanism does not move the answer stops after one round.
      if (s.rounds == 1 && s.first.size() == 2 && s.lo == s.first[0] && s.hi == s.first[1]) s.done = true;
      if (s.hi > 0 && s.hi <= MIN_SCALE) s.done = true;
    }
    if (std::all_of(searches.begin(), searches.end(), [](const Search& s) { return s.done; })) break;
  }
}

}  // namespace gpusim::additivity
