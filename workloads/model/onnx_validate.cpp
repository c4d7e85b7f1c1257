#include <fmt/format.h>

#include <functional>
#include <map>
#include <queue>
#include <set>

#include "workloads/model/onnx_detail.hpp"

namespace gpusim::onnx_detail {

std::string node_name(const onnx::NodeProto& node, int index) {
  return node.name().empty() ? fmt::format("{}_{}", node.op_type(), index) : node.name();
}

std::vector<int> validated_node_order(const onnx::GraphProto& g) {
  std::set<std::string> defined;
  for (const onnx::TensorProto& init : g.initializer()) {
    const std::string why = check_tensor(init);
    if (!why.empty()) throw InvalidModel(fmt::format("initializer '{}' {}", init.name(), why));
    defined.insert(init.name());
  }
  for (const onnx::ValueInfoProto& in : g.input()) defined.insert(in.name());
  std::map<std::string, int> producer;
  for (int i = 0; i < g.node_size(); ++i) {
    if (g.node(i).op_type().empty()) throw InvalidModel(fmt::format("node {} has no op type", i));
    for (const std::string& out : g.node(i).output()) {
      if (!out.empty()) producer.emplace(out, i);
    }
  }
  // Kahn's algorithm, always taking the lowest ready node index (keeps the file's order when valid).
  std::vector<int> waiting(static_cast<size_t>(g.node_size()), 0);
  std::map<std::string, std::vector<int>> readers;
  std::priority_queue<int, std::vector<int>, std::greater<>> ready;
  for (int i = 0; i < g.node_size(); ++i) {
    for (const std::string& in : g.node(i).input()) {
      if (in.empty() || defined.count(in) > 0) continue;
      if (producer.count(in) == 0) {
        throw InvalidModel(fmt::format("node '{}' ({}) reads '{}', which nothing defines",
                                       node_name(g.node(i), i), g.node(i).op_type(), in));
      }
      ++waiting[static_cast<size_t>(i)];
      readers[in].push_back(i);
    }
    if (waiting[static_cast<size_t>(i)] == 0) ready.push(i);
  }
  std::vector<int> order;
  while (!ready.empty()) {
    const int i = ready.top();
    ready.pop();
    order.push_back(i);
    for (const std::string& out : g.node(i).output()) {
      for (int r : readers[out]) {
        if (--waiting[static_cast<size_t>(r)] == 0) ready.push(r);
      }
      readers[out].clear();
    }
  }
  if (order.size() != static_cast<size_t>(g.node_size())) throw InvalidModel("the graph has a cycle");
  for (const onnx::ValueInfoProto& out : g.output()) {
    if (defined.count(out.name()) == 0 && producer.count(out.name()) == 0) {
      throw InvalidModel(fmt::format("graph output '{}' is never produced", out.name()));
    }
  }
  return order;
}

}  // namespace gpusim::onnx_detail
