#include "analysis/writers/validation.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "analysis/writers/table.hpp"

namespace gpusim {
namespace {

std::string number(double v) {
  if (v == 0) return "0";
  const double a = std::fabs(v);
  if (a >= 1000) return fmt::format("{:.0f}", v);
  if (a >= 10) return fmt::format("{:.1f}", v);
  if (a >= 1) return fmt::format("{:.2f}", v);
  return fmt::format("{:.3f}", v);
}

std::string target_value(const FidelityTarget& t) {
  if (!std::isfinite(t.value)) return "unbounded";
  return t.unit == "x" ? fmt::format("{:.2f}x", t.value) : fmt::format("{:.1f} %", t.value);
}

std::string target_limit(const FidelityTarget& t) {
  if (t.limit <= 0) return "(none)";
  return t.unit == "x" ? fmt::format("<= {:g}x", t.limit) : fmt::format("<= {:g} %", t.limit);
}

std::string target_met(const FidelityTarget& t) { return t.limit <= 0 ? "" : t.met() ? "yes" : "NO"; }

const char kTargetsTitle[] =
    "Issue 9's fidelity targets (mean |error| over both subsets; ratio = held-out mean |error| / calibration "
    "mean |error|; docs/validation.md, \"Targets\"):\n\n";

}  // namespace

void print_validation(std::ostream& out, const ValidationReport& r) {
  if (r.sample) {
    out << "*** SAMPLE - NOT MEASURED: rows marked SAMPLE come from hand-written harness output (parsing "
           "test "
           "data); their errors mean nothing. ***\n\n";
  }
  out << fmt::format("gpusim validate: {} case(s) from {}; calibration: {}\n", r.cases.size(), r.data_dir,
                     r.calibration);
  for (const auto& n : r.notes) out << "  " << n << '\n';
  out << '\n';
  std::vector<const ValidationCase*> sorted;
  for (const auto& c : r.cases) sorted.push_back(&c);
  std::stable_sort(sorted.begin(), sorted.end(), [](const ValidationCase* a, const ValidationCase* b) {
    return validation_category_rank(a->category) < validation_category_rank(b->category);
  });
  Table t({"case", "category", "origin", "device", "measured", "predicted", "unit", "error %", "held-out"},
          {false, false, false, false, true, true, false, true, false});
  for (const ValidationCase* c : sorted) {
    const auto e = c->error_pct();
    t.add({c->name, c->category, c->origin, c->device, number(c->measured),
           c->predicted ? number(*c->predicted) : "-", c->unit, e ? fmt::format("{:+.1f}", *e) : "-",
           c->held_out ? "yes" : ""});
  }
  t.print(out);
  out << "\nError per category (error = (predicted - measured) / measured; mean |error|, signed mean, "
         "worst):\n\n";
  Table s({"category", "subset", "cases", "mean |error| %", "mean error %", "worst |error| %", "worst case"},
          {false, false, true, true, true, true, false});
  for (const auto& c : r.summary) {
    s.add({c.category, c.subset, std::to_string(c.cases), fmt::format("{:.1f}", c.mean_abs_error_pct),
           fmt::format("{:+.1f}", c.mean_error_pct), fmt::format("{:.1f}", c.worst_abs_error_pct),
           c.worst_case});
  }
  s.print(out);
  out << "\nheld-out: cases calibration may never use (docs/validation.md); calibration = the rest.\n";
  if (r.targets.empty()) return;
  out << "\n" << kTargetsTitle;
  Table g({"target", "cases", "now", "limit", "met", "worst case"}, {false, true, true, false, false, false});
  for (const auto& t : r.targets)
    g.add({t.name, std::to_string(t.cases), target_value(t), target_limit(t), target_met(t),
           fmt::format("{} ({:+.1f} %)", t.worst_case, t.worst_error_pct)});
  g.print(out);
}

void print_calibration_comparison(std::ostream& out, const ValidationReport& before,
                                  const ValidationReport& after) {
  out << fmt::format("\nWith calibration {} (uncalibrated = the catalog as shipped):\n\n", after.calibration);
  Table t({"case", "device", "measured", "unit", "uncalibrated %", "calibrated %", "held-out"},
          {false, false, true, false, true, true, false});
  const auto pct = [](const ValidationCase& c) {
    const auto e = c.error_pct();
    return e ? fmt::format("{:+.1f}", *e) : std::string("-");
  };
  for (std::size_t i = 0; i < before.cases.size() && i < after.cases.size(); ++i) {
    const ValidationCase& b = before.cases[i];
    t.add({b.name, b.device, number(b.measured), b.unit, pct(b), pct(after.cases[i]), b.held_out ? "yes" : ""});
  }
  t.print(out);
  out << "\n";
  Table s({"category", "subset", "cases", "uncalibrated mean |error| %", "calibrated mean |error| %"},
          {false, false, true, true, true});
  for (const auto& b : before.summary) {
    if (b.subset == "all") continue;
    std::string calibrated = "-";
    for (const auto& a : after.summary) {
      if (a.category == b.category && a.subset == b.subset) calibrated = fmt::format("{:.1f}", a.mean_abs_error_pct);
    }
    s.add({b.category, b.subset, std::to_string(b.cases), fmt::format("{:.1f}", b.mean_abs_error_pct), calibrated});
  }
  s.print(out);
  out << "\nThe calibration subset is what the overlay was fitted on; the held-out subset checks that it "
         "generalises.\n";
  if (before.targets.empty()) return;
  out << "\n" << kTargetsTitle;
  Table g({"target", "uncalibrated", "met", "calibrated", "met", "limit"},
          {false, true, false, true, false, false});
  for (const auto& b : before.targets) {
    std::string value = "-", met = "";
    for (const auto& a : after.targets) {
      if (a.name == b.name) {
        value = target_value(a);
        met = target_met(a);
      }
    }
    g.add({b.name, target_value(b), target_met(b), value, met, target_limit(b)});
  }
  g.print(out);
}

nlohmann::json validation_json(const ValidationReport& r) {
  nlohmann::json j;
  j["data"] = r.data_dir;
  j["calibration"] = r.calibration;
  j["sample"] = r.sample;
  j["notes"] = r.notes;
  j["cases"] = nlohmann::json::array();
  for (const auto& c : r.cases) {
    nlohmann::json k{{"case", c.name},         {"category", c.category}, {"origin", c.origin},
                     {"device", c.device},     {"unit", c.unit},         {"measured", c.measured},
                     {"held_out", c.held_out}, {"source", c.source}};
    k["predicted"] = c.predicted ? nlohmann::json(*c.predicted) : nlohmann::json(nullptr);
    const auto e = c.error_pct();
    k["error_pct"] = e ? nlohmann::json(*e) : nlohmann::json(nullptr);
    if (!c.note.empty()) k["note"] = c.note;
    if (!c.groups.empty()) k["groups"] = c.groups;  // the target views it counts in
    j["cases"].push_back(k);
  }
  j["summary"] = nlohmann::json::array();
  for (const auto& s : r.summary) {
    j["summary"].push_back({{"category", s.category},
                            {"subset", s.subset},
                            {"cases", s.cases},
                            {"mean_abs_error_pct", s.mean_abs_error_pct},
                            {"mean_error_pct", s.mean_error_pct},
                            {"worst_abs_error_pct", s.worst_abs_error_pct},
                            {"worst_case", s.worst_case}});
  }
  j["targets"] = nlohmann::json::array();
  for (const auto& t : r.targets) {
    j["targets"].push_back(
        {{"target", t.name},
         {"unit", t.unit == "x" ? "ratio" : "mean_abs_error_pct"},
         {"cases", t.cases},
         {"value", std::isfinite(t.value) ? nlohmann::json(t.value) : nlohmann::json(nullptr)},
         {"limit", t.limit > 0 ? nlohmann::json(t.limit) : nlohmann::json(nullptr)},
         {"met", t.limit > 0 ? nlohmann::json(t.met()) : nlohmann::json(nullptr)},
         {"worst_case", t.worst_case},
         {"worst_error_pct", t.worst_error_pct}});
  }
  return j;
}

}  // namespace gpusim
