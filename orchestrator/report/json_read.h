// Reading report.json's pieces back: a "results" entry becomes a WorkloadResult again, so
// that a benchmark reused from the previous build (orchestrator/fingerprints.h) renders
// exactly as it did. What report.json does not keep (a sample's user/sys split, round and
// slot, elapsed time) comes back as: cpu time in user_s, zeros elsewhere.
#pragma once

#include <nlohmann/json.hpp>

#include "orchestrator/report/report.h"

namespace pgo {

// Inverse of workload_result_to_json. Throws nlohmann::json::exception for a missing or
// mistyped key (callers treat that as "not reusable").
WorkloadResult workload_result_from_json(const nlohmann::json& j);

}  // namespace pgo
