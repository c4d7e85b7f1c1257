#pragma once
/// The problem a kernel solves, as the libraries that launch it see it: the numbers its launch geometry
/// (grid, blocks per SM, waves: sim/launch_geometry.hpp) is chosen from; layer_cost() fills it
/// (kernel_shape.cpp). Counts are at one batch; at
/// batch b the batch-carrying count (`m`, `count` when count_scales, `elements`, `rows`) is b times larger.

#include <string_view>

namespace gpusim {

/// How a kernel's work is split into thread blocks.
enum class KernelClass {
  FILL,         ///< no geometry known: the kernel fills the device (explicit kernels, by default)
  GEMM,         ///< an (implicit) GEMM: convolutions, Gemm, MatMul, in output tiles
  ELEMENTWISE,  ///< one thread per few output elements: activations, arithmetic, pooling, copies
  REDUCTION,    ///< rows reduced to one value each: softmax, layer/instance norm, global pooling, Reduce*
  GRID,         ///< a grid given by the workload (explicit kernels' `launch`)
};

/// Printable name of a kernel class ("gemm", "elementwise"...).
std::string_view to_string(KernelClass c);

/// A kernel's problem size at one batch.
struct KernelShape {
  KernelClass kind = KernelClass::FILL;
  double m = 0;              ///< GEMM: rows of the output (batch x output pixels for a convolution)
  double n = 0;              ///< GEMM: columns (output channels per group)
  double k = 0;              ///< GEMM: reduction depth; REDUCTION: elements per row
  double count = 1;          ///< GEMM: independent products (groups, attention heads x batch)
  bool count_scales = false;  ///< GEMM: the batch multiplies `count` (batched MatMul), not `m`
  double elements = 0;       ///< ELEMENTWISE: output elements; REDUCTION: rows
  double blocks = 0;         ///< GRID: thread blocks
  int blocks_per_sm = 0;     ///< GRID: resident blocks per SM (0: one)
};

}  // namespace gpusim
