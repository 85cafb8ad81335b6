// What a benchmark measures: wall time or user-space instructions retired
// (orchestrator/bench/instructions.h). `--metric time|instructions|both` and pgo.yaml's
// `bench.metric` choose; `both` measures each workload twice and reports the two side by
// side, each result labelled with its metric and unit, never mixed. docs/benchmarking.md.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pgo::bench {

enum class Metric { Time, Instructions };

const char* metric_name(Metric metric);  // report.json's "metric": "wall_time", "instructions"
const char* metric_unit(Metric metric);  // "s", "instructions"
const char* metric_label(Metric metric); // for people: "wall time", "instructions"

// "time" (or "wall", the first spelling), "instructions", "both" -> the metrics in report
// order (time first); nullopt for anything else.
std::optional<std::vector<Metric>> parse_metrics(std::string_view text);

// The metric of report.json's "metric" value; nullopt when unknown.
std::optional<Metric> metric_from_name(std::string_view name);

}  // namespace pgo::bench
