#include "cli/capacity.hpp"

#include <fmt/format.h>

#include <iostream>
#include <stdexcept>

#include "analysis/writers/capacity_search.hpp"
#include "analysis/writers/html_report.hpp"
#include "analysis/writers/json_text.hpp"
#include "analysis/writers/output_files.hpp"
#include "core/errors.hpp"
#include "core/units.hpp"
#include "studies/capacity.hpp"

namespace gpusim {

int command_capacity(const CapacityOptions& o) {
  OutputFiles files;
  if (!o.json.empty()) files.add_file("--json", o.json);
  if (!o.report.empty()) files.add_file("--report", o.report);
  CapacityRequest r;
  r.scenario = ScenarioArgs{o.platform, o.workloads, o.catalog, o.seed, o.disable, o.set};
  r.vary = o.vary;
  r.per_device = o.per_device;
  r.quantile = o.quantile;
  r.seeds = o.seeds;
  try {
    r.window_s = parse_quantity_as<Seconds>(o.window).v;
  } catch (const std::invalid_argument& e) {
    throw ConfigError(fmt::format("error: --window: {}", e.what()));
  }
  r.max_streams = o.max_streams;
  r.parallel = o.jobs;
  r.suggest = o.suggest == "on";
  const CapacityStudy st = find_capacity(r);
  if (!o.json.empty()) files.set(o.json, json_text(capacity_json(st)));
  if (!o.report.empty()) files.set(o.report, capacity_report_html(st));
  files.commit();
  if (o.json != "-" && o.report != "-") print_capacity(std::cout, st);
  return 0;
}

}  // namespace gpusim
