#pragma once
/// Tensor shapes and the small helpers every shape function needs (element count, numpy broadcasting).

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace gpusim {

/// Dimensions of a tensor, outermost first (NCHW for images); a scalar has none.
using Shape = std::vector<int64_t>;

/// An op's inputs are inconsistent (channel mismatch, bad axis, unbroadcastable shapes...).
/// The caller adds where the op came from (ONNX node, builder call).
class OpError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

/// Number of elements (product of the dims; 1 for a scalar), as a double so huge tensors do not overflow.
double element_count(const Shape& shape);

/// "[1, 3, 224, 224]"; "[]" for a scalar.
std::string to_string(const Shape& shape);

/// Numpy multidirectional broadcasting: dims are aligned from the right, a dim of 1 stretches.
/// Throws OpError for incompatible dims.
Shape broadcast_shapes(const Shape& a, const Shape& b);

/// Maps a possibly negative axis into [0, rank); throws OpError when out of range.
size_t normalize_axis(int64_t axis, size_t rank);

}  // namespace gpusim
