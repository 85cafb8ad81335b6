// report.json ("schema": "pgo-report/1"): the machine-readable report.
#pragma once

#include <nlohmann/json.hpp>

#include "orchestrator/report/report.h"

namespace pgo {

nlohmann::json report_to_json(const Report& report);
// One entry of report.json's "results" (read back by report/json_read.h).
nlohmann::json workload_result_to_json(const WorkloadResult& result);

}  // namespace pgo
