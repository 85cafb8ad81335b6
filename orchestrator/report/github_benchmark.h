// JSON for github-action-benchmark's custom tools: an array of
// {"name": string, "unit": string, "value": number, "range"?: string, "extra"?: string}.
// One file serves one tool, so there are two:
//   - github-benchmark.json, tool `customSmallerIsBetter`: wall-time medians (ms) of both
//     binaries, "<toolchain>/<target>/<workload> (optimized)" and "... (baseline)";
//   - github-benchmark-speedup.json, tool `customBiggerIsBetter`: the speedups,
//     "<toolchain>/<target>/<workload>", and "<toolchain>/geomean" per toolchain.
// Failed benchmarks and values that were not measured are left out (a value must be a number).
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "orchestrator/report/report.h"

namespace pgo {

nlohmann::json github_benchmark_times(const Report& report);     // customSmallerIsBetter
nlohmann::json github_benchmark_speedups(const Report& report);  // customBiggerIsBetter
// Indented JSON text of the above (invalid UTF-8 in names is replaced, never an exception).
std::string github_benchmark_times_json(const Report& report);
std::string github_benchmark_speedups_json(const Report& report);

}  // namespace pgo
