// `pgo bench --compare OLD.json NEW.json`: regression detection across two stored reports
// (e.g. last night's and tonight's), and the gates of `pgo bench` (--fail-below,
// --fail-on-regression). docs/benchmarking.md, "pgo bench".
//
// For each (toolchain, target, workload) present in both reports, the optimized binary's
// samples are compared: ratio = median(new) / median(old), so above 1 means NEW is slower.
// Wall times get a bootstrap 95% CI of that ratio and a Mann-Whitney p (bench::compare);
// instruction counts, being deterministic, get the range of ratios (bench::range_ratio).
// The verdict rule is the benchmark's: regression when the evidence says slower by more than
// the noise threshold, improvement when faster, no_change otherwise.
#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "orchestrator/report/report.h"
#include "orchestrator/report/terminal_output.h"

namespace pgo::bench {

enum class Change { Regression, Improvement, NoChange, NotCompared };
const char* to_string(Change change);  // "regression", "improvement", "no_change", "not_compared"

struct KeyComparison {
  std::string toolchain, target, workload;
  std::string metric;              // "wall_time" or "instructions"
  size_t old_runs = 0, new_runs = 0;
  double old_median = 0, new_median = 0;  // seconds or instructions
  double ratio = 0, lo = 0, hi = 0;       // new / old; [lo, hi]: 95% CI (wall) or range (instructions)
  std::optional<double> p_value;          // Mann-Whitney, wall time only
  Change change = Change::NotCompared;
  std::string note;  // why it was not compared, when it was not
  std::string key() const { return toolchain + "/" + target + "/" + workload; }
};

struct ReportComparison {
  std::string old_file, new_file;
  std::vector<KeyComparison> rows;                 // keys in both, in NEW's order
  std::vector<std::string> only_in_old, only_in_new;  // "toolchain/target/workload"
  double noise = 0.01;
  size_t count(Change change) const;
};

struct CompareSettings {
  double noise = 0.01;
  uint64_t seed = 0x5eed;
  int resamples = 10000;
};

// Throws pgo::Error(kUsage) naming the file when a report is not "schema": "pgo-report/1" or
// a result lacks toolchain, target or workload.
ReportComparison compare_reports(const nlohmann::json& old_report, const nlohmann::json& new_report,
                                 const CompareSettings& settings = {});

nlohmann::json comparison_to_json(const ReportComparison& comparison);  // "schema": "pgo-compare/1"
// The table of `comparison`, its notes and counts; verdicts coloured when `style` says so.
void print_comparison(const ReportComparison& comparison, std::ostream& out, const TerminalStyle& style = {});

// --- Gates ---------------------------------------------------------------------------

// One message per toolchain of `report` whose weighted geometric-mean speedup is below
// `threshold` (a toolchain without a successful benchmark counts as 0); empty: the gate passes.
std::vector<std::string> speedups_below(const Report& report, double threshold);
// One message per result whose verdict is `slower`; empty: the gate passes.
std::vector<std::string> slower_results(const Report& report);

}  // namespace pgo::bench
