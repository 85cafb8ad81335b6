// report.json ("schema": "pgo-report/1"): the machine-readable report.
#pragma once

#include <nlohmann/json.hpp>

#include "orchestrator/report/report.h"

namespace pgo {

nlohmann::json report_to_json(const Report& report);

}  // namespace pgo
