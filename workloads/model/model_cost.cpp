#include "workloads/model/model_cost.hpp"

namespace gpusim {

double ModelCost::total_macs() const {
  double sum = 0;
  for (const LayerCost& l : layers) sum += l.macs;
  return sum;
}

double ModelCost::total_flops() const {
  double sum = 0;
  for (const LayerCost& l : layers) sum += l.flops;
  return sum;
}

Bytes ModelCost::total_bytes() const {
  Bytes sum;
  for (const LayerCost& l : layers) sum += l.total_bytes();
  return sum;
}

}  // namespace gpusim
