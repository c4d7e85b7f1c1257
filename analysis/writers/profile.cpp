#include "analysis/writers/profile.hpp"

#include <fmt/format.h>

#include "analysis/format.hpp"
#include "analysis/writers/table.hpp"

namespace gpusim {
namespace {

std::string shape_text(const Shape& s) {
  std::string out;
  for (int64_t d : s) out += fmt::format("{}{}", out.empty() ? "" : "x", d);
  return out.empty() ? "scalar" : out;
}

}  // namespace

nlohmann::ordered_json profile_json(const ProfileRequest& o, const ModelCost& m,
                                    const std::optional<ProfileDevice>& dv) {
  nlohmann::ordered_json j;
  j["model"] = o.label;
  j["name"] = m.name;
  j["batch"] = o.batch;
  j["precision"] = std::string(to_string(o.precision));
  nlohmann::ordered_json total{{"macs", m.total_macs()},
                               {"flops", m.total_flops()},
                               {"params", m.total_params()},
                               {"weight_bytes", m.weight_bytes.v},
                               {"peak_activation_bytes", m.peak_activation_bytes.v},
                               {"io_bytes", m.io_bytes.v},
                               {"memory_bytes", m.memory_bytes.v},
                               {"bytes", m.total_bytes().v}};
  nlohmann::ordered_json layers = nlohmann::ordered_json::array();
  Seconds layer_sum;
  for (const LayerCost& l : m.layers) {
    const double bytes = l.total_bytes().v;
    nlohmann::ordered_json e{{"name", l.name},
                             {"op", l.op},
                             {"output_shape", l.output_shape},
                             {"macs", l.macs},
                             {"flops", l.flops},
                             {"params", l.params},
                             {"bytes", bytes},
                             {"weight_bytes", l.weight_bytes.v},
                             {"flop_per_byte", bytes > 0 ? nlohmann::ordered_json(l.flops / bytes)
                                                         : nlohmann::ordered_json(nullptr)},
                             {"has_formula", l.has_formula}};
    if (dv) {
      const LayerLaunch ll = layer_launch(l, *dv);
      const Roofline& r = ll.roofline;
      layer_sum += r.time();
      e["compute_s"] = r.compute.v;
      e["memory_s"] = r.memory.v;
      e["roofline_s"] = r.time().v;
      e["bound"] = r.time().v > 0 ? nlohmann::ordered_json(r.compute_bound() ? "compute" : "memory")
                                  : nlohmann::ordered_json(nullptr);
      e["kernel_class"] = std::string(to_string(l.is_view ? KernelClass::FILL : l.kernel.kind));
      e["blocks"] = ll.geometry.blocks;
      e["blocks_per_sm"] = ll.geometry.blocks_per_sm;
      e["waves"] = ll.geometry.waves;
      e["launch_efficiency"] = ll.geometry.efficiency;
      e["time_s"] = ll.time.v;
      e["peak_fraction"] = ll.peak_fraction;
    }
    layers.push_back(std::move(e));
  }
  if (dv) {
    const FusedTime f = fused_time(m, *dv, o.label);
    j["device"] = {{"type", dv->spec->name},
                   {"achievable_flop_per_s", dv->compute.v},
                   {"achievable_bytes_per_s", dv->bandwidth.v},
                   {"launch_overhead_s", dv->spec->launch_overhead.v},
                   {"ridge_flop_per_byte", dv->compute.v / dv->bandwidth.v}};
    total["roofline_s"] = layer_sum.v;
    total["kernels"] = f.kernels;
    total["kernels_roofline_s"] = f.roofline.v;
    total["kernels_launched_s"] = f.launched.v;
    total["latency_s"] = f.with_launch.v;
  }
  j["total"] = std::move(total);
  j["layers"] = std::move(layers);
  return j;
}

void print_profile(std::ostream& out, const ProfileRequest& o, const ModelCost& m,
                   const std::optional<ProfileDevice>& dv) {
  const Precision p = o.precision;
  const double total_flops = m.total_flops();
  std::vector<std::string> headers{"layer",   "op",     "output shape", "MMACs", "MFLOPs",
                                   "% FLOPs", "params", "bytes KiB",    "FLOP/B"};
  std::vector<bool> numeric{false, false, false, true, true, true, true, true, true};
  if (dv) {
    headers.insert(headers.end(), {"time us", "bound", "blocks", "waves", "% peak"});
    numeric.insert(numeric.end(), {true, false, true, true, true});
  }
  Table t(headers, numeric);
  Seconds layer_sum;
  int compute_bound = 0;
  int memory_bound = 0;
  std::vector<std::string> no_formula;
  for (const LayerCost& l : m.layers) {
    const double bytes = l.total_bytes().v;
    if (!l.has_formula) no_formula.push_back(l.op);
    std::vector<std::string> row{l.has_formula ? l.name : l.name + " *",
                                 l.op,
                                 shape_text(l.output_shape),
                                 fmt::format("{:.3f}", l.macs / 1e6),
                                 fmt::format("{:.3f}", l.flops / 1e6),
                                 total_flops > 0 ? fmt::format("{:.2f}", 100.0 * l.flops / total_flops) : "-",
                                 group_digits(l.params),
                                 fmt::format("{:.1f}", bytes / 1024.0),
                                 bytes > 0 ? fmt::format("{:.2f}", l.flops / bytes) : "-"};
    if (dv) {
      const LayerLaunch ll = layer_launch(l, *dv);
      const Roofline& r = ll.roofline;
      layer_sum += ll.time;
      const bool work = r.time().v > 0;
      if (work) ++(r.compute_bound() ? compute_bound : memory_bound);
      const bool grid = work && ll.geometry.blocks > 0;
      row.push_back(work ? fmt::format("{:.3f}", ll.time.v * 1e6) : "-");
      row.push_back(work ? (r.compute_bound() ? "compute" : "memory") : "-");
      row.push_back(grid ? group_digits(ll.geometry.blocks) : "-");
      row.push_back(grid ? fmt::format("{:.2f}", ll.geometry.blocks / (ll.geometry.blocks_per_sm *
                                                                        static_cast<double>(ll.geometry.sms)))
                         : "-");
      row.push_back(work ? fmt::format("{:.1f}", 100.0 * ll.peak_fraction) : "-");
    }
    t.add(std::move(row));
  }
  out << fmt::format(
      "{}: {} layers at batch {}, {} (one MAC = one multiply-accumulate; FLOPs = 2 x MACs + the "
      "other ops' arithmetic)\n\n",
      o.label, m.layers.size(), o.batch, to_string(p));
  t.print(out);
  if (!no_formula.empty()) {
    out << fmt::format("\n* {} layer(s) without a cost formula: counted as data movement only, zero FLOPs\n",
                       no_formula.size());
  }

  out << '\n';
  Table tot({"total", "value", "", "rule"}, {false, true, false, false});
  tot.add({"MACs", group_digits(m.total_macs()), format_si(m.total_macs(), "MACs", 4), "Conv/Gemm/MatMul"});
  tot.add({"FLOPs", group_digits(total_flops), format_si(total_flops, "FLOPs", 4), "2 x MACs + other ops"});
  tot.add({"params", group_digits(m.total_params()), format_si(m.total_params(), "", 4),
           "learned weights, each constant once (BatchNorm mean/var are buffers)"});
  const auto short_bytes = [](double b) {
    const std::string s = describe_bytes(b);
    return s.substr(0, s.find(" ("));
  };
  tot.add({"weight bytes", group_digits(m.weight_bytes.v), short_bytes(m.weight_bytes.v),
           fmt::format("each constant once, {:g} B/element", bytes_per_element(p))});
  tot.add({"peak activation bytes", group_digits(m.peak_activation_bytes.v),
           short_bytes(m.peak_activation_bytes.v), "largest live set over the layer order"});
  tot.add({"I/O bytes", group_digits(m.io_bytes.v), short_bytes(m.io_bytes.v), "graph inputs + outputs"});
  tot.add({"memory footprint bytes", group_digits(m.memory_bytes.v), short_bytes(m.memory_bytes.v),
           "weights + peak activations + I/O"});
  tot.add({"bytes moved", group_digits(m.total_bytes().v), short_bytes(m.total_bytes().v),
           "sum over layers of bytes read + written"});
  tot.print(out);

  if (!dv) return;
  const DeviceSpec& d = *dv->spec;
  const FusedTime f = fused_time(m, *dv, o.label);
  out << fmt::format(
      "\non {} at {}: {} x {:g} = {} achievable, {} x {:g} = {} achievable, ridge point {:.1f} FLOP/B, "
      "launch overhead {}\n\n",
      d.name, to_string(p), format_si(d.peak(p)->v, "FLOP/s", 4), d.compute_efficiency,
      format_si(dv->compute.v, "FLOP/s", 4), format_si(d.memory_bandwidth.v, "B/s", 4), d.memory_efficiency,
      format_si(dv->bandwidth.v, "B/s", 4), dv->compute.v / dv->bandwidth.v,
      describe_seconds(d.launch_overhead.v));
  Table dt({"on the device", "value", "rule"}, {false, true, false});
  dt.add({"time, sum over layers", describe_seconds(layer_sum.v),
          fmt::format("each layer alone, max(FLOPs / compute, bytes / bandwidth) / launch efficiency: {} "
                      "compute-, {} memory-bound",
                      compute_bound, memory_bound)});
  dt.add({"kernels after fusion", std::to_string(f.kernels),
          "views launch nothing; an activation/element-wise/BatchNorm joins its producer's kernel"});
  dt.add(
      {"roofline time of the kernels", describe_seconds(f.roofline.v), "fused intermediates stay on chip"});
  dt.add({"with launch geometry", describe_seconds(f.launched.v),
          fmt::format("/ each kernel's launch efficiency: waves of blocks over {} SMs", d.sm_count)});
  dt.add({"time with launch overheads", describe_seconds(f.with_launch.v),
          fmt::format("+ {} kernels x {}: one request alone on the device", f.kernels,
                      describe_seconds(d.launch_overhead.v))});
  dt.print(out);
}

}  // namespace gpusim
