// `pgo doctor`: the toolchains and tools pgo can use on this machine (orchestrator/doctor.h).
#include <unistd.h>

#include <iostream>
#include <memory>

#include "orchestrator/bench/instructions.h"
#include "orchestrator/cli/commands.h"
#include "orchestrator/doctor.h"

namespace pgo::cli {

Action add_doctor_command(CLI::App& app, const TerminalStyle& style) {
  CLI::App* cmd = app.add_subcommand(
      "doctor", "List the toolchains and tools pgo can use here, with versions, and the package for each missing one");
  return [cmd, &style]() -> int {
    if (!*cmd) return -1;
    SystemProcessRunner runner;
    std::vector<DoctorFinding> findings = run_doctor(runner);
    std::string why;
    const std::filesystem::path scratch =
        std::filesystem::temp_directory_path() / ("pgo-doctor-" + std::to_string(::getpid()));
    std::optional<bench::Counter> counter = bench::probe_counter(runner, scratch, why);
    std::error_code ec;
    std::filesystem::remove_all(scratch, ec);
    const std::string counter_line =
        counter ? std::string("--metric instructions counts with ") + bench::to_string(*counter) +
                      (why.empty() ? "" : " (" + why + ")")
                : "--metric instructions cannot count here: " + why;
    size_t missing = print_doctor(findings, counter_line, std::cout, style);
    std::cout << (missing ? std::to_string(missing) + " tool(s) missing; pgo needs only those of the toolchains and "
                                                       "features you use\n"
                          : "every tool is here\n");
    return 0;
  };
}

}  // namespace pgo::cli
