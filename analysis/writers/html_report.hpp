#pragma once
/// The HTML reports (`--report FILE.html`): one self-contained page per command (html_page.hpp).
/// run: latency CDF per workload with its SLA, per-stage queueing and service, per-device time series,
/// additivity; compare: the ranking with 95 % intervals (within one run, or across seeds) and each policy's
/// latency CDF.
/// sweep: p99 latency and SLA attainment against an axis, one line per value of the other axes.
/// capacity: the answers and the latency against the stream count per device configuration.

#include <string>
#include <vector>

#include "analysis/additivity.hpp"
#include "analysis/capacity_search.hpp"
#include "analysis/metrics.hpp"
#include "analysis/ranking.hpp"
#include "analysis/seeds.hpp"
#include "analysis/sweep.hpp"
#include "analysis/writers/compare.hpp"
#include "analysis/writers/report.hpp"

namespace gpusim {

/// The page of one run: `r` the simulation's records, `m` its metrics, `additivity` possibly empty.
std::string run_report_html(const RunInfo& info, const Scenario& sc, const Plan& plan, const SimResult& r,
                            const RunMetrics& m, const std::vector<AdditivityResult>& additivity);

/// The page of a capacity search: the answers, the reasons, and the varied workload's latency against its
/// stream count per device configuration with its SLA and the answer marked.
std::string capacity_report_html(const CapacityStudy& st);

/// The page of a comparison (rows ranked best first); its intervals treat one run's requests as independent.
std::string compare_report_html(const CompareInfo& info, const Scenario& sc, const std::vector<CompareRow>& rows);

/// The page of a comparison over `seeds` runs per policy (`compare --seeds N --report`; rows ranked by
/// rank_seed_rows): the ranking with Student t intervals across the runs, the latency CDF of the runs pooled.
std::string compare_seeds_report_html(const CompareInfo& info, const Scenario& sc, int seeds,
                                      const std::vector<SeedCompareRow>& rows);

/// The page of a sweep (`rows` in row order): per workload p99 latency and SLA attainment (the mean over the
/// seeds) against the first axis whose values are numbers (else the first axis), a line per combination of
/// the other axes, saturated points drawn as triangles; then every point in a table.
std::string sweep_report_html(const SweepLayout& layout, const std::vector<SweepRow>& rows);

}  // namespace gpusim
