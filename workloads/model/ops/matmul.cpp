// Gemm and MatMul: the matrix products (fully connected layers, attention scores and contexts).

#include <fmt/format.h>

#include "workloads/model/ops/op_table.hpp"

namespace gpusim::ops {
namespace {

/// M, K, N of a Gemm: A' = transA ? A^T : A is [M, K], B' = transB ? B^T : B is [K, N].
struct GemmDims {
  int64_t m = 0, k = 0, n = 0;
};

GemmDims gemm_dims(const OpNode& node) {
  const Shape& a = input_shape(node, 0);
  const Shape& b = input_shape(node, 1);
  if (a.size() != 2 || b.size() != 2) {
    throw OpError(fmt::format("Gemm: A {} and B {} must be matrices", to_string(a), to_string(b)));
  }
  const bool ta = node.attrs.get_int("transA", 0) != 0;
  const bool tb = node.attrs.get_int("transB", 0) != 0;
  GemmDims d{ta ? a[1] : a[0], ta ? a[0] : a[1], tb ? b[0] : b[1]};
  const int64_t kb = tb ? b[1] : b[0];
  if (d.k != kb) throw OpError(fmt::format("Gemm: inner dims {} and {} differ", d.k, kb));
  return d;
}

std::optional<std::vector<Shape>> gemm_shape(const OpNode& node) {
  const GemmDims d = gemm_dims(node);
  const Shape y{d.m, d.n};
  if (node.has_input(2)) broadcast_shapes(y, input_shape(node, 2));  // C must broadcast to [M, N]
  return std::vector<Shape>{y};
}

// Gemm: Y = alpha * A' B' + beta * C
//   MACs = M * K * N
//   FLOPs = 2 * MACs + M * N (adding C, when given) + M * N per scaling by alpha != 1 or beta != 1
void gemm_cost(const OpNode& node, const std::vector<Shape>&, OpCounts& c) {
  const GemmDims d = gemm_dims(node);
  const double mn = static_cast<double>(d.m) * static_cast<double>(d.n);
  c.macs = mn * static_cast<double>(d.k);
  c.flops = 2 * c.macs;
  if (node.attrs.get_float("alpha", 1.0) != 1.0) c.flops += mn;
  if (node.has_input(2)) {
    c.flops += mn;
    if (node.attrs.get_float("beta", 1.0) != 1.0) c.flops += mn;
  }
}

/// Numpy matmul geometry: A [..., M, K] x B [..., K, N] -> [broadcast(...), M, N]; a 1-D A is [1, K]
/// with M dropped from the result, a 1-D B is [K, 1] with N dropped.
struct MatMulDims {
  Shape batch;
  int64_t m = 0, k = 0, n = 0;
  Shape output;
};

MatMulDims matmul_dims(const OpNode& node) {
  Shape a = input_shape(node, 0);
  Shape b = input_shape(node, 1);
  if (a.empty() || b.empty()) throw OpError("MatMul: scalar operands are not allowed");
  const bool a_vector = a.size() == 1;
  const bool b_vector = b.size() == 1;
  if (a_vector) a.insert(a.begin(), 1);
  if (b_vector) b.push_back(1);
  MatMulDims d;
  d.m = a[a.size() - 2];
  d.k = a.back();
  d.n = b.back();
  if (b[b.size() - 2] != d.k) {
    throw OpError(fmt::format("MatMul: {} x {}: inner dims differ", to_string(input_shape(node, 0)),
                              to_string(input_shape(node, 1))));
  }
  d.batch = broadcast_shapes(Shape(a.begin(), a.end() - 2), Shape(b.begin(), b.end() - 2));
  d.output = d.batch;
  if (!a_vector) d.output.push_back(d.m);
  if (!b_vector) d.output.push_back(d.n);
  return d;
}

std::optional<std::vector<Shape>> matmul_shape(const OpNode& node) {
  return std::vector<Shape>{matmul_dims(node).output};
}

// MatMul (batched, numpy broadcast): MACs = prod(batch) * M * K * N; FLOPs = 2 * MACs.
void matmul_cost(const OpNode& node, const std::vector<Shape>&, OpCounts& c) {
  const MatMulDims d = matmul_dims(node);
  c.macs =
      element_count(d.batch) * static_cast<double>(d.m) * static_cast<double>(d.k) * static_cast<double>(d.n);
  c.flops = 2 * c.macs;
}

}  // namespace

void add_matmul_ops(OpTable& table) {
  table.add("Gemm", {gemm_shape, gemm_cost, {}});
  table.add("MatMul", {matmul_shape, matmul_cost, {}});
}

}  // namespace gpusim::ops
