#!/usr/bin/env python3
"""Real models on the GPU, for gpusim validate (columns: README.md in this directory).

  models.py latency OUT_DIR   torchvision resnet50 and mobilenet_v2 (PyTorch, fp16; eager and replayed from a
                              CUDA graph) and the face models (onnxruntime CUDA provider, fp16 when it can
                              convert them; and on PyTorch through onnx_torch.py, replayed from a CUDA graph)
                              at batch 1, 8, 32, 128, each alone: latency per batch and throughput
                              -> OUT_DIR/models.csv; then each row's GPU time per batch, from the CUDA
                              kernels the PyTorch profiler records over a few more batches
                              -> OUT_DIR/model_kernels.csv, every kernel in OUT_DIR/raw/model_kernels/
  models.py pairs OUT_DIR     two models at once in two processes (default time-slicing): each one's
                              throughput alone and together -> OUT_DIR/model_pairs.csv

Weights are random (no network on the measuring machine; speed does not depend on them). Inputs live on
the GPU already: no host copies are timed. Observe only: nothing here changes a GPU setting.
"""
import argparse
import csv
import multiprocessing as mp
import os
import queue
import statistics
import sys
import time

BATCHES = [1, 8, 32, 128]
TORCH_MODELS = ["resnet50", "mobilenet_v2"]
FACE_MODELS = ["fr_detect", "fr_landmark", "fr_liveness", "fr_feature"]
HERE = os.path.dirname(os.path.abspath(__file__))
FACE_DIR = os.path.normpath(os.path.join(HERE, "..", "..", "examples", "face-recognition", "models"))

MODEL_COLUMNS = ["model", "framework", "precision", "batch", "iterations", "latency_ms_mean", "latency_ms_p50",
                 "latency_ms_p99", "throughput_sps", "status"]
KERNEL_COLUMNS = ["model", "framework", "precision", "batch", "passes", "kernels_per_pass", "busy_ms_per_pass",
                  "span_ms_per_pass", "status"]
TRACE_PASSES = 10
PAIR_COLUMNS = ["pair", "model_a", "framework_a", "batch_a", "model_b", "framework_b", "batch_b", "precision",
                "a_alone_sps", "b_alone_sps", "a_together_sps", "b_together_sps", "status"]
# Frameworks: "pytorch" = eager PyTorch (the host dispatches every operator while the GPU runs: below batch 32
# the host's dispatch is the bottleneck); "pytorch-graph" = the same operators captured once in a CUDA graph and
# replayed (the GPU's time, no host dispatch); "onnxruntime" = onnxruntime's CUDA provider.
FRAMEWORKS = ["pytorch", "pytorch-graph", "onnxruntime"]
# (model, framework, batch) x 2. The face-model pairs are held out of calibration (docs/validation.md).
PAIRS = [
    (("resnet50", "pytorch-graph", 32), ("mobilenet_v2", "pytorch-graph", 32)),
    (("fr_feature", "pytorch-graph", 32), ("resnet50", "pytorch-graph", 32)),
    (("fr_detect", "pytorch-graph", 8), ("fr_feature", "pytorch-graph", 32)),
    (("mobilenet_v2", "pytorch-graph", 1), ("resnet50", "pytorch-graph", 32)),
    (("resnet50", "pytorch", 32), ("mobilenet_v2", "pytorch", 32)),
    (("resnet50", "pytorch", 8), ("resnet50", "pytorch", 8)),
    (("mobilenet_v2", "pytorch", 1), ("resnet50", "pytorch", 32)),
    (("fr_feature", "onnxruntime", 32), ("resnet50", "pytorch", 32)),
]


class Skip(Exception):
    """The model cannot run here; the message goes to the status column."""


def frameworks_of(model):
    return ["pytorch", "pytorch-graph"] if model in TORCH_MODELS else ["onnxruntime", "pytorch-graph"]


def graph_step(forward, x):
    """A step that replays `forward(x)` from a CUDA graph captured after three warm-up passes."""
    import torch  # noqa: PLC0415

    with torch.inference_mode():
        side = torch.cuda.Stream()
        side.wait_stream(torch.cuda.current_stream())
        with torch.cuda.stream(side):
            for _ in range(3):
                forward(x)
        torch.cuda.current_stream().wait_stream(side)
        torch.cuda.synchronize()
        graph = torch.cuda.CUDAGraph()
        with torch.cuda.graph(graph):
            out = forward(x)
    torch.cuda.synchronize()

    def step():
        graph.replay()
        torch.cuda.synchronize()

    step.keep = (graph, out, x, forward)
    return step


def onnx_torch_step(model_name, batch):
    """A face model on PyTorch through onnx_torch.py (fp16, channels-last), replayed from a CUDA graph."""
    import torch  # noqa: PLC0415

    sys.path.insert(0, HERE)
    from onnx_torch import OnnxModule  # noqa: PLC0415

    if not torch.cuda.is_available():
        raise Skip("torch sees no CUDA device")
    path = os.path.join(FACE_DIR, model_name + ".onnx")
    if not os.path.exists(path):
        raise Skip(f"missing {path}")
    torch.backends.cudnn.benchmark = True
    model = OnnxModule(path, "cuda", torch.half, channels_last=True)
    shape = [batch] + model.input_shape[1:]
    x = torch.randn(*shape, device="cuda", dtype=torch.half).to(memory_format=torch.channels_last)
    return graph_step(model, x), "fp16"


def torch_step(model_name, batch, graph=False):
    import torch  # noqa: PLC0415 (imported in the worker that needs it)
    import torchvision  # noqa: PLC0415

    if not torch.cuda.is_available():
        raise Skip("torch sees no CUDA device")
    torch.backends.cudnn.benchmark = True
    ctor = getattr(torchvision.models, model_name)
    try:
        model = ctor(weights=None)
    except TypeError:  # torchvision < 0.13
        model = ctor(pretrained=False)
    model = model.eval().half().cuda().to(memory_format=torch.channels_last)
    x = torch.randn(batch, 3, 224, 224, device="cuda", dtype=torch.half).to(memory_format=torch.channels_last)
    if graph:
        return graph_step(model, x), "fp16"

    def step():
        with torch.inference_mode():
            model(x)
        torch.cuda.synchronize()

    return step, "fp16"


def prepare_onnx(path, batch):
    """The model as bytes with a free batch dimension and fp16 inside (inputs/outputs stay fp32), and its
    precision; fp32 when the converter is unavailable."""
    try:
        import onnx  # noqa: PLC0415
    except ImportError as e:
        if batch != 1:
            raise Skip("python package onnx missing: cannot change the batch") from e
        with open(path, "rb") as fh:
            return fh.read(), "fp32"
    m = onnx.load(path)
    if batch != 1:
        for vi in list(m.graph.input) + list(m.graph.output):
            dims = vi.type.tensor_type.shape.dim
            if len(dims) > 0:
                dims[0].ClearField("dim_value")
                dims[0].dim_param = "N"
        del m.graph.value_info[:]
    precision = "fp32"
    try:
        from onnxruntime.transformers.float16 import convert_float_to_float16  # noqa: PLC0415

        m = convert_float_to_float16(m, keep_io_types=True)
        precision = "fp16"
    except Exception as e:  # noqa: BLE001 (fall back to fp32, say so)
        print(f"models.py: {os.path.basename(path)} stays fp32 ({e})", file=sys.stderr)
    return m.SerializeToString(), precision


def ort_step(model_name, batch):
    import numpy as np  # noqa: PLC0415
    import onnxruntime as ort  # noqa: PLC0415

    if "CUDAExecutionProvider" not in ort.get_available_providers():
        raise Skip("onnxruntime has no CUDA execution provider")
    path = os.path.join(FACE_DIR, model_name + ".onnx")
    if not os.path.exists(path):
        raise Skip(f"missing {path}")
    blob, precision = prepare_onnx(path, batch)
    sess = ort.InferenceSession(blob, providers=["CUDAExecutionProvider"])
    if sess.get_providers()[0] != "CUDAExecutionProvider":
        raise Skip("onnxruntime did not place the model on CUDA")
    binding = sess.io_binding()
    keep = []
    for inp in sess.get_inputs():
        shape = [batch] + [d if isinstance(d, int) else 1 for d in inp.shape[1:]]
        dtype = np.float16 if "float16" in inp.type else np.float32
        value = ort.OrtValue.ortvalue_from_numpy(np.random.rand(*shape).astype(dtype), "cuda", 0)
        keep.append(value)
        binding.bind_ortvalue_input(inp.name, value)
    for out in sess.get_outputs():
        binding.bind_output(out.name, "cuda")

    sync = getattr(binding, "synchronize_outputs", None)  # older onnxruntime: run() already synchronises

    def step():
        sess.run_with_iobinding(binding)
        if sync is not None:
            sync()

    step.keep = (sess, binding, keep)
    return step, precision


def make_step(model_name, framework, batch):
    if model_name in TORCH_MODELS:
        return torch_step(model_name, batch, graph=framework == "pytorch-graph")
    if framework == "pytorch-graph":
        return onnx_torch_step(model_name, batch)
    return ort_step(model_name, batch)


def measure(step, batch, min_iters=20, min_time=1.0, max_iters=2000):
    for _ in range(5):
        step()
    times = []
    deadline = time.perf_counter() + min_time
    while (len(times) < min_iters or time.perf_counter() < deadline) and len(times) < max_iters:
        t0 = time.perf_counter()
        step()
        times.append(time.perf_counter() - t0)
    times.sort()
    mean = statistics.fmean(times)
    p99 = times[min(len(times) - 1, max(0, int(0.99 * len(times) + 0.5) - 1))]
    return {"iterations": len(times), "latency_ms_mean": f"{mean * 1e3:.4f}",
            "latency_ms_p50": f"{statistics.median(times) * 1e3:.4f}", "latency_ms_p99": f"{p99 * 1e3:.4f}",
            "throughput_sps": f"{batch / mean:.2f}"}


def trace_kernels(step, passes=TRACE_PASSES):
    """The GPU activities (kernels, memsets, copies) of `passes` more calls of `step`, as the PyTorch
    profiler (CUPTI) records them: a list of (name, start_us, end_us), sorted by start."""
    import torch  # noqa: PLC0415
    from torch.profiler import ProfilerActivity, profile  # noqa: PLC0415

    for _ in range(2):
        step()
    torch.cuda.synchronize()
    with profile(activities=[ProfilerActivity.CUDA]) as prof:
        for _ in range(passes):
            step()
        torch.cuda.synchronize()
    out = []
    for e in prof.events():
        if getattr(e, "device_type", None) != torch.autograd.DeviceType.CUDA:
            continue
        start, end = e.time_range.start, e.time_range.end
        if end > start:
            out.append((e.name, start, end))
    out.sort(key=lambda t: t[1])
    return out


def kernel_summary(events, passes):
    """model_kernels.csv's numbers from trace_kernels' events: per pass, the activities, their summed
    duration (the GPU's busy time) and the span from the first start to the last end. The events of each
    pass are consecutive; a count that does not divide by the passes is reported, not guessed."""
    if not events:
        raise Skip("the profiler recorded no GPU activity")
    if len(events) % passes:
        raise Skip(f"{len(events)} GPU activities over {passes} passes: not the same in every pass")
    per = len(events) // passes
    busy = sum(end - start for _, start, end in events) / passes
    spans = [max(e[2] for e in events[i:i + per]) - events[i][1] for i in range(0, len(events), per)]
    return {"passes": passes, "kernels_per_pass": per, "busy_ms_per_pass": f"{busy / 1e3:.4f}",
            "span_ms_per_pass": f"{statistics.median(spans) / 1e3:.4f}"}


def write_kernel_list(out_dir, model, framework, batch, events, passes):
    """Every activity of the first pass with its mean duration over the passes (raw, for per-layer study)."""
    per = len(events) // passes
    d = os.path.join(out_dir, "raw", "model_kernels")
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, f"{model}_{framework}_b{batch}.csv"), "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["index", "name", "duration_us_mean"])
        for i in range(per):
            mean = statistics.fmean(events[p * per + i][2] - events[p * per + i][1] for p in range(passes))
            w.writerow([i, events[i][0][:300], f"{mean:.3f}"])


def latency(out_dir, deadline):
    path = os.path.join(out_dir, "models.csv")
    kpath = os.path.join(out_dir, "model_kernels.csv")
    with open(path, "w", newline="", encoding="utf-8") as fh, \
            open(kpath, "w", newline="", encoding="utf-8") as kfh:
        w = csv.DictWriter(fh, fieldnames=MODEL_COLUMNS)
        w.writeheader()
        kw = csv.DictWriter(kfh, fieldnames=KERNEL_COLUMNS)
        kw.writeheader()
        for model, framework in [(m, f) for m in TORCH_MODELS + FACE_MODELS for f in frameworks_of(m)]:
            for batch in BATCHES:
                row = {"model": model, "framework": framework, "precision": "fp16", "batch": batch,
                       "iterations": "", "latency_ms_mean": "", "latency_ms_p50": "", "latency_ms_p99": "",
                       "throughput_sps": "", "status": "ok"}
                if time.time() > deadline:
                    row["status"] = "skipped: time budget"
                else:
                    try:
                        step, precision = make_step(model, framework, batch)
                        row["precision"] = precision
                        row.update(measure(step, batch))
                    except (Skip, ImportError) as e:
                        row["status"] = f"skipped: {e}"
                    except Exception as e:  # noqa: BLE001 (one failing model must not stop the others)
                        row["status"] = "error: " + " ".join(str(e).split())[:200]
                row["status"] = row["status"].replace(",", ";")
                w.writerow(row)
                fh.flush()
                print(f"models.py: {model} {framework} b{batch}: {row['status']} {row['latency_ms_mean']} ms",
                      file=sys.stderr)
                # The same batches' GPU time, traced after the latency row is safely written.
                krow = {k: row[k] for k in ("model", "framework", "precision", "batch")}
                krow.update({"passes": "", "kernels_per_pass": "", "busy_ms_per_pass": "", "span_ms_per_pass": "",
                             "status": "ok"})
                if row["status"] != "ok":
                    krow["status"] = "skipped: no latency row"
                elif time.time() > deadline:
                    krow["status"] = "skipped: time budget"
                else:
                    try:
                        events = trace_kernels(step)
                        krow.update(kernel_summary(events, TRACE_PASSES))
                        write_kernel_list(out_dir, model, framework, batch, events, TRACE_PASSES)
                    except (Skip, ImportError) as e:
                        krow["status"] = f"skipped: {e}"
                    except Exception as e:  # noqa: BLE001 (tracing must not stop the other rows)
                        krow["status"] = "error: " + " ".join(str(e).split())[:200]
                step = None
                krow["status"] = krow["status"].replace(",", ";")
                kw.writerow(krow)
                kfh.flush()
                print(f"models.py: {model} {framework} b{batch} traced: {krow['status']} "
                      f"{krow['busy_ms_per_pass']} ms busy", file=sys.stderr)


def worker(model, framework, batch, commands, results):
    """One process of a pair: builds its model, then runs it for the requested time when told to start."""
    try:
        step, precision = make_step(model, framework, batch)
        for _ in range(10):
            step()
        results.put(("ready", precision))
    except Exception as e:  # noqa: BLE001
        results.put(("error", " ".join(str(e).split())[:200]))
        return
    while True:
        cmd = commands.get()
        if cmd is None:
            return
        start_at, duration = cmd
        while time.time() < start_at:
            time.sleep(0.0005)
        n = 0
        t0 = time.perf_counter()
        while time.perf_counter() - t0 < duration:
            step()
            n += 1
        results.put(("done", n * batch / (time.perf_counter() - t0)))


def run_pair(ctx, a, b, duration):
    procs, cmds, res = [], [], []
    try:
        for model, framework, batch in (a, b):
            cq, rq = ctx.Queue(), ctx.Queue()
            p = ctx.Process(target=worker, args=(model, framework, batch, cq, rq), daemon=True)
            p.start()
            procs.append(p)
            cmds.append(cq)
            res.append(rq)
        precisions = []
        for rq in res:
            kind, value = rq.get(timeout=180)
            if kind != "ready":
                raise Skip(value)
            precisions.append(value)

        def go(which):
            start_at = time.time() + 0.3
            for i in which:
                cmds[i].put((start_at, duration))
            return [res[i].get(timeout=duration + 120)[1] for i in which]

        alone_a = go([0])[0]
        alone_b = go([1])[0]
        together = go([0, 1])
        return {"precision": "/".join(sorted(set(precisions))), "a_alone_sps": f"{alone_a:.2f}",
                "b_alone_sps": f"{alone_b:.2f}", "a_together_sps": f"{together[0]:.2f}",
                "b_together_sps": f"{together[1]:.2f}", "status": "ok"}
    finally:
        for cq in cmds:
            cq.put(None)
        for p in procs:
            p.join(timeout=30)
            if p.is_alive():
                p.terminate()  # our own worker, by its handle


def pairs(out_dir, deadline, duration):
    ctx = mp.get_context("spawn")
    path = os.path.join(out_dir, "model_pairs.csv")
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=PAIR_COLUMNS)
        w.writeheader()
        for a, b in PAIRS:
            tag = lambda s: f"{s[0]}_b{s[2]}" + ("_graph" if s[1] == "pytorch-graph" else "")  # noqa: E731
            row = {"pair": f"{tag(a)}+{tag(b)}", "model_a": a[0], "framework_a": a[1],
                   "batch_a": a[2], "model_b": b[0], "framework_b": b[1], "batch_b": b[2], "precision": "fp16",
                   "a_alone_sps": "", "b_alone_sps": "", "a_together_sps": "", "b_together_sps": "",
                   "status": "ok"}
            if time.time() > deadline:
                row["status"] = "skipped: time budget"
            else:
                try:
                    row.update(run_pair(ctx, a, b, duration))
                except (Skip, queue.Empty) as e:
                    row["status"] = f"skipped: {e or 'timeout'}"
                except Exception as e:  # noqa: BLE001
                    row["status"] = "error: " + " ".join(str(e).split())[:200]
            if row["precision"] not in ("fp32", "fp16", "bf16", "int8"):
                row["precision"] = "fp16"  # mixed fp16/fp32 pairs are reported as fp16 (README.md)
            row["status"] = row["status"].replace(",", ";")
            w.writerow(row)
            fh.flush()
            print(f"models.py: pair {row['pair']}: {row['status']}", file=sys.stderr)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("what", choices=["latency", "pairs"])
    ap.add_argument("out_dir")
    ap.add_argument("--budget", type=float, default=180.0, help="seconds before remaining rows are skipped")
    ap.add_argument("--pair-seconds", type=float, default=3.0, help="measuring time of each pair phase")
    args = ap.parse_args()
    deadline = time.time() + args.budget
    if args.what == "latency":
        latency(args.out_dir, deadline)
    else:
        pairs(args.out_dir, deadline, args.pair_seconds)


if __name__ == "__main__":
    main()
