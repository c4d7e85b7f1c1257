// The problem each op's kernel solves (workloads/model/kernel_shape.hpp), read off its shapes.

#include "workloads/model/kernel_shape.hpp"

#include <set>
#include <string>

#include "workloads/model/op_cost.hpp"

namespace gpusim {
namespace {

/// Product of dims [from, to) of `s` (1 when empty).
double product(const Shape& s, size_t from, size_t to) {
  double p = 1;
  for (size_t i = from; i < to && i < s.size(); ++i) p *= static_cast<double>(s[i]);
  return p;
}

KernelShape elementwise(const std::vector<Shape>& outputs) {
  KernelShape k;
  k.kind = KernelClass::ELEMENTWISE;
  k.elements = element_count(outputs.front());
  return k;
}

// Conv: X [N, C, spatial...], W [Cout, C/g, kernel...], Y [N, Cout, out spatial...]; implicit GEMM with
// M = N x output pixels, N = Cout / g, K = C / g x kernel elements, one product per group.
// ConvTranspose: W [C, Cout/g, kernel...], the same GEMM over the output pixels.
KernelShape conv(const OpNode& node, const Shape& y, bool transposed) {
  const Shape& x = node.input(0).shape;
  const Shape& w = node.input(1).shape;
  if (x.size() < 3 || w.size() != x.size() || y.size() != x.size()) return {};
  const double groups = static_cast<double>(std::max<int64_t>(node.attrs.get_int("group", 1), 1));
  const double cin = static_cast<double>(x[1]);
  const double cout = static_cast<double>(y[1]);
  if (groups > 1 && groups == cin && cout == cin) return elementwise({y});  // depth-wise: a direct kernel
  KernelShape k;
  k.kind = KernelClass::GEMM;
  k.m = static_cast<double>(y[0]) * product(y, 2, y.size());
  k.n = cout / groups;
  k.k = (transposed ? cin / groups : static_cast<double>(w[1])) * product(w, 2, w.size());
  k.count = groups;
  return k;
}

// Gemm: A [M, K] (or [K, M] with transA), Y [M, N].
KernelShape gemm(const OpNode& node, const Shape& y) {
  const Shape& a = node.input(0).shape;
  if (a.size() != 2 || y.size() != 2) return {};
  KernelShape k;
  k.kind = KernelClass::GEMM;
  k.m = static_cast<double>(y[0]);
  k.n = static_cast<double>(y[1]);
  k.k = static_cast<double>(node.attrs.get_int("transA", 0) != 0 ? a[0] : a[1]);
  return k;
}

// MatMul: A [..., M, K] x B [..., K, N]. A 2-D B (a weight, as in a linear layer) folds every leading
// dim of A into M, as cuBLAS is called for it; a B with batch dims is a batched GEMM (attention), one
// product per leading index.
KernelShape matmul(const OpNode& node, const Shape& y) {
  const Shape& a = node.input(0).shape;
  const Shape& b = node.input(1).shape;
  if (a.empty() || b.empty() || y.empty()) return {};
  KernelShape k;
  k.kind = KernelClass::GEMM;
  k.k = static_cast<double>(a.back());
  k.n = b.size() >= 2 ? static_cast<double>(b.back()) : 1.0;
  if (b.size() <= 2) {
    k.m = element_count(y) / k.n;
  } else {
    k.m = a.size() >= 2 ? static_cast<double>(a[a.size() - 2]) : 1.0;
    k.count = element_count(y) / (k.m * k.n);
    k.count_scales = true;
  }
  return k;
}

KernelShape reduction(double rows, double row_length) {
  KernelShape k;
  k.kind = KernelClass::REDUCTION;
  k.elements = rows;
  k.k = row_length;
  return k;
}

}  // namespace

std::string_view to_string(KernelClass c) {
  switch (c) {
    case KernelClass::FILL:
      return "fill";
    case KernelClass::GEMM:
      return "gemm";
    case KernelClass::ELEMENTWISE:
      return "elementwise";
    case KernelClass::REDUCTION:
      return "reduction";
    case KernelClass::GRID:
      return "grid";
  }
  return "fill";
}

KernelShape kernel_shape(const OpNode& node, const std::vector<Shape>& outputs) {
  if (outputs.empty() || element_count(outputs.front()) <= 0) return {};
  const Shape& y = outputs.front();
  const std::string& op = node.op;
  if (op == "Conv" || op == "ConvTranspose") return conv(node, y, op == "ConvTranspose");
  if (op == "Gemm") return gemm(node, y);
  if (op == "MatMul") return matmul(node, y);
  const Shape& x = node.input(0).shape;
  const double in = element_count(x);
  if (op == "Softmax" || op == "LogSoftmax") {
    if (x.empty()) return elementwise(outputs);
    const double row = static_cast<double>(x[normalize_axis(node.attrs.get_int("axis", -1), x.size())]);
    return reduction(in / row, row);
  }
  if (op == "LayerNormalization") {
    if (x.empty()) return elementwise(outputs);
    const size_t axis = normalize_axis(node.attrs.get_int("axis", -1), x.size());
    const double row = product(x, axis, x.size());
    return reduction(in / row, row);
  }
  static const std::set<std::string> per_channel{"InstanceNormalization", "GlobalAveragePool",
                                                 "GlobalMaxPool"};
  if (per_channel.count(op) > 0 && x.size() >= 2) {
    const double row = product(x, 2, x.size());
    return reduction(in / row, row);
  }
  if (op.rfind("Reduce", 0) == 0) {
    const double rows = element_count(y);
    return reduction(rows, in / rows);
  }
  return elementwise(outputs);
}

}  // namespace gpusim
