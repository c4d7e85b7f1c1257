#include "analysis/additivity.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <utility>

namespace gpusim {
namespace {

// `x` with `decimals` decimals and an explicit sign (U+2212 for minus) taken from the value as shown, so
// that a tiny negative figure reads +0.00, not −0.00.
std::string signed_fixed(double x, int decimals) {
  const double scale = std::pow(10.0, decimals);
  const double shown = std::round(x * scale) / scale;
  return fmt::format("{}{:.{}f}", shown < 0 ? "\u2212" : "+", std::fabs(shown), decimals);
}

std::string signed_pct(double x) { return signed_fixed(x * 100.0, 1) + " %"; }

std::optional<double> required_ratio(const AdditivityResult& r) {
  if (!r.required || !r.required->sum || !r.required->combined || *r.required->sum <= 0) return std::nullopt;
  return *r.required->combined / *r.required->sum;
}

// MIG with every workload on slices of its own: nothing but the host link and the power budget is shared.
bool slices_apart(const AdditivityResult& r) { return r.sharing == "mig" && !r.shared_instance; }

}  // namespace

std::optional<std::size_t> least_demanding(const std::vector<ModeAnswer>& answers) {
  std::optional<std::size_t> best;
  for (std::size_t i = 0; i < answers.size(); ++i) {
    if (!answers[i].required) continue;
    if (!best || *answers[i].required < *answers[*best].required) best = i;
  }
  return best;
}

std::string_view compared_to_sum(double ratio, double tolerance) {
  if (std::fabs(ratio - 1.0) <= tolerance) return "equal";
  return ratio > 1.0 ? "above" : "below";
}

std::string_view required_compared_to_sum(double ratio, double tolerance) {
  return tolerance > UNDECIDED_TOLERANCE ? "undecided" : compared_to_sum(ratio, tolerance);
}

std::string utilisation_verdict(const AdditivityResult& r) {
  const double gap = r.ratio - 1.0;
  const double tol = std::max(0.005, r.tolerance);
  std::string out;
  if (std::fabs(gap) <= tol) {
    out = fmt::format("combined demand equals the simple sum ({:.3f} vs {:.3f}, tolerance {:.1f} %)", r.combined,
                      r.sum, tol * 100.0);
  } else {
    out = fmt::format("combined demand is {:.1f} % {} the simple sum", std::fabs(gap) * 100.0,
                      gap > 0 ? "above" : "below");
  }
  std::vector<std::pair<std::string, double>> parts(r.attribution.begin(), r.attribution.end());
  std::sort(parts.begin(), parts.end(), [](auto& a, auto& b) { return std::fabs(a.second) > std::fabs(b.second); });
  std::string list;
  for (const auto& [name, delta] : parts) {
    if (std::fabs(delta) < 0.005) continue;
    list += fmt::format("{}{} {}", list.empty() ? "" : ", ", name, signed_pct(delta));
    // A share smaller than the noise between seeds (two standard errors) is shown with that interval.
    const auto se = r.attribution_se.find(name);
    if (se != r.attribution_se.end() && std::fabs(delta) < 2 * se->second) {
      auto pts = [](double x) { return signed_fixed(x * 100.0, 1); };
      list += fmt::format(" in [{}, {}] % (within the noise between seeds)", pts(delta - 2 * se->second),
                          pts(delta + 2 * se->second));
    }
  }
  if (!list.empty()) out += ": " + list;
  return out;
}

std::string additivity_verdict(const AdditivityResult& r) {
  const auto ratio = required_ratio(r);
  if (!ratio) {
    if (r.required && r.required->sum && !r.required->combined) {
      return fmt::format("together no device up to 64x this one meets every SLA; alone they need {:.2f} {} "
                         "TFLOP/s in all",
                         *r.required->sum, r.required->precision);
    }
    return utilisation_verdict(r);
  }
  const std::string_view where = required_compared_to_sum(*ratio, r.required->tolerance);
  if (where == "undecided") {
    return fmt::format("together at most {:.2f} {} TFLOP/s, alone at most {:.2f} in all, but the searches did not "
                       "narrow the figures within their rounds (ratio {:.2f}, tolerance {:.0f} %): whether together "
                       "needs the sum is undecided",
                       *r.required->combined, r.required->precision, *r.required->sum, *ratio,
                       r.required->tolerance * 100.0);
  }
  const std::string head = fmt::format("together they need {:.2f} {} TFLOP/s", *r.required->combined,
                                       r.required->precision);
  if (where == "equal") {
    return fmt::format("{}, the sum of {:.2f} alone (ratio {:.2f}, tolerance {:.1f} %)", head, *r.required->sum,
                       *ratio, r.required->tolerance * 100.0);
  }
  return fmt::format("{}, {:.1f} % {} the sum of {:.2f} alone (ratio {:.2f}, tolerance {:.1f} %)", head,
                     std::fabs(*ratio - 1.0) * 100.0, where, *r.required->sum, *ratio,
                     r.required->tolerance * 100.0);
}

std::string required_attribution(const AdditivityResult& r) {
  if (!r.required || r.required->attribution.empty() || !r.required->sum || !r.required->combined ||
      *r.required->sum <= 0) {
    return "";
  }
  const RequiredCompute& rc = *r.required;
  const double sum = *rc.sum;
  const double gap = *rc.combined - sum;
  auto tf = [](double x) { return signed_fixed(x, 2); };
  std::vector<std::pair<std::string, std::optional<Share>>> parts(rc.attribution.begin(), rc.attribution.end());
  std::stable_sort(parts.begin(), parts.end(), [](auto& a, auto& b) {
    const double x = a.second ? std::fabs(a.second->value) : -1, y = b.second ? std::fabs(b.second->value) : -1;
    return x > y;
  });
  std::string list;
  for (const auto& [name, share] : parts) {
    list += list.empty() ? "" : ", ";
    if (!share) {
      list += fmt::format("{} unknown (with it off no speed up to 64x meets every SLA)", name);
    } else if (share->resolved()) {
      list += fmt::format("{} {} TFLOP/s ({})", name, tf(share->value), signed_pct(share->value / sum));
    } else {
      list += fmt::format("{} {} TFLOP/s in [{}, {}] (within the searches' noise)", name, tf(share->value),
                          tf(share->lo), tf(share->hi));
    }
  }
  // What no switch removes: the overlap the sharing mode itself gives (or takes).
  double explained = 0;
  for (const auto& [name, share] : parts) explained += share ? share->value : 0.0;
  const double rest = gap - explained;
  if (std::fabs(rest) > rc.tolerance * sum) {
    const std::string_view why =
        rest > 0 ? (slices_apart(r) ? "one speed scaling every slice, also those of the workload that needs less"
                                       : "the mechanisms acting together (each one alone explains less)")
        : r.sharing == "mps" ? "kernels of the workloads running side by side on the SMs the others leave free"
                             : "each workload's requests served in the idle time the others leave";
    list += fmt::format("; the rest, {} TFLOP/s ({}), no switch removes: {}", tf(rest), signed_pct(rest / sum), why);
  }
  return fmt::format("the gap of {} {} TFLOP/s ({} of the sum): {}", tf(gap), rc.precision, signed_pct(gap / sum),
                     list);
}

std::string disagreement(const AdditivityResult& r) {
  const auto ratio = required_ratio(r);
  if (!ratio) return "";
  const std::string_view t = required_compared_to_sum(*ratio, r.required->tolerance);
  const std::string_view u = compared_to_sum(r.ratio, std::max(0.005, r.tolerance));
  if (t == u || t == "undecided") return "";
  if (t == "above" && slices_apart(r)) {
    // MIG slices run apart: the requirement together is that of one speed for every slice, sized by the
    // partition rather than by each workload's need (docs/additivity.md: "the rest").
    return fmt::format(
        "busy time {}, but one speed scales every MIG slice, also those of the workload that needs less (and "
        "what the slices share, the host link and the power budget, can make a request wait): the GPU must be "
        "{:.2f}x as fast as the sum of the workloads alone",
        u == "equal" ? "adds up" : "is below the sum", *ratio);
  }
  if (t == "above") {
    // What makes a request wait for the others depends on how the device is shared.
    const std::string_view wait = r.sharing == "time-slice" ? "waiting behind the other's time slices"
                                  : r.sharing == "mig"
                                      ? "waiting behind the other's time slices inside their shared MIG instance"
                                      : "each workload waiting for the others' kernels";
    return fmt::format(
        "busy time {}, but {} breaks the SLA: the GPU must be {:.2f}x as fast as the sum of the workloads alone",
        u == "equal" ? "adds up" : "is below the sum", wait, *ratio);
  }
  if (t == "below") {
    return fmt::format(
        "busy time {}, but alone each workload needs its speed for the latency of single requests, not for "
        "throughput: together they fill each other's idle time and need {:.2f}x the sum",
        u == "equal" ? "adds up" : "is above the sum", *ratio);
  }
  return u == "below" ? "kernels overlap, so the device is busy less than the sum, but each request's latency "
                        "(what the SLA limits) does not shrink: the speed needed adds up"
                      : "contention adds busy time, but at the required speed the SLAs keep enough slack to "
                        "absorb it: the speed needed adds up";
}

}  // namespace gpusim
