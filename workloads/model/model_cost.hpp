#pragma once
/// What a model costs: per-layer work and bytes, and the model's totals and memory footprint.
///
/// Counting conventions (see ../shared/DESIGN.md):
/// - `macs` counts multiply-accumulates of Conv, ConvTranspose, Gemm and MatMul only; `flops` is
///   2 x MACs for those plus every other operation (bias adds, activations, normalisation, pooling...),
///   each op documenting its FLOPs per element in ops/*.cpp. thop/ptflops fold some element-wise ops into
///   what they call MACs; we never do.
/// - Every tensor is stored at the requested precision's element size, index tensors included.
/// - `params` counts the elements of the constant tensors layers read as learned weights (ONNX
///   initializers and Constant nodes: conv kernels, biases, PReLU slopes, BatchNorm scale and bias, scalar
///   constants of Mul/Add...), each tensor once however many layers read it, as torchvision and thop
///   report them. BatchNorm running mean and variance are buffers: in weight bytes, not in params; so are,
///   in an ONNX file, constants that are not initializers (Constant nodes and what folds from them: tensors
///   the exporter traced, such as prior boxes, not parameters).
///   Constants used only as arguments (Reshape's shape, Slice's starts...) are not weights.

#include <cstdint>
#include <string>
#include <vector>

#include "core/units.hpp"
#include "workloads/model/kernel_shape.hpp"
#include "workloads/model/shape.hpp"

namespace gpusim {

/// One kernel-sized unit of work.
struct LayerCost {
  std::string name;
  std::string op;       ///< ONNX op type ("Conv", "Relu"...)
  Shape output_shape;   ///< shape of the first output
  double macs = 0;      ///< multiply-accumulates (Conv/ConvTranspose/Gemm/MatMul only)
  double flops = 0;     ///< all arithmetic operations, 2 per MAC
  double params = 0;    ///< elements of the learned weights this layer reads (not its buffers)
  Bytes weight_bytes;   ///< all the weights it reads (params and buffers) x bytes per element
  Bytes bytes_read;     ///< activations read + the weights the kernel streams (weight_bytes, except Gather)
  Bytes bytes_written;  ///< activations written
  Bytes working_set;    ///< distinct bytes the kernel touches: bytes_read + bytes_written
  std::vector<size_t> inputs;  ///< indices of producer layers (DAG edges), ascending
  bool is_view = false;        ///< output aliases input 0 (Reshape-like): no kernel, no bytes moved
  bool has_formula = true;     ///< false: no cost formula for this op (zero FLOPs, activation bytes only)
  KernelShape kernel;          ///< the problem its kernel solves, at this model's batch

  /// Bytes the kernel moves to and from memory.
  Bytes total_bytes() const { return bytes_read + bytes_written; }
};

/// A whole model at one batch size and precision.
struct ModelCost {
  std::string name;
  std::vector<LayerCost> layers;      ///< topological order (the file's order when it is one)
  double params = 0;                  ///< learned weight elements, each constant tensor once
  double buffers = 0;                 ///< weight elements that are not learned (BatchNorm mean/var), once
  Bytes weight_bytes;                 ///< (params + buffers) x bytes per element: each constant once
  Bytes peak_activation_bytes;        ///< largest sum of live activations over the execution order
  Bytes io_bytes;                     ///< graph input and output buffers (staging for host transfers)
  Bytes input_bytes;                  ///< of which graph inputs
  Bytes output_bytes;                 ///< of which graph outputs
  Bytes memory_bytes;                 ///< weight_bytes + peak_activation_bytes + io_bytes
  std::vector<size_t> critical_path;  ///< layer indices of the longest path by FLOPs

  /// Sum of the layers' MACs.
  double total_macs() const;
  /// Sum of the layers' FLOPs.
  double total_flops() const;
  /// The model's learned parameters: `params` (a weight shared by several layers counts once).
  double total_params() const { return params; }
  /// Sum of the layers' bytes read + written.
  Bytes total_bytes() const;
};

}  // namespace gpusim
