// Power model, pstate clocks, settled pstate, RC thermal step and the controller step, against values
// computed by hand from the documented model (sim/power_model.hpp, sim/power_controller.hpp).

#include "sim/power_controller.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace gpusim {
namespace {

// A device with boost 1500 MHz and base 1000 MHz: pstate i runs at 1500 - 15 i MHz, so r_i = 1 - 0.01 i,
// down to 510 MHz (the last bin at or above half the base clock, 500 MHz): 67 pstates.
DeviceSpec device() {
  DeviceSpec d;
  d.boost_clock = Hertz{1500e6};
  d.base_clock = Hertz{1000e6};
  return d;
}

PowerModel model() { return PowerModel{Watts{50}, Watts{250}, 0.85, 0.35}; }

ThermalSpec thermal(double limit) {
  ThermalSpec th;
  th.ambient = Celsius{25};
  th.resistance = KelvinPerWatt{0.2};
  th.time_constant = Seconds{10};
  th.limit = Celsius{limit};
  return th;
}

TEST(PowerModel, PowerAtAKnownClockRatio) {
  // 50 + 200 x (0.85 x 0.5 x 0.9^3 + 0.35 x 0.4) = 50 + 200 x 0.449825 = 139.965
  EXPECT_NEAR(model().power(0.5, 0.4, 0.9).v, 139.965, 1e-9);
  EXPECT_DOUBLE_EQ(model().power(0, 0, 1).v, 50);   // idle
  EXPECT_DOUBLE_EQ(model().power(1, 0, 1).v, 220);  // 50 + 200 x 0.85
}

TEST(PowerModel, TheClockExponentSetsHowFastDynamicPowerFallsWithTheClock) {
  // Exponent 1 (voltage pinned): 50 + 200 x (0.85 x 0.5 x 0.9 + 0.35 x 0.4) = 50 + 200 x 0.5225 = 154.5.
  PowerModel m = model();
  m.clock_exponent = 1.0;
  EXPECT_NEAR(m.power(0.5, 0.4, 0.9).v, 154.5, 1e-9);
  // Exponent 2: 0.9^2 = 0.81 -> 50 + 200 x (0.34425 + 0.14) = 146.85.
  m.clock_exponent = 2.0;
  EXPECT_NEAR(m.power(0.5, 0.4, 0.9).v, 146.85, 1e-9);
  // Under a 190 W cap a fully busy device (u_c = 1, u_m = 0) needs 0.85 r^k <= 0.7, r <= (0.7 / 0.85)^(1/k):
  // k = 3: r <= 0.9374, pstate 7 (r 0.93); k = 1: r <= 0.8235, pstate 18 (r 0.82).
  const auto clocks = pstate_clocks(device());
  EXPECT_EQ(settled_pstate(model(), clocks, 1.0, 0.0, Watts{190}), 7);
  m.clock_exponent = 1.0;
  EXPECT_EQ(settled_pstate(m, clocks, 1.0, 0.0, Watts{190}), 18);
}

TEST(PowerModel, PstateClocksStepBy15MHzDownToHalfTheBaseClock) {
  const auto clocks = pstate_clocks(device());
  ASSERT_EQ(clocks.size(), 67u);
  EXPECT_DOUBLE_EQ(clocks[0].v, 1500e6);
  EXPECT_DOUBLE_EQ(clocks[1].v, 1485e6);
  EXPECT_DOUBLE_EQ(clocks.back().v, 510e6);
  // T4: boost 1590 MHz, base 585 MHz -> down to 292.5 MHz: 1590 - 15 x 86 = 300 MHz, 87 pstates.
  DeviceSpec t4;
  t4.boost_clock = Hertz{1590e6};
  t4.base_clock = Hertz{585e6};
  const auto t4_clocks = pstate_clocks(t4);
  ASSERT_EQ(t4_clocks.size(), 87u);
  EXPECT_DOUBLE_EQ(t4_clocks.back().v, 300e6);
}

TEST(PowerModel, SettledPstateUnderACap) {
  const auto clocks = pstate_clocks(device());
  // Saturated SMs (u = 1 at every clock), no memory traffic: P_i = 50 + 170 r_i^3.
  // r = 0.84: 50 + 170 x 0.592704 = 150.76 > 150; r = 0.83: 50 + 170 x 0.571787 = 147.20 <= 150 -> pstate 17.
  EXPECT_EQ(settled_pstate(model(), clocks, 1.0, 0.0, Watts{150}), 17);
  // 60 % busy at boost: u = 0.6 / r, so P_i = 50 + 200 x 0.85 x 0.6 x r_i^2 = 50 + 102 r_i^2.
  // r = 0.83: 50 + 102 x 0.6889 = 120.27 > 120; r = 0.82: 50 + 102 x 0.6724 = 118.58 <= 120 -> pstate 18.
  EXPECT_EQ(settled_pstate(model(), clocks, 0.6, 0.0, Watts{120}), 18);
  // Under the cap at boost: pstate 0; a cap below idle: the slowest pstate.
  EXPECT_EQ(settled_pstate(model(), clocks, 0.6, 0.0, Watts{250}), 0);
  EXPECT_EQ(settled_pstate(model(), clocks, 0.6, 0.0, Watts{40}), 66);
}

TEST(ThermalModel, OneRcStep) {
  const ThermalSpec th = thermal(85);
  // Steady state at 200 W: 25 + 200 x 0.2 = 65 C. After one time constant from ambient:
  // T = 65 + (25 - 65) e^-1 = 65 - 40 x 0.36787944 = 50.2848224.
  EXPECT_DOUBLE_EQ(steady_temperature(th, Watts{200}).v, 65);
  EXPECT_NEAR(thermal_step(th, Celsius{25}, Watts{200}, Seconds{10}).v, 50.2848224, 1e-7);
  // Cooling at idle power 0 W from 65 C for 5 s: 25 + 40 e^-0.5 = 25 + 40 x 0.60653066 = 49.2612264.
  EXPECT_NEAR(thermal_step(th, Celsius{65}, Watts{0}, Seconds{5}).v, 49.2612264, 1e-7);
}

TEST(PowerController, OverTheCapStepsOneBinDown) {
  PowerController c(model(), pstate_clocks(device()), Watts{150}, thermal(85), true, true);
  EXPECT_EQ(c.pstate(), 0);
  EXPECT_DOUBLE_EQ(c.temperature().v, 25);
  const auto s = c.step(1.0, 0.0, Seconds{0.01});
  EXPECT_DOUBLE_EQ(s.power.v, 220);  // at boost: 50 + 200 x 0.85
  // 25 + 220 x 0.2 x (1 - e^-0.001) = 25 + 44 x 0.00099950017 = 25.0439780
  EXPECT_NEAR(s.temperature.v, 25.0439780, 1e-7);
  EXPECT_EQ(s.pstate, 1);
  EXPECT_DOUBLE_EQ(c.clock().v, 1485e6);
}

TEST(PowerController, StepsBackUpWhenTheFasterBinFits) {
  PowerController c(model(), pstate_clocks(device()), Watts{150}, thermal(85), true, true);
  c.step(1.0, 0.0, Seconds{0.01});
  ASSERT_EQ(c.pstate(), 1);
  // 10 % busy at r = 0.99: 50 + 170 x 0.1 x 0.970299 = 66.49 W; at boost the same work is 9.9 % busy:
  // 50 + 170 x 0.099 = 66.83 W <= 150 -> back to pstate 0.
  const auto s = c.step(0.1, 0.0, Seconds{0.01});
  EXPECT_NEAR(s.power.v, 50 + 170 * 0.1 * 0.970299, 1e-9);
  EXPECT_EQ(s.pstate, 0);
}

TEST(PowerController, SettlesWhereTheSteadyStateFormulaSays) {
  // A device 60 % busy at boost shows u = 0.6 / r at clock ratio r; with a 120 W cap the controller walks
  // down one bin per period and stays at pstate 18 (see SettledPstateUnderACap).
  PowerController c(model(), pstate_clocks(device()), Watts{120}, thermal(85), true, true);
  for (int tick = 0; tick < 100; ++tick) {
    const double r = c.clock().v / 1500e6;
    c.step(std::min(1.0, 0.6 / r), 0.0, Seconds{0.01});
    if (tick >= 18) {
      EXPECT_EQ(c.pstate(), 18) << "tick " << tick;
    }
  }
  EXPECT_DOUBLE_EQ(c.clock().v, 1230e6);
}

TEST(PowerController, ThermalThrottlingAboveTheLimitAndBackBelowLimitMinusOne) {
  // Power capping off; limit 40 C. Steps of one time constant (10 s):
  // 220 W from 25 C: 69 - 44 e^-1 = 52.8133046 > 40 -> pstate 1;
  // idle (50 W, steady 35 C): 35 + 17.8133046 e^-1 = 41.5531485 > 40 -> pstate 2;
  // idle: 35 + 6.5531485 e^-1 = 37.4107686 < 39 -> pstate 1.
  PowerController c(model(), pstate_clocks(device()), Watts{100}, thermal(40), false, true);
  auto s = c.step(1.0, 0.0, Seconds{10});
  EXPECT_NEAR(s.temperature.v, 52.8133046, 1e-6);
  EXPECT_EQ(s.pstate, 1);
  s = c.step(0.0, 0.0, Seconds{10});
  EXPECT_DOUBLE_EQ(s.power.v, 50);
  EXPECT_NEAR(s.temperature.v, 41.5531485, 1e-6);
  EXPECT_EQ(s.pstate, 2);
  s = c.step(0.0, 0.0, Seconds{10});
  EXPECT_NEAR(s.temperature.v, 37.4107686, 1e-6);
  EXPECT_EQ(s.pstate, 1);
}

TEST(PowerController, SwitchedOffControllersStayAtBoost) {
  // Over a 100 W cap (220 W) and over a 30 C limit, but both controllers off.
  PowerController c(model(), pstate_clocks(device()), Watts{100}, thermal(30), false, false);
  for (int tick = 0; tick < 5; ++tick) {
    const auto s = c.step(1.0, 0.0, Seconds{10});
    EXPECT_EQ(s.pstate, 0);
    EXPECT_DOUBLE_EQ(s.power.v, 220);
  }
  EXPECT_GT(c.temperature().v, 30);
}

// Which SM work is tensor-core work: a GEMM (or a kernel of unknown class) at a precision with tensor MACs;
// never an element-wise kernel or a reduction, never FP32 on a device without FP32 tensor MACs (the A100's
// catalog entry: TF32, FP16, BF16, INT8, INT4).
TEST(PowerClass, TensorCoresOnlyForMatrixWorkAtATensorPrecision) {
  DeviceSpec d;
  d.tensor_macs_per_sm_per_clock = {{Precision::TF32, 512}, {Precision::FP16, 1024}};
  EXPECT_TRUE(uses_tensor_cores(KernelClass::GEMM, Precision::FP16, d));
  EXPECT_TRUE(uses_tensor_cores(KernelClass::FILL, Precision::TF32, d));
  EXPECT_FALSE(uses_tensor_cores(KernelClass::ELEMENTWISE, Precision::FP16, d));
  EXPECT_FALSE(uses_tensor_cores(KernelClass::REDUCTION, Precision::FP16, d));
  EXPECT_FALSE(uses_tensor_cores(KernelClass::GEMM, Precision::FP32, d));
  // The shares: the platform's 0.85 for both unless the device has its own; the model's compute power is
  // the larger, each kind of work counts its share over it.
  ComputeShares c = compute_shares(d, 0.85);
  EXPECT_DOUBLE_EQ(c.compute_power, 0.85);
  EXPECT_DOUBLE_EQ(c.tensor, 1.0);
  EXPECT_DOUBLE_EQ(c.simt, 1.0);
  d.power_simt = 0.34;
  c = compute_shares(d, 0.85);
  EXPECT_DOUBLE_EQ(c.compute_power, 0.85);
  EXPECT_DOUBLE_EQ(c.simt, 0.4);
  d.power_compute = 0.17;  // CUDA-core work the larger: 0.34, tensor 0.17 / 0.34
  c = compute_shares(d, 0.85);
  EXPECT_DOUBLE_EQ(c.compute_power, 0.34);
  EXPECT_DOUBLE_EQ(c.tensor, 0.5);
  EXPECT_DOUBLE_EQ(c.simt, 1.0);
}

}  // namespace
}  // namespace gpusim
