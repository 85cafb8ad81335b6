// bencher.json: the benchmark results in Bencher Metric Format (BMF) for `bencher run
// --adapter json --file bencher.json`. docs/reports.md describes the mapping.
//
//   { "<toolchain>/<target>/<workload>": {
//       "latency": {"value": <optimized median, ns>, "lower_value": <median - MAD>, "upper_value": <median + MAD>},
//       "speedup": {"value": <speedup>, "lower_value": <95% CI low>, "upper_value": <95% CI high>} },
//     "<toolchain>/geomean": { "speedup": {"value": <weighted geometric mean>} } }
//
// BMF values must be numbers, so nothing unmeasured is written: failed benchmarks are left
// out, a measure without an estimate is left out, and bounds are written only when finite.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "orchestrator/report/report.h"

namespace pgo {

nlohmann::json bencher_metric_format(const Report& report);
// The same, as indented JSON text (invalid UTF-8 in names is replaced, never an exception).
std::string bencher_json(const Report& report);

}  // namespace pgo
