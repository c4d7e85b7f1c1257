// Every error message a user can meet from platform.yaml, workloads.yaml, trace files, catalog entries and
// the command line: the exact one-line text with its FILE:LINE:COL (yaml-cpp marks are 0-based, ours
// 1-based). The inputs are tests/data/bad/*, each a few lines long so the expected line and column can be
// read off the file. The last group runs the gpusim binary: exit code 2, one line on stderr, no output file.

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "tests/support/command.hpp"
#include "core/errors.hpp"
#include "platforms/calibration.hpp"
#include "platforms/catalog.hpp"
#include "platforms/input_schema.hpp"
#include "platforms/parse_platform.hpp"
#include "scheduler/scheduler.hpp"
#include "sim/plan.hpp"
#include "workloads/parse_workloads.hpp"
#include "workloads/workloads_schema.hpp"

namespace gpusim {
namespace {

const std::string kData = GPUSIM_TEST_DATA_DIR;

/// Absolute path of a file in tests/data/bad.
std::string bad(const std::string& name) { return kData + "/bad/" + name; }

/// A100-PCIe-40GB from the bundled catalog (only that entry, so other entries cannot change the messages)
/// and TestT4 (tests/data/catalog: a T4 without int4 and without MIG).
const Catalog& test_catalog() {
  static const Catalog catalog = [] {
    Catalog c;
    c.add_file(std::string(GPUSIM_CATALOG_DIR) + "/A100-PCIe-40GB.yaml");
    c.add_file(kData + "/catalog/TestT4.yaml");
    return c;
  }();
  return catalog;
}

constexpr const char* kNoError = "(no error)";

std::string platform_error(const std::string& file) {
  try {
    parse_platform(bad(file), test_catalog());
  } catch (const ConfigError& e) {
    return e.what();
  }
  return kNoError;
}

std::string workloads_error(const std::string& file) {
  try {
    parse_workloads(bad(file));
  } catch (const ConfigError& e) {
    return e.what();
  }
  return kNoError;
}

std::string catalog_error(const std::string& file) {
  try {
    parse_device_file(bad("catalog/" + file));
  } catch (const ConfigError& e) {
    return e.what();
  }
  return kNoError;
}

/// What `gpusim run` does before simulating: parse both files, make the scheduler, make the plan.
std::string plan_error(const std::string& platform, const std::string& workloads) {
  try {
    Scenario sc;
    sc.platform = parse_platform(bad(platform), test_catalog());
    sc.workloads = parse_workloads(bad(workloads));
    const RunSpec& run = sc.workloads.run;
    auto policy = make_scheduler(run.scheduler, run.scheduler_params);
    make_plan(sc, *policy, run.scheduler);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return kNoError;
}

// ---------------------------------------------------------------------------------------------------------
// Files that are not YAML mappings at all.

TEST(BadInputFile, MissingFileIsNamed) {
  EXPECT_EQ(platform_error("no_such_platform.yaml"),
            bad("no_such_platform.yaml") + ": error: cannot open file");
}

TEST(BadInputFile, DirectoryIsNotAFile) {
  EXPECT_EQ(platform_error("catalog"), bad("catalog") + ": error: cannot open file: it is a directory");
}

TEST(BadInputFile, EmptyFile) {
  EXPECT_EQ(platform_error("platform_empty.yaml"), bad("platform_empty.yaml") + ": error: file is empty");
  EXPECT_EQ(platform_error("platform_comment_only.yaml"),
            bad("platform_comment_only.yaml") + ": error: file is empty");
}

TEST(BadInputFile, MalformedYamlPointsAtTheBadLine) {
  // Line 6 is indented by 7 spaces, between the device's keys (8) and the list item (6).
  EXPECT_EQ(platform_error("platform_malformed.yaml"),
            bad("platform_malformed.yaml") + ":6:8: error: malformed YAML: end of sequence not found");
  EXPECT_EQ(workloads_error("workloads_malformed.yaml"),
            bad("workloads_malformed.yaml") + ":2:10: error: malformed YAML: end of map flow not found");
}

TEST(BadInputFile, TabIndentation) {
  EXPECT_EQ(
      platform_error("platform_tab.yaml"),
      bad("platform_tab.yaml") + ":3:1: error: malformed YAML: illegal tab when looking for indentation");
}

TEST(BadInputFile, TopLevelMustBeAMapping) {
  EXPECT_EQ(platform_error("platform_not_a_map.yaml"),
            bad("platform_not_a_map.yaml") + ":1:1: error: platform must be a mapping of key: value");
}

TEST(BadInputFile, KeyThatIsAListIsAnErrorNotACrash) {
  EXPECT_EQ(platform_error("platform_nonscalar_key.yaml"),
            bad("platform_nonscalar_key.yaml") +
                ":4:3: error: platform: a key must be a plain name, not a list or a mapping");
}

// ---------------------------------------------------------------------------------------------------------
// platform.yaml

TEST(BadInputPlatform, UnknownTopLevelKeyListsKnownKeys) {
  EXPECT_EQ(platform_error("platform_unknown_top_key.yaml"),
            bad("platform_unknown_top_key.yaml") +
                ":5:1: error: platform: unknown key 'gpus' (known: calibration, contention, memory_headroom, nodes)");
}

TEST(BadInputPlatform, UnknownNodeKey) {
  EXPECT_EQ(platform_error("platform_unknown_node_key.yaml"),
            bad("platform_unknown_node_key.yaml") +
                ":3:5: error: node: unknown key 'cpus' (known: devices, name, pcie_bandwidth)");
}

TEST(BadInputPlatform, UnknownDeviceKey) {
  EXPECT_EQ(
      platform_error("platform_unknown_device_key.yaml"),
      bad("platform_unknown_device_key.yaml") +
          ":6:9: error: device: unknown key 'colour' (known: count, mig, name, overrides, pcie_bandwidth, "
          "power_cap, queue_limit, sharing, type)");
}

TEST(BadInputPlatform, UnknownOverrideKey) {
  EXPECT_EQ(
      platform_error("platform_unknown_override_key.yaml"),
      bad("platform_unknown_override_key.yaml") +
          ":6:21: error: overrides of device 'gpu': unknown key 'memroy' (known: architecture, base_clock, "
          "boost_clock, efficiency, form_factor, fp32_lanes_per_sm, idle_power, l2_bandwidth, l2_cache, "
          "l2_partitions, "
          "launch_overhead, "
          "memory, memory_bandwidth, memory_type, mig_profiles, notes, pcie_bandwidth, peaks, power, "
          "sm_count, "
          "sm_limits, sources, tdp, tensor_macs_per_sm_per_clock, thermal, vendor)");
}

TEST(BadInputPlatform, DuplicateKeyPointsAtTheSecond) {
  EXPECT_EQ(platform_error("platform_duplicate_key.yaml"),
            bad("platform_duplicate_key.yaml") + ":6:9: error: device: duplicate key 'type'");
}

TEST(BadInputPlatform, DuplicateDeviceName) {
  EXPECT_EQ(platform_error("platform_duplicate_device.yaml"),
            bad("platform_duplicate_device.yaml") +
                ":5:9: error: duplicate device name 'gpu' (the device at line 4 has it too)");
}

TEST(BadInputPlatform, DuplicateDeviceNameFromCount) {
  // `name: gpu, count: 2` makes gpu0 and gpu1.
  EXPECT_EQ(platform_error("platform_duplicate_device_count.yaml"),
            bad("platform_duplicate_device_count.yaml") +
                ":5:9: error: duplicate device name 'gpu1' (the device at line 4 has it too)");
}

TEST(BadInputPlatform, DuplicateNodeName) {
  EXPECT_EQ(platform_error("platform_duplicate_node.yaml"),
            bad("platform_duplicate_node.yaml") + ":4:11: error: duplicate node name 'n0'");
}

TEST(BadInputPlatform, EmptyLists) {
  EXPECT_EQ(platform_error("platform_no_nodes.yaml"),
            bad("platform_no_nodes.yaml") + ":1:8: error: 'nodes' must list at least one node");
  EXPECT_EQ(platform_error("platform_no_devices.yaml"),
            bad("platform_no_devices.yaml") + ":3:14: error: node 'n0': 'devices' is empty");
}

TEST(BadInputPlatform, MissingRequiredKey) {
  EXPECT_EQ(platform_error("platform_missing_type.yaml"),
            bad("platform_missing_type.yaml") + ":4:9: error: device: missing required key 'type'");
}

TEST(BadInputPlatform, UnknownCatalogTypeListsKnownTypes) {
  EXPECT_EQ(
      platform_error("platform_unknown_type.yaml"),
      bad("platform_unknown_type.yaml") +
          ":5:15: error: device 'gpu': unknown catalog entry 'A100-90GB' (known: A100-PCIe-40GB, TestT4)");
}

TEST(BadInputPlatform, UnknownSharingMode) {
  EXPECT_EQ(platform_error("platform_unknown_sharing.yaml"),
            bad("platform_unknown_sharing.yaml") +
                ":6:18: error: device 'gpu': unknown sharing mode 'exclusive' (known: time-slice, mps, mig)");
}

TEST(BadInputPlatform, MigWithoutProfiles) {
  EXPECT_EQ(platform_error("platform_mig_no_profiles.yaml"),
            bad("platform_mig_no_profiles.yaml") +
                ":4:9: error: device 'gpu': sharing 'mig' needs a 'mig' list of profiles (or 'mig: auto')");
}

TEST(BadInputPlatform, UnknownMigProfilePointsAtTheProfile) {
  EXPECT_EQ(
      platform_error("platform_mig_unknown_profile.yaml"),
      bad("platform_mig_unknown_profile.yaml") +
          ":7:23: error: device 'gpu': unknown MIG profile '1g.10gb' for A100-PCIe-40GB (known: 1g.5gb, "
          "2g.10gb, 3g.20gb, 4g.20gb, 7g.40gb)");
}

TEST(BadInputPlatform, TooManyInstancesOfAMigProfile) {
  // NVIDIA MIG user guide: one 4g.20gb instance at most on an A100 40GB.
  EXPECT_EQ(
      platform_error("platform_mig_too_many_instances.yaml"),
      bad("platform_mig_too_many_instances.yaml") +
          ":7:24: error: device 'gpu': at most 1 instance(s) of MIG profile '4g.20gb' on A100-PCIe-40GB");
}

TEST(BadInputPlatform, MigPartitionOverTheSliceBudget) {
  // 4 + 3 + 1 = 8 compute slices (A100 has 7); 4 + 4 + 1 = 9 memory slices (A100 has 8).
  EXPECT_EQ(
      platform_error("platform_mig_too_many_slices.yaml"),
      bad("platform_mig_too_many_slices.yaml") +
          ":7:14: error: device 'gpu': MIG partition needs 8 compute and 9 memory slices, A100-PCIe-40GB has "
          "7 and 8");
}

TEST(BadInputPlatform, MigOnADeviceWithoutMig) {
  EXPECT_EQ(platform_error("platform_mig_unsupported_device.yaml"),
            bad("platform_mig_unsupported_device.yaml") +
                ":7:14: error: device 'gpu': TestT4 does not support MIG");
}

TEST(BadInputPlatform, MigListWithoutMigSharing) {
  EXPECT_EQ(platform_error("platform_mig_without_sharing.yaml"),
            bad("platform_mig_without_sharing.yaml") +
                ":6:14: error: device 'gpu': 'mig' is only valid with sharing: mig");
}

TEST(BadInputPlatform, PowerCapBelowIdlePower) {
  // A100-PCIe-40GB.yaml: idle_power 35W.
  EXPECT_EQ(platform_error("platform_power_cap_below_idle.yaml"),
            bad("platform_power_cap_below_idle.yaml") +
                ":6:20: error: device 'gpu': power_cap must be above the idle power (35 W)");
}

TEST(BadInputPlatform, PowerCapWithoutUnit) {
  EXPECT_EQ(platform_error("platform_power_cap_no_unit.yaml"),
            bad("platform_power_cap_no_unit.yaml") +
                ":6:20: error: 'power_cap': '200' has no unit: expected a power with a unit, such as 70W");
}

TEST(BadInputPlatform, WrongUnit) {
  EXPECT_EQ(platform_error("platform_wrong_unit.yaml"),
            bad("platform_wrong_unit.yaml") +
                ":3:21: error: 'pcie_bandwidth': unknown unit 'GB' in '16GB': expected a bandwidth with a "
                "unit, such as 900GBps (accepted: Bps, B/s, with an optional prefix k or K, M, G, T, P for "
                "powers of 10, or Ki, Mi, Gi, Ti, Pi for powers of 2)");
}

TEST(BadInputPlatform, CountOutOfRange) {
  EXPECT_EQ(platform_error("platform_zero_count.yaml"),
            bad("platform_zero_count.yaml") + ":4:50: error: 'count' must be at least 1 (got 0)");
  // Was accepted and then exhausted memory building three billion devices.
  EXPECT_EQ(
      platform_error("platform_huge_count.yaml"),
      bad("platform_huge_count.yaml") + ":4:50: error: 'count' must be at most 100000 (got 3000000000)");
}

TEST(BadInputPlatform, MemoryHeadroomOutOfRange) {
  EXPECT_EQ(platform_error("platform_headroom_range.yaml"),
            bad("platform_headroom_range.yaml") +
                ":1:18: error: 'memory_headroom' must be between 0.05 and 1 (got 1.5)");
}

TEST(BadInputPlatform, OverrideTdpBelowIdlePower) {
  EXPECT_EQ(platform_error("platform_override_idle_above_tdp.yaml"),
            bad("platform_override_idle_above_tdp.yaml") +
                ":6:20: error: device 'A100-PCIe-40GB': idle_power must be below tdp");
}

// ---------------------------------------------------------------------------------------------------------
// workloads.yaml

TEST(BadInputWorkloads, UnknownKeysListKnownKeys) {
  EXPECT_EQ(workloads_error("workloads_unknown_top_key.yaml"),
            bad("workloads_unknown_top_key.yaml") +
                ":2:1: error: workloads file: unknown key 'scheduler' (known: run, workloads)");
  EXPECT_EQ(workloads_error("workloads_unknown_run_key.yaml"),
            bad("workloads_unknown_run_key.yaml") +
                ":3:3: error: run: unknown key 'warm_up' (known: drain, duration, scheduler, "
                "scheduler_params, seed, "
                "warmup)");
  EXPECT_EQ(workloads_error("workloads_unknown_workload_key.yaml"),
            bad("workloads_unknown_workload_key.yaml") +
                ":4:5: error: workload: unknown key 'prio' (known: arrival, batch, batching, count, "
                "faces_per_frame, host, "
                "model, name, pipeline, placement, precision, priority, sla)");
  EXPECT_EQ(workloads_error("workloads_unknown_arrival_key.yaml"),
            bad("workloads_unknown_arrival_key.yaml") +
                ":4:43: error: arrival: unknown key 'jitter' (known: kind, phase, rate)");
  EXPECT_EQ(workloads_error("workloads_unknown_model_key.yaml"),
            bad("workloads_unknown_model_key.yaml") +
                ":5:38: error: model of 'w': unknown key 'layers' (known: activations, blocks, blocks_per_sm, "
                "bytes, flops, input, kernels, l2_reuse, output, params, weights)");
  EXPECT_EQ(workloads_error("workloads_blocks_per_sm_without_blocks.yaml"),
            bad("workloads_blocks_per_sm_without_blocks.yaml") +
                ":5:65: error: 'blocks_per_sm' needs 'blocks' (the kernel's grid)");
}

TEST(BadInputWorkloads, DuplicateKey) {
  EXPECT_EQ(workloads_error("workloads_duplicate_key.yaml"),
            bad("workloads_duplicate_key.yaml") + ":5:5: error: workload: duplicate key 'batch'");
}

TEST(BadInputWorkloads, DuplicateWorkloadName) {
  EXPECT_EQ(workloads_error("workloads_duplicate_name.yaml"),
            bad("workloads_duplicate_name.yaml") + ":6:5: error: duplicate workload name 'w'");
}

TEST(BadInputWorkloads, MissingUnit) {
  EXPECT_EQ(workloads_error("workloads_rate_no_unit.yaml"),
            bad("workloads_rate_no_unit.yaml") +
                ":6:13: error: 'rate': '30' has no unit: expected a rate with a unit, such as 30/s");
}

TEST(BadInputWorkloads, WrongUnit) {
  EXPECT_EQ(workloads_error("workloads_duration_wrong_unit.yaml"),
            bad("workloads_duration_wrong_unit.yaml") +
                ":2:13: error: 'duration': unknown unit 'GB' in '5GB': expected a duration with a unit, such "
                "as 33ms or 10s (accepted: s, ms, us, ns, min, h)");
}

TEST(BadInputWorkloads, RateMustBePositive) {
  EXPECT_EQ(
      workloads_error("workloads_rate_negative.yaml"),
      bad("workloads_rate_negative.yaml") + ":6:13: error: 'rate' must be greater than zero (got '-5/s')");
  EXPECT_EQ(workloads_error("workloads_rate_zero.yaml"),
            bad("workloads_rate_zero.yaml") + ":6:13: error: 'rate' must be greater than zero (got '0/s')");
}

TEST(BadInputWorkloads, DurationMustBePositive) {
  EXPECT_EQ(
      workloads_error("workloads_duration_zero.yaml"),
      bad("workloads_duration_zero.yaml") + ":2:13: error: 'duration' must be greater than zero (got '0s')");
}

TEST(BadInputWorkloads, WarmupMustBeShorterThanDuration) {
  EXPECT_EQ(workloads_error("workloads_warmup_too_long.yaml"),
            bad("workloads_warmup_too_long.yaml") +
                ":3:11: error: 'warmup' must be at least 0s and shorter than 'duration'");
}

TEST(BadInputWorkloads, SlaMustBePositive) {
  EXPECT_EQ(workloads_error("workloads_sla_zero.yaml"),
            bad("workloads_sla_zero.yaml") + ":4:10: error: 'sla' must be greater than zero");
}

TEST(BadInputWorkloads, APeriodicPhaseIsADurationBelowThePeriod) {
  EXPECT_EQ(workloads_error("workloads_phase_not_below_period.yaml"),
            bad("workloads_phase_not_below_period.yaml") +
                ":7:14: error: 'phase' (100 ms) must be below the period, 1 / rate = 100 ms");
  EXPECT_EQ(workloads_error("workloads_phase_poisson.yaml"),
            bad("workloads_phase_poisson.yaml") +
                ":7:14: error: 'phase' applies to periodic arrivals only (Poisson ones have none)");
  EXPECT_EQ(workloads_error("workloads_phase_no_unit.yaml"),
            bad("workloads_phase_no_unit.yaml") +
                ":7:14: error: 'phase': '10' has no unit: expected a duration with a unit, such as 33ms or 10s");
  EXPECT_EQ(workloads_error("workloads_phase_negative.yaml"),
            bad("workloads_phase_negative.yaml") + ":7:14: error: 'phase' must be between 0s and 1e6s (got '-5ms')");
  EXPECT_EQ(workloads_error("workloads_phase_spread_poisson.yaml"),
            bad("workloads_phase_spread_poisson.yaml") +
                ":7:14: error: 'phase' applies to periodic arrivals only (Poisson ones have none)");
  EXPECT_EQ(workloads_error("workloads_phase_word.yaml"),
            bad("workloads_phase_word.yaml") +
                ":7:14: error: 'phase' is a duration below the period (such as 10ms) or 'spread'; got 'spred'");
  // The word `spread` is the other value it takes.
  const std::string good = (std::filesystem::temp_directory_path() / "gpusim_phase_spread.yaml").string();
  {
    std::ofstream f(good);
    f << "run: {duration: 10s}\nworkloads:\n  - name: w\n    count: 4\n"
         "    arrival: {kind: periodic, rate: 10/s, phase: spread}\n    model: {flops: 1Gf, bytes: 10MB}\n";
  }
  const WorkloadSpec w = parse_workloads(good);
  std::filesystem::remove(good);
  ASSERT_EQ(w.streams.size(), 1u);
  EXPECT_TRUE(w.streams[0].arrival.spread);
  EXPECT_FALSE(w.streams[0].arrival.phase);
}

TEST(BadInputWorkloads, UnknownArrivalKind) {
  EXPECT_EQ(workloads_error("workloads_unknown_arrival_kind.yaml"),
            bad("workloads_unknown_arrival_kind.yaml") +
                ":5:13: error: unknown arrival kind 'bursty' (known: periodic, poisson, trace)");
}

TEST(BadInputWorkloads, UnknownPrecision) {
  EXPECT_EQ(workloads_error("workloads_unknown_precision.yaml"),
            bad("workloads_unknown_precision.yaml") +
                ":4:16: error: unknown precision 'fp8' (known: fp64, fp32, tf32, fp16, bf16, int8, int4)");
}

TEST(BadInputWorkloads, BytesMustIncludeWeights) {
  EXPECT_EQ(
      workloads_error("workloads_bytes_below_weights.yaml"),
      bad("workloads_bytes_below_weights.yaml") +
          ":7:14: error: 'bytes' (10 MB) must include the weights (20 MB), which are read at least once per "
          "request");
}

TEST(BadInputWorkloads, MissingRequiredKeys) {
  EXPECT_EQ(workloads_error("workloads_missing_run.yaml"),
            bad("workloads_missing_run.yaml") + ":1:1: error: workloads file: missing required key 'run'");
  EXPECT_EQ(workloads_error("workloads_missing_flops.yaml"),
            bad("workloads_missing_flops.yaml") + ":6:7: error: model of 'w': missing required key 'flops'");
  EXPECT_EQ(workloads_error("workloads_missing_model.yaml"),
            bad("workloads_missing_model.yaml") + ":3:5: error: workload 'w': missing 'model' or 'pipeline'");
}

TEST(BadInputWorkloads, WorkloadsMustBeANonEmptyList) {
  EXPECT_EQ(workloads_error("workloads_empty_list.yaml"),
            bad("workloads_empty_list.yaml") + ":2:12: error: 'workloads' must list at least one workload");
  EXPECT_EQ(workloads_error("workloads_not_a_list.yaml"),
            bad("workloads_not_a_list.yaml") + ":3:3: error: 'workloads' must be a list");
}

TEST(BadInputWorkloads, WholeNumbers) {
  EXPECT_EQ(workloads_error("workloads_count_zero.yaml"),
            bad("workloads_count_zero.yaml") + ":4:12: error: 'count' must be at least 1 (got 0)");
  // Was truncated to an int (a negative count) before.
  EXPECT_EQ(
      workloads_error("workloads_count_too_big.yaml"),
      bad("workloads_count_too_big.yaml") + ":4:12: error: 'count' must be at most 1000000 (got 3000000000)");
  EXPECT_EQ(
      workloads_error("workloads_batch_not_integer.yaml"),
      bad("workloads_batch_not_integer.yaml") + ":4:12: error: 'batch' must be a whole number (got 'two')");
}

TEST(BadInputWorkloads, SchedulerParamsMustBeAMapping) {
  EXPECT_EQ(workloads_error("workloads_scheduler_params_not_map.yaml"),
            bad("workloads_scheduler_params_not_map.yaml") +
                ":3:21: error: scheduler_params must be a mapping of key: value");
}

// ---------------------------------------------------------------------------------------------------------
// Trace files: errors inside the trace point into the trace, with its own line and column.

TEST(BadInputTrace, MissingTraceFilePointsAtTheFileKey) {
  EXPECT_EQ(workloads_error("workloads_trace_missing.yaml"), bad("workloads_trace_missing.yaml") +
                                                                 ":6:13: error: cannot open trace file '" +
                                                                 bad("no_such_trace.txt") + "'");
  EXPECT_EQ(workloads_error("workloads_trace_directory.yaml"), bad("workloads_trace_directory.yaml") +
                                                                   ":6:13: error: cannot open trace file '" +
                                                                   bad("catalog") + "'");
}

TEST(BadInputTrace, BadLineIsLocatedInTheTrace) {
  // Line 4 is "  1.0": the value starts in column 3.
  EXPECT_EQ(workloads_error("workloads_trace_bad_line.yaml"),
            bad("trace_bad_line.txt") +
                ":4:3: error: '1.0' has no unit: expected a duration with a unit, such as 33ms or 10s");
}

TEST(BadInputTrace, DecreasingTimes) {
  EXPECT_EQ(workloads_error("workloads_trace_decreasing.yaml"),
            bad("trace_decreasing.txt") + ":3:1: error: arrival times must not decrease");
}

TEST(BadInputTrace, NegativeTime) {
  EXPECT_EQ(workloads_error("workloads_trace_negative.yaml"),
            bad("trace_negative.txt") + ":1:1: error: arrival time must not be negative");
}

TEST(BadInputTrace, EmptyTrace) {
  EXPECT_EQ(workloads_error("workloads_trace_empty.yaml"), bad("workloads_trace_empty.yaml") +
                                                               ":6:13: error: trace file '" +
                                                               bad("trace_empty.txt") + "' holds no arrival");
}

// ---------------------------------------------------------------------------------------------------------
// Catalog entries (a user's own catalog, `--catalog DIR`).

TEST(BadInputCatalog, NameMustMatchTheFileName) {
  EXPECT_EQ(catalog_error("Mismatch.yaml"),
            bad("catalog/Mismatch.yaml") + ":1:7: error: name 'Other' must match the file name 'Mismatch'");
}

TEST(BadInputCatalog, PeaksMustIncludeFp32) {
  EXPECT_EQ(catalog_error("NoFp32.yaml"),
            bad("catalog/NoFp32.yaml") + ":5:8: error: device 'NoFp32': peaks must include fp32");
}

TEST(BadInputCatalog, IdlePowerMustBeBelowTdp) {
  EXPECT_EQ(catalog_error("IdleAboveTdp.yaml"),
            bad("catalog/IdleAboveTdp.yaml") +
                ":11:13: error: device 'IdleAboveTdp': idle_power must be below tdp");
}

TEST(BadInputCatalog, SourcesAreRequired) {
  EXPECT_EQ(catalog_error("NoSources.yaml"),
            bad("catalog/NoSources.yaml") +
                ":1:1: error: device 'NoSources': 'sources' must cite at least one source");
}

TEST(BadInputCatalog, MissingKeys) {
  EXPECT_EQ(catalog_error("MissingMemory.yaml"),
            bad("catalog/MissingMemory.yaml") + ":1:1: error: catalog entry: missing required key 'memory'");
  EXPECT_EQ(
      catalog_error("BadMigProfile.yaml"),
      bad("catalog/BadMigProfile.yaml") + ":13:5: error: MIG profile: missing required key 'memory_slices'");
}

TEST(BadInputCatalog, UnknownKey) {
  const std::string msg = catalog_error("UnknownKey.yaml");
  EXPECT_EQ(msg.substr(0, msg.find(" (known: ")),
            bad("catalog/UnknownKey.yaml") + ":13:1: error: catalog entry: unknown key 'price'");
}

// ---------------------------------------------------------------------------------------------------------
// Errors found when planning: placement, precision support, scheduler names and parameters.

TEST(BadInputPlan, ModelLargerThanEveryDevice) {
  // 50 GB of weights; A100-PCIe-40GB holds 40 GiB x 0.8 headroom = 34.36 GB.
  EXPECT_EQ(
      plan_error("ok_platform_a100.yaml", "workloads_too_big.yaml"),
      bad("workloads_too_big.yaml") +
          ":3:5: error: workload 'llm' instance 0 needs 50.00 GB of device memory and no device has room "
          "left: gpu (A100-PCIe-40GB, 34.36 GB usable)");
}

TEST(BadInputPlan, PrecisionUnsupportedByTheDevicePointsAtThePrecision) {
  EXPECT_EQ(plan_error("ok_platform_t4.yaml", "workloads_precision_int4.yaml"),
            bad("workloads_precision_int4.yaml") +
                ":4:16: error: workload 'w': device 'gpu' (TestT4) does not support int4");
}

// placement: checked against the platform before any plan is made. ok_platform_placement.yaml: 'a100'
// with the fixed MIG partition [3g.20gb, 2g.10gb, 1g.5gb], 't4' (TestT4: no int4, no MIG) and 'auto' (an
// A100 with `mig: auto`). Line 7 of each workloads file is its `placement:`; the value after
// "    placement: {device: " starts at column 25.
std::string placement_error(const std::string& workloads) {
  return plan_error("ok_platform_placement.yaml", workloads);
}

TEST(BadInputPlacement, UnknownDeviceListsTheKnownOnes) {
  EXPECT_EQ(placement_error("workloads_placement_unknown_device.yaml"),
            bad("workloads_placement_unknown_device.yaml") +
                ":7:25: error: workload 'w': placement: unknown device 'a10' (known: a100, t4, auto)");
}

TEST(BadInputPlacement, SliceOutOfRangeStatesTheSlices) {
  EXPECT_EQ(placement_error("workloads_placement_slice_range.yaml"),
            bad("workloads_placement_slice_range.yaml") +
                ":7:38: error: workload 'w': placement: device 'a100' has no slice 3 (its 'mig' list has 3 "
                "slice(s): 0 to 2)");
}

TEST(BadInputPlacement, SliceOnADeviceWithoutMig) {
  EXPECT_EQ(placement_error("workloads_placement_slice_not_mig.yaml"),
            bad("workloads_placement_slice_not_mig.yaml") +
                ":7:36: error: workload 'w': placement: device 't4' is not MIG-partitioned (sharing: "
                "time-slice), so it has no slice 0");
}

TEST(BadInputPlacement, SliceOnAMigAutoDevice) {
  EXPECT_EQ(placement_error("workloads_placement_slice_auto.yaml"),
            bad("workloads_placement_slice_auto.yaml") +
                ":7:38: error: workload 'w': placement: device 'auto' has 'mig: auto' (the scheduler chooses "
                "its slices), so no slice can be pinned; pin the device, or list its slices in the platform "
                "file");
}

TEST(BadInputPlacement, ListedDeviceWithoutThePrecision) {
  // The A100 has int4; TestT4 has not. The error points at 't4' in the list ("[a100, " ends at column 32).
  EXPECT_EQ(placement_error("workloads_placement_precision.yaml"),
            bad("workloads_placement_precision.yaml") +
                ":7:33: error: workload 'w': placement: device 't4' (TestT4) does not support int4");
}

TEST(BadInputPlacement, OneInstanceLargerThanThePinnedSlice) {
  // 1g.5gb: 4.75 GiB x 0.8 headroom = 3.8 GiB = 4.08 GB usable; one instance holds 10 GB of weights.
  EXPECT_EQ(placement_error("workloads_placement_memory_one.yaml"),
            bad("workloads_placement_memory_one.yaml") +
                ":7:38: error: workload 'w': placement: one instance needs 10.00 GB of device memory and "
                "a100/1g.5gb#0 (A100-PCIe-40GB) has 4.08 GB usable");
}

TEST(BadInputPlacement, AllInstancesLargerThanThePinnedSlice) {
  // One instance: 2 GB of weights + 1 GB of activations = 3 GB, fits 4.08 GB; three share the weights:
  // 2 + 3 x 1 = 5 GB do not.
  EXPECT_EQ(placement_error("workloads_placement_memory_all.yaml"),
            bad("workloads_placement_memory_all.yaml") +
                ":7:38: error: workload 'w': placement: its 3 instances need 5.00 GB of device memory and "
                "a100/1g.5gb#0 (A100-PCIe-40GB) has 4.08 GB usable");
}

TEST(BadInputPlacement, NoRoomLeftOnTheAllowedUnitsListsOnlyThem) {
  // Five 5 GB instances on a100's slices (usable x 0.8: 3g.20gb 19.62 GiB -> 16.85 GB, 2g.10gb 9.75 GiB ->
  // 8.38 GB, 1g.5gb 4.75 GiB -> 4.08 GB): three fit the 3g, one the 2g, none the 1g; round-robin is left
  // with instance 4. t4 and auto are not listed: the placement does not allow them.
  EXPECT_EQ(placement_error("workloads_placement_no_room.yaml"),
            bad("workloads_placement_no_room.yaml") +
                ":3:5: error: workload 'w' instance 4 needs 5.00 GB of device memory and no unit its placement "
                "allows has room left: a100/3g.20gb#0 (A100-PCIe-40GB, 16.85 GB usable), a100/2g.10gb#0 "
                "(A100-PCIe-40GB, 8.38 GB usable), a100/1g.5gb#0 (A100-PCIe-40GB, 4.08 GB usable)");
}

TEST(BadInputPlacement, MalformedPlacements) {
  EXPECT_EQ(workloads_error("workloads_placement_both_keys.yaml"),
            bad("workloads_placement_both_keys.yaml") +
                ":7:40: error: placement has either 'device' or 'devices', not both");
  EXPECT_EQ(workloads_error("workloads_placement_slice_with_list.yaml"),
            bad("workloads_placement_slice_with_list.yaml") +
                ":7:41: error: 'slice' needs one 'device', not a 'devices' list");
  EXPECT_EQ(workloads_error("workloads_placement_duplicate.yaml"),
            bad("workloads_placement_duplicate.yaml") + ":7:31: error: 'devices' lists 't4' twice");
}

TEST(BadInputPlan, UnknownSchedulerListsValidNames) {
  const std::string msg = plan_error("ok_platform_a100.yaml", "workloads_unknown_scheduler.yaml");
  // The location of `scheduler:` is added by `gpusim run` (see BadInputCli.UnknownSchedulerInFile).
  EXPECT_EQ(msg, "unknown scheduler 'fastest'. Valid values are: " + Registry<Scheduler>::instance().names());
  EXPECT_NE(msg.find("round-robin"), std::string::npos);
}

TEST(BadInputPlan, RoundRobinTakesNoParameters) {
  EXPECT_EQ(plan_error("ok_platform_a100.yaml", "workloads_scheduler_params.yaml"),
            bad("workloads_scheduler_params.yaml") +
                ":5:12: error: scheduler 'round-robin' has no parameter 'alpha' (known: none)");
}

TEST(BadInputPlan, SchedulerParameterErrorsPointAtTheValue) {
  EXPECT_EQ(plan_error("ok_platform_a100.yaml", "workloads_param_unknown.yaml"),
            bad("workloads_param_unknown.yaml") +
                ":5:15: error: scheduler 'best-fit' has no parameter 'max_util' (known: max_utilization)");
  EXPECT_EQ(plan_error("ok_platform_a100.yaml", "workloads_param_not_number.yaml"),
            bad("workloads_param_not_number.yaml") +
                ":5:22: error: parameter 'max_utilization' must be a number (got 'high')");
  EXPECT_EQ(plan_error("ok_platform_a100.yaml", "workloads_param_negative.yaml"),
            bad("workloads_param_negative.yaml") +
                ":5:22: error: scheduler 'best-fit': parameter 'max_utilization' must be positive (got -1)");
}

TEST(BadInputPlan, ValidInputsPlanWithoutError) {
  // The fixtures the two tests above pair with a bad file are themselves valid.
  EXPECT_EQ(plan_error("ok_platform_a100.yaml", "ok_workloads.yaml"), kNoError);
  EXPECT_EQ(plan_error("ok_platform_t4.yaml", "ok_workloads.yaml"), kNoError);
}

// ---------------------------------------------------------------------------------------------------------
// Ranges (issue 16, docs/input-reference.md): every numeric field has a range in its schema, and a value
// outside it is refused at the value with the range stated; names are non-empty printable ASCII.

TEST(BadInputRange, ValuesTheIssueNamesAreRefused) {
  EXPECT_EQ(workloads_error("workloads_range_weights_negative.yaml"),
            bad("workloads_range_weights_negative.yaml") +
                ":5:47: error: 'weights' must be between 0B and 1PB (got '-1MB')");
  EXPECT_EQ(platform_error("platform_range_node_name_empty.yaml"),
            bad("platform_range_node_name_empty.yaml") + ":2:11: error: 'name' must not be empty");
  EXPECT_EQ(platform_error("platform_range_device_name_empty.yaml"),
            bad("platform_range_device_name_empty.yaml") + ":4:16: error: 'name' must not be empty");
  // The A100 PCIe's tdp is 250 W.
  EXPECT_EQ(platform_error("platform_range_power_cap_huge.yaml"),
            bad("platform_range_power_cap_huge.yaml") +
                ":4:54: error: device 'gpu': power_cap must be at most 2 x tdp (500 W) (got '1e308W')");
  // 2^63 us.
  EXPECT_EQ(platform_error("platform_range_launch_overhead_huge.yaml"),
            bad("platform_range_launch_overhead_huge.yaml") +
                ":6:38: error: 'launch_overhead' must be between 0s and 1s (got '9223372036854775808us')");
  // 2^31 s and 2^31 /s.
  EXPECT_EQ(workloads_error("workloads_range_duration_huge.yaml"),
            bad("workloads_range_duration_huge.yaml") +
                ":1:17: error: 'duration' must be between 1us and 1e6s (got '2147483648s')");
  EXPECT_EQ(workloads_error("workloads_range_rate_huge.yaml"),
            bad("workloads_range_rate_huge.yaml") +
                ":4:36: error: 'rate' must be between 1e-6/s and 1e6/s (got '2147483648/s')");
  EXPECT_EQ(workloads_error("workloads_range_input_denormal.yaml"),
            bad("workloads_range_input_denormal.yaml") +
                ":5:45: error: 'input' must be 0 or between 1B and 1PB (got '1e-320kB')");
  EXPECT_EQ(platform_error("platform_range_period_denormal.yaml"),
            bad("platform_range_period_denormal.yaml") +
                ":2:19: error: 'period' must be between 1us and 1e6s (got '1e-320ms')");
}

TEST(BadInputRange, PlatformRanges) {
  EXPECT_EQ(platform_error("platform_range_slice_long.yaml"),
            bad("platform_range_slice_long.yaml") + ":2:23: error: 'slice' must be between 1us and 1s (got '2s')");
  EXPECT_EQ(platform_error("platform_range_switch_cost_long.yaml"),
            bad("platform_range_switch_cost_long.yaml") +
                ":2:29: error: 'switch_cost' must be between 0s and 1s (got '1.5s')");
  EXPECT_EQ(platform_error("platform_range_sample_interval_long.yaml"),
            bad("platform_range_sample_interval_long.yaml") +
                ":2:20: error: 'sample_interval' must be between 1us and 1e6s (got '2e6s')");
  EXPECT_EQ(platform_error("platform_range_node_pcie_tiny.yaml"),
            bad("platform_range_node_pcie_tiny.yaml") +
                ":3:21: error: 'pcie_bandwidth' must be between 1MBps and 1PBps (got '1Bps')");
  EXPECT_EQ(platform_error("platform_range_queue_limit_huge.yaml"),
            bad("platform_range_queue_limit_huge.yaml") +
                ":4:56: error: 'queue_limit' must be at most 1000000 (got 2147483647)");
  EXPECT_EQ(platform_error("platform_range_override_tdp_huge.yaml"),
            bad("platform_range_override_tdp_huge.yaml") +
                ":4:60: error: 'tdp' must be between 0.1W and 100kW (got '1e308W')");
  EXPECT_EQ(platform_error("platform_range_override_ambient.yaml"),
            bad("platform_range_override_ambient.yaml") +
                ":4:74: error: 'ambient' must be between -50C and 100C (got '-300C')");
}

TEST(BadInputRange, PowerCapAboveTdpIsAcceptedWithAWarning) {
  // 300 W on a 250 W board: within 2 x tdp, so accepted (the cfg logger warns).
  EXPECT_EQ(platform_error("platform_range_power_cap_above_tdp.yaml"), kNoError);
}

TEST(BadInputRange, WorkloadsRanges) {
  EXPECT_EQ(workloads_error("workloads_range_output_huge.yaml"),
            bad("workloads_range_output_huge.yaml") +
                ":5:46: error: 'output' must be 0 or between 1B and 1PB (got '2PB')");
  EXPECT_EQ(workloads_error("workloads_range_activations_huge.yaml"),
            bad("workloads_range_activations_huge.yaml") +
                ":5:51: error: 'activations' must be between 0B and 1PB (got '2PB')");
  EXPECT_EQ(workloads_error("workloads_range_flops_huge.yaml"),
            bad("workloads_range_flops_huge.yaml") +
                ":5:20: error: 'flops' must be between 1f and 1e18f (got '1e19f')");
  EXPECT_EQ(workloads_error("workloads_range_bytes_tiny.yaml"),
            bad("workloads_range_bytes_tiny.yaml") + ":5:32: error: 'bytes' must be between 1B and 1PB (got '0.5B')");
  EXPECT_EQ(workloads_error("workloads_range_duration_denormal.yaml"),
            bad("workloads_range_duration_denormal.yaml") +
                ":1:17: error: 'duration' must be between 1us and 1e6s (got '1e-320ms')");
  EXPECT_EQ(workloads_error("workloads_range_drain_huge.yaml"),
            bad("workloads_range_drain_huge.yaml") + ":1:29: error: 'drain' must be between 0s and 1e6s (got '1e7s')");
  EXPECT_EQ(workloads_error("workloads_range_rate_denormal.yaml"),
            bad("workloads_range_rate_denormal.yaml") +
                ":4:37: error: 'rate' must be between 1e-6/s and 1e6/s (got '1e-320/s')");
  EXPECT_EQ(workloads_error("workloads_range_sla_huge.yaml"),
            bad("workloads_range_sla_huge.yaml") + ":4:10: error: 'sla' must be between 1us and 1e6s (got '1e7s')");
  EXPECT_EQ(workloads_error("workloads_range_batch_huge.yaml"),
            bad("workloads_range_batch_huge.yaml") + ":4:12: error: 'batch' must be at most 1000000 (got 2147483647)");
  EXPECT_EQ(workloads_error("workloads_range_priority_huge.yaml"),
            bad("workloads_range_priority_huge.yaml") +
                ":4:15: error: 'priority' must be at most 1000000 (got 2000000)");
  EXPECT_EQ(workloads_error("workloads_range_max_delay_huge.yaml"),
            bad("workloads_range_max_delay_huge.yaml") +
                ":6:41: error: 'max_delay' must be between 0s and 1e6s (got '1e7s')");
  // host: {pre, post}: durations with units, not negative, no other key.
  EXPECT_EQ(workloads_error("workloads_host_negative.yaml"),
            bad("workloads_host_negative.yaml") + ":5:17: error: 'pre' must not be negative");
  EXPECT_EQ(workloads_error("workloads_host_unknown_key.yaml"),
            bad("workloads_host_unknown_key.yaml") +
                ":5:22: error: host: unknown key 'decode' (known: launch, post, pre)");
  EXPECT_EQ(workloads_error("workloads_host_launch_too_long.yaml"),
            bad("workloads_host_launch_too_long.yaml") +
                ":5:20: error: 'launch' must be between 0s and 1s (got '2s')");
  EXPECT_EQ(workloads_error("workloads_host_no_unit.yaml"), bad("workloads_host_no_unit.yaml") +
                ":5:18: error: 'post': '2' has no unit: expected a duration with a unit, such as 33ms or 10s");
  EXPECT_EQ(workloads_error("workloads_range_max_batch_huge.yaml"),
            bad("workloads_range_max_batch_huge.yaml") +
                ":6:27: error: 'max_batch' must be at most 1000000 (got 2000000)");
  EXPECT_EQ(workloads_error("workloads_range_fanout_uniform_huge.yaml"),
            bad("workloads_range_fanout_uniform_huge.yaml") +
                ":5:51: error: 'max' must be at most 100000 (got 200000)");
}

TEST(BadInputRange, NamesMustBeNonEmptyAndPrintable) {
  EXPECT_EQ(workloads_error("workloads_range_name_empty.yaml"),
            bad("workloads_range_name_empty.yaml") + ":3:11: error: 'name' must not be empty");
  EXPECT_EQ(workloads_error("workloads_range_stage_name_empty.yaml"),
            bad("workloads_range_stage_name_empty.yaml") + ":6:16: error: 'name' must not be empty");
  // The offending character is named by its position and byte, never echoed.
  EXPECT_EQ(workloads_error("workloads_range_name_newline.yaml"),
            bad("workloads_range_name_newline.yaml") +
                ":3:11: error: 'name' must be printable ASCII without control characters (character 2 is byte "
                "0x0A)");
  EXPECT_EQ(platform_error("platform_range_device_name_control.yaml"),
            bad("platform_range_device_name_control.yaml") +
                ":4:16: error: 'name' must be printable ASCII without control characters (character 4 is byte "
                "0x1B)");
  EXPECT_EQ(catalog_error("EmptyName.yaml"), bad("catalog/EmptyName.yaml") + ":1:7: error: 'name' must not be empty");
}

TEST(BadInputRange, CatalogRanges) {
  EXPECT_EQ(catalog_error("PeakHuge.yaml"),
            bad("catalog/PeakHuge.yaml") + ":5:15: error: 'peaks.fp32' must be between 1Mf and 1000Pf (got '2000Pf')");
  EXPECT_EQ(catalog_error("ClockTiny.yaml"),
            bad("catalog/ClockTiny.yaml") +
                ":4:14: error: 'boost_clock' must be between 1MHz and 100GHz (got '1e-320Hz')");
  EXPECT_EQ(catalog_error("SmCountHuge.yaml"),
            bad("catalog/SmCountHuge.yaml") + ":2:11: error: 'sm_count' must be at most 100000 (got 2147483647)");
  EXPECT_EQ(catalog_error("TimeConstantTiny.yaml"),
            bad("catalog/TimeConstantTiny.yaml") +
                ":13:26: error: 'time_constant' must be between 1ms and 1e6s (got '1ns')");
  EXPECT_EQ(catalog_error("MigMemoryHuge.yaml"),
            bad("catalog/MigMemoryHuge.yaml") + ":14:74: error: 'memory' must be between 1MB and 1PB (got '2PB')");
  EXPECT_EQ(
      catalog_error("L2PartitionsZero.yaml"),
      bad("catalog/L2PartitionsZero.yaml") + ":9:16: error: 'l2_partitions' must be at least 1 (got 0)");
  EXPECT_EQ(catalog_error("L2FarZero.yaml"),
            bad("catalog/L2FarZero.yaml") + ":12:44: error: 'l2_far' must be between 0.01 and 1 (got 0)");
}

TEST(BadInputRange, EverySchemaBoundParsesAndIsOrdered) {
  for (const Schema* s : {&platform_schema(), &device_schema(), &workloads_schema()}) {
    for (const auto& f : s->fields) {
      if (f.min.empty() && f.max.empty()) continue;
      ASSERT_FALSE(f.min.empty() || f.max.empty()) << f.path;
      const bool q = f.kind == FieldKind::QUANTITY;
      const double lo = q ? parse_quantity(f.min, f.dimension) : std::stod(f.min);
      const double hi = q ? parse_quantity(f.max, f.dimension) : std::stod(f.max);
      EXPECT_LT(lo, hi) << f.path;
      EXPECT_FALSE(f.doc.empty()) << f.path;
    }
  }
}

// ---------------------------------------------------------------------------------------------------------
// The gpusim binary: exit code 2, exactly one line on stderr, nothing written.

using gpusim::test::Outcome;
using gpusim::test::quoted;
using gpusim::test::slurp;

class BadInputCli : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = std::filesystem::temp_directory_path() /
           ("gpusim_bad_input_" + std::string(info->name()) + "_" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  /// Runs `gpusim ARGS` with the test catalog (TestT4 only), capturing stdout and stderr; with `timeout_s`,
  /// a run that has not ended by then is killed (exit code 124), so a hang fails the test instead.
  Outcome gpusim(const std::string& args, bool with_catalog = true, int timeout_s = 0) const {
    std::string cmd = quoted(GPUSIM_BINARY) + " " + args;
    if (timeout_s > 0) cmd = "timeout -k 2 " + std::to_string(timeout_s) + " " + cmd;
    if (with_catalog) cmd += " --catalog " + quoted(kData + "/catalog");
    return gpusim::test::run_command(cmd, dir_);
  }

  std::string json() const { return (dir_ / "out.json").string(); }
  std::string csv() const { return (dir_ / "csv").string(); }

  /// Expects exit 2, one error line (exactly `line`), nothing on stdout, no JSON or CSV output.
  void expect_rejected(const Outcome& o, const std::string& line) const {
    EXPECT_EQ(o.exit_code, 2);
    EXPECT_EQ(o.err, line + "\n");
    EXPECT_EQ(o.out, "");
    EXPECT_FALSE(std::filesystem::exists(json()));
    EXPECT_FALSE(std::filesystem::exists(csv()));
  }

  std::filesystem::path dir_;
};

TEST_F(BadInputCli, MalformedPlatformExits2WithOneLocatedLine) {
  const std::string platform = bad("platform_malformed.yaml");
  const Outcome o = gpusim("run " + quoted(platform) + " " + quoted(bad("ok_workloads.yaml")) + " --json " +
                           quoted(json()) + " --csv " + quoted(csv()));
  EXPECT_EQ(o.exit_code, 2);
  ASSERT_FALSE(o.err.empty());
  EXPECT_EQ(o.err.find('\n'), o.err.size() - 1) << "stderr is not one line:\n" << o.err;
  EXPECT_EQ(o.err.rfind(platform + ":", 0), 0U) << o.err;
  EXPECT_NE(o.err.find(":6:8: error: "), std::string::npos) << o.err;
  EXPECT_EQ(o.out, "");
  EXPECT_FALSE(std::filesystem::exists(json()));
  EXPECT_FALSE(std::filesystem::exists(csv()));
}

TEST_F(BadInputCli, AdditivityUnknownSharingMode) {
  expect_rejected(gpusim("additivity " + quoted(bad("ok_platform_t4.yaml")) + " " + quoted(bad("ok_workloads.yaml")) +
                         " --sharing time-slice,mps,gang --json " + quoted(json())),
                  "error: --sharing: unknown sharing mode 'gang' (known: time-slice, mps, mig)");
}

TEST_F(BadInputCli, AdditivityEmptySharingList) {
  expect_rejected(gpusim("additivity " + quoted(bad("ok_platform_t4.yaml")) + " " +
                         quoted(bad("ok_workloads.yaml")) + " --sharing '' --json " + quoted(json())),
                  "error: --sharing: no mode given (known: time-slice, mps, mig)");
}

TEST_F(BadInputCli, AdditivityMigOnADeviceWithoutMig) {
  // TestT4 has no MIG profiles.
  expect_rejected(gpusim("additivity " + quoted(bad("ok_platform_t4.yaml")) + " " + quoted(bad("ok_workloads.yaml")) +
                         " --sharing mig --json " + quoted(json())),
                  "error: --sharing mig: device 'gpu' (TestT4) has no MIG profiles");
}

TEST_F(BadInputCli, BadWorkloadsFile) {
  expect_rejected(gpusim("run " + quoted(bad("ok_platform_t4.yaml")) + " " +
                         quoted(bad("workloads_rate_no_unit.yaml")) + " --json " + quoted(json())),
                  bad("workloads_rate_no_unit.yaml") +
                      ":6:13: error: 'rate': '30' has no unit: expected a rate with a unit, such as 30/s");
}

TEST_F(BadInputCli, PlacementOnAnUnknownDevice) {
  // ok_platform_t4.yaml has one device, 'gpu'.
  expect_rejected(gpusim("run " + quoted(bad("ok_platform_t4.yaml")) + " " +
                         quoted(bad("workloads_placement_unknown_device.yaml")) + " --json " + quoted(json())),
                  bad("workloads_placement_unknown_device.yaml") +
                      ":7:25: error: workload 'w': placement: unknown device 'a10' (known: gpu)");
}

TEST_F(BadInputCli, ModelThatFitsNoDevice) {
  // TestT4: 16 GiB x 0.8 headroom = 13.74 GB usable.
  expect_rejected(
      gpusim("run " + quoted(bad("ok_platform_t4.yaml")) + " " + quoted(bad("workloads_too_big.yaml")) +
             " --json " + quoted(json()) + " --csv " + quoted(csv())),
      bad("workloads_too_big.yaml") +
          ":3:5: error: workload 'llm' instance 0 needs 50.00 GB of device memory and no device has room "
          "left: gpu (TestT4, 13.74 GB usable)");
}

TEST_F(BadInputCli, MissingInputFile) {
  expect_rejected(gpusim("run " + quoted(bad("no_such_platform.yaml")) + " " +
                         quoted(bad("ok_workloads.yaml")) + " --json " + quoted(json())),
                  bad("no_such_platform.yaml") + ": error: cannot open file");
}

TEST_F(BadInputCli, DirectoryAsInputFile) {
  // Was "internal error" with exit code 1.
  expect_rejected(
      gpusim("run " + quoted(kData) + " " + quoted(bad("ok_workloads.yaml")) + " --json " + quoted(json())),
      kData + ": error: cannot open file: it is a directory");
}

TEST_F(BadInputCli, KeyThatIsAList) {
  // Was "internal error: yaml-cpp: ... bad conversion" with exit code 1.
  expect_rejected(
      gpusim("run " + quoted(bad("platform_nonscalar_key.yaml")) + " " + quoted(bad("ok_workloads.yaml"))),
      bad("platform_nonscalar_key.yaml") +
          ":4:3: error: platform: a key must be a plain name, not a list or a mapping");
}

TEST_F(BadInputCli, UnknownSchedulerInFile) {
  expect_rejected(gpusim("run " + quoted(bad("ok_platform_t4.yaml")) + " " +
                         quoted(bad("workloads_unknown_scheduler.yaml")) + " --json " + quoted(json())),
                  bad("workloads_unknown_scheduler.yaml") +
                      ":3:14: error: unknown scheduler 'fastest'. Valid values are: " +
                      Registry<Scheduler>::instance().names());
}

TEST_F(BadInputCli, SchedulerParamsInFileNameTheirOwnLocationOnce) {
  // Was "FILE:3:14: error: FILE:5:12: error: ..." (the scheduler's location prefixed to the parameter's).
  expect_rejected(gpusim("run " + quoted(bad("ok_platform_t4.yaml")) + " " +
                         quoted(bad("workloads_scheduler_params.yaml")) + " --json " + quoted(json())),
                  bad("workloads_scheduler_params.yaml") +
                      ":5:12: error: scheduler 'round-robin' has no parameter 'alpha' (known: none)");
}

TEST_F(BadInputCli, SchedulerOptions) {
  const std::string inputs =
      "run " + quoted(bad("ok_platform_t4.yaml")) + " " + quoted(bad("ok_workloads.yaml"));
  expect_rejected(
      gpusim(inputs + " --scheduler fastest --json " + quoted(json())),
      "error: unknown scheduler 'fastest'. Valid values are: " + Registry<Scheduler>::instance().names());
  // Was "ok_workloads.yaml:1:6: error: --scheduler-param: error: ..." (a file location for a command-line
  // value).
  expect_rejected(gpusim(inputs + " --scheduler-param alpha=1 --json " + quoted(json())),
                  "--scheduler-param: error: scheduler 'round-robin' has no parameter 'alpha' (known: none)");
  expect_rejected(gpusim(inputs + " --scheduler-param alpha --json " + quoted(json())),
                  "error: --scheduler-param 'alpha' must be KEY=VALUE");
}

TEST_F(BadInputCli, UnknownContentionMechanism) {
  const Outcome o = gpusim("run " + quoted(bad("ok_platform_t4.yaml")) + " " +
                           quoted(bad("ok_workloads.yaml")) + " --disable bandwith --json " + quoted(json()));
  EXPECT_EQ(o.exit_code, 2);
  EXPECT_EQ(o.err.rfind("error: --disable: unknown mechanism 'bandwith' (known: ", 0), 0U) << o.err;
  EXPECT_NE(o.err.find("bandwidth"), std::string::npos) << o.err;
  EXPECT_EQ(o.err.find('\n'), o.err.size() - 1) << o.err;
  EXPECT_EQ(o.out, "");
  EXPECT_FALSE(std::filesystem::exists(json()));
}

// --set PATH=VALUE: errors name the option instead of a file location, exit 2, nothing written.
TEST_F(BadInputCli, SetOptionMalformed) {
  const std::string inputs = "run " + quoted(bad("ok_platform_t4.yaml")) + " " +
                             quoted(bad("ok_workloads.yaml")) + " --json " + quoted(json());
  expect_rejected(gpusim(inputs + " --set workloads.w.count"),
                  "--set workloads.w.count: error: expected PATH=VALUE (e.g. workloads.lobby.count=24)");
  expect_rejected(gpusim(inputs + " --set workloads.w.count="),
                  "--set workloads.w.count=: error: the value after '=' is empty");
  expect_rejected(gpusim(inputs + " --set =3"), "--set =3: error: the path before '=' is empty");
  expect_rejected(gpusim(inputs + " --set workloads..count=3"),
                  "--set workloads..count=3: error: empty key in path 'workloads..count'");
}

TEST_F(BadInputCli, SetOptionPathErrors) {
  const std::string inputs = "run " + quoted(bad("ok_platform_t4.yaml")) + " " +
                             quoted(bad("ok_workloads.yaml")) + " --json " + quoted(json());
  expect_rejected(gpusim(inputs + " --set workloads.ww.count=2"),
                  "--set workloads.ww.count=2: error: no workload named 'ww' (known: w)");
  expect_rejected(gpusim(inputs + " --set nodes.n1.devices.gpu.type=TestT4"),
                  "--set nodes.n1.devices.gpu.type=TestT4: error: no node named 'n1' (known: n0)");
  expect_rejected(gpusim(inputs + " --set nodes.n0.devices.gpu0.count=2"),
                  "--set nodes.n0.devices.gpu0.count=2: error: no device named 'gpu0' (known: gpu)");
  expect_rejected(gpusim(inputs + " --set foo=1"),
                  "--set foo=1: error: unknown key 'foo' (platform file: calibration, contention, memory_headroom, nodes; "
                  "workloads file: run, workloads)");
  expect_rejected(
      gpusim(inputs + " --set workloads.w=3"),
      "--set workloads.w=3: error: 'workloads.w' is a workload; name one of its keys (workloads.w.KEY)");
  expect_rejected(gpusim(inputs + " --set run=3"),
                  "--set run=3: error: 'run' is a mapping; --set gives single values");
  expect_rejected(gpusim(inputs + " --set run.duration.s=3"),
                  "--set run.duration.s=3: error: 'run.duration' is a single value, not a mapping");
}

TEST_F(BadInputCli, SetOptionValuesMeetTheFilesChecks) {
  const std::string inputs = "run " + quoted(bad("ok_platform_t4.yaml")) + " " +
                             quoted(bad("ok_workloads.yaml")) + " --json " + quoted(json());
  // The parser's own messages, located at the option that wrote the value.
  expect_rejected(gpusim(inputs + " --set workloads.w.count=-3"),
                  "--set workloads.w.count=-3: error: 'count' must be at least 1 (got -3)");
  expect_rejected(
      gpusim(inputs + " --set run.duration=5"),
      "--set run.duration=5: error: 'duration': '5' has no unit: expected a duration with a unit, such as "
      "33ms or 10s");
  expect_rejected(
      gpusim(inputs + " --set nodes.n0.devices.gpu.type=H900"),
      "--set nodes.n0.devices.gpu.type=H900: error: device 'gpu': unknown catalog entry 'H900' (known: "
      "TestT4)");
  // A key the file lacks is added; one no schema knows is the parser's unknown key, at the option.
  expect_rejected(
      gpusim(inputs + " --set run.durations=5s"),
      "--set run.durations=5s: error: run: unknown key 'durations' (known: drain, duration, scheduler, "
      "scheduler_params, seed, warmup)");
  expect_rejected(
      gpusim(inputs + " --set contention.powr=off"),
      "--set contention.powr=off: error: contention: unknown key 'powr' (known: bandwidth, batching, l2, "
      "launch_overhead, pcie, power, sample_interval, shared_weights, sm_wait, thermal, time_slice)");
}

TEST_F(BadInputCli, SetOptionOnCompareAndAdditivity) {
  const std::string files = quoted(bad("ok_platform_t4.yaml")) + " " + quoted(bad("ok_workloads.yaml"));
  expect_rejected(gpusim("compare " + files + " --set workloads.ww.count=2 --json " + quoted(json())),
                  "--set workloads.ww.count=2: error: no workload named 'ww' (known: w)");
  expect_rejected(gpusim("additivity " + files + " --set workloads.w.count=0 --json " + quoted(json())),
                  "--set workloads.w.count=0: error: 'count' must be at least 1 (got 0)");
}

TEST_F(BadInputCli, OutputPathsAreCheckedBeforeTheRun) {
  const std::string inputs =
      "run " + quoted(bad("ok_platform_t4.yaml")) + " " + quoted(bad("ok_workloads.yaml"));
  const std::string missing_dir = (dir_ / "no_such_dir" / "out.json").string();
  // Was: the table printed on stdout, then "cannot write file".
  expect_rejected(gpusim(inputs + " --json " + quoted(missing_dir)),
                  missing_dir + ": error: cannot write file: directory '" + (dir_ / "no_such_dir").string() +
                      "' does not exist");
  const std::string file = bad("ok_workloads.yaml");
  expect_rejected(gpusim(inputs + " --csv " + quoted(file)),
                  file + ": error: --csv needs a directory, not a file");
  expect_rejected(gpusim(inputs + " --json " + quoted(dir_.string())),
                  dir_.string() + ": error: --json needs a file, not a directory");
}

TEST_F(BadInputCli, AnUnwritableOutputFolderFailsBeforeTheSimulation) {
  // Not quiet: a simulation that started would log on stderr, so one line proves it did not start.
  const std::string inputs =
      "run " + quoted(bad("ok_platform_t4.yaml")) + " " + quoted(bad("ok_workloads.yaml"));
  const Outcome o = gpusim(inputs + " --json /proc/gpusim-out.json");
  EXPECT_EQ(o.exit_code, 2);
  EXPECT_EQ(o.err.rfind("/proc/gpusim-out.json: error: cannot write file: directory '/proc' is not writable (", 0),
            0u)
      << o.err;
  EXPECT_EQ(o.err.find('\n'), o.err.size() - 1) << o.err;
  EXPECT_EQ(o.out, "");
}

TEST_F(BadInputCli, AFullDiskIsAnErrorAndNothingElseIsWritten) {
  const std::string inputs =
      "-q run " + quoted(bad("ok_platform_t4.yaml")) + " " + quoted(bad("ok_workloads.yaml"));
  const Outcome o = gpusim(inputs + " --json /dev/full --csv " + quoted(csv()));
  EXPECT_EQ(o.exit_code, 1);
  EXPECT_EQ(o.err, "/dev/full: error: write failed (No space left on device)\n");
  EXPECT_EQ(o.out, "");
  EXPECT_FALSE(std::filesystem::exists(csv()));
}

TEST_F(BadInputCli, ACsvFolderWithABlockedFileLeavesNoFileBehind) {
  std::filesystem::create_directories(std::filesystem::path(csv()) / "workloads.csv");
  const std::string inputs =
      "run " + quoted(bad("ok_platform_t4.yaml")) + " " + quoted(bad("ok_workloads.yaml"));
  const Outcome o = gpusim(inputs + " --json " + quoted(json()) + " --csv " + quoted(csv()));
  EXPECT_EQ(o.exit_code, 2);
  EXPECT_EQ(o.err, (std::filesystem::path(csv()) / "workloads.csv").string() +
                       ": error: --csv needs a file, not a directory\n");
  EXPECT_FALSE(std::filesystem::exists(json()));
  std::vector<std::string> left;
  for (const auto& e : std::filesystem::directory_iterator(csv())) left.push_back(e.path().filename().string());
  EXPECT_EQ(left, std::vector<std::string>{"workloads.csv"});
}

TEST_F(BadInputCli, ADeviceGivenAsOutputStaysADevice) {
  const std::string null = (dir_ / "null").string();
  if (::mknod(null.c_str(), S_IFCHR | 0666, makedev(1, 3)) != 0) GTEST_SKIP() << "mknod is not allowed here";
  const Outcome o = gpusim("-q run " + quoted(bad("ok_platform_t4.yaml")) + " " +
                           quoted(bad("ok_workloads.yaml")) + " --json " + quoted(null));
  EXPECT_EQ(o.exit_code, 0) << o.err;
  struct stat st {};
  ASSERT_EQ(::stat(null.c_str(), &st), 0);
  EXPECT_TRUE(S_ISCHR(st.st_mode));
}

TEST_F(BadInputCli, ControlCharactersInAMessageArePrintedEscaped) {
  const auto file = dir_ / "escape.yaml";
  std::ofstream(file) << "run: {duration: 10s}\n\"ra\\e[31mte\": 1\nworkloads:\n  - name: w\n"
                         "    arrival: {kind: periodic, rate: 10/s}\n    model: {flops: 1Gf, bytes: 10MB}\n";
  const Outcome o = gpusim("run " + quoted(bad("ok_platform_t4.yaml")) + " " + quoted(file.string()));
  EXPECT_EQ(o.exit_code, 2);
  EXPECT_EQ(o.err.find('\x1b'), std::string::npos) << o.err;
  EXPECT_NE(o.err.find("ra\\x1b[31mte"), std::string::npos) << o.err;
  EXPECT_EQ(o.err.find('\n'), o.err.size() - 1) << o.err;
}

TEST_F(BadInputCli, MissingCatalogDirectory) {
  expect_rejected(
      gpusim("run " + quoted(bad("ok_platform_t4.yaml")) + " " + quoted(bad("ok_workloads.yaml")) +
                 " --catalog " + quoted(bad("no_such_catalog")),
             false),
      bad("no_such_catalog") + ": error: device catalog directory not found");
}

TEST_F(BadInputCli, CommandLineMistakesExit2) {
  const std::string inputs = quoted(bad("ok_platform_t4.yaml")) + " " + quoted(bad("ok_workloads.yaml"));
  for (const std::string& args :
       {std::string("simulate"), "run --fast " + inputs, "run " + quoted(bad("ok_platform_t4.yaml")),
        std::string("list gpus"), "run " + inputs + " --seed -1", "run " + inputs + " --seed abc",
        "run " + inputs + " --additivity maybe", std::string("validate --clock-exponent 5"),
        std::string("validate --clock-exponent 0.5")}) {
    const Outcome o = gpusim(args, false);
    EXPECT_EQ(o.exit_code, 2) << "gpusim " << args;
    EXPECT_FALSE(o.err.empty()) << "gpusim " << args;
    EXPECT_EQ(o.out, "") << "gpusim " << args;
    // One line naming the command, and bounds as written (CLI11's own said "0.000000 to 1797...").
    EXPECT_EQ(std::count(o.err.begin(), o.err.end(), '\n'), 1) << o.err;
    EXPECT_EQ(o.err.rfind("gpusim", 0), 0u) << o.err;
    EXPECT_EQ(o.err.find("000000"), std::string::npos) << o.err;
  }
}

TEST_F(BadInputCli, AnOutOfRangeOptionSaysWhatItTakes) {
  const std::string inputs = quoted(bad("ok_platform_t4.yaml")) + " " + quoted(bad("ok_workloads.yaml"));
  const std::pair<std::string, std::string> cases[] = {
      {"run " + inputs + " --seed -1",
       "gpusim run: error: --seed: -1 is not a whole number of 0 or more (gpusim run --help lists the options)\n"},
      {"validate --clock-exponent 0.5",
       "gpusim validate: error: --clock-exponent: 0.5 is not a number from 1 to 3 (gpusim validate --help lists "
       "the options)\n"},
      {"profile zoo:resnet50 --batch 2.5",
       "gpusim profile: error: --batch: 2.5 is not a whole number of 1 or more (gpusim profile --help lists the "
       "options)\n"},
      {"sweep " + inputs + " --vary run.seed=1,2 --seeds 1001",
       "gpusim sweep: error: --seeds: 1001 is not a whole number from 1 to 1000 (gpusim sweep --help lists the "
       "options)\n"}};
  for (const auto& [args, message] : cases) {
    const Outcome o = gpusim(args, false);
    EXPECT_EQ(o.exit_code, 2) << "gpusim " << args;
    EXPECT_EQ(o.err, message) << "gpusim " << args;
  }
}

TEST_F(BadInputCli, ValidFixturesRunAndWriteTheirOutput) {
  // The control for the tests above: the same fixtures, without the mistake, exit 0 and write the JSON.
  const Outcome o = gpusim("-q run " + quoted(bad("ok_platform_t4.yaml")) + " " +
                           quoted(bad("ok_workloads.yaml")) + " --json " + quoted(json()));
  EXPECT_EQ(o.exit_code, 0) << o.err;
  EXPECT_TRUE(std::filesystem::exists(json()));
}

// ---------------------------------------------------------------------------------------------------------
// What the readers take in: one YAML document, within the limits on size, line length and nesting
// (core/file_checks.hpp); special files refused before they are opened; CR and CRLF line ends read as LF.

std::string platform_error_in(const std::string& path) {
  try {
    parse_platform(path, test_catalog());
  } catch (const ConfigError& e) {
    return e.what();
  }
  return kNoError;
}

std::string workloads_error_in(const std::string& path) {
  try {
    parse_workloads(path);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return kNoError;
}

TEST(BadInputFile, SecondDocumentIsAnError) {
  // Was: the second document (and its workload 'dropped') silently ignored, exit 0.
  EXPECT_EQ(workloads_error("workloads_two_documents.yaml"),
            bad("workloads_two_documents.yaml") +
                ":6:1: error: a second YAML document starts here; gpusim reads one document per file");
}

TEST(BadInputFile, FlowNestingDeeperThan64Levels) {
  // "nodes: " is 7 columns; the 65th '[' is in column 7 + 65.
  EXPECT_EQ(
      platform_error("platform_deep_flow.yaml"),
      bad("platform_deep_flow.yaml") +
          ":1:72: error: nested too deeply: a YAML file may nest lists and mappings at most 64 levels deep");
}

TEST(BadInputFile, BlockNestingDeeperThan64Levels) {
  // The top-level mapping is level 1, so the 64th "- " (column 3 + 2 x 63) opens level 65.
  EXPECT_EQ(
      platform_error("platform_deep_block.yaml"),
      bad("platform_deep_block.yaml") +
          ":2:129: error: nested too deeply: a YAML file may nest lists and mappings at most 64 levels deep");
}

TEST(BadInputTrace, DeviceAsTraceIsRefusedBeforeReading) {
  // Was: /dev/zero read until 16.8 GB were in memory.
  EXPECT_EQ(
      workloads_error("workloads_trace_dev_zero.yaml"),
      bad("workloads_trace_dev_zero.yaml") +
          ":6:13: error: cannot open trace file '/dev/zero': it is a character device, not a regular file");
}

TEST(BadInputUnits, ReadmeSpellingKBIsAccepted) {
  // Was: "unknown unit 'KB'" for the README's own `input: 600KB`.
  const WorkloadSpec w = parse_workloads(bad("ok_workloads_kb.yaml"));
  ASSERT_EQ(w.streams.size(), 1U);
  ASSERT_EQ(w.streams[0].stages.size(), 1U);
  EXPECT_EQ(w.streams[0].stages[0].input_bytes.v, 600e3);
  EXPECT_EQ(w.streams[0].stages[0].output_bytes.v, 4e3);
}

/// Inputs made at test time in a private folder: FIFOs, sparse files, generated files, other line ends.
class BadInputLimits : public BadInputCli {
 protected:
  std::string write(const std::string& name, const std::string& text) const {
    const std::string path = (dir_ / name).string();
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }
  std::string fifo(const std::string& name) const {
    const std::string path = (dir_ / name).string();
    EXPECT_EQ(::mkfifo(path.c_str(), 0600), 0) << path;
    return path;
  }
  /// A file of `size` bytes that takes no disk space (a hole).
  std::string sparse(const std::string& name, std::uintmax_t size) const {
    const std::string path = write(name, "");
    std::filesystem::resize_file(path, size);
    return path;
  }
  /// The text of tests/data/bad/NAME with every LF replaced by `eol`.
  static std::string with_line_ends(const std::string& name, const std::string& eol) {
    std::string out;
    for (const char c : slurp(bad(name))) out += c == '\n' ? eol : std::string(1, c);
    return out;
  }
  std::string workloads_with_trace(const std::string& trace) const {
    return write("w.yaml",
                 "run: {duration: 10s}\nworkloads:\n  - name: w\n    arrival:\n      kind: trace\n"
                 "      file: " +
                     trace + "\n    model: {flops: 1Gf, bytes: 10MB}\n");
  }
  std::string workloads_with_model(const std::string& model) const {
    return write("w.yaml",
                 "run: {duration: 10s}\nworkloads:\n  - name: w\n    arrival: {kind: periodic, rate: "
                 "10/s}\n    model: " +
                     model + "\n");
  }
  std::string run_with(const std::string& platform, const std::string& workloads) const {
    return "run " + quoted(platform) + " " + quoted(workloads) + " --json " + quoted(json());
  }
};

constexpr int kBounded = 10;  // seconds: each of these returns at once; a hang is killed and fails

TEST_F(BadInputLimits, HugeValueOfBracesIsRefusedBySizeNotBadAlloc) {
  // Was: std::bad_alloc after gigabytes of memory.
  const std::string path = write("braces.yaml", "a: " + std::string(20000000, '{'));
  EXPECT_EQ(platform_error_in(path),
            path + ": error: file too large: 20000003 bytes, more than the 16 MiB limit for a YAML file");
  expect_rejected(
      gpusim(run_with(path, bad("ok_workloads.yaml")), true, kBounded),
      path + ": error: file too large: 20000003 bytes, more than the 16 MiB limit for a YAML file");
}

TEST_F(BadInputLimits, UnclosedBracesWithinTheSizeLimitAreRefusedByDepth) {
  // 2 MB of '{' in lines of 1000: yaml-cpp alone would take it all in before counting a level.
  std::string text;
  for (int i = 0; i < 2000; ++i) text += std::string(1000, '{') + "\n";
  const std::string path = write("braces.yaml", text);
  EXPECT_EQ(
      platform_error_in(path),
      path +
          ":1:65: error: nested too deeply: a YAML file may nest lists and mappings at most 64 levels deep");
}

TEST_F(BadInputLimits, LongLineIsLocated) {
  const std::string path = write("long.yaml", "nodes: []\nnote: " + std::string(70000, 'x') + "\n");
  EXPECT_EQ(platform_error_in(path),
            path + ":2:65537: error: line too long: a YAML line may hold at most 64 KiB");
}

TEST_F(BadInputLimits, FifoAsPlatformFileIsRefusedWithoutBlocking) {
  // Was: blocked forever waiting for a writer.
  const std::string pipe = fifo("platform.yaml");
  expect_rejected(gpusim(run_with(pipe, bad("ok_workloads.yaml")), true, kBounded),
                  pipe + ": error: cannot open file: it is a named pipe (FIFO), not a regular file");
}

TEST_F(BadInputLimits, DeviceAsYamlFileIsRefused) {
  expect_rejected(gpusim(run_with(bad("ok_platform_t4.yaml"), "/dev/zero"), true, kBounded),
                  "/dev/zero: error: cannot open file: it is a character device, not a regular file");
}

TEST_F(BadInputLimits, DeviceAndFifoAsTraceAreRefusedAtTheFileKey) {
  expect_rejected(
      gpusim(run_with(bad("ok_platform_t4.yaml"), bad("workloads_trace_dev_zero.yaml")), true, kBounded),
      bad("workloads_trace_dev_zero.yaml") +
          ":6:13: error: cannot open trace file '/dev/zero': it is a character device, not a regular file");
  const std::string pipe = fifo("trace.txt");
  const std::string w = workloads_with_trace("trace.txt");
  expect_rejected(gpusim(run_with(bad("ok_platform_t4.yaml"), w), true, kBounded),
                  w + ":6:13: error: cannot open trace file '" + pipe +
                      "': it is a named pipe (FIFO), not a regular file");
}

TEST_F(BadInputLimits, TraceOverTheLimitIsRefusedBeforeReading) {
  const std::string trace = sparse("trace.txt", (std::uintmax_t{256} << 20) + 1);
  const std::string w = workloads_with_trace("trace.txt");
  EXPECT_EQ(workloads_error_in(w),
            w + ":6:13: error: trace file '" + trace +
                "' is too large: 268435457 bytes, more than the 256 MiB limit for a trace file");
}

TEST_F(BadInputLimits, DeviceAndFifoAsModelAreRefusedAtTheModelKey) {
  std::string w = workloads_with_model("/dev/zero");
  expect_rejected(
      gpusim(run_with(bad("ok_platform_t4.yaml"), w), true, kBounded),
      w + ":5:12: error: model '/dev/zero': cannot open the file: it is a character device, not a "
          "regular file");
  fifo("pipe.onnx");
  w = workloads_with_model("pipe.onnx");
  expect_rejected(
      gpusim(run_with(bad("ok_platform_t4.yaml"), w), true, kBounded),
      w + ":5:12: error: model 'pipe.onnx': cannot open the file: it is a named pipe (FIFO), not a "
          "regular file");
}

TEST_F(BadInputLimits, ModelOverProtobufsLimitIsRefusedBeforeReading) {
  sparse("big.onnx", (std::uintmax_t{2} << 30) + 1);
  const std::string w = workloads_with_model("big.onnx");
  EXPECT_EQ(workloads_error_in(w),
            w + ":5:12: error: model 'big.onnx': the file is too large: 2147483649 bytes, "
                "more than the 2 GiB limit for an ONNX model (protobuf's limit)");
}

TEST_F(BadInputLimits, CrAndCrLfLineEndsReadAsLf) {
  // Was: a CR-only file read as "file is empty".
  for (const std::string eol : {"\r", "\r\n"}) {
    const std::string platform = write("p.yaml", with_line_ends("ok_platform_t4.yaml", eol));
    const std::string workloads = write("w.yaml", with_line_ends("ok_workloads_kb.yaml", eol));
    const PlatformSpec p = parse_platform(platform, test_catalog());
    const PlatformSpec lf_p = parse_platform(bad("ok_platform_t4.yaml"), test_catalog());
    EXPECT_EQ(p.nodes, lf_p.nodes);
    ASSERT_EQ(p.devices.size(), 1U);
    EXPECT_EQ(p.devices[0].name, lf_p.devices[0].name);
    EXPECT_EQ(p.devices[0].spec.name, lf_p.devices[0].spec.name);
    EXPECT_EQ(p.devices[0].loc.line, lf_p.devices[0].loc.line);
    EXPECT_EQ(p.devices[0].loc.column, lf_p.devices[0].loc.column);
    const WorkloadSpec w = parse_workloads(workloads);
    const WorkloadSpec lf_w = parse_workloads(bad("ok_workloads_kb.yaml"));
    EXPECT_EQ(w.run.duration.v, lf_w.run.duration.v);
    ASSERT_EQ(w.streams.size(), 1U);
    EXPECT_EQ(w.streams[0].name, lf_w.streams[0].name);
    EXPECT_EQ(w.streams[0].loc.line, lf_w.streams[0].loc.line);
    EXPECT_EQ(w.streams[0].loc.column, lf_w.streams[0].loc.column);
    EXPECT_EQ(w.streams[0].arrival.rate.v, lf_w.streams[0].arrival.rate.v);
    EXPECT_EQ(w.streams[0].stages[0].input_bytes.v, 600e3);
    EXPECT_EQ(w.streams[0].request_flops().v, lf_w.streams[0].request_flops().v);
    EXPECT_EQ(w.streams[0].request_bytes().v, lf_w.streams[0].request_bytes().v);
    // Errors keep their line numbers: the unknown key is on line 5 whatever ends the lines.
    const std::string bad_keys = write("k.yaml", with_line_ends("platform_unknown_top_key.yaml", eol));
    EXPECT_EQ(
        platform_error_in(bad_keys),
        bad_keys + ":5:1: error: platform: unknown key 'gpus' (known: calibration, contention, memory_headroom, nodes)");
  }
}

TEST_F(BadInputLimits, CrLineEndsGiveTheSameRunAsLf) {
  // The same paths both times, since the output names its inputs.
  const std::string platform = (dir_ / "p.yaml").string();
  const std::string workloads = (dir_ / "w.yaml").string();
  const std::string run = "-q " + run_with(platform, workloads);
  write("p.yaml", with_line_ends("ok_platform_t4.yaml", "\n"));
  write("w.yaml", with_line_ends("ok_workloads.yaml", "\n"));
  const Outcome lf = gpusim(run, true, 120);
  ASSERT_EQ(lf.exit_code, 0) << lf.err;
  const std::string lf_json = slurp(json());
  write("p.yaml", with_line_ends("ok_platform_t4.yaml", "\r"));
  write("w.yaml", with_line_ends("ok_workloads.yaml", "\r"));
  const Outcome cr = gpusim(run, true, 120);
  ASSERT_EQ(cr.exit_code, 0) << cr.err;
  EXPECT_EQ(cr.out, lf.out);
  EXPECT_EQ(slurp(json()), lf_json);
}

}  // namespace

TEST(BadInputWorkloads, FacesPerFrameMustNotBeNegative) {
  EXPECT_EQ(workloads_error("workloads_faces_negative.yaml"),
            bad("workloads_faces_negative.yaml") + ":5:22: error: 'faces_per_frame' must be at least 0 (got -1)");
}

TEST(BadInputWorkloads, PerFaceStageNeedsFacesPerFrame) {
  EXPECT_EQ(workloads_error("workloads_per_face_without_fanout.yaml"),
            bad("workloads_per_face_without_fanout.yaml") +
                ":3:5: error: workload 'cam': a stage is per_face, so 'faces_per_frame' is needed");
}

TEST(BadInputWorkloads, AfterMustNameAnEarlierStage) {
  EXPECT_EQ(workloads_error("workloads_after_unknown_stage.yaml"),
            bad("workloads_after_unknown_stage.yaml") +
                ":7:65: error: stage 'embed': 'after' names 'landmark', which is not an earlier stage");
}

TEST(BadInputWorkloads, MissingModelFileNamesTheWorkloadsLine) {
  const std::string msg = workloads_error("workloads_model_file_missing.yaml");
  EXPECT_EQ(msg.rfind(bad("workloads_model_file_missing.yaml") + ":5:12: error: model 'models/nothing_here.onnx': ", 0),
            0u)
      << msg;
}


// ---- encodings ------------------------------------------------------------------------------------

// A UTF-8 byte order mark reads as if it were not there: the file parses, and errors keep their columns.
TEST(BadInputEncoding, Utf8BomIsAccepted) {
  EXPECT_EQ(platform_error("platform_bom.yaml"), kNoError);
  EXPECT_EQ(platform_error("platform_bom_unknown_key.yaml"),
            bad("platform_bom_unknown_key.yaml") +
                ":4:43: error: device: unknown key 'colour' (known: count, mig, name, overrides, pcie_bandwidth, "
                "power_cap, queue_limit, sharing, type)");
}

TEST(BadInputEncoding, Latin1ByteIsLocated) {
  EXPECT_EQ(workloads_error("workloads_latin1_byte.yaml"),
            bad("workloads_latin1_byte.yaml") +
                ":3:14: error: byte 0xE9 is not UTF-8 text (a YAML file must be UTF-8)");
}

TEST(BadInputEncoding, EncodedSurrogateIsLocated) {
  EXPECT_EQ(workloads_error("workloads_surrogate.yaml"),
            bad("workloads_surrogate.yaml") + ":3:14: error: byte 0xED is not UTF-8 text (a YAML file must be UTF-8)");
}

// Found by fuzz_platform (UBSan: a shift by 2^64 - 1 decoding a byte that starts no UTF-8 sequence); the
// sanitizer run of these tests keeps it found.
TEST(BadInputEncoding, LoneContinuationByteIsLocated) {
  EXPECT_EQ(workloads_error("workloads_continuation_byte.yaml"),
            bad("workloads_continuation_byte.yaml") +
                ":3:14: error: byte 0x80 is not UTF-8 text (a YAML file must be UTF-8)");
}

TEST(BadInputEncoding, ByteFFIsLocated) {
  EXPECT_EQ(workloads_error("workloads_byte_ff.yaml"),
            bad("workloads_byte_ff.yaml") +
                ":3:14: error: byte 0xFF is not UTF-8 text (a YAML file must be UTF-8)");
}

// Found by the YAML mutation test (seed 20249297 of 18,000): a quoted model reference holding a line break
// was echoed raw, so the loader's message was two lines.
TEST(BadInputEncoding, ModelReferenceWithALineBreakIsEscaped) {
  EXPECT_EQ(workloads_error("workloads_model_line_break.yaml"),
            bad("workloads_model_line_break.yaml") +
                ":5:12: error: model 'no_such\\nmodel.onnx': cannot open the file (no such regular file)");
}

// YAML text is printable: a NUL (which yaml-cpp reads as the end of the file) or another control character
// is an error at its byte. Found by the YAML mutation test (10 of 1,200 mutants read as "file is empty").
TEST(BadInputEncoding, ControlCharacterIsLocated) {
  EXPECT_EQ(
      workloads_error("workloads_nul_byte.yaml"),
      bad("workloads_nul_byte.yaml") + ":3:14: error: control character 0x00 is not allowed in a YAML file");
  EXPECT_EQ(
      platform_error("platform_nul_first.yaml"),
      bad("platform_nul_first.yaml") + ":1:1: error: control character 0x00 is not allowed in a YAML file");
  EXPECT_EQ(workloads_error("workloads_escape_byte.yaml"),
            bad("workloads_escape_byte.yaml") +
                ":3:14: error: control character 0x1B is not allowed in a YAML file");
}

// A document whose root is null is an error where the document starts; a file with no document at all
// (only comments) stays "file is empty", an error about no one place (BadInputFile.EmptyFile).
TEST(BadInputFile, NullDocumentIsLocated) {
  EXPECT_EQ(platform_error("platform_null_document.yaml"),
            bad("platform_null_document.yaml") + ":3:1: error: the document is empty (null)");
  EXPECT_EQ(workloads_error("workloads_tilde_document.yaml"),
            bad("workloads_tilde_document.yaml") + ":2:1: error: the document is empty (null)");
}

TEST(BadInputEncoding, Utf16IsRefused) {
  EXPECT_EQ(platform_error("platform_utf16.yaml"),
            bad("platform_utf16.yaml") +
                ":1:1: error: the file starts with a UTF-16 or UTF-32 byte order mark; save it as UTF-8");
}

}  // namespace gpusim

// ---------------------------------------------------------------------------------------------------------
// Limits stated before work starts: the work is estimated from the inputs and refused at once, with the
// estimate, when it cannot fit the memory allowed or would take days of host time.

namespace gpusim {
namespace {

class BadInputWorkLimits : public BadInputCli {
 protected:
  /// Writes a platform of `devices` TestT4s on one node and a workloads file of one periodic stream.
  std::pair<std::string, std::string> write(int devices, int streams, const std::string& duration,
                                            const std::string& rate) const {
    const std::string platform = (dir_ / "platform.yaml").string();
    const std::string workloads = (dir_ / "workloads.yaml").string();
    std::ofstream(platform) << "nodes:\n  - name: n0\n    devices:\n      - {name: gpu, type: TestT4, count: "
                            << devices << "}\n";
    std::ofstream(workloads) << "run: {duration: " << duration << ", drain: 0s}\nworkloads:\n  - name: w\n"
                             << "    count: " << streams << "\n    arrival: {kind: periodic, rate: " << rate
                             << "}\n    model: {flops: 1Gf, bytes: 10MB}\n";
    return {platform, workloads};
  }
  std::string run_args(const std::pair<std::string, std::string>& files) const {
    return "run " + quoted(files.first) + " " + quoted(files.second) + " --json " + quoted(json());
  }
};

TEST_F(BadInputWorkLimits, TenThousandDevicesAreRefusedAtOnceWithTheEstimate) {
  // 64 MiB of base + 10,000 x 64 KiB of platform + 4 copies of 10,000 x 10 samples of 64 B (24.4 MiB) +
  // the policy's times, 10,000 units x 32 B (0.3 MiB) = 713.7 MiB. Run alone: about 1 s, 160 MiB peak
  // (tests/reliability/work_limits_test.cpp).
  expect_rejected(
      gpusim(run_args(write(10000, 1, "1s", "1/s")) + " --max-memory 512MiB", true, 5),
      "error: this run needs about 713.7 MiB of memory (1 stream on 10,000 units, about 1 requests: 625.0 "
      "MiB of simulated platform, 64.0 MiB of base), more than the 512.0 MiB allowed (--max-memory "
      "512MiB); raise it with --max-memory, or shorten the run");
}

TEST_F(BadInputWorkLimits, MillionStreamsAreRefusedAtOnceWithTheEstimate) {
  expect_rejected(
      gpusim(run_args(write(1, 1000000, "10s", "10/s")) + " --max-memory 8GiB", true, 5),
      "error: this run needs about 20.4 GiB of memory (1,000,000 streams on 1 unit, about 100,000,000 "
      "requests: 12.7 GiB of request records, 7.7 GiB of stream state), more than the 8.0 GiB allowed "
      "(--max-memory 8GiB); raise it with --max-memory, or shorten the run");
}

TEST_F(BadInputWorkLimits, MillionSecondsAtAMillionPerSecondAreRefusedAtOnce) {
  expect_rejected(
      gpusim(run_args(write(1, 1, "1e6s", "1e6/s")) + " --max-memory 8GiB --allow-large", true, 5),
      "error: this run needs about 123.7 TiB of memory (1 stream on 1 unit, about 1,000,000,000,000 "
      "requests: 123.7 TiB of request records, 64.0 MiB of base), more than the 8.0 GiB allowed "
      "(--max-memory 8GiB); raise it with --max-memory, or shorten the run");
  expect_rejected(
      gpusim(run_args(write(1, 1, "1e6s", "1e6/s")) + " --max-memory 8GiB", true, 5),
      "error: this run would take about 57.9 days of host time (1 stream on 1 unit, about "
      "1,000,000,000,000 requests: about 1,000,000,000,000 kernels), more than the 24 hours allowed; "
      "run it anyway with --allow-large, or shorten the run");
}

TEST_F(BadInputWorkLimits, MaxMemoryRefusesASmallRun) {
  expect_rejected(
      gpusim(run_args(write(1, 1, "10s", "10/s")) + " --max-memory 1MiB", true, 5),
      "error: this run needs about 64.1 MiB of memory (1 stream on 1 unit, about 100 requests: 64.0 MiB "
      "of base, 64.0 KiB of simulated platform), more than the 1.0 MiB allowed (--max-memory 1MiB); "
      "raise it with --max-memory, or shorten the run");
  expect_rejected(
      gpusim("compare " + quoted(write(1, 1, "10s", "10/s").first) + " " +
                 quoted((dir_ / "workloads.yaml").string()) +
                 " --schedulers round-robin,best-fit "
                 "--max-memory 1MiB --json " +
                 quoted(json()),
             true, 5),
      "error: this comparison of 2 schedulers needs about 128.3 MiB of memory (1 stream on 1 unit, "
      "about 100 requests: 64.0 MiB of base, 64.0 KiB of simulated platform), more than the 1.0 MiB "
      "allowed (--max-memory 1MiB); raise it with --max-memory, or shorten the run");
}

TEST_F(BadInputWorkLimits, MaxMemoryMustBeASize) {
  expect_rejected(
      gpusim(run_args(write(1, 1, "10s", "10/s")) + " --max-memory 12", true, 5),
      "error: --max-memory '12': '12' has no unit: expected a size with a unit, such as 16GiB or 40MB");
}

// ---- Calibration overlays (gpusim calibrate's output, named by a platform) ---------------------------------

std::string calibration_error(const std::string& file) {
  try {
    read_calibration(bad(file), test_catalog());
  } catch (const ConfigError& e) {
    return e.what();
  }
  return kNoError;
}

TEST(BadCalibration, PlatformNamesAMissingOverlay) {
  EXPECT_EQ(platform_error("platform_calibration_missing.yaml"),
            bad("platform_calibration_missing.yaml") + ":1:14: error: 'calibration': no such file '" +
                bad("no_such_calibration.yaml") + "'");
}

TEST(BadCalibration, PlatformNamesAnOverlayWithAnEfficiencyAboveOne) {
  EXPECT_EQ(platform_error("platform_calibration_bad.yaml"),
            bad("calibration_bad_efficiency.yaml") + ":5:14: error: 'value' must be between 0.05 and 1 (got 1.3)");
}

TEST(BadCalibration, DeviceNotInTheCatalog) {
  EXPECT_EQ(calibration_error("calibration_unknown_device.yaml"),
            bad("calibration_unknown_device.yaml") +
                ":2:3: error: device 'H100-PCIe' is not in the catalog (known: A100-PCIe-40GB, TestT4)");
}

TEST(BadCalibration, LaunchOverheadOutsideItsBounds) {
  EXPECT_EQ(calibration_error("calibration_bad_overhead.yaml"),
            bad("calibration_bad_overhead.yaml") +
                ":3:30: error: 'launch_overhead.value' must be within [0.5us, 100us]");
}

TEST(BadCalibration, TimeSliceOutsideItsBounds) {
  EXPECT_EQ(calibration_error("calibration_bad_time_slice.yaml"),
            bad("calibration_bad_time_slice.yaml") +
                ":3:25: error: 'time_slice.value' must be within [100us, 20000us]");
}

TEST(BadCalibration, EagerHostLaunchOutsideItsBounds) {
  EXPECT_EQ(calibration_error("calibration_bad_eager_host_launch.yaml"),
            bad("calibration_bad_eager_host_launch.yaml") +
                ":3:32: error: 'eager_host_launch.value' must be within [1us, 1000us]");
}

TEST(BadCalibration, L2FarRatioOutsideItsBounds) {
  EXPECT_EQ(
      calibration_error("calibration_bad_l2_far.yaml"),
      bad("calibration_bad_l2_far.yaml") + ":3:27: error: 'value' must be between 0.05 and 1 (got 0.01)");
}

}  // namespace
}  // namespace gpusim
