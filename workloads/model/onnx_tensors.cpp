#include <fmt/format.h>

#include <cmath>
#include <cstring>

#include "workloads/model/onnx_detail.hpp"

namespace gpusim::onnx_detail {
namespace {

/// Bytes per element of an ONNX data type in raw_data; 0 for strings and unknown types.
size_t raw_element_size(int32_t type) {
  switch (type) {
    case onnx::TensorProto::FLOAT:
    case onnx::TensorProto::INT32:
    case onnx::TensorProto::UINT32:
      return 4;
    case onnx::TensorProto::DOUBLE:
    case onnx::TensorProto::INT64:
    case onnx::TensorProto::UINT64:
    case onnx::TensorProto::COMPLEX64:
      return 8;
    case onnx::TensorProto::COMPLEX128:
      return 16;
    case onnx::TensorProto::INT16:
    case onnx::TensorProto::UINT16:
    case onnx::TensorProto::FLOAT16:
    case onnx::TensorProto::BFLOAT16:
      return 2;
    case onnx::TensorProto::INT8:
    case onnx::TensorProto::UINT8:
    case onnx::TensorProto::BOOL:
      return 1;
    default:
      return 0;
  }
}

/// Elements stored in the typed fields (when raw_data is empty).
size_t typed_count(const onnx::TensorProto& t) {
  switch (t.data_type()) {
    case onnx::TensorProto::FLOAT:
      return static_cast<size_t>(t.float_data_size());
    case onnx::TensorProto::COMPLEX64:
      return static_cast<size_t>(t.float_data_size()) / 2;
    case onnx::TensorProto::DOUBLE:
      return static_cast<size_t>(t.double_data_size());
    case onnx::TensorProto::COMPLEX128:
      return static_cast<size_t>(t.double_data_size()) / 2;
    case onnx::TensorProto::INT64:
      return static_cast<size_t>(t.int64_data_size());
    case onnx::TensorProto::UINT32:
    case onnx::TensorProto::UINT64:
      return static_cast<size_t>(t.uint64_data_size());
    case onnx::TensorProto::STRING:
      return static_cast<size_t>(t.string_data_size());
    default:
      return static_cast<size_t>(t.int32_data_size());  // int8/16/32, uint8/16, bool, float16, bfloat16
  }
}

/// IEEE half (bits) to double.
double half_to_double(uint16_t h) {
  const int exponent = (h >> 10) & 0x1f;
  const int mantissa = h & 0x3ff;
  const double sign = (h & 0x8000) != 0 ? -1.0 : 1.0;
  if (exponent == 0) return sign * std::ldexp(mantissa, -24);
  if (exponent == 31) return mantissa == 0 ? sign * INFINITY : NAN;
  return sign * std::ldexp(mantissa + 1024, exponent - 25);
}

/// bfloat16 (bits) to double.
double bfloat16_to_double(uint16_t b) {
  const uint32_t bits = static_cast<uint32_t>(b) << 16;
  float f = 0;
  std::memcpy(&f, &bits, sizeof f);
  return f;
}

template <class T>
T read_le(const std::string& raw, size_t i) {
  T v{};
  std::memcpy(&v, raw.data() + i * sizeof(T), sizeof(T));  // ONNX raw_data is little-endian, as is x86/ARM
  return v;
}

}  // namespace

Shape tensor_dims(const onnx::TensorProto& tensor) {
  return Shape(tensor.dims().begin(), tensor.dims().end());
}

std::string check_tensor(const onnx::TensorProto& tensor) {
  if (tensor.data_location() == onnx::TensorProto::EXTERNAL) return {};
  for (int64_t d : tensor.dims()) {
    if (d < 0) return fmt::format("negative dim {}", d);
  }
  const double expected = element_count(tensor_dims(tensor));
  double stored = 0;
  if (!tensor.raw_data().empty()) {
    const size_t size = raw_element_size(tensor.data_type());
    if (size == 0) return fmt::format("raw data of unsupported type {}", tensor.data_type());
    if (tensor.raw_data().size() % size != 0) {
      return fmt::format("{} bytes of raw data is not a whole number of elements", tensor.raw_data().size());
    }
    stored = static_cast<double>(tensor.raw_data().size() / size);
  } else {
    stored = static_cast<double>(typed_count(tensor));
  }
  if (stored != expected)
    return fmt::format("holds {} elements, its dims {} need {}", stored, to_string(tensor_dims(tensor)),
                       expected);
  return {};
}

std::optional<KnownTensor> decode_tensor(const onnx::TensorProto& t) {
  if (t.data_location() == onnx::TensorProto::EXTERNAL || !check_tensor(t).empty()) return std::nullopt;
  KnownTensor out;
  out.shape = tensor_dims(t);
  const size_t n = static_cast<size_t>(element_count(out.shape));
  if (static_cast<double>(n) > MAX_FOLD_ELEMENTS) return std::nullopt;
  ConstantData& d = out.data;
  const std::string& raw = t.raw_data();
  const bool use_raw = !raw.empty();
  auto add_int = [&](int64_t v) { d.ints.push_back(v); };
  auto add_float = [&](double v) { d.floats.push_back(v); };
  switch (t.data_type()) {
    case onnx::TensorProto::FLOAT:
      d.is_float = true;
      for (size_t i = 0; i < n; ++i)
        add_float(use_raw ? read_le<float>(raw, i) : t.float_data(static_cast<int>(i)));
      break;
    case onnx::TensorProto::DOUBLE:
      d.is_float = true;
      for (size_t i = 0; i < n; ++i)
        add_float(use_raw ? read_le<double>(raw, i) : t.double_data(static_cast<int>(i)));
      break;
    case onnx::TensorProto::FLOAT16:
    case onnx::TensorProto::BFLOAT16: {
      d.is_float = true;
      const bool half = t.data_type() == onnx::TensorProto::FLOAT16;
      for (size_t i = 0; i < n; ++i) {
        const auto bits =
            use_raw ? read_le<uint16_t>(raw, i) : static_cast<uint16_t>(t.int32_data(static_cast<int>(i)));
        add_float(half ? half_to_double(bits) : bfloat16_to_double(bits));
      }
      break;
    }
    case onnx::TensorProto::INT64:
      for (size_t i = 0; i < n; ++i)
        add_int(use_raw ? read_le<int64_t>(raw, i) : t.int64_data(static_cast<int>(i)));
      break;
    case onnx::TensorProto::UINT64:
    case onnx::TensorProto::UINT32:
      for (size_t i = 0; i < n; ++i) {
        const uint64_t v = !use_raw                                     ? t.uint64_data(static_cast<int>(i))
                           : t.data_type() == onnx::TensorProto::UINT64 ? read_le<uint64_t>(raw, i)
                                                                        : read_le<uint32_t>(raw, i);
        add_int(v > static_cast<uint64_t>(INT64_MAX) ? INT64_MAX : static_cast<int64_t>(v));
      }
      break;
    case onnx::TensorProto::INT32:
    case onnx::TensorProto::INT16:
    case onnx::TensorProto::INT8:
    case onnx::TensorProto::UINT16:
    case onnx::TensorProto::UINT8:
    case onnx::TensorProto::BOOL:
      for (size_t i = 0; i < n; ++i) {
        if (!use_raw) {
          add_int(t.int32_data(static_cast<int>(i)));
          continue;
        }
        switch (t.data_type()) {
          case onnx::TensorProto::INT32:
            add_int(read_le<int32_t>(raw, i));
            break;
          case onnx::TensorProto::INT16:
            add_int(read_le<int16_t>(raw, i));
            break;
          case onnx::TensorProto::INT8:
            add_int(read_le<int8_t>(raw, i));
            break;
          case onnx::TensorProto::UINT16:
            add_int(read_le<uint16_t>(raw, i));
            break;
          default:
            add_int(read_le<uint8_t>(raw, i));
            break;
        }
      }
      break;
    default:
      return std::nullopt;  // strings, complex
  }
  return out;
}

OpAttributes convert_attributes(const onnx::NodeProto& node) {
  OpAttributes attrs;
  for (const onnx::AttributeProto& a : node.attribute()) {
    switch (a.type()) {
      case onnx::AttributeProto::INT:
        attrs.set(a.name(), static_cast<int64_t>(a.i()));
        break;
      case onnx::AttributeProto::INTS:
        attrs.set(a.name(), std::vector<int64_t>(a.ints().begin(), a.ints().end()));
        break;
      case onnx::AttributeProto::FLOAT:
        attrs.set(a.name(), static_cast<double>(a.f()));
        break;
      case onnx::AttributeProto::FLOATS:
        attrs.set(a.name(), std::vector<double>(a.floats().begin(), a.floats().end()));
        break;
      case onnx::AttributeProto::STRING:
        attrs.set(a.name(), a.s());
        break;
      case onnx::AttributeProto::TENSOR:
        if (node.op_type() == "ConstantOfShape" && a.name() == "value") {
          const auto value = decode_tensor(a.t());
          if (value && value->data.size() == 1) {
            attrs.set("value", value->data.float_at(0));
            attrs.set("value_is_float", int64_t{value->data.is_float ? 1 : 0});
          }
        }
        break;
      case onnx::AttributeProto::UNDEFINED:  // very old exporters leave the type out
        if (a.ints_size() > 0) {
          attrs.set(a.name(), std::vector<int64_t>(a.ints().begin(), a.ints().end()));
        } else if (a.floats_size() > 0) {
          attrs.set(a.name(), std::vector<double>(a.floats().begin(), a.floats().end()));
        } else if (a.has_i()) {
          attrs.set(a.name(), static_cast<int64_t>(a.i()));
        } else if (a.has_f()) {
          attrs.set(a.name(), static_cast<double>(a.f()));
        } else if (a.has_s()) {
          attrs.set(a.name(), a.s());
        }
        break;
      default:
        break;  // graphs and lists of tensors/strings: no formula here reads them
    }
  }
  return attrs;
}

const onnx::TensorProto* constant_tensor(const onnx::NodeProto& node) {
  for (const onnx::AttributeProto& a : node.attribute()) {
    if (a.name() == "value" && a.has_t()) return &a.t();
  }
  return nullptr;
}

std::optional<KnownTensor> constant_value(const onnx::NodeProto& node) {
  for (const onnx::AttributeProto& a : node.attribute()) {
    KnownTensor out;
    if (a.name() == "value" && a.has_t()) return decode_tensor(a.t());
    if (a.name() == "value_float") {
      out.data.is_float = true;
      out.data.floats = {a.f()};
      return out;
    }
    if (a.name() == "value_floats") {
      out.data.is_float = true;
      out.data.floats.assign(a.floats().begin(), a.floats().end());
      out.shape = {a.floats_size()};
      return out;
    }
    if (a.name() == "value_int") {
      out.data.ints = {a.i()};
      return out;
    }
    if (a.name() == "value_ints") {
      out.data.ints.assign(a.ints().begin(), a.ints().end());
      out.shape = {a.ints_size()};
      return out;
    }
  }
  return std::nullopt;
}

}  // namespace gpusim::onnx_detail
