#include "platforms/roofline.hpp"

namespace gpusim {

Roofline roofline(Flops flops, Bytes bytes, const DeviceSpec& d, Precision p) {
  const FlopRate compute = d.achievable(p);
  return Roofline{compute.v > 0 ? flops / compute : Seconds{0.0}, bytes / d.achievable_bandwidth()};
}

}  // namespace gpusim
