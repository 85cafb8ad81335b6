// `pgo doctor`: which toolchains and tools pgo can use here, with their versions, and for a
// missing one the package that provides it.
#pragma once

#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "orchestrator/report/terminal_output.h"
#include "workloads/process.h"

namespace pgo {

struct DoctorTool {
  std::string name;                 // what pgo runs: "clang-22", "gcov-tool"
  std::vector<std::string> argv;    // asks for its version
  std::string needed_for;           // "toolchain clang", "BOLT (--recipe pgo+bolt)"
  std::string package;              // where it comes from when missing
};

struct DoctorFinding {
  DoctorTool tool;
  bool found = false;
  std::string version;  // the first line of its version output that names a number
};

// Every tool pgo may run, in the order `pgo doctor` lists them.
const std::vector<DoctorTool>& doctor_tools();

// The line of `output` that carries the version: the first with a digit, trimmed; "" if none.
std::string version_line(std::string_view output);

// Probes each tool (a missing program is not an error) and how instructions are counted here.
std::vector<DoctorFinding> run_doctor(ProcessRunner& runner);

// The table, and a line on the instruction counter; returns how many tools are missing.
size_t print_doctor(const std::vector<DoctorFinding>& findings, const std::string& counter_line, std::ostream& out,
                    const TerminalStyle& style);

}  // namespace pgo
