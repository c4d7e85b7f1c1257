#!/usr/bin/env python3
"""Runs an ONNX model (opset <= 12) on PyTorch, one ONNX node = one PyTorch operator, for machines whose
onnxruntime has no CUDA provider. Shape arithmetic (Shape, Gather, Unsqueeze, Concat and Constant on shapes)
stays on the host as numpy, so a forward pass launches only GPU work and can be captured in a CUDA graph.

Covers the operators of the face models in examples/face-recognition/models: Conv, Relu, PRelu, Sigmoid, Exp,
Add, Sub, Mul, Div, Softmax, Transpose, Reshape, Flatten, Slice, Concat, Gather, Unsqueeze, Shape, Constant,
Gemm, MatMul, BatchNormalization, GlobalAveragePool, MaxPool, AveragePool. Anything else raises
NotImplementedError naming the operator.

PReLU with one slope per channel (or one in all) runs as PyTorch's PReLU, one kernel.

A Reshape whose constant target shape starts with 1 (a batch of 1 fixed at export) takes the input's batch
instead, so the models run at any batch.

  onnx_torch.py MODEL.onnx [--batch N]   checks the model runs on the CPU in fp32 and prints output shapes
"""
import argparse
import sys

import numpy as np


def _attrs(node):
    import onnx  # noqa: PLC0415

    return {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}


class OnnxModule:
    """model(x) runs the graph; x is a torch tensor for the single graph input."""

    def __init__(self, path, device, dtype, channels_last=False):
        import onnx  # noqa: PLC0415
        from onnx import numpy_helper  # noqa: PLC0415
        import torch  # noqa: PLC0415

        self.torch = torch
        self.device = device
        self.dtype = dtype
        self.channels_last = channels_last
        m = onnx.load(path)
        self.graph = m.graph
        self.host = {t.name: numpy_helper.to_array(t) for t in m.graph.initializer}
        self.input_names = [i.name for i in m.graph.input if i.name not in self.host]
        if len(self.input_names) != 1:
            raise NotImplementedError(f"{path}: {len(self.input_names)} graph inputs (one is supported)")
        self.input_shape = [d.dim_value or 1 for d in m.graph.input[0].type.tensor_type.shape.dim]
        for i in m.graph.input:
            if i.name == self.input_names[0]:
                self.input_shape = [d.dim_value or 1 for d in i.type.tensor_type.shape.dim]
        self.output_names = [o.name for o in m.graph.output]
        self.nodes = [(n.op_type, list(n.input), list(n.output), _attrs(n)) for n in m.graph.node]
        for op, _, outs, a in self.nodes:
            if op == "Constant":
                self.host[outs[0]] = numpy_helper.to_array(a["value"])
        self.gpu = {}  # host constants used as GPU operands, converted once (before any graph capture)

    def _tensor(self, name, value):
        torch = self.torch
        if isinstance(value, torch.Tensor):
            return value
        t = self.gpu.get(name)
        if t is None:
            arr = np.asarray(value)
            t = torch.from_numpy(np.array(arr, copy=True)).to(self.device)
            if t.is_floating_point():
                t = t.to(self.dtype)
            if self.channels_last and t.dim() == 4:
                t = t.contiguous(memory_format=torch.channels_last)
            self.gpu[name] = t
        return t

    def __call__(self, x):
        torch = self.torch
        F = torch.nn.functional
        env = dict(self.host)
        env[self.input_names[0]] = x
        on_host = lambda *vs: all(not isinstance(v, torch.Tensor) for v in vs)  # noqa: E731
        for op, ins, outs, a in self.nodes:
            v = [env[i] if i else None for i in ins]
            if op == "Constant":
                continue
            if op == "Conv":
                w = self._tensor(ins[1], v[1])
                b = self._tensor(ins[2], v[2]) if len(ins) > 2 and ins[2] else None
                pads = a.get("pads", [0] * (2 * (w.dim() - 2)))
                half = len(pads) // 2
                inp = self._tensor(ins[0], v[0])
                if list(pads[:half]) != list(pads[half:]):
                    pad = []
                    for k in reversed(range(half)):
                        pad += [pads[k], pads[k + half]]
                    inp, pads = F.pad(inp, pad), [0] * len(pads)
                r = F.conv2d(inp, w, b, stride=a.get("strides", 1), padding=list(pads[:half]),
                             dilation=a.get("dilations", 1), groups=a.get("group", 1))
            elif op == "Relu":
                r = torch.relu(v[0])
            elif op == "PRelu":
                s = self._tensor(ins[1], v[1])
                if v[0].dim() >= 2 and s.numel() in (1, v[0].shape[1]):  # per channel: PyTorch's one kernel
                    r = F.prelu(v[0], s.reshape(-1))
                else:
                    r = torch.where(v[0] >= 0, v[0], v[0] * s)
            elif op == "Sigmoid":
                r = torch.sigmoid(v[0])
            elif op == "Exp":
                r = torch.exp(v[0])
            elif op in ("Add", "Sub", "Mul", "Div"):
                if on_host(v[0], v[1]):
                    r = {"Add": np.add, "Sub": np.subtract, "Mul": np.multiply, "Div": np.divide}[op](v[0], v[1])
                else:
                    p, q = self._tensor(ins[0], v[0]), self._tensor(ins[1], v[1])
                    r = {"Add": torch.add, "Sub": torch.sub, "Mul": torch.mul, "Div": torch.div}[op](p, q)
            elif op == "Softmax":  # opset < 13: coerced to 2-D at `axis`
                axis = a.get("axis", 1) % v[0].dim()
                shape = v[0].shape
                r = F.softmax(v[0].reshape(int(np.prod(shape[:axis])), -1), dim=1).reshape(shape)
            elif op == "Transpose":
                r = v[0].permute(*a["perm"]) if isinstance(v[0], torch.Tensor) else np.transpose(v[0], a["perm"])
            elif op == "Reshape":
                shape = [int(d) for d in np.asarray(v[1]).ravel()]
                if isinstance(v[0], torch.Tensor) and shape and shape[0] == 1 and v[0].shape[0] != 1:
                    shape[0] = v[0].shape[0]
                r = v[0].reshape(shape)
            elif op == "Flatten":
                axis = a.get("axis", 1)
                r = v[0].reshape(int(np.prod(v[0].shape[:axis])), -1)
            elif op == "Slice":  # opset < 10: attributes
                idx = [slice(None)] * v[0].dim() if isinstance(v[0], torch.Tensor) else [slice(None)] * v[0].ndim
                axes = a.get("axes", list(range(len(a["starts"]))))
                for ax, s, e in zip(axes, a["starts"], a["ends"]):
                    idx[ax] = slice(s, min(e, 2**62))
                r = v[0][tuple(idx)]
            elif op == "Concat":
                if on_host(*v):
                    r = np.concatenate([np.atleast_1d(t) for t in v], axis=a["axis"])
                else:
                    r = torch.cat([self._tensor(n, t) for n, t in zip(ins, v)], dim=a["axis"])
            elif op == "Shape":
                r = np.array(list(v[0].shape), dtype=np.int64)
            elif op == "Gather":
                if on_host(v[0], v[1]):
                    r = np.take(v[0], v[1], axis=a.get("axis", 0))
                else:
                    r = torch.index_select(v[0], a.get("axis", 0), self._tensor(ins[1], v[1]).long().ravel())
            elif op == "Unsqueeze":
                r = v[0]
                for ax in sorted(a["axes"]):
                    r = np.expand_dims(r, ax) if on_host(r) else r.unsqueeze(ax)
            elif op == "Gemm":
                p, q = self._tensor(ins[0], v[0]), self._tensor(ins[1], v[1])
                if a.get("transA", 0):
                    p = p.t()
                if a.get("transB", 0):
                    q = q.t()
                r = torch.matmul(p, q) * a.get("alpha", 1.0)
                if len(ins) > 2 and ins[2]:
                    r = r + self._tensor(ins[2], v[2]) * a.get("beta", 1.0)
            elif op == "MatMul":
                r = torch.matmul(self._tensor(ins[0], v[0]), self._tensor(ins[1], v[1]))
            elif op == "BatchNormalization":
                g, b, mu, var = (self._tensor(n, t) for n, t in zip(ins[1:5], v[1:5]))
                r = F.batch_norm(v[0], mu, var, g, b, False, 0.0, a.get("epsilon", 1e-5))
            elif op == "GlobalAveragePool":
                r = v[0].mean(dim=tuple(range(2, v[0].dim())), keepdim=True)
            elif op in ("MaxPool", "AveragePool"):
                k = a["kernel_shape"]
                pads = a.get("pads", [0] * (2 * len(k)))
                fn = F.max_pool2d if op == "MaxPool" else F.avg_pool2d
                r = fn(v[0], k, stride=a.get("strides", k), padding=list(pads[: len(k)]),
                       ceil_mode=bool(a.get("ceil_mode", 0)))
            else:
                raise NotImplementedError(f"ONNX operator {op} is not supported by onnx_torch.py")
            env[outs[0]] = r
        return [env[n] for n in self.output_names]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("model")
    ap.add_argument("--batch", type=int, default=1)
    args = ap.parse_args()
    import torch  # noqa: PLC0415

    m = OnnxModule(args.model, "cpu", torch.float32)
    shape = [args.batch] + m.input_shape[1:]
    with torch.no_grad():
        outs = m(torch.rand(*shape))
    for name, o in zip(m.output_names, outs):
        print(f"{args.model}: input {shape} -> {name} {list(o.shape)} (mean {float(o.float().mean()):.4g})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
