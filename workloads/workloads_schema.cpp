// Ranges (inclusive). Durations (run length, drain, SLA, batching delay) end at 1e6 s (11.6 days, far
// beyond any contention experiment), where a double still resolves 1 ns of simulated time; the run length
// and the SLA start at 1 us, the shortest meaningful interval. Arrival rates run from 1e-6/s (one request
// in the longest run) to 1e6/s (one per microsecond). Sizes are never negative and end at 1 PB; a transfer
// size is 0 (none) or at least 1 B, since a denormal size keeps a run at t = 0. Counts end at 1e6 (streams,
// kernels, batch): each is memory the simulator holds, and larger is a typo.

#include "workloads/workloads_schema.hpp"

namespace gpusim {

const Schema& workloads_schema() {
  static const Schema s = [] {
    Schema p;
    p.title = "workloads.yaml";
    p.intro =
        "The run and the request streams. A stage of a `pipeline` takes the same `model` forms as a workload "
        "(`workloads[].model.*` below).";
    auto& f = p.fields;
    f.push_back(plain_field("run", FieldKind::MAPPING, "required", "length, seed and scheduler of the run"));
    f.push_back(quantity_field("run.duration", Dimension::SECONDS, "1us", "1e6s", "required",
                               "simulated time during which requests arrive"));
    FieldSpec warmup = quantity_field("run.warmup", Dimension::SECONDS, "0s", "1e6s", "0s",
                                      "requests arriving before this are not measured");
    warmup.range_note = "shorter than duration";
    f.push_back(warmup);
    f.push_back(quantity_field("run.drain", Dimension::SECONDS, "0s", "1e6s", "10s",
                               "time after duration left for queued requests to finish"));
    f.push_back(integer_field("run.seed", 0, 9223372036854775807LL, "1", "seed of every random stream"));
    f.push_back(plain_field("run.scheduler", FieldKind::NAME, "round-robin",
                            "a registered scheduler (`gpusim --help` lists them)"));
    f.push_back(plain_field("run.scheduler_params", FieldKind::MAPPING, "none",
                            "the scheduler's parameters (docs/schedulers.md)"));
    f.push_back(plain_field("workloads", FieldKind::LIST, "required", "the request streams, at least one"));
    f.push_back(plain_field("workloads[].name", FieldKind::NAME, "required", "unique workload name"));
    f.push_back(integer_field("workloads[].count", 1, 1000000, "1", "identical instances of the stream"));
    f.push_back(integer_field("workloads[].batch", 1, 1000000, "1", "samples per request"));
    f.push_back(choice_field("workloads[].precision", "fp64, fp32, tf32, fp16, bf16, int8, int4", "fp32",
                             "arithmetic precision"));
    f.push_back(integer_field("workloads[].priority", -1000000, 1000000, "0", "larger = more important"));
    f.push_back(quantity_field("workloads[].sla", Dimension::SECONDS, "1us", "1e6s", "none",
                               "end-to-end latency target"));
    f.push_back(plain_field("workloads[].host", FieldKind::MAPPING, "none",
                            "CPU time per request outside the GPU, part of its latency (docs/models.md)"));
    f.push_back(quantity_field("workloads[].host.pre", Dimension::SECONDS, "0s", "1e6s", "0s",
                               "before the request reaches its device's queue (decode, resize)"));
    f.push_back(quantity_field("workloads[].host.post", Dimension::SECONDS, "0s", "1e6s", "0s",
                               "after its outputs are back on the host (NMS, encoding)"));
    f.push_back(quantity_field("workloads[].host.launch", Dimension::SECONDS, "0s", "1s", "0s",
                               "CPU time issuing each kernel (framework dispatch + driver; eager PyTorch)"));
    f.push_back(plain_field("workloads[].placement", FieldKind::MAPPING, "any unit",
                            "where the instances may run: `device` (with `slice`) or `devices`"));
    f.push_back(plain_field("workloads[].placement.device", FieldKind::NAME, "none",
                            "the one device (its name in platform.yaml) the instances run on"));
    FieldSpec slice = integer_field("workloads[].placement.slice", 0, 1000, "any slice of `device`",
                                    "the one MIG slice: its position in the device's `mig:` list, from 0");
    slice.range_note = "below the number of slices in the device's `mig:` list";
    f.push_back(slice);
    f.push_back(plain_field("workloads[].placement.devices", FieldKind::LIST, "none",
                            "device names the instances may run on (any unit of each)"));
    f.push_back(plain_field("workloads[].arrival", FieldKind::MAPPING, "required", "when requests arrive"));
    f.push_back(
        choice_field("workloads[].arrival.kind", "periodic, poisson, trace", "required", "arrival process"));
    f.push_back(quantity_field("workloads[].arrival.rate", Dimension::PER_SECOND, "1e-6/s", "1e6/s",
                               "required (periodic, poisson)", "mean arrival rate"));
    FieldSpec phase = quantity_field("workloads[].arrival.phase", Dimension::SECONDS, "0s", "1e6s",
                                     "random (periodic)",
                                     "periodic: the first arrival of every instance (synchronised cameras), "
                                     "or `spread`: instance i of N at i / (N x rate); without it each "
                                     "instance's phase is drawn from the seed");
    phase.range_note = "below the period, 1 / rate";
    f.push_back(phase);
    f.push_back(plain_field("workloads[].arrival.file", FieldKind::TEXT, "required (trace)",
                            "trace file, one arrival time with its unit per line (relative to this file)"));
    f.push_back(plain_field("workloads[].model", FieldKind::MAPPING, "model or pipeline",
                            "`zoo:NAME`, an ONNX file, or an explicit descriptor (the keys below)"));
    f.push_back(quantity_field("workloads[].model.flops", Dimension::FLOPS, "1f", "1e18f", "required",
                               "operations per sample"));
    f.push_back(quantity_field("workloads[].model.bytes", Dimension::BYTES, "1B", "1PB", "required",
                               "memory traffic per sample, weights included"));
    f.push_back(quantity_field("workloads[].model.weights", Dimension::BYTES, "0B", "1PB",
                               "params x precision", "weights, read once per invocation"));
    f.push_back(
        number_field("workloads[].model.params", "0", "1e15", "weights / precision", "parameter count"));
    f.push_back(quantity_field("workloads[].model.activations", Dimension::BYTES, "0B", "1PB", "0B",
                               "activation memory per sample"));
    f.push_back(
        integer_field("workloads[].model.kernels", 1, 1000000, "1", "kernels the work is split into"));
    f.push_back(number_field("workloads[].model.blocks", "1", "1e12", "fills the device",
                             "thread blocks of each kernel per sample (its grid: waves and the share of "
                             "the device it occupies)"));
    f.push_back(integer_field("workloads[].model.blocks_per_sm", 1, 1024, "1",
                              "blocks of each kernel one SM holds at once (with `blocks`)"));
    f.push_back(plain_field("workloads[].model.l2_reuse", FieldKind::FLAG, "false",
                            "L2 hits as a model's: each kernel reads half its activations from the one "
                            "before, weights stay in L2 across requests when they fit"));
    FieldSpec input = quantity_field("workloads[].model.input", Dimension::BYTES, "1B", "1PB", "0B",
                                     "bytes per sample copied host to device");
    input.zero_too = true;
    f.push_back(input);
    FieldSpec output = quantity_field("workloads[].model.output", Dimension::BYTES, "1B", "1PB", "0B",
                                      "bytes per sample copied device to host");
    output.zero_too = true;
    f.push_back(output);
    f.push_back(plain_field("workloads[].pipeline", FieldKind::LIST, "model or pipeline",
                            "stages, at least one, in an order that respects `after`"));
    f.push_back(plain_field("workloads[].pipeline[].name", FieldKind::NAME, "required", "unique stage name"));
    f.push_back(
        plain_field("workloads[].pipeline[].model", FieldKind::MAPPING, "required", "as workloads[].model"));
    f.push_back(plain_field("workloads[].pipeline[].per_face", FieldKind::FLAG, "false",
                            "runs once per fan-out item (faces_per_frame)"));
    f.push_back(plain_field("workloads[].pipeline[].after", FieldKind::LIST, "none",
                            "names of earlier stages that must finish first"));
    f.push_back(plain_field("workloads[].batching", FieldKind::MAPPING, "none", "dynamic batching"));
    f.push_back(integer_field("workloads[].batching.max_batch", 1, 1000000, "required",
                              "a batch starts when this many samples wait"));
    f.push_back(quantity_field("workloads[].batching.max_delay", Dimension::SECONDS, "0s", "1e6s", "5ms",
                               "... or when the oldest has waited this long"));
    FieldSpec fan = integer_field("workloads[].faces_per_frame", 0, 1000, "required with per_face stages",
                                  "fan-out items per request: a whole number, or a mapping (below)");
    f.push_back(fan);
    f.push_back(choice_field("workloads[].faces_per_frame.kind", "poisson, uniform", "required",
                             "distribution of the fan-out"));
    FieldSpec mean =
        number_field("workloads[].faces_per_frame.mean", "0", "1e4", "required (poisson)", "mean fan-out");
    mean.range_note = "greater than 0";
    f.push_back(mean);
    f.push_back(integer_field("workloads[].faces_per_frame.min", 0, 100000, "required (uniform)",
                              "smallest fan-out"));
    FieldSpec max = integer_field("workloads[].faces_per_frame.max", 0, 100000, "3 x mean + 3 (poisson)",
                                  "largest fan-out (required for uniform)");
    max.range_note = "at least 1 (poisson), at least min (uniform)";
    f.push_back(max);
    return p;
  }();
  return s;
}

}  // namespace gpusim
