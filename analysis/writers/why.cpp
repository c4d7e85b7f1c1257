#include "analysis/writers/why.hpp"

#include <fmt/format.h>

#include "analysis/format.hpp"

namespace gpusim {

std::string why_line(const CompareRow& row) {
  std::string line;
  std::size_t shown = 0;
  std::size_t more = 0;
  std::size_t idle = 0;
  for (const auto& d : row.metrics.devices) {
    if (d.streams == 0) {
      ++idle;
      continue;
    }
    if (shown == kWhyUnitsShown) {
      ++more;
      continue;
    }
    ++shown;
    line += fmt::format("{}: {} stream{}, {:.1f} % occupied, {} switches; ", d.name, d.streams,
                        d.streams == 1 ? "" : "s", d.occupied * 100,
                        group_digits(static_cast<double>(d.switches)));
  }
  if (more > 0) line += fmt::format("{} more unit{} with streams; ", more, more == 1 ? "" : "s");
  if (idle > 0) line += fmt::format("idle: {} unit{}; ", idle, idle == 1 ? "" : "s");
  line +=
      fmt::format("queue {:.2f} ms + service {:.2f} ms per request", row.queue_s * 1e3, row.service_s * 1e3);
  return line;
}

void print_why(std::ostream& out, const std::vector<const CompareRow*>& rows) {
  out << "\nWhy (units with streams: occupancy over the window, context switches; mean time per measured "
         "request waiting vs running)\n";
  std::size_t width = 0;
  for (const auto* r : rows) width = std::max(width, r->scheduler.size());
  for (const auto* r : rows) out << fmt::format("  {:<{}}  {}\n", r->scheduler, width, why_line(*r));
}

nlohmann::json why_json(const CompareRow& row) {
  nlohmann::json units = nlohmann::json::array();
  int idle = 0;
  for (const auto& d : row.metrics.devices) {
    if (d.streams == 0) {
      ++idle;
      continue;
    }
    units.push_back(
        {{"name", d.name}, {"streams", d.streams}, {"occupied", d.occupied}, {"switches", d.switches}});
  }
  return {{"units", units},
          {"idle_units", idle},
          {"queue_ms", row.queue_s * 1e3},
          {"service_ms", row.service_s * 1e3}};
}

}  // namespace gpusim
