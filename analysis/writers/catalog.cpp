#include "analysis/writers/catalog.hpp"

#include <fmt/format.h>

#include "analysis/writers/table.hpp"
#include "scheduler/scheduler.hpp"

namespace gpusim {
namespace {

std::string peak_or_dash(const DeviceSpec& d, Precision p) {
  auto pk = d.peak(p);
  return pk ? fmt::format("{:g}", pk->v / 1e12) : "-";
}

}  // namespace

void print_devices(std::ostream& out, const Catalog& catalog, const std::string& dir) {
  Table t({"device", "architecture", "SMs", "boost MHz", "FP32 TFLOP/s", "TF32", "FP16", "BF16", "INT8 TOP/s",
           "memory GiB", "bandwidth GB/s", "L2 MiB", "TDP W", "MIG profiles"},
          {false, false, true, true, true, true, true, true, true, true, true, true, true, true});
  for (const auto& d : catalog.devices()) {
    t.add({d.name, d.architecture, std::to_string(d.sm_count), fmt::format("{:g}", d.boost_clock.v / 1e6),
           peak_or_dash(d, Precision::FP32), peak_or_dash(d, Precision::TF32), peak_or_dash(d, Precision::FP16),
           peak_or_dash(d, Precision::BF16), peak_or_dash(d, Precision::INT8),
           fmt::format("{:g}", d.memory.v / (1024.0 * 1024 * 1024)), fmt::format("{:g}", d.memory_bandwidth.v / 1e9),
           fmt::format("{:g}", d.l2_cache.v / (1024.0 * 1024)), fmt::format("{:g}", d.tdp.v),
           std::to_string(d.mig_profiles.size())});
  }
  out << fmt::format("{} devices in {} (dense peaks; TF32/FP16/BF16 in TFLOP/s)\n\n", catalog.devices().size(),
                           dir);
  t.print(out);
}

void print_schedulers(std::ostream& out) {
  Table t({"scheduler", "parameters", "what it does"}, {false, false, false});
  for (const auto* e : Registry<Scheduler>::instance().entries()) {
    std::string params;
    for (const auto& p : e->params) params += fmt::format("{}{}={}", params.empty() ? "" : " ", p.name, p.fallback);
    t.add({e->name, params.empty() ? "-" : params, e->summary});
  }
  t.print(out);
}

}  // namespace gpusim
