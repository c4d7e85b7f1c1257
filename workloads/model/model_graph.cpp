#include "workloads/model/model_graph.hpp"

#include <algorithm>
#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/topological_sort.hpp>
#include <iterator>
#include <limits>

#include "core/errors.hpp"

namespace gpusim {
namespace {

/// Layers as vertices, producer -> consumer edges.
using LayerDag = boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS>;

LayerDag make_dag(const ModelCost& model) {
  LayerDag dag(model.layers.size());
  for (size_t v = 0; v < model.layers.size(); ++v) {
    for (size_t u : model.layers[v].inputs) boost::add_edge(u, v, dag);
  }
  return dag;
}

}  // namespace

ModelGraph::TensorId ModelGraph::add_input(const std::string& name, const Shape& shape) {
  Tensor t;
  t.name = name;
  t.shape = shape;
  t.is_input = true;
  t.buffer = buffer_count_++;
  tensors_.push_back(std::move(t));
  return tensors_.size() - 1;
}

ModelGraph::WeightId ModelGraph::add_weight(const std::string&, const Shape& shape) {
  weights_.push_back(shape);
  learnable_.push_back(false);
  return weights_.size() - 1;
}

std::vector<ModelGraph::TensorId> ModelGraph::add_layer(
    LayerCost cost, const std::vector<TensorId>& inputs, const std::vector<WeightUse>& weights,
    const std::vector<std::pair<std::string, Shape>>& outputs) {
  for (TensorId t : inputs) GPUSIM_CHECK(t < tensors_.size(), "layer input is not a known tensor");
  for (const WeightUse& w : weights) {
    GPUSIM_CHECK(w.id < weights_.size(), "layer weight is not a known weight");
    if (w.learnable) learnable_[w.id] = true;
  }
  const size_t layer = layers_.size();
  std::vector<TensorId> ids;
  for (const auto& [name, shape] : outputs) {
    Tensor t;
    t.name = name;
    t.shape = shape;
    t.has_producer = true;
    t.producer = layer;
    // A view re-labels its input's buffer; anything else allocates a new one.
    t.buffer = cost.is_view && !inputs.empty() ? tensors_[inputs.front()].buffer : buffer_count_++;
    tensors_.push_back(std::move(t));
    ids.push_back(tensors_.size() - 1);
  }
  layers_.push_back(std::move(cost));
  layer_inputs_.push_back(inputs);
  layer_outputs_.push_back(ids);
  return ids;
}

void ModelGraph::mark_output(TensorId tensor) { tensors_.at(tensor).is_output = true; }

// Liveness. Layers run one at a time in insertion order, step s = 0..n-1. A buffer is live from the
// step producing its first tensor (graph inputs: from step 0) through the step of its last consumer
// (a graph output: through the last step; a tensor nobody reads: only at its producing step). While
// layer s runs, its inputs and outputs are both live. Peak = max over s of the sum of the sizes of
// the buffers live at s, where a view's output shares its input's buffer. Weights are not activations.
double ModelGraph::peak_live_elements() const {
  const size_t steps = std::max<size_t>(layers_.size(), 1);
  const size_t none = std::numeric_limits<size_t>::max();
  std::vector<size_t> first(buffer_count_, none), last(buffer_count_, 0);
  std::vector<double> size(buffer_count_, 0.0);
  auto touch = [&](size_t buffer, size_t step) {
    first[buffer] = first[buffer] == none ? step : std::min(first[buffer], step);
    last[buffer] = std::max(last[buffer], step);
  };
  for (const Tensor& t : tensors_) {
    size[t.buffer] = std::max(size[t.buffer], element_count(t.shape));
    touch(t.buffer, t.has_producer ? t.producer : 0);
    if (t.is_output) touch(t.buffer, steps - 1);
  }
  for (size_t layer = 0; layer < layer_inputs_.size(); ++layer) {
    for (TensorId in : layer_inputs_[layer]) touch(tensors_[in].buffer, layer);
  }
  // Sweep with a difference array: +size at the first step, -size after the last.
  std::vector<double> delta(steps + 1, 0.0);
  for (size_t b = 0; b < buffer_count_; ++b) {
    if (first[b] == none) continue;
    delta[first[b]] += size[b];
    delta[last[b] + 1] -= size[b];
  }
  double live = 0, peak = 0;
  for (size_t s = 0; s < steps; ++s) {
    live += delta[s];
    peak = std::max(peak, live);
  }
  return peak;
}

ModelCost ModelGraph::finish(const std::string& name, Precision precision) const {
  const double b = bytes_per_element(precision);
  ModelCost model;
  model.name = name;
  model.layers = layers_;
  for (size_t layer = 0; layer < layers_.size(); ++layer) {
    std::vector<size_t>& producers = model.layers[layer].inputs;
    producers.clear();
    for (TensorId in : layer_inputs_[layer]) {
      if (!tensors_[in].has_producer) continue;
      GPUSIM_CHECK(tensors_[in].producer < layer, "layers must be added after their producers");
      producers.push_back(tensors_[in].producer);
    }
    std::sort(producers.begin(), producers.end());
    producers.erase(std::unique(producers.begin(), producers.end()), producers.end());
  }

  // Each constant once, however many layers read it (a prior-box table read by several decode ops).
  double weight_elements = 0;
  for (size_t w = 0; w < weights_.size(); ++w) {
    const double n = element_count(weights_[w]);
    weight_elements += n;
    (learnable_[w] ? model.params : model.buffers) += n;
  }
  double in_elements = 0;
  double out_elements = 0;
  for (const Tensor& t : tensors_) {
    if (t.is_input) in_elements += element_count(t.shape);
    if (t.is_output) out_elements += element_count(t.shape);
  }
  const double io_elements = in_elements + out_elements;
  model.input_bytes = Bytes{in_elements * b};
  model.output_bytes = Bytes{out_elements * b};
  // memory = weights + peak live activations + I/O buffers, all at the precision's element size
  model.weight_bytes = Bytes{weight_elements * b};
  model.peak_activation_bytes = Bytes{peak_live_elements() * b};
  model.io_bytes = Bytes{io_elements * b};
  model.memory_bytes = model.weight_bytes + model.peak_activation_bytes + model.io_bytes;
  model.critical_path = critical_path(model, [](const LayerCost& l) { return l.flops; });
  return model;
}

// Longest path in a DAG with vertex weights: visit layers in Boost's topological order and relax
// dist[v] = max(dist[v], dist[u] + cost(v)) over each edge u -> v, starting from dist[v] = cost(v)
// (costs are non-negative, so every layer with a producer gets one in pred: the path starts at a
// source); the path ends at the sink with the largest dist (first on ties) and is read back via pred.
std::vector<size_t> critical_path(const ModelCost& model,
                                  const std::function<double(const LayerCost&)>& cost) {
  const size_t n = model.layers.size();
  if (n == 0) return {};
  const LayerDag dag = make_dag(model);
  std::vector<size_t> reverse_order;
  boost::topological_sort(dag, std::back_inserter(reverse_order));  // throws boost::not_a_dag on a cycle
  const size_t none = std::numeric_limits<size_t>::max();
  std::vector<double> dist(n);
  std::vector<size_t> pred(n, none);
  for (size_t v = 0; v < n; ++v) dist[v] = cost(model.layers[v]);
  for (auto it = reverse_order.rbegin(); it != reverse_order.rend(); ++it) {
    const size_t u = *it;
    for (auto [e, end] = boost::out_edges(u, dag); e != end; ++e) {
      const size_t v = boost::target(*e, dag);
      const double through = dist[u] + cost(model.layers[v]);
      if (pred[v] == none || through > dist[v] || (through == dist[v] && u < pred[v])) {
        dist[v] = through;
        pred[v] = u;
      }
    }
  }
  size_t last = none;
  for (size_t v = 0; v < n; ++v) {
    if (boost::out_degree(v, dag) == 0 && (last == none || dist[v] > dist[last])) last = v;
  }
  std::vector<size_t> path;
  for (size_t v = last; v != none; v = pred[v]) path.push_back(v);
  std::reverse(path.begin(), path.end());
  return path;
}

}  // namespace gpusim
