// Ranges (inclusive). Sizes: 1 kB (L2) or 1 MB (memories) up to 1 PB, beyond any device. Bandwidths:
// 1 MB/s (slower than any host link) to 1 PB/s (200 x HBM3e). Compute peaks: 1 MFLOP/s to 1000 PFLOP/s.
// Clocks: 1 MHz to 100 GHz. Powers: 0.1 W to 100 kW. Per-kernel and per-switch costs: at most 1 s (a
// kernel launch costs microseconds; 1 s already stalls every request). Periods start at 1 us (shorter ones
// are denormal typos that stop simulated time advancing) and, like every duration, end at 1e6 s, where a
// double still resolves 1 ns. Counts end at 1e5 (SMs, devices per entry) or 1e3 (MIG slices, instances).

#include "platforms/input_schema.hpp"

#include "platforms/contention_spec.hpp"

namespace gpusim {

const Schema& platform_schema() {
  static const Schema s = [] {
    Schema p;
    p.title = "platform.yaml";
    p.intro =
        "The machines: nodes, their devices (each a catalog entry, optionally overridden), and the "
        "contention "
        "mechanisms. Device fields under `overrides` take the keys and ranges of a catalog entry (below).";
    auto& f = p.fields;
    f.push_back(
        number_field("memory_headroom", "0.05", "1", "0.8", "usable fraction of each device's memory"));
    f.push_back(plain_field("calibration", FieldKind::TEXT, "none",
                            "calibration overlay written by `gpusim calibrate` (path relative to this file): "
                            "its fitted efficiencies and launch overhead replace the catalog's"));
    f.push_back(plain_field("contention", FieldKind::MAPPING, "all on",
                            "contention mechanisms, each on, off or a "
                            "mapping of its parameters"));
    f.push_back(choice_field("contention.<mechanism>",
                             "on, off or a mapping; mechanisms: " + mechanism_list(), "on",
                             "switches one mechanism; a mapping sets its parameters"));
    f.push_back(plain_field("contention.<mechanism>.enabled", FieldKind::FLAG, "true",
                            "in a mapping of parameters: whether the mechanism is on"));
    f.push_back(number_field("contention.l2.sensitivity", "0", "1", "1",
                             "share of their L2 hits co-runners lose at full L2 overflow"));
    f.push_back(quantity_field("contention.time_slice.slice", Dimension::SECONDS, "1us", "1s", "2ms",
                               "time slice of a context while others wait"));
    f.push_back(quantity_field("contention.time_slice.switch_cost", Dimension::SECONDS, "0s", "1s", "25us",
                               "cost of one context switch"));
    f.push_back(number_field("contention.power.compute_power", "0", "2", "0.85",
                             "share of (tdp - idle_power) drawn by fully busy SMs at the boost clock"));
    f.push_back(number_field("contention.power.clock_exponent", "1", "3", "3",
                             "dynamic SM power goes as (clock / boost) to this power: 3 where voltage "
                             "scales with the clock, 1 where it is pinned"));
    f.push_back(number_field("contention.power.memory_power", "0", "2", "0.35",
                             "share of (tdp - idle_power) drawn by a saturated memory bus"));
    f.push_back(quantity_field("contention.power.period", Dimension::SECONDS, "1us", "1e6s", "10ms",
                               "period of the power and thermal controllers"));
    f.push_back(quantity_field("contention.sample_interval", Dimension::SECONDS, "1us", "1e6s", "100ms",
                               "interval of the power and utilisation time series"));
    f.push_back(plain_field("nodes", FieldKind::LIST, "required", "the nodes, at least one"));
    f.push_back(plain_field("nodes[].name", FieldKind::NAME, "required", "unique node name"));
    f.push_back(quantity_field("nodes[].pcie_bandwidth", Dimension::BYTE_RATE, "1MBps", "1PBps",
                               "the device's own", "host link of every device on the node"));
    f.push_back(
        plain_field("nodes[].devices", FieldKind::LIST, "required", "the node's devices, at least one"));
    f.push_back(plain_field("nodes[].devices[].name", FieldKind::NAME, "required",
                            "unique device name (with count > 1: NAME0, NAME1, ...)"));
    f.push_back(plain_field("nodes[].devices[].type", FieldKind::NAME, "required", "a catalog entry name"));
    f.push_back(
        integer_field("nodes[].devices[].count", 1, 100000, "1", "identical devices from this entry"));
    f.push_back(plain_field("nodes[].devices[].overrides", FieldKind::MAPPING, "none",
                            "catalog fields replaced for this device (keys and ranges of a catalog entry)"));
    f.push_back(choice_field("nodes[].devices[].sharing", "time-slice, mps, mig", "time-slice",
                             "how co-located workloads share the device"));
    f.push_back(quantity_field("nodes[].devices[].pcie_bandwidth", Dimension::BYTE_RATE, "1MBps", "1PBps",
                               "the node's, else the catalog's", "host link of this device"));
    FieldSpec cap = quantity_field("nodes[].devices[].power_cap", Dimension::WATTS, "", "", "tdp",
                                   "power limit of the controller (above tdp: a warning; the board's own "
                                   "limit is rarely higher)");
    cap.range_note = "above the device's idle_power, at most 2 x its tdp";
    f.push_back(cap);
    f.push_back(integer_field("nodes[].devices[].queue_limit", 0, 1000000, "0",
                              "requests waiting on the device (0 = unbounded)"));
    f.push_back(plain_field("nodes[].devices[].mig", FieldKind::LIST, "required with sharing: mig",
                            "MIG profile names of the partition, or `auto` (the scheduler chooses)"));
    return p;
  }();
  return s;
}

const Schema& device_schema() {
  static const Schema s = [] {
    Schema p;
    p.title = "catalog entry (platforms/catalog/NAME.yaml)";
    p.intro =
        "One device type. In `overrides:` of platform.yaml every key is optional and replaces the "
        "catalog's value; in a catalog file the keys marked required must be present.";
    auto& f = p.fields;
    f.push_back(plain_field("name", FieldKind::NAME, "required", "entry name, equal to the file name"));
    f.push_back(plain_field("vendor", FieldKind::TEXT, "empty", "maker"));
    f.push_back(plain_field("architecture", FieldKind::TEXT, "empty", "architecture and die"));
    f.push_back(plain_field("form_factor", FieldKind::TEXT, "empty", "PCIe, SXM, module, ..."));
    f.push_back(integer_field("sm_count", 1, 100000, "required", "streaming multiprocessors"));
    f.push_back(integer_field("fp32_lanes_per_sm", 1, 100000, "required", "FP32 lanes (CUDA cores) per SM"));
    f.push_back(plain_field("sm_limits", FieldKind::MAPPING, "compute capability 8.0's",
                            "what one SM holds at once (CUDA C++ Programming Guide, technical "
                            "specifications per compute capability); sizes kernels' launch geometry"));
    f.push_back(integer_field("sm_limits.threads", 32, 100000, "2048", "resident threads per SM"));
    f.push_back(integer_field("sm_limits.blocks", 1, 100000, "32", "resident thread blocks per SM"));
    f.push_back(integer_field("sm_limits.registers", 1024, 10000000, "65536", "32-bit registers per SM"));
    f.push_back(quantity_field("sm_limits.shared_memory", Dimension::BYTES, "1kB", "1GB", "164KiB",
                               "shared memory per SM that thread blocks may use"));
    f.push_back(quantity_field("boost_clock", Dimension::HERTZ, "1MHz", "100GHz", "required", "boost clock"));
    f.push_back(
        quantity_field("base_clock", Dimension::HERTZ, "1MHz", "100GHz", "boost_clock", "base clock"));
    f.push_back(plain_field("tensor_macs_per_sm_per_clock", FieldKind::MAPPING, "none",
                            "dense tensor-core multiply-accumulates per SM per clock, by precision"));
    f.push_back(number_field("tensor_macs_per_sm_per_clock.<precision>", "0.001", "1000000", "absent",
                             "MACs per SM per clock at that precision"));
    f.push_back(
        plain_field("peaks", FieldKind::MAPPING, "required",
                    "dense datasheet peaks by precision (fp64, fp32, tf32, fp16, bf16, int8, int4); fp32 "
                    "is required, an absent precision is unsupported"));
    f.push_back(quantity_field("peaks.<precision>", Dimension::FLOP_RATE, "1Mf", "1000Pf", "absent",
                               "peak at that precision"));
    f.push_back(quantity_field("memory", Dimension::BYTES, "1MB", "1PB", "required", "device memory"));
    f.push_back(plain_field("memory_type", FieldKind::TEXT, "empty", "HBM2, GDDR6, ..."));
    f.push_back(quantity_field("memory_bandwidth", Dimension::BYTE_RATE, "1MBps", "1PBps", "required",
                               "peak memory bandwidth"));
    f.push_back(quantity_field("l2_cache", Dimension::BYTES, "1kB", "1PB", "required", "L2 cache size"));
    f.push_back(quantity_field("l2_bandwidth", Dimension::BYTE_RATE, "1MBps", "1PBps", "absent: no L2 hits",
                               "L2 read bandwidth (bytes/clk x boost clock); L2 hits are served at it"));
    f.push_back(integer_field("l2_partitions", 1, 8, "1",
                              "L2 partitions, each caching data for the SMs wired to it (A100, H100: 2); "
                              "a kernel whose L2 footprint exceeds one partition has part of its hits "
                              "served by the far one"));
    f.push_back(quantity_field("pcie_bandwidth", Dimension::BYTE_RATE, "1MBps", "1PBps", "required",
                               "host link, one direction"));
    f.push_back(quantity_field("tdp", Dimension::WATTS, "0.1W", "100kW", "required", "board power limit"));
    FieldSpec idle = quantity_field("idle_power", Dimension::WATTS, "0.1W", "100kW", "required",
                                    "power drawn with nothing running");
    idle.range_note = "below tdp";
    f.push_back(idle);
    f.push_back(
        plain_field("efficiency", FieldKind::MAPPING, "none", "fractions of peak real kernels reach"));
    f.push_back(number_field("efficiency.compute", "0.01", "1", "0.7", "fraction of peak compute"));
    f.push_back(number_field("efficiency.memory", "0.01", "1", "0.85", "fraction of peak memory bandwidth"));
    f.push_back(number_field("efficiency.l2", "0.01", "1", "efficiency.memory",
                             "fraction of l2_bandwidth that reads served by L2 reach"));
    f.push_back(number_field("efficiency.l2_far", "0.01", "1", "1",
                             "bandwidth of a hit served by the far L2 partition / a near hit's"));
    f.push_back(plain_field("power", FieldKind::MAPPING, "none",
                            "power model shares of this device type (sim/power_model.hpp); each replaces the "
                            "platform's contention.power value on it"));
    f.push_back(
        number_field("power.compute", "0", "2", "contention.power.compute_power",
                     "share of (TDP - idle) drawn by SMs fully busy with tensor-core kernels at boost"));
    f.push_back(number_field("power.simt", "0", "2", "power.compute",
                             "the same for CUDA-core kernels (FP32/FP64 arithmetic, element-wise)"));
    f.push_back(number_field("power.memory", "0", "2", "contention.power.memory_power",
                             "share of (TDP - idle) drawn by a saturated memory bus"));
    f.push_back(quantity_field("launch_overhead", Dimension::SECONDS, "0s", "1s", "5us",
                               "fixed cost before each kernel"));
    f.push_back(plain_field("thermal", FieldKind::MAPPING, "none", "RC thermal model"));
    f.push_back(
        quantity_field("thermal.ambient", Dimension::CELSIUS, "-50C", "100C", "35C", "inlet temperature"));
    f.push_back(quantity_field("thermal.resistance", Dimension::KELVIN_PER_WATT, "0.001K/W", "100K/W",
                               "0.16K/W", "temperature rise per watt"));
    f.push_back(quantity_field("thermal.time_constant", Dimension::SECONDS, "1ms", "1e6s", "60s",
                               "RC time constant"));
    f.push_back(quantity_field("thermal.limit", Dimension::CELSIUS, "0C", "200C", "85C",
                               "temperature above which the clock steps down"));
    f.push_back(plain_field("mig_profiles", FieldKind::LIST, "none", "MIG profiles (NVIDIA MIG user guide)"));
    f.push_back(plain_field("mig_profiles[].name", FieldKind::NAME, "required", "profile name, e.g. 1g.5gb"));
    f.push_back(integer_field("mig_profiles[].compute_slices", 1, 1000, "required", "compute slices used"));
    f.push_back(integer_field("mig_profiles[].memory_slices", 1, 1000, "required", "memory slices used"));
    f.push_back(integer_field("mig_profiles[].sm_count", 1, 100000, "required", "SMs of one instance"));
    f.push_back(quantity_field("mig_profiles[].memory", Dimension::BYTES, "1MB", "1PB", "required",
                               "memory of one instance"));
    f.push_back(integer_field("mig_profiles[].max_instances", 1, 1000, "required",
                              "instances of this profile at most"));
    f.push_back(
        plain_field("sources", FieldKind::LIST, "required", "citations for the numbers, at least one"));
    f.push_back(plain_field("sources[]", FieldKind::TEXT, "", "one citation"));
    f.push_back(plain_field("notes", FieldKind::TEXT, "empty", "free text"));
    return p;
  }();
  return s;
}

}  // namespace gpusim
