// `gpusim calibrate`: per catalog entry, golden-section search of each field the calibration cases respond
// to, all entries in lockstep (one batch of simulations per step: the entries are independent, so each
// tries its own point in the same batch). Held-out rows never reach a simulation or a score.

#include "studies/validation/calibrate.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <iterator>
#include <map>
#include <set>
#include <tuple>
#include <utility>

#include "core/errors.hpp"
#include "core/logging.hpp"
#include "platforms/platform_spec.hpp"

namespace gpusim {
namespace {

enum Field {
  MEMORY,
  L2EFF,
  L2FAR,
  COMPUTE,
  LAUNCH,
  SLICE,
  SWITCH,
  MEMPOW,
  SIMTPOW,
  TENSORPOW,
  EAGERHOST,
  kFields
};
constexpr std::array<const char*, kFields> kFieldNames{"memory efficiency",
                                                       "L2 efficiency",
                                                       "L2 far ratio",
                                                       "compute efficiency",
                                                       "launch overhead",
                                                       "time slice",
                                                       "context switch",
                                                       "memory power share",
                                                       "CUDA-core power share",
                                                       "tensor-core power share",
                                                       "eager PyTorch host time per kernel"};
// The order the fields are searched in, one at a time. The time slice and the switch cost trade off (the
// share of time lost is about switch / (slice + switch)), so they are searched twice, in turn. The L2
// efficiency is searched on the cases whose hits are all near (those the far ratio does not move) when a
// device has any, so that the far ratio, searched next, is fitted to what the near hits leave. The power
// shares come last (power follows the utilisations the other fields set), twice in turn: a tensor-core GEMM
// beside an HBM stream draws both the tensor-core and the memory share. The eager PyTorch host time moves
// only the eager cases, which no other field sees.
constexpr std::array<Field, 16> kOrder{MEMORY, L2EFF,   L2FAR,     COMPUTE,  LAUNCH,  SLICE,
                                       SWITCH, SLICE,   SWITCH,    MEMPOW,   SIMTPOW, TENSORPOW,
                                       MEMPOW, SIMTPOW, TENSORPOW, EAGERHOST};
constexpr int kIterations = 12;   // golden-section steps: 0.618^12 = 3e-3 of the search range
constexpr double kSensitive = 1e-6;  // a case responds to a field when ln(prediction) moves more than this
constexpr double kNoPrediction = 10;  // ln error charged to a case the simulation did not complete

using Values = std::array<double, kFields>;  // in search coordinates: durations as ln(seconds)

bool is_duration(int f) { return f == LAUNCH || f == SLICE || f == SWITCH || f == EAGERHOST; }
bool is_power(int f) { return f == MEMPOW || f == SIMTPOW || f == TENSORPOW; }

// The cases of a category a field is fitted to. The L2 fields are properties of a kernel reading from L2,
// measured by the L2-resident kernels: fitted to whole models they would absorb what the model lacks
// elsewhere (host time, say). The power shares are fitted to measured board power only, and nothing else is.
// Eager PyTorch is host-bound (docs/validation.md): its cases fit the host time per kernel and nothing else
// (a device field fitted to them would turn, say, its launch overhead into the host's dispatch time).
// The memory and compute efficiencies are how fast a kernel streams and computes: a batch-1 latency is as
// much launch gaps and per-query host time, which gpusim does not model for TensorRT (docs/validation.md,
// item 3), so it fits the launch overhead and not them (fitted to it, the T4's memory efficiency went to
// 0.42 and broke its Offline throughput).
bool fits(int f, const std::string& category, const std::vector<std::string>& groups) {
  if (f == EAGERHOST) return category == kEagerHostBound;
  if (category == kEagerHostBound) return false;
  if (f == L2EFF || f == L2FAR) return category == kL2ResidentKernels;
  if (is_power(f)) return category == kPowerDraw;
  if ((f == MEMORY || f == COMPUTE) && std::find(groups.begin(), groups.end(), kBatch1Latency) != groups.end())
    return false;
  return category != kPowerDraw;
}

// A field's search range, in search coordinates.
std::pair<double, double> bounds(Field f) {
  switch (f) {
    case LAUNCH:
      return {std::log(kMinLaunchOverhead), std::log(kMaxLaunchOverhead)};
    case SLICE:
      return {std::log(kMinTimeSlice), std::log(kMaxTimeSlice)};
    case SWITCH:
      return {std::log(kMinContextSwitch), std::log(kMaxContextSwitch)};
    case EAGERHOST:
      return {std::log(kMinEagerHostLaunch), std::log(kMaxEagerHostLaunch)};
    case MEMPOW:
    case SIMTPOW:
    case TENSORPOW:
      return {kMinPowerShare, kMaxPowerShare};
    default:
      return {kMinEfficiency, kMaxEfficiency};
  }
}

// The validation runs use the default contention (2 ms slices, 25 us switches) unless the device has its own.
Values values_of(const DeviceSpec& d) {
  const ContentionSpec defaults;
  return {d.memory_efficiency,
          d.l2_efficiency.value_or(d.memory_efficiency),
          d.l2_far_ratio,
          d.compute_efficiency,
          std::log(d.launch_overhead.v),
          std::log(time_slice_of(d, defaults).v),
          std::log(context_switch_of(d, defaults).v),
          d.power_memory.value_or(defaults.memory_power),
          d.power_simt.value_or(d.power_compute.value_or(defaults.compute_power)),
          d.power_compute.value_or(defaults.compute_power),
          std::log(d.eager_host_launch.value_or(Seconds{kMinEagerHostLaunch}).v)};
}

void set_values(DeviceSpec& d, const Values& v) {
  d.memory_efficiency = v[MEMORY];
  d.l2_efficiency = v[L2EFF];
  d.l2_far_ratio = v[L2FAR];
  d.compute_efficiency = v[COMPUTE];
  d.launch_overhead = Seconds{std::exp(v[LAUNCH])};
  d.time_slice = Seconds{std::exp(v[SLICE])};
  d.context_switch = Seconds{std::exp(v[SWITCH])};
  d.power_memory = v[MEMPOW];
  d.power_simt = v[SIMTPOW];
  d.power_compute = v[TENSORPOW];
  d.eager_host_launch = Seconds{std::exp(v[EAGERHOST])};
}

// ln(predicted / measured) of every scored case, per device, in report order.
using Scores = std::map<std::string, std::vector<std::pair<std::string, double>>>;

class Fitter {
 public:
  Fitter(const PublishedData& published, const std::vector<MeasuredData>& measured, const Catalog& catalog,
         const ValidateOptions& options)
      : measured_(measured), catalog_(catalog), options_(options) {
    for (const auto& b : published.bandwidth)
      if (!b.held_out) published_.bandwidth.push_back(b);
    for (const auto& m : published.mlperf)
      if (!m.held_out) published_.mlperf.push_back(m);
    options_.quiet = true;
  }

  Scores score(const std::map<std::string, Values>& values) const {
    Catalog c = catalog_;
    for (const auto& [name, v] : values) {
      DeviceSpec d = *catalog_.find(name);
      set_values(d, v);
      c.replace(std::move(d));
    }
    const ValidationReport r = validate_data(published_, measured_, c, options_);
    Scores out;
    for (const auto& k : r.cases) {
      if (k.held_out) continue;  // a held-out measured case: never scored
      const double e = k.predicted && k.measured > 0 ? std::log(*k.predicted / k.measured) : kNoPrediction;
      out[k.device].emplace_back(k.name, e);
      categories_[k.name] = k.category;
      groups_[k.name] = k.groups;
    }
    return out;
  }

  /// The category of each case scored so far.
  const std::string& category(const std::string& name) const { return categories_.at(name); }
  /// The target views (ValidationCase::groups) of each case scored so far.
  const std::vector<std::string>& groups(const std::string& name) const { return groups_.at(name); }

 private:
  PublishedData published_;
  std::vector<MeasuredData> measured_;
  const Catalog& catalog_;
  ValidateOptions options_;
  mutable std::map<std::string, std::string> categories_;
  mutable std::map<std::string, std::vector<std::string>> groups_;
};

using CaseSet = std::set<std::string>;

// Sum of squared ln errors over the cases in `only` (every case when it is empty).
double objective(const std::vector<std::pair<std::string, double>>& s, const CaseSet& only = {}) {
  double sum = 0;
  for (const auto& [name, e] : s)
    if (only.empty() || only.count(name)) sum += e * e;
  return sum;
}

double mean_abs_pct(const std::vector<std::pair<std::string, double>>& s) {
  double sum = 0;
  for (const auto& [name, e] : s) sum += std::fabs(std::expm1(e)) * 100.0;
  return s.empty() ? 0 : sum / static_cast<double>(s.size());
}

// One golden-section bracket.
struct Bracket {
  double a, b, c, d, fc = 0, fd = 0;
};

constexpr double kGolden = 0.6180339887498949;

}  // namespace

CalibrationFit fit_calibration(const PublishedData& published, const std::vector<MeasuredData>& measured,
                               const Catalog& catalog, const ValidateOptions& options) {
  const Fitter fitter(published, measured, catalog, options);
  std::map<std::string, Values> current;
  const Scores base = fitter.score(current);
  if (base.empty()) throw ConfigError("error: calibrate: no calibration case (every case is held out)");
  for (const auto& [name, s] : base) current[name] = values_of(*catalog.find(name));

  // A field is fitted for a device when some of its cases respond to it: their predictions differ between
  // the first two points of the search (0.236 of the field's range apart).
  std::map<std::string, std::array<std::vector<std::string>, kFields>> responding;
  for (const auto& [name, s] : base) responding[name];
  {
    // A fresh bracket of field f for every device, and the scores at its two inner points.
    const auto start = [&](Field f) {
      std::map<std::string, Bracket> br;
      for (const auto& [name, r] : responding) {
        Bracket b{bounds(f).first, bounds(f).second, 0, 0};
        b.c = b.b - kGolden * (b.b - b.a);
        b.d = b.a + kGolden * (b.b - b.a);
        br[name] = b;
      }
      const auto at = [&](bool c) {
        std::map<std::string, Values> v = current;
        for (const auto& [name, b] : br) v[name][f] = c ? b.c : b.d;
        return fitter.score(v);
      };
      return std::tuple{br, at(true), at(false)};
    };
    // The cases of `name` whose predictions differ between the two points.
    const auto responders = [](const Scores& sc, const Scores& sd, const std::string& name) {
      std::vector<std::string> out;
      const auto& c = sc.at(name);
      for (std::size_t i = 0; i < c.size(); ++i)
        if (std::fabs(c[i].second - sd.at(name)[i].second) > kSensitive) out.push_back(c[i].first);
      return out;
    };
    for (const Field f : kOrder) {
      for (auto& [name, r] : responding) r[f].clear();  // a second search of a field finds them again
      if (responding.empty()) continue;
      // Per device, the cases this field is fitted to (`fits`); a device with none is not fitted. The L2
      // efficiency is fitted to the cases whose hits are all near (those the far ratio does not move) when
      // there are any.
      std::map<std::string, CaseSet> only;
      for (const auto& [name, r] : responding)
        for (const auto& [c, e] : base.at(name))
          if (fits(f, fitter.category(c), fitter.groups(c))) only[name].insert(c);
      if (f == L2EFF) {
        const auto [far, fc, fd] = start(L2FAR);
        for (const auto& [name, b] : far) {
          CaseSet near = only[name];
          for (const auto& n : responders(fc, fd, name)) near.erase(n);
          if (!near.empty()) only[name] = near;
        }
      }
      logger("analysis")->info("calibrate: {} of {} device(s)", kFieldNames[f], responding.size());
      auto [br, sc, sd] = start(f);
      for (auto& [name, b] : br) {
        b.fc = objective(sc.at(name), only[name]);
        b.fd = objective(sd.at(name), only[name]);
        responding[name][f] = responders(sc, sd, name);
        const CaseSet& keep = only[name];
        std::erase_if(responding[name][f], [&keep](const std::string& c) { return !keep.count(c); });
      }
      for (auto it = br.begin(); it != br.end();) it = responding[it->first][f].empty() ? br.erase(it) : std::next(it);
      if (br.empty()) continue;
      for (int it = 0; it < kIterations; ++it) {
        std::map<std::string, bool> moved_c;  // true: the new point is c
        for (auto& [name, b] : br) {
          if (b.fc <= b.fd) {
            b.b = b.d, b.d = b.c, b.fd = b.fc;
            b.c = b.b - kGolden * (b.b - b.a);
            moved_c[name] = true;
          } else {
            b.a = b.c, b.c = b.d, b.fc = b.fd;
            b.d = b.a + kGolden * (b.b - b.a);
            moved_c[name] = false;
          }
        }
        std::map<std::string, Values> v = current;
        for (const auto& [name, b] : br) v[name][f] = moved_c[name] ? b.c : b.d;
        const Scores s = fitter.score(v);
        for (auto& [name, b] : br) (moved_c[name] ? b.fc : b.fd) = objective(s.at(name), only[name]);
      }
      for (const auto& [name, b] : br) current[name][f] = (b.a + b.b) / 2;  // the final bracket's middle
    }
  }

  CalibrationFit out;
  const Scores fitted = fitter.score(current);
  for (const auto& [name, r] : responding) {
    DeviceCalibration dc;
    dc.device = name;
    const Values& v = current.at(name);
    const Values before = values_of(*catalog.find(name));
    std::string fields;
    for (int f = 0; f < kFields; ++f) {
      if (r[f].empty()) continue;
      FittedValue fv{is_duration(f) ? std::exp(v[f]) : v[f], r[f]};
      const bool none_before = f == EAGERHOST && !catalog.find(name)->eager_host_launch;
      fields += fmt::format(
          "{}{} {} -> {}", fields.empty() ? "" : ", ", kFieldNames[f],
          none_before      ? std::string("none")
          : is_duration(f) ? fmt::format("{:.4g} us", std::exp(before[f]) * 1e6)
                           : fmt::format("{:.4g}", before[f]),
          is_duration(f) ? fmt::format("{:.4g} us", fv.value * 1e6) : fmt::format("{:.4g}", fv.value));
      const std::array<std::optional<FittedValue>*, kFields> slot{
          &dc.memory_efficiency, &dc.l2_efficiency, &dc.l2_far_ratio,     &dc.compute_efficiency,
          &dc.launch_overhead,   &dc.time_slice,    &dc.context_switch,   &dc.memory_power,
          &dc.simt_power,        &dc.compute_power, &dc.eager_host_launch};
      *slot[f] = fv;
    }
    // The errors before and after, apart for throughput/latency and for power.
    const auto part = [&fitter, &device = name](const Scores& sc, bool power) {
      std::vector<std::pair<std::string, double>> v;
      for (const auto& c : sc.at(device))
        if ((fitter.category(c.first) == kPowerDraw) == power) v.push_back(c);
      return v;
    };
    const auto power_before = part(base, true);
    out.notes.push_back(fmt::format(
        "{}: {} calibration case(s); {}; mean |error| {:.1f} % -> {:.1f} %{}", name, base.at(name).size(),
        fields.empty() ? "nothing fitted (no case responds)" : fields, mean_abs_pct(part(base, false)),
        mean_abs_pct(part(fitted, false)),
        power_before.empty() ? std::string()
                             : fmt::format(", power {:.1f} % -> {:.1f} %", mean_abs_pct(power_before),
                                           mean_abs_pct(part(fitted, true)))));
    out.calibration.devices.push_back(std::move(dc));
  }
  return out;
}

CalibrationFit run_calibration(const ValidateOptions& options) {
  GPUSIM_CHECK(!options.data_dir.empty() && !options.catalog_dir.empty(), "the caller gives the paths");
  const ValidationData data = read_validation_data(options.data_dir);
  const Catalog catalog = Catalog::load(options.catalog_dir);
  return fit_calibration(data.published, data.measured, catalog, options);
}

}  // namespace gpusim
