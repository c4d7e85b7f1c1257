// Reading the published figures (validation/published/*.csv). Strict: unknown files and columns, missing
// columns and malformed numbers are ConfigErrors naming FILE:LINE.

#include "studies/validation/published.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>

#include "core/csv.hpp"
#include "core/errors.hpp"

namespace gpusim {

namespace fs = std::filesystem;

PublishedData read_published(const std::string& dir) {
  PublishedData d;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) throw ConfigError(fmt::format("{}: error: not a directory", dir));
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().extension() == ".csv") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  for (const auto& p : files) {
    const std::string path = p.string();
    const std::string stem = p.filename().string();
    if (stem == "bandwidth.csv") {
      CsvFile f(path,
                {"case", "device", "kernel", "working_set_MiB", "bandwidth_GBps", "held_out", "source"});
      for (const auto& r : f.rows()) {
        PublishedBandwidth b;
        b.name = f.text(r, "case");
        b.device = f.text(r, "device");
        b.kernel = f.one_of(r, "kernel", {"triad", "read"});
        b.working_set_bytes = f.positive(r, "working_set_MiB") * 1024.0 * 1024.0;
        b.bandwidth_Bps = f.positive(r, "bandwidth_GBps") * 1e9;
        b.held_out = f.flag(r, "held_out");
        b.source = f.text(r, "source");
        d.bandwidth.push_back(b);
      }
    } else if (stem == "mlperf_resnet50.csv") {
      CsvFile f(path,
                {"case", "device", "scenario", "batch", "precision", "measured", "unit", "round", "submitter",
                 "system", "held_out", "source"},
                {"gpus", "mig", "power_limit_W"});
      const auto blank = [&](const CsvFile::Row& r, const std::string& col) {
        return !f.has(col) || f.text(r, col).empty();
      };
      for (const auto& r : f.rows()) {
        PublishedMlperf m;
        m.name = f.text(r, "case");
        m.device = f.text(r, "device");
        m.scenario = f.one_of(r, "scenario", {"Offline", "SingleStream", "MultiStream"});
        m.batch = f.integer(r, "batch");
        m.precision = f.one_of(r, "precision", {"int8", "fp16"});
        const std::string unit = f.one_of(r, "unit", {m.scenario == "Offline" ? "samples/s" : "ms"});
        m.value = f.positive(r, "measured") * (unit == "ms" ? 1e-3 : 1.0);
        if (!blank(r, "gpus")) m.gpus = f.integer(r, "gpus");
        if (!blank(r, "mig")) m.mig = f.text(r, "mig");
        if (!blank(r, "power_limit_W")) m.power_limit_w = f.positive(r, "power_limit_W");
        if (m.gpus > 1 && m.scenario != "Offline") {
          throw ConfigError(fmt::format("{}:{}: error: gpus {} in a {} row: only an Offline figure (samples/s of the "
                                        "whole system) can be shared out per GPU",
                                        path, r.line, m.gpus, m.scenario));
        }
        m.held_out = f.flag(r, "held_out");
        m.source = f.text(r, "source");
        d.mlperf.push_back(m);
      }
    } else {
      throw ConfigError(
          fmt::format("{}: error: unknown published data file (known: bandwidth.csv, "
                      "mlperf_resnet50.csv)",
                      path));
    }
  }
  return d;
}

}  // namespace gpusim
