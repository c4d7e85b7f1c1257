#pragma once
/// The device catalog: every platforms/catalog/*.yaml file, read and validated.

#include <string>
#include <vector>

#include "platforms/device_spec.hpp"

namespace gpusim {

class Catalog {
 public:
  /// Reads every *.yaml in `dir` (sorted by name). ConfigError on any malformed entry.
  static Catalog load(const std::string& dir);
  /// The directory compiled in (the source tree's platforms/catalog), or $GPUSIM_CATALOG when set.
  static std::string default_dir();

  /// Adds one entry read from `path` (name must equal the file stem).
  void add_file(const std::string& path);

  /// Replaces the entry of the same name (a calibration overlay applied); an internal error if none.
  void replace(DeviceSpec d);

  const DeviceSpec* find(const std::string& name) const;
  const std::vector<DeviceSpec>& devices() const { return devices_; }
  /// "T4, A10, ..." for error messages.
  std::string names() const;

 private:
  std::vector<DeviceSpec> devices_;
};

/// Reads one catalog entry from YAML text already loaded (used by the platform overrides too).
DeviceSpec parse_device_file(const std::string& path);

}  // namespace gpusim
