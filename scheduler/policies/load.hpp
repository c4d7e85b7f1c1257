#pragma once
/// Predicted load of execution units, shared by the built-in policies: a stream's utilisation of a unit
/// is its arrival rate x its isolated service time there (the fraction of the unit's time it keeps busy),
/// and a unit's load is the sum over its streams.

#include <algorithm>
#include <limits>
#include <numeric>
#include <string>
#include <vector>

#include "scheduler/memory_tracker.hpp"
#include "scheduler/scheduler.hpp"

namespace gpusim::policy {

/// True when unit `u` can run stream `s` (the precision is supported there).
inline bool can_run(const StreamView& s, int u) {
  return u >= 0 && static_cast<std::size_t>(u) < s.isolated_time.size() && s.isolated_time[u].has_value();
}

/// Isolated service time of `s` on unit `u`; infinite where the unit cannot run it (it would never finish),
/// so that loads compare as "too busy" without a sentinel in the views.
inline double service_time(const StreamView& s, int u) {
  return can_run(s, u) ? s.isolated_time[u]->v : std::numeric_limits<double>::infinity();
}

/// Fraction of unit `u`'s time that stream `s` keeps busy alone: rate x isolated time.
inline double utilisation(const StreamView& s, int u) { return s.rate.v * service_time(s, u); }

/// A stream's size for ordering: its smallest utilisation over the units that can run it (0 if none).
inline double size_of(const StreamView& s) {
  double best = 0;
  bool any = false;
  for (std::size_t u = 0; u < s.isolated_time.size(); ++u) {
    if (!can_run(s, static_cast<int>(u))) continue;
    const double x = utilisation(s, static_cast<int>(u));
    if (!any || x < best) best = x;
    any = true;
  }
  return best;
}

/// Stream indices sorted by `key(stream)`, descending; ties keep file order.
template <class Key>
std::vector<std::size_t> order_by_descending(const std::vector<StreamView>& streams, Key key) {
  std::vector<std::size_t> order(streams.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return key(streams[a]) > key(streams[b]); });
  return order;
}

/// Places streams largest utilisation first (ties in file order), each on the unit whose predicted load
/// after adding it is lowest (ties: lowest unit id), among units with memory room that can run it.
/// A stream no unit can take gets -1.
std::vector<int> least_loaded_placement(const std::vector<StreamView>& streams,
                                        const std::vector<DeviceView>& units);

}  // namespace gpusim::policy
