#pragma once
/// `gpusim capacity PLATFORM WORKLOADS --vary WORKLOAD [--per-device TYPE,...]`: the largest number of
/// streams of one workload that still lets every workload meet its SLA at a quantile in a steady state,
/// found by simulation in parallel child processes (studies/capacity).

#include <optional>
#include <string>
#include <vector>

namespace gpusim {

struct CapacityOptions {
  std::string platform;
  std::string workloads;
  std::string vary;
  std::vector<std::string> per_device;  ///< catalog types
  double quantile = 0.99;
  int seeds = 1;
  std::string window = "5s";  ///< measured window per count, with its unit
  long max_streams = 10000;
  unsigned jobs = 0;
  std::string suggest = "on";
  std::string json;
  std::string report;  ///< --report FILE.html
  std::optional<unsigned long long> seed;
  std::string catalog;
  std::vector<std::string> set;
  std::vector<std::string> disable;
};

/// Parses the options, runs the search and prints it; returns the exit code.
int command_capacity(const CapacityOptions& o);

}  // namespace gpusim
