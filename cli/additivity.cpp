#include "cli/additivity.hpp"

#include <algorithm>
#include <iostream>

#include "analysis/writers/json_text.hpp"
#include "analysis/writers/output_files.hpp"
#include "analysis/writers/report.hpp"
#include "studies/additivity_modes.hpp"
#include "studies/load_scenario.hpp"

namespace gpusim {

const char* additivity_help_footer() {
  return "Definitions (docs/additivity.md):\n"
         "  required compute  the smallest speed of the device (every peak and the memory bandwidth scaled by s)\n"
         "                    at which every workload meets its SLA, shown as s x the device's peak for the\n"
         "                    precision carrying most FLOPs, in TFLOP/s. A workload meets its SLA when 99 % of\n"
         "                    its requests finish within it (the SLA quantile is 0.99).\n"
         "  utilisation       the fraction of time the device is occupied (kernels, launch gaps, switches).\n"
         "  alone / together  each workload alone on its device / all of them, with the same placement,\n"
         "                    arrivals and measured window.\n"
         "  ratio, verdict    together / sum of alone: above, equal or below the sum; 'equal' within the\n"
         "                    tolerance: the search brackets' width (required compute) or twice the ratio's\n"
         "                    standard error between stretches of the run, at least 0.5 % (utilisation);\n"
         "                    'undecided' when the searches left a tolerance above 25 %.\n"
         "  why they differ   busy time can add up while waiting behind the other's slices or kernels breaks\n"
         "                    the SLA (required above), or kernels can overlap while each request's latency\n"
         "                    does not shrink (utilisation below, required equal).\n"
         "  attribution       each mechanism's share of the gap (together - sum), in both views: the gap with\n"
         "                    every mechanism on minus the gap with it off; a share within the searches' noise\n"
         "                    (required compute) or within two standard errors between seeds (utilisation: the\n"
         "                    paired runs' stretches) is shown with its interval. time_slice off: no switch\n"
         "                    cost and no slice to wait behind (contexts alternate kernel by kernel).\n"
         "Each mode is one run of the scenario with every device in that mode (MIG: the platform's partition,\n"
         "else the scheduler's). Example:\n"
         "  gpusim additivity examples/additivity/d-face-1T-2T/platform-a100.yaml \\\n"
         "      examples/additivity/d-face-1T-2T/workloads.yaml --sharing time-slice,mps,mig\n"
         "Exit code 2 for bad input (an unknown mode, MIG on a device without MIG profiles).";
}

int command_additivity(const AdditivityCommandOptions& o) {
  OutputFiles files;
  if (!o.json.empty()) files.add_file("--json", o.json);
  std::vector<SharingMode> modes;
  if (o.sharing_given) modes = parse_sharing_modes(o.sharing);  // a wrong mode fails before any work
  const Scenario sc =
      load_scenario(ScenarioArgs{o.platform, o.workloads, o.catalog, o.seed, o.disable, o.set});
  if (!o.sharing_given) {
    for (const auto& d : sc.platform.devices) {
      if (std::find(modes.begin(), modes.end(), d.sharing) == modes.end()) modes.push_back(d.sharing);
    }
    if (modes.size() != 1) modes.clear();  // mixed: run as given, labelled by the first device's mode
  }
  std::vector<ModeAnswer> answers;
  if (modes.empty()) {
    const RunOutcome run = run_scenario(sc, true, work_limits(o.max_memory, o.allow_large), nullptr, true);
    ModeAnswer a;
    a.mode = "as given";
    a.results = run.additivity;
    answers.push_back(a);
  } else {
    answers = additivity_by_sharing(sc, modes, work_limits(o.max_memory, o.allow_large));
  }
  if (!o.json.empty()) files.set(o.json, json_text(sharing_modes_json(answers)));
  files.commit();
  if (o.json != "-") {
    std::cout << "gpusim additivity: " << o.platform << " + " << o.workloads << "; seed " << sc.workloads.run.seed
              << "\n";
    print_overrides(std::cout, sc.overrides);
    print_sharing_modes(std::cout, answers);
  }
  return 0;
}

}  // namespace gpusim
