// The zoo's block builders. Each follows one reference implementation (named above it); layer names
// follow that implementation's module names where it has them.

#include "workloads/model/zoo_blocks.hpp"

#include <fmt/format.h>

#include "core/errors.hpp"

namespace gpusim::zoo {

ModelBuilder& Net::at(const std::string& part) const { return b_->name_next(scope_ + "." + part); }

namespace {

int64_t channels_of(const Net& n, const Tensor& x) {
  if (x.shape.size() < 2) {
    throw ConfigError(fmt::format("{}: needs an input with channels, got {}", n.scope(), to_string(x.shape)));
  }
  return x.shape[1];
}

/// Conv-BN without activation, no bias: the ResNet family's building step.
Tensor conv_bn(const Net& n, const Tensor& x, int64_t out, int64_t kernel, int64_t stride, int64_t pad) {
  ConvUnit u;
  u.out = out;
  u.kernel = kernel;
  u.stride = stride;
  u.pad = pad;
  u.bn = true;
  return conv_unit(n, x, u);
}

/// The residual shortcut: x itself, or a 1x1 conv-BN with the stride when the shape changes.
Tensor shortcut(const Net& n, const Tensor& x, int64_t out, int64_t stride) {
  if (stride == 1 && channels_of(n, x) == out) return x;
  return conv_bn(n.sub("downsample"), x, out, 1, stride, 0);
}

Activation relu() { return Activation{Activation::Kind::RELU, 0.01}; }

/// A fully connected layer named `part`: Gemm on [N, K] (as PyTorch exports nn.Linear on 2-D input),
/// else MatMul with a [K, out] weight and an Add of the bias ("<part>_bias").
Tensor dense(const Net& n, const Tensor& x, int64_t out, bool bias, const std::string& part) {
  if (x.shape.size() == 2) return n.at(part).gemm(x, out, bias);
  if (x.shape.empty()) throw ConfigError(fmt::format("{}.{}: needs a tensor, got a scalar", n.scope(), part));
  using Operand = ModelBuilder::Operand;
  const Tensor y = n.at(part).op("MatMul", {Operand::activation(x), Operand::weight({x.shape.back(), out})});
  return bias ? n.at(part + "_bias").binary_with_constant("Add", y, {out}) : y;
}

}  // namespace

Tensor activate(const Net& n, const Tensor& x, const Activation& act, const std::string& part) {
  using K = Activation::Kind;
  switch (act.kind) {
    case K::NONE:
      return x;
    case K::RELU:
      return n.at(part).relu(x);
    case K::RELU6:
      return n.at(part).clip(x, 0.0, 6.0);
    case K::PRELU:
      return n.at(part).prelu(x);
    case K::LEAKY_RELU:
      return n.at(part).leaky_relu(x, act.alpha);
    case K::SIGMOID:
      return n.at(part).sigmoid(x);
    case K::TANH:
      return n.at(part).tanh(x);
    case K::GELU:
      return n.at(part).gelu(x);
    case K::HARD_SWISH:
      return n.at(part).hard_swish(x);
  }
  return x;
}

Tensor conv_unit(const Net& n, const Tensor& x, const ConvUnit& u) {
  ModelBuilder::ConvSpec spec;
  const int64_t cin = channels_of(n, x);
  spec.out_channels = u.depthwise ? cin : u.out;
  spec.groups = u.depthwise ? cin : u.groups;
  spec.kernel = {u.kernel, u.kernel};
  spec.strides = {u.stride, u.stride};
  spec.pads = {u.pad, u.pad, u.pad, u.pad};
  spec.dilations = {u.dilation, u.dilation};
  spec.bias = u.bias;
  Tensor y = n.at("conv").conv(x, spec);
  if (u.bn) y = n.at("bn").batch_norm(y);
  return activate(n, y, u.act, "act");
}

Tensor linear_unit(const Net& n, const Tensor& x, int64_t out, bool bias, bool bn, const Activation& act) {
  Tensor y = dense(n, x, out, bias, "fc");
  if (bn) y = n.at("bn").batch_norm(y);
  return activate(n, y, act, "act");
}

// torchvision.models.vgg (make_layers): Conv2d(3x3, padding 1) [+ BatchNorm2d] + ReLU per conv, then
// MaxPool2d(2, 2).
Tensor vgg_stage(const Net& n, Tensor x, int64_t convs, int64_t width, bool bn, const Activation& act) {
  for (int64_t i = 0; i < convs; ++i) {
    ConvUnit u;
    u.out = width;
    u.kernel = 3;
    u.pad = 1;
    u.bias = true;
    u.bn = bn;
    u.act = act;
    x = conv_unit(n.sub(std::to_string(i)), x, u);
  }
  return n.at("pool").max_pool(x, 2, 2);
}

// torchvision.models.resnet.BasicBlock: conv3x3(stride)-BN-ReLU, conv3x3-BN, + shortcut, ReLU.
Tensor basic_block(const Net& n, const Tensor& x, int64_t width, int64_t stride) {
  ConvUnit c1;
  c1.out = width;
  c1.kernel = 3;
  c1.stride = stride;
  c1.pad = 1;
  c1.bn = true;
  c1.act = relu();
  Tensor y = conv_unit(n.sub("1"), x, c1);
  y = conv_bn(n.sub("2"), y, width, 3, 1, 1);
  const Tensor identity = shortcut(n, x, width, stride);
  y = n.at("add").add(y, identity);
  return n.at("relu").relu(y);
}

// torchvision.models.resnet.Bottleneck (v1.5: the stride on the 3x3): conv1x1-BN-ReLU,
// conv3x3(stride)-BN-ReLU, conv1x1(width x expansion)-BN, + shortcut, ReLU.
Tensor bottleneck(const Net& n, const Tensor& x, int64_t width, int64_t stride, int64_t expansion) {
  ConvUnit c1;
  c1.out = width;
  c1.kernel = 1;
  c1.bn = true;
  c1.act = relu();
  Tensor y = conv_unit(n.sub("1"), x, c1);
  ConvUnit c2 = c1;
  c2.kernel = 3;
  c2.stride = stride;
  c2.pad = 1;
  y = conv_unit(n.sub("2"), y, c2);
  y = conv_bn(n.sub("3"), y, width * expansion, 1, 1, 0);
  const Tensor identity = shortcut(n, x, width * expansion, stride);
  y = n.at("add").add(y, identity);
  return n.at("relu").relu(y);
}

// torchvision.models.mobilenetv2.InvertedResidual (also MobileFaceNet's bottleneck, with PReLU):
// [conv1x1 to in x expansion -BN-act], dw3x3(stride)-BN-act, conv1x1-BN (linear), + x when it fits.
Tensor inverted_residual(const Net& n, const Tensor& x, int64_t expansion, int64_t out, int64_t stride,
                         const Activation& act) {
  const int64_t cin = channels_of(n, x);
  Tensor y = x;
  if (expansion != 1) {
    ConvUnit e;
    e.out = cin * expansion;
    e.kernel = 1;
    e.bn = true;
    e.act = act;
    y = conv_unit(n.sub("expand"), y, e);
  }
  ConvUnit dw;
  dw.depthwise = true;
  dw.kernel = 3;
  dw.stride = stride;
  dw.pad = 1;
  dw.bn = true;
  dw.act = act;
  y = conv_unit(n.sub("dw"), y, dw);
  ConvUnit p;
  p.out = out;
  p.kernel = 1;
  p.bn = true;
  y = conv_unit(n.sub("project"), y, p);
  if (stride == 1 && cin == out) y = n.at("add").add(y, x);
  return y;
}

// torchvision.models.squeezenet.Fire: squeeze conv1x1-ReLU, then expand conv1x1-ReLU and
// conv3x3(pad 1)-ReLU, concatenated on channels. Convs have biases, no BatchNorm.
Tensor fire(const Net& n, const Tensor& x, int64_t squeeze, int64_t expand1x1, int64_t expand3x3) {
  ConvUnit s;
  s.out = squeeze;
  s.kernel = 1;
  s.bias = true;
  s.act = relu();
  const Tensor sq = conv_unit(n.sub("squeeze"), x, s);
  ConvUnit e1 = s;
  e1.out = expand1x1;
  ConvUnit e3 = s;
  e3.out = expand3x3;
  e3.kernel = 3;
  e3.pad = 1;
  const Tensor a = conv_unit(n.sub("expand1x1"), sq, e1);
  const Tensor b = conv_unit(n.sub("expand3x3"), sq, e3);
  return n.at("concat").concat({a, b}, 1);
}

// MobileNetV1 conv_dw (as in biubug6/Pytorch_Retinaface models/net.py): dw3x3(stride)-BN-act,
// conv1x1-BN-act.
Tensor depthwise_separable(const Net& n, const Tensor& x, int64_t out, int64_t stride,
                           const Activation& act) {
  ConvUnit dw;
  dw.depthwise = true;
  dw.kernel = 3;
  dw.stride = stride;
  dw.pad = 1;
  dw.bn = true;
  dw.act = act;
  ConvUnit pw;
  pw.out = out;
  pw.kernel = 1;
  pw.bn = true;
  pw.act = act;
  return conv_unit(n.sub("pw"), conv_unit(n.sub("dw"), x, dw), pw);
}

// insightface recognition/arcface_torch/backbones/iresnet.py IBasicBlock: BN, conv3x3, BN, PReLU,
// conv3x3(stride), BN, + shortcut (conv1x1(stride)-BN when the shape changes). No activation after the
// add.
Tensor ibasic_block(const Net& n, const Tensor& x, int64_t width, int64_t stride) {
  Tensor y = n.at("bn1").batch_norm(x);
  ConvUnit c1;
  c1.out = width;
  c1.kernel = 3;
  c1.pad = 1;
  c1.bn = true;
  c1.act = Activation{Activation::Kind::PRELU, 0.01};
  y = conv_unit(n.sub("1"), y, c1);
  y = conv_bn(n.sub("2"), y, width, 3, stride, 1);
  const Tensor identity = shortcut(n, x, width, stride);
  return n.at("add").add(y, identity);
}

// Hugging Face transformers BertEmbeddings: word + token_type + position embeddings, LayerNorm.
Tensor transformer_embeddings(const Net& n, const Tensor& ids, int64_t vocab, int64_t max_positions,
                              int64_t type_vocab, int64_t hidden) {
  if (ids.shape.size() != 2) {
    throw ConfigError(
        fmt::format("{}: token ids must be [batch, sequence], got {}", n.scope(), to_string(ids.shape)));
  }
  if (ids.shape[1] > max_positions) {
    throw ConfigError(fmt::format("{}: sequence {} is longer than max_positions {}", n.scope(), ids.shape[1],
                                  max_positions));
  }
  const Tensor types = n.builder().input("token_type_ids", ids.shape);
  const Tensor positions = n.builder().input("position_ids", ids.shape);
  Tensor e = n.at("word").embedding(ids, vocab, hidden);
  const Tensor type = n.at("token_type").embedding(types, type_vocab, hidden);
  e = n.at("add_type").add(e, type);
  const Tensor position = n.at("position").embedding(positions, max_positions, hidden);
  e = n.at("add_position").add(e, position);
  return n.at("norm").layer_norm(e);
}

// Hugging Face transformers BertLayer (post-LN). The 1/sqrt(head size) scaling of the scores is taken
// as folded into the query projection, and no attention mask is applied (unpadded batches).
Tensor transformer_encoder(const Net& n, const Tensor& x, int64_t heads, int64_t ffn, const Activation& act) {
  if (x.shape.size() != 3) {
    throw ConfigError(
        fmt::format("{}: needs [batch, sequence, hidden], got {}", n.scope(), to_string(x.shape)));
  }
  const int64_t hidden = x.shape[2];
  if (heads <= 0 || hidden % heads != 0) {
    throw ConfigError(fmt::format("{}: {} heads do not divide hidden size {}", n.scope(), heads, hidden));
  }
  const Shape split{0, -1, heads, hidden / heads};  // [N, S, heads, head size]
  const Net a = n.sub("attention");
  // Q, K, V [N, S, hidden] -> heads: Q and V [N, h, S, d], K [N, h, d, S].
  auto heads_of = [&](const std::string& part, const Shape& perm) {
    const Tensor t = dense(a, x, hidden, true, part);
    const Tensor s = a.at(part + "_split").reshape(t, split);
    return a.at(part + "_heads").transpose(s, perm);
  };
  const Tensor q = heads_of("query", {0, 2, 1, 3});
  const Tensor k = heads_of("key", {0, 2, 3, 1});
  const Tensor v = heads_of("value", {0, 2, 1, 3});
  const Tensor scores = a.at("scores").matmul(q, k);  // [N, h, S, S]
  const Tensor probs = a.at("softmax").softmax(scores, -1);
  Tensor ctx = a.at("context").matmul(probs, v);  // [N, h, S, d]
  ctx = a.at("context_heads").transpose(ctx, {0, 2, 1, 3});
  ctx = a.at("context_merge").reshape(ctx, {0, -1, hidden});
  Tensor y = dense(a, ctx, hidden, true, "output");
  y = a.at("residual").add(y, x);
  const Tensor h = a.at("norm").layer_norm(y);
  const Net f = n.sub("ffn");
  y = activate(f, dense(f, h, ffn, true, "intermediate"), act, "act");
  y = dense(f, y, hidden, true, "output");
  y = f.at("residual").add(y, h);
  return f.at("norm").layer_norm(y);
}

// Hugging Face transformers BertPooler: hidden_states[:, 0] -> Linear -> Tanh.
Tensor transformer_pooler(const Net& n, const Tensor& x, const Activation& act) {
  if (x.shape.size() != 3) {
    throw ConfigError(
        fmt::format("{}: needs [batch, sequence, hidden], got {}", n.scope(), to_string(x.shape)));
  }
  Tensor first = n.at("first_token").slice(x, 1, 0, 1);
  first = n.at("first_token_squeeze").squeeze(first, {1});
  return linear_unit(n, first, x.shape[2], true, false, act);
}

// biubug6/Pytorch_Retinaface models/net.py FPN: output_i = conv_bn1X1(in_i, out); coarse-to-fine,
// output_i += interpolate(output_{i+1}, nearest) then merge_i = conv_bn(3x3) on all but the coarsest.
std::vector<Tensor> fpn(const Net& n, const std::vector<Tensor>& levels, int64_t out, const Activation& act) {
  std::vector<Tensor> lateral;
  for (size_t i = 0; i < levels.size(); ++i) {
    ConvUnit u;
    u.out = out;
    u.kernel = 1;
    u.bn = true;
    u.act = act;
    lateral.push_back(conv_unit(n.sub(fmt::format("output{}", i + 1)), levels[i], u));
  }
  for (size_t i = levels.size() - 1; i-- > 0;) {
    const Tensor& fine = lateral[i];
    const Tensor& coarse = lateral[i + 1];
    if (fine.shape.size() != 4 || coarse.shape.size() != 4 || fine.shape[2] % coarse.shape[2] != 0 ||
        fine.shape[3] % coarse.shape[3] != 0) {
      throw ConfigError(fmt::format("{}: level {} {} is not an integer upsampling of level {} {}", n.scope(),
                                    i + 1, to_string(fine.shape), i + 2, to_string(coarse.shape)));
    }
    const std::vector<double> scales{1.0, 1.0, static_cast<double>(fine.shape[2] / coarse.shape[2]),
                                     static_cast<double>(fine.shape[3] / coarse.shape[3])};
    const Tensor up = n.at(fmt::format("up{}", i + 2)).resize(coarse, scales, "nearest");
    const Tensor sum = n.at(fmt::format("add{}", i + 1)).add(fine, up);
    ConvUnit m;
    m.out = out;
    m.kernel = 3;
    m.pad = 1;
    m.bn = true;
    m.act = act;
    lateral[i] = conv_unit(n.sub(fmt::format("merge{}", i + 1)), sum, m);
  }
  return lateral;
}

// biubug6/Pytorch_Retinaface models/net.py SSH: conv3X3 = conv_bn_no_relu(in, out/2);
// conv5X5_1 = conv_bn(in, out/4) (act); conv5X5_2 = conv_bn_no_relu; conv7X7_2 = conv_bn (act) on
// conv5X5_1; conv7x7_3 = conv_bn_no_relu; concat, ReLU.
Tensor ssh(const Net& n, const Tensor& x, int64_t out, const Activation& act) {
  if (out % 4 != 0)
    throw ConfigError(fmt::format("{}: SSH channels {} must be a multiple of 4", n.scope(), out));
  ConvUnit linear3;
  linear3.kernel = 3;
  linear3.pad = 1;
  linear3.bn = true;
  ConvUnit active3 = linear3;
  active3.act = act;
  linear3.out = out / 2;
  const Tensor c3 = conv_unit(n.sub("conv3X3"), x, linear3);
  active3.out = out / 4;
  linear3.out = out / 4;
  const Tensor c5_1 = conv_unit(n.sub("conv5X5_1"), x, active3);
  const Tensor c5 = conv_unit(n.sub("conv5X5_2"), c5_1, linear3);
  const Tensor c7_2 = conv_unit(n.sub("conv7X7_2"), c5_1, active3);
  const Tensor c7 = conv_unit(n.sub("conv7x7_3"), c7_2, linear3);
  const Tensor all = n.at("concat").concat({c3, c5, c7}, 1);
  return n.at("relu").relu(all);
}

// biubug6/Pytorch_Retinaface models/retinaface.py ClassHead / BboxHead / LandmarkHead: conv1x1 with bias
// to anchors x k, permute(0, 2, 3, 1), view(N, -1, k); concatenated over levels; softmax on the scores
// (test phase).
std::vector<Tensor> retinaface_heads(const Net& n, const std::vector<Tensor>& levels, int64_t anchors) {
  struct Head {
    const char* name;
    int64_t k;
  };
  const Head heads[] = {{"ClassHead", 2}, {"BboxHead", 4}, {"LandmarkHead", 10}};
  std::vector<Tensor> results;
  for (const Head& h : heads) {
    std::vector<Tensor> per_level;
    for (size_t i = 0; i < levels.size(); ++i) {
      const Net l = n.sub(fmt::format("{}{}", h.name, i));
      const Tensor y = l.at("conv1x1").conv(levels[i], anchors * h.k, 1, 1, 0, 1, true);
      const Tensor nhwc = l.at("permute").transpose(y, {0, 2, 3, 1});
      per_level.push_back(l.at("view").reshape(nhwc, {0, -1, h.k}));
    }
    Tensor all = n.at(fmt::format("{}_concat", h.name)).concat(per_level, 1);
    if (h.k == 2) all = n.at("ClassHead_softmax").softmax(all, -1);
    results.push_back(all);
  }
  return results;
}

}  // namespace gpusim::zoo
