// The human-readable report printed at the end of `pgo build`.
#pragma once

#include <ostream>

#include "orchestrator/report/report.h"
#include "orchestrator/report/terminal_output.h"

namespace pgo {

// Verdicts are coloured when `style` says so.
void print_terminal_report(const Report& report, std::ostream& out, const TerminalStyle& style = {});

}  // namespace pgo
