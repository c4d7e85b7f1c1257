#pragma once
/// `gpusim additivity PLATFORM WORKLOADS [--sharing time-slice,mps,mig]`: the additivity answer of the same
/// workloads under each sharing mode, side by side (studies/additivity_modes).

#include <optional>
#include <string>
#include <vector>

namespace gpusim {

struct AdditivityCommandOptions {
  std::string platform;
  std::string workloads;
  std::string sharing;         ///< comma-separated modes
  bool sharing_given = false;  ///< --sharing given (an empty list is an error); else the platform's own
  std::string json;
  std::optional<unsigned long long> seed;
  std::string catalog;
  std::vector<std::string> disable;
  std::vector<std::string> set;  ///< --set PATH=VALUE overrides of the YAML files
  std::optional<std::string> max_memory;
  bool allow_large = false;
};

/// The definitions `gpusim additivity --help` prints (docs/additivity.md says the same at length).
const char* additivity_help_footer();

int command_additivity(const AdditivityCommandOptions& o);

}  // namespace gpusim
