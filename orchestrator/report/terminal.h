// The human-readable report printed at the end of `pgo build`.
#pragma once

#include <ostream>

#include "orchestrator/report/report.h"

namespace pgo {

void print_terminal_report(const Report& report, std::ostream& out);

}  // namespace pgo
