// What `pgo merge` and `pgo ci` print after a pipeline run, and the exit code its results
// give (as `pgo build`, and `pgo bench` before its gates): 1 when a benchmark failed or the
// outputs differ, else 0.
#pragma once

#include <ostream>

#include "orchestrator/report/report.h"
#include "orchestrator/report/terminal_output.h"

namespace pgo::cli {

// The terminal report styled by `style` (or report.json with `json`) on `out`, and the report
// and profile paths.
void print_build_report(const Report& report, bool json, const TerminalStyle& style, std::ostream& out);
// 0, or 1 (kCheckFailed) with a line on stderr per failed benchmark or output mismatch.
int results_exit_code(const Report& report);

}  // namespace pgo::cli
