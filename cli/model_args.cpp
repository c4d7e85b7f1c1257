#include "cli/model_args.hpp"

#include <fmt/format.h>

#include <charconv>

#include "core/errors.hpp"
#include "workloads/model_source.hpp"

namespace gpusim {

Precision precision_arg(const std::string& text) {
  if (auto p = parse_precision(text)) return *p;
  std::string valid;
  for (Precision p : all_precisions()) valid += fmt::format("{}{}", valid.empty() ? "" : ", ", to_string(p));
  throw ConfigError(fmt::format("error: --precision '{}': unknown precision (valid: {})", text, valid));
}

std::map<std::string, Shape> input_shapes_arg(const std::vector<std::string>& entries) {
  std::map<std::string, Shape> out;
  for (const auto& e : entries) {
    const auto bad = [&e](const std::string& why) {
      return ConfigError(
          fmt::format("error: --input-shape '{}': {} (expected NAME=DIMS, e.g. input=1x3x224x224)", e, why));
    };
    const auto eq = e.rfind('=');
    if (eq == std::string::npos || eq == 0) throw bad("no input name");
    const std::string name = e.substr(0, eq);
    const std::string dims = e.substr(eq + 1);
    if (dims.empty()) throw bad("no dims");
    Shape shape;
    std::size_t pos = 0;
    while (pos <= dims.size()) {
      const std::size_t x = std::min(dims.find('x', pos), dims.size());
      int64_t d = 0;
      const char* first = dims.data() + pos;
      const char* last = dims.data() + x;
      auto [ptr, ec] = std::from_chars(first, last, d);
      if (ec != std::errc() || ptr != last || d <= 0) {
        throw bad(fmt::format("'{}' is not a positive dim", std::string(first, last)));
      }
      shape.push_back(d);
      pos = x + 1;
    }
    if (!out.emplace(name, shape).second) throw bad(fmt::format("input '{}' given twice", name));
  }
  return out;
}

Catalog catalog_arg(const std::string& dir) {
  return Catalog::load(dir.empty() ? Catalog::default_dir() : dir);
}

const DeviceSpec& device_arg(const Catalog& catalog, const std::string& type, Precision p) {
  const DeviceSpec* d = catalog.find(type);
  if (!d) {
    throw ConfigError(
        fmt::format("error: --device '{}': unknown device type (known: {})", type, catalog.names()));
  }
  if (!d->peak(p)) {
    std::string supported;
    for (const auto& [q, rate] : d->peaks)
      supported += fmt::format("{}{}", supported.empty() ? "" : ", ", to_string(q));
    throw ConfigError(fmt::format("error: --device '{}' does not support {} (supported: {})", type,
                                  to_string(p), supported));
  }
  return *d;
}

ModelCost load_model_arg(const ModelArgs& args, int64_t batch) {
  if (batch < 1) throw ConfigError(fmt::format("error: --batch {}: must be at least 1", batch));
  return load_model_cost(args.model, "", precision_arg(args.precision), batch,
                         input_shapes_arg(args.input_shapes));
}

}  // namespace gpusim
