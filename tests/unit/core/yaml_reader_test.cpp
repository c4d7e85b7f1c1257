// Typed getters of the strict YAML reader: `get<Q>` and its variants read a quantity of the type's
// dimension, and every refusal names FILE:LINE:COL of the value (yaml-cpp marks are 0-based, these 1-based).

#include "core/yaml_reader.hpp"
#include "tests/support/config_error.hpp"

#include <gtest/gtest.h>

#include <string>
#include <type_traits>

namespace gpusim {
namespace {

TEST(YamlReaderTyped, GetsEachQuantityAsItsType) {
  const YAML::Node node = YAML::Load("duration: 1.5ms\nmemory: 2GiB\nrate: 30/s\ncap: 70W\n");
  MapReader m(node, "run.yaml", "run");
  const Seconds duration = m.get<Seconds>("duration");
  EXPECT_DOUBLE_EQ(duration.v, 1.5e-3);
  EXPECT_EQ(m.get_positive<Bytes>("memory").v, 2147483648.0);
  EXPECT_EQ(m.get_or("rate", PerSecond{1.0}).v, 30.0);
  EXPECT_EQ(m.get_positive_or("cap", Watts{1.0}).v, 70.0);
  static_assert(std::is_same_v<decltype(m.get_or("rate", PerSecond{1.0})), PerSecond>);
  m.finish();
}

TEST(YamlReaderTyped, AnAbsentKeyGivesTheFallback) {
  const YAML::Node node = YAML::Load("duration: 10s\n");
  MapReader m(node, "run.yaml", "run");
  EXPECT_EQ(m.get_or("warmup", Seconds{2.0}).v, 2.0);
  EXPECT_EQ(m.get_positive_or("drain", Seconds{3.0}).v, 3.0);
  EXPECT_EQ(m.get<Seconds>("duration").v, 10.0);
}

TEST(YamlReaderTyped, AWrongDimensionIsLocated) {
  const YAML::Node node = YAML::Load("name: x\nduration: 16GiB\n");
  MapReader m(node, "run.yaml", "run");
  EXPECT_EQ(
      test::config_error([&] { m.get<Seconds>("duration"); }),
      "run.yaml:2:11: error: 'duration': unknown unit 'GiB' in '16GiB': expected a duration with a unit, "
      "such as 33ms or 10s (accepted: s, ms, us, ns, min, h)");
  EXPECT_EQ(
      test::config_error([&] { quantity_of<Seconds>("run.yaml", node["duration"], "duration"); }),
      "run.yaml:2:11: error: 'duration': unknown unit 'GiB' in '16GiB': expected a duration with a unit, "
      "such as 33ms or 10s (accepted: s, ms, us, ns, min, h)");
}

TEST(YamlReaderTyped, PositiveGettersRefuseZeroWithTheText) {
  const YAML::Node node = YAML::Load("memory: 0\nslice: 0s\n");
  MapReader m(node, "device.yaml", "device");
  EXPECT_EQ(test::config_error([&] { m.get_positive<Bytes>("memory"); }),
            "device.yaml:1:9: error: 'memory' must be greater than zero (got '0')");
  EXPECT_EQ(test::config_error([&] { m.get_positive_or("slice", Seconds{1.0}); }),
            "device.yaml:2:8: error: 'slice' must be greater than zero (got '0s')");
}

TEST(YamlReaderTyped, AMissingRequiredKeyNamesTheMapping) {
  const YAML::Node node = YAML::Load("seed: 1\n");
  MapReader m(node, "run.yaml", "run");
  EXPECT_EQ(test::config_error([&] { m.get<Seconds>("duration"); }),
            "run.yaml:1:1: error: run: missing required key 'duration'");
}

TEST(YamlReaderTyped, AListWhereAQuantityBelongsIsRefused) {
  const YAML::Node node = YAML::Load("rate: [1, 2]\n");
  MapReader m(node, "w.yaml", "arrival");
  EXPECT_EQ(test::config_error([&] { m.get<PerSecond>("rate"); }),
            "w.yaml:1:7: error: 'rate' must be a single value");
}

}  // namespace
}  // namespace gpusim
