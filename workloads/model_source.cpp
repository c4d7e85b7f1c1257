#include "workloads/model_source.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

#include "core/errors.hpp"
#include "workloads/model/onnx_import.hpp"
#include "workloads/model/zoo.hpp"

namespace gpusim {
namespace {

// Ops that run as the epilogue of the kernel producing their input (as cuDNN/TensorRT fuse them):
// element-wise arithmetic, activations and inference-time normalisation.
bool is_epilogue(const std::string& op) {
  static const std::set<std::string> ops{
      "Relu",  "PRelu",  "LeakyRelu", "Sigmoid", "Tanh",  "Clip",  "HardSwish",          "HardSigmoid", "Gelu",
      "Erf",   "Add",    "Sub",       "Mul",     "Div",   "Pow",   "Sqrt",               "Elu",         "Selu",
      "Relu6", "Swish",  "Silu",      "Softplus", "Cast", "BatchNormalization", "InstanceNormalization"};
  return ops.count(op) > 0;
}

}  // namespace

void chain_kernels(const ModelCost& m, std::vector<long> owner, std::vector<KernelSpec>& kernels) {
  // A view's output is its input's tensor: written by the same layer.
  std::vector<std::size_t> writer(m.layers.size());
  for (std::size_t i = 0; i < m.layers.size(); ++i) {
    const LayerCost& l = m.layers[i];
    writer[i] = i;
    if (l.is_view && !l.inputs.empty()) {
      writer[i] = writer[l.inputs.front()];
      owner[i] = owner[l.inputs.front()];
    }
  }
  for (std::size_t i = 0; i < m.layers.size(); ++i) {
    const long k = owner[i];
    if (k < 0 || m.layers[i].is_view) continue;
    KernelSpec& kernel = kernels[static_cast<std::size_t>(k)];
    for (std::size_t p : m.layers[i].inputs) {
      const long q = owner[p];
      if (q < 0 || q == k) continue;  // a graph input, or an intermediate of its own kernel
      ChainedRead read;
      read.bytes = m.layers[writer[p]].bytes_written;
      for (long j = q; j < k; ++j) {
        read.distance += kernels[static_cast<std::size_t>(j)].bytes;
        if (j > q) read.weights += kernels[static_cast<std::size_t>(j)].weight_bytes;
      }
      kernel.chained.push_back(read);
    }
  }
  // A kernel's chained reads are part of its traffic: never more than it moves in all.
  for (KernelSpec& kernel : kernels) {
    Bytes left = kernel.bytes;
    for (ChainedRead& read : kernel.chained) {
      read.bytes = std::min(read.bytes, left);
      left = left - read.bytes;
    }
  }
}

// Kernels from layers, by one documented rule (docs/models.md):
// 1. views (Reshape, Flatten, Squeeze, ...) and layers that neither compute nor move bytes launch nothing;
// 2. an epilogue op (activation, element-wise, BatchNorm) whose input comes from the layer just before it,
//    when that layer feeds nothing else, joins that layer's kernel: its FLOPs add, and the intermediate
//    tensor is neither written nor read back (it stays in registers);
// 3. every other layer is one kernel.
// Costs are per sample (the model is imported at batch 1): a kernel's weight traffic is fixed per
// invocation, its activation traffic scales with the batch.
StageSpec stage_from_cost(const ModelCost& m, const std::string& label) {
  std::vector<int> consumers(m.layers.size(), 0);
  for (const auto& l : m.layers) {
    for (std::size_t p : l.inputs) ++consumers[p];
  }
  StageSpec st;
  st.model = label;
  st.weight_bytes = m.weight_bytes;
  st.activation_bytes = m.peak_activation_bytes + m.io_bytes;
  st.params = m.total_params();
  st.input_bytes = m.input_bytes;
  st.output_bytes = m.output_bytes;
  st.l2_weights = true;
  long last = -1;  // index of the layer that ends the current kernel
  std::vector<long> owner(m.layers.size(), -1);
  for (std::size_t i = 0; i < m.layers.size(); ++i) {
    const LayerCost& l = m.layers[i];
    if (l.is_view || (l.flops == 0 && l.total_bytes().v == 0)) continue;
    const Bytes fixed = std::min(l.weight_bytes, l.bytes_read);
    const Bytes activations = l.total_bytes() - fixed;
    const bool fuse = last >= 0 && is_epilogue(l.op) && consumers[last] == 1 &&
                      std::find(l.inputs.begin(), l.inputs.end(), static_cast<std::size_t>(last)) != l.inputs.end();
    if (fuse) {
      KernelSpec& k = st.kernels.back();
      const Bytes intermediate = m.layers[last].bytes_written;
      k.flops += Flops{l.flops};
      k.weight_bytes += fixed;
      k.bytes = k.bytes + activations - intermediate * 2.0;
      if (k.bytes.v < 0) k.bytes = Bytes{0.0};
      k.working_set = k.bytes + k.weight_bytes;
    } else {
      KernelSpec k;
      k.flops = Flops{l.flops};
      k.bytes = activations;
      k.weight_bytes = fixed;
      k.working_set = activations + fixed;
      k.shape = l.kernel;
      st.kernels.push_back(k);
    }
    owner[i] = static_cast<long>(st.kernels.size()) - 1;
    last = static_cast<long>(i);
  }
  chain_kernels(m, std::move(owner), st.kernels);
  return st;
}

ModelCost load_model_cost(const std::string& ref, const std::string& base_dir, Precision p, int64_t batch,
                          const std::map<std::string, Shape>& input_shapes) {
  if (ref.rfind("zoo:", 0) == 0) return load_zoo_model(ref.substr(4), batch, p);
  std::filesystem::path path(ref);
  if (path.is_relative() && !base_dir.empty()) path = std::filesystem::path(base_dir) / path;
  OnnxImportOptions options;
  options.batch = batch;
  options.precision = p;
  options.input_shapes = input_shapes;
  return import_onnx(path.lexically_normal().string(), options);
}

StageSpec stage_from_model(const std::string& ref, const std::string& base_dir, Precision p, const SourceLoc& loc) {
  // A model is imported once per (reference, precision), whichever workloads use it.
  static std::map<std::pair<std::string, Precision>, StageSpec> cache;
  const std::string key = ref.rfind("zoo:", 0) == 0 ? ref : (std::filesystem::path(base_dir) / ref).string();
  auto it = cache.find({key, p});
  if (it != cache.end()) return it->second;
  try {
    StageSpec st = stage_from_cost(load_model_cost(ref, base_dir, p, 1), ref);
    cache.emplace(std::make_pair(key, p), st);
    return st;
  } catch (const ConfigError& e) {
    const std::string msg = e.what();
    // The importer names the model file; point at the workloads.yaml line that asked for it too. The
    // reference is the user's text (a quoted scalar may hold line breaks): escaped, so the message is one
    // line.
    const std::size_t at = msg.find("error: ");
    throw loc.error(fmt::format("model '{}': {}", printable(ref),
                                printable(msg.substr(at == std::string::npos ? 0 : at + 7))));
  }
}

}  // namespace gpusim
