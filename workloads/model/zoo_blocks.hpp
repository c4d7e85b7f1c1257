#pragma once
/// The zoo's block builders: one function per block family, each adding its ops to a ModelBuilder.
/// The zoo reader (zoo.cpp) calls them with plain values; they never see YAML. Each follows one
/// reference implementation, named next to it in zoo_blocks.cpp.

#include <cstdint>
#include <string>
#include <vector>

#include "workloads/model/model_builder.hpp"

namespace gpusim::zoo {

using Tensor = ModelBuilder::Tensor;

/// The activation after a convolution or a linear layer.
struct Activation {
  enum class Kind { NONE, RELU, RELU6, PRELU, LEAKY_RELU, SIGMOID, TANH, GELU, HARD_SWISH };
  Kind kind = Kind::NONE;
  double alpha = 0.01;  ///< LeakyRelu slope
};

/// A ModelBuilder and a layer-name scope: the ops a block adds are named "<scope>.<part>".
class Net {
 public:
  Net(ModelBuilder& b, std::string scope) : b_(&b), scope_(std::move(scope)) {}

  /// The builder, with its next op named "<scope>.<part>".
  ModelBuilder& at(const std::string& part) const;
  /// The builder itself (for ops that add no layer, such as graph inputs).
  ModelBuilder& builder() const { return *b_; }
  /// A nested scope "<scope>.<name>".
  Net sub(const std::string& name) const { return Net(*b_, scope_ + "." + name); }
  const std::string& scope() const { return scope_; }

 private:
  ModelBuilder* b_;
  std::string scope_;
};

/// A convolution with optional BatchNorm and activation (Conv -> BatchNorm -> act).
struct ConvUnit {
  int64_t out = 0;
  int64_t kernel = 1;
  int64_t stride = 1;
  int64_t pad = 0;
  int64_t groups = 1;
  bool depthwise = false;  ///< groups = input channels = output channels (`out` and `groups` unused)
  int64_t dilation = 1;
  bool bias = false;
  bool bn = false;
  Activation act;
};

/// `act` applied to x, as layer "<scope>.<part>"; x itself when act is NONE.
Tensor activate(const Net& n, const Tensor& x, const Activation& act, const std::string& part);

/// Conv (layer "conv"), then "bn" and "act" when asked.
Tensor conv_unit(const Net& n, const Tensor& x, const ConvUnit& u);

/// Linear layer on [N, K] (Gemm) or [..., K] (MatMul + Add), then "bn" (BatchNorm1d) and "act".
Tensor linear_unit(const Net& n, const Tensor& x, int64_t out, bool bias, bool bn, const Activation& act);

/// VGG stage: `convs` x (3x3 conv pad 1 with bias [+ BN] + act), then 2x2 max pool stride 2.
Tensor vgg_stage(const Net& n, Tensor x, int64_t convs, int64_t width, bool bn, const Activation& act);

/// ResNet basic block (two 3x3 conv-BN, ReLU, identity or 1x1 conv-BN shortcut).
Tensor basic_block(const Net& n, const Tensor& x, int64_t width, int64_t stride);

/// ResNet v1.5 bottleneck (1x1, 3x3 with the stride, 1x1 to width x expansion).
Tensor bottleneck(const Net& n, const Tensor& x, int64_t width, int64_t stride, int64_t expansion);

/// MobileNetV2 inverted residual (1x1 expand unless expansion is 1, 3x3 depth-wise, linear 1x1
/// projection; identity shortcut when the stride is 1 and the channels match).
Tensor inverted_residual(const Net& n, const Tensor& x, int64_t expansion, int64_t out, int64_t stride,
                         const Activation& act);

/// SqueezeNet fire module (1x1 squeeze, then 1x1 and 3x3 expand concatenated; ReLU after each conv).
Tensor fire(const Net& n, const Tensor& x, int64_t squeeze, int64_t expand1x1, int64_t expand3x3);

/// MobileNetV1 depth-wise separable conv (3x3 depth-wise-BN-act, 1x1 point-wise-BN-act).
Tensor depthwise_separable(const Net& n, const Tensor& x, int64_t out, int64_t stride, const Activation& act);

/// InsightFace IResNet basic block (BN, 3x3 conv, BN, PReLU, 3x3 conv with the stride, BN; shortcut).
Tensor ibasic_block(const Net& n, const Tensor& x, int64_t width, int64_t stride);

/// BERT embeddings: word, token-type and position tables (Gather) summed, then LayerNorm. Adds the
/// graph inputs token_type_ids and position_ids, shaped like `ids`.
Tensor transformer_embeddings(const Net& n, const Tensor& ids, int64_t vocab, int64_t max_positions,
                              int64_t type_vocab, int64_t hidden);

/// BERT encoder layer (post-LN): multi-head self-attention and a feed-forward network, each with a
/// residual Add and LayerNorm. x is [N, S, hidden].
Tensor transformer_encoder(const Net& n, const Tensor& x, int64_t heads, int64_t ffn, const Activation& act);

/// BERT pooler: the first token's hidden state through a dense layer and `act`.
Tensor transformer_pooler(const Net& n, const Tensor& x, const Activation& act);

/// RetinaFace FPN: 1x1 lateral conv-BN-act per level, nearest 2x upsampling added top-down, 3x3
/// merge conv-BN-act on every level but the coarsest. Levels finest first.
std::vector<Tensor> fpn(const Net& n, const std::vector<Tensor>& levels, int64_t out, const Activation& act);

/// RetinaFace SSH context module: 3x3 (out/2), 5x5 and 7x7 as stacked 3x3 (out/4 each), concatenated,
/// ReLU.
Tensor ssh(const Net& n, const Tensor& x, int64_t out, const Activation& act);

/// RetinaFace heads on every level: 1x1 convs to anchors x {2 scores, 4 box deltas, 10 landmark
/// coordinates}, each permuted to [N, H*W*anchors, k] and concatenated over the levels; softmax on the
/// scores. Returns {scores, boxes, landmarks}.
std::vector<Tensor> retinaface_heads(const Net& n, const std::vector<Tensor>& levels, int64_t anchors);

}  // namespace gpusim::zoo
