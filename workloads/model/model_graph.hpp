#pragma once
/// The layer graph of a model: layers as vertices and activation tensors as edges (Boost.Graph),
/// with liveness-based peak activation memory, the memory footprint and the critical path.

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "core/precision.hpp"
#include "workloads/model/model_cost.hpp"

namespace gpusim {

/// A model's layers under construction; finish() turns it into a ModelCost.
///
/// Layers must be added after the layers producing their inputs, so insertion order is a topological
/// order, and it is the execution order used for liveness (for ONNX, the file's node order, which is
/// what runtimes follow).
class ModelGraph {
 public:
  using TensorId = size_t;
  using WeightId = size_t;

  /// Adds a graph input: an activation live from the start until its last consumer ran.
  TensorId add_input(const std::string& name, const Shape& shape);
  /// How a layer reads a weight: as a learned parameter, or as a buffer (buffer_inputs() in op_cost.hpp).
  struct WeightUse {
    WeightId id = 0;
    bool learnable = true;
  };

  /// Adds a constant tensor held as a weight; it counts once in the model's weight bytes, and once in its
  /// params when some layer reads it as a learned parameter (otherwise once in its buffers).
  WeightId add_weight(const std::string& name, const Shape& shape);
  /// Adds a layer reading the activations `inputs` and the weights `weights` and producing `outputs`
  /// (name, shape). A view layer (cost.is_view) shares the memory of its first input.
  /// Returns the ids of the output tensors.
  std::vector<TensorId> add_layer(LayerCost cost, const std::vector<TensorId>& inputs,
                                  const std::vector<WeightUse>& weights,
                                  const std::vector<std::pair<std::string, Shape>>& outputs);
  /// Marks a tensor as a graph output: live until the end, and counted in the I/O buffers.
  void mark_output(TensorId tensor);

  /// Shape of a tensor.
  const Shape& tensor_shape(TensorId tensor) const { return tensors_.at(tensor).shape; }
  /// Number of layers so far.
  size_t layer_count() const { return layers_.size(); }

  /// The model at `precision`: layers with their producer edges, weights, peak live activations,
  /// I/O buffers, memory = weights + peak activations + I/O, and the critical path by FLOPs.
  ModelCost finish(const std::string& name, Precision precision) const;

 private:
  struct Tensor {
    std::string name;
    Shape shape;
    bool has_producer = false;
    size_t producer = 0;
    bool is_input = false;
    bool is_output = false;
    size_t buffer = 0;  ///< memory buffer; a view's output shares its input's
  };

  /// Peak over execution steps of the bytes of live buffers (see the formula in model_graph.cpp).
  double peak_live_elements() const;

  std::vector<LayerCost> layers_;
  std::vector<std::vector<TensorId>> layer_inputs_;
  std::vector<std::vector<TensorId>> layer_outputs_;
  std::vector<Tensor> tensors_;
  std::vector<Shape> weights_;
  std::vector<bool> learnable_;  ///< per weight: some layer reads it as a learned parameter
  size_t buffer_count_ = 0;
};

/// Longest path through `model`'s layer DAG, each layer weighing `cost(layer)` (FLOPs, or a predicted
/// time); returns layer indices from a source to a sink. Empty for a model without layers.
std::vector<size_t> critical_path(const ModelCost& model,
                                  const std::function<double(const LayerCost&)>& cost);

}  // namespace gpusim
