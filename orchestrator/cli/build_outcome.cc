#include "orchestrator/cli/build_outcome.h"

#include <iostream>

#include "orchestrator/report/json.h"
#include "orchestrator/report/terminal.h"
#include "support/error.h"

namespace pgo::cli {

void print_build_report(const Report& report, bool json, const TerminalStyle& style, std::ostream& out) {
  if (json) {
    out << report_to_json(report).dump(2) << std::endl;
    return;
  }
  print_terminal_report(report, out, style);
  out << "\nReport: " << report.file.string() << "\n";
  for (const auto& p : report.profiles)
    out << "Profile: " << p.stored_at.string() << " (" << p.source
        << (p.source_reason.empty() ? "" : ": " + p.source_reason) << ")\n";
}

int results_exit_code(const Report& report) {
  int code = 0;
  for (const auto& r : report.results) {
    if (r.bench.failed) {
      std::cerr << "pgo: benchmark of " << r.toolchain << "/" << r.workload << " failed: " << r.bench.failure << "\n";
      code = static_cast<int>(ExitCode::kCheckFailed);
    } else if (!r.bench.outputs_match) {
      std::cerr << "pgo: outputs of baseline and optimized differ for " << r.toolchain << "/" << r.workload << ": "
                << r.bench.mismatch << " (PGO may have exposed a latent bug)\n";
      code = static_cast<int>(ExitCode::kCheckFailed);
    }
  }
  return code;
}

}  // namespace pgo::cli
