// report.json ("schema": "pgo-report/1"): the machine-readable report.
#pragma once

#include <nlohmann/json.hpp>

#include "orchestrator/report/report.h"

namespace pgo {

nlohmann::json report_to_json(const Report& report);
// A toolchain as report.json and the build manifest record it (name, compiler id and version,
// tool and compiler paths, profile format and version).
nlohmann::json toolchain_to_json(const Toolchain& toolchain);
// One entry of report.json's "results" (read back by report/json_read.h).
nlohmann::json workload_result_to_json(const WorkloadResult& result);

}  // namespace pgo
