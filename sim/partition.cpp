#include "sim/partition.hpp"

#include <algorithm>

namespace gpusim {

std::vector<std::vector<int>> partition_devices(std::size_t devices, bool per_request_policy,
                                                int max_devices) {
  const std::size_t per = static_cast<std::size_t>(std::max(1, max_devices));
  const std::size_t groups = per_request_policy || devices <= per ? 1 : (devices + per - 1) / per;
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
