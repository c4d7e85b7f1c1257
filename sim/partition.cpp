#include "sim/partition.hpp"

#include <algorithm>

namespace gpusim {

std::vector<std::vector<int>> partition_devices(std::size_t devices, std::size_t streams, bool per_request_policy,
                                                const PartitionRule& rule) {
  const std::size_t per = static_cast<std::size_t>(std::max(1, rule.max_devices));
  const std::size_t by_streams =
      std::max<std::size_t>(1, streams / static_cast<std::size_t>(std::max(1, rule.min_streams)));
  const bool one = !rule.split || per_request_policy || devices <= per;
  const std::size_t groups = one ? 1 : std::min((devices + per - 1) / per, by_streams);
  std::vector<std::vector<int>> out(groups);
  // Contiguous runs whose sizes differ by at most one.
  std::size_t d = 0;
  for (std::size_t g = 0; g < groups; ++g) {
    const std::size_t size = devices / groups + (g < devices % groups ? 1 : 0);
    for (std::size_t i = 0; i < size; ++i) out[g].push_back(static_cast<int>(d++));
  }
  return out;
}

}  // namespace gpusim
