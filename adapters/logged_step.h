// One build step run the way every BuildSystem runs its configure/build commands: output
// captured, appended to the build log (rewritten atomically after every step), and a failure
// turned into a BuildError that names the command, its exit status, the full log and the
// tail of the output, with a hint when the output shows a known mistake (link_flags_hint).
#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <string_view>

#include "workloads/process.h"

namespace pgo {

struct LoggedStep {
  std::string what;   // "cmake --build", "make build": starts the error message
  ProcessSpec spec;   // argv, cwd, env, timeout; stdout and stderr are captured by the step
  std::string shown;  // the command as the log and the error show it; empty: argv, quoted
  std::string where;  // "(run in DIR)" for the error when the log line does not say it; may be empty
  size_t tail_lines = 30;
  std::string log_prefix;  // before `shown` in the log only, e.g. "cd DIR && "
  std::string log_note;    // a line after the command in the log only, e.g. "# CARGO_TARGET_DIR=..."
  // Set when stdout is data rather than text (cargo's JSON messages): stdout is then captured
  // apart and passed to this, and the output is stderr followed by what this returns.
  std::function<std::string(const std::string& stdout_text)> log_stdout;
};

// Runs `step`, capturing stdout and stderr together in a scratch file beside `log_file`;
// appends "$ <shown>\n<output>" to `log` and writes `log` to `log_file`. Returns the output.
// Throws pgo::Error(kInterrupted) after Ctrl-C, BuildError when the step fails.
std::string run_logged_step(ProcessRunner& runner, const LoggedStep& step, const std::filesystem::path& log_file,
                            std::string& log);

// When a failed build's output shows undefined references to the profiling runtime
// (`__gcov_*`, `__llvm_profile_*`), the objects were compiled instrumented but the link step
// did not get pgo's link flags: a paragraph saying so and how to pass them; else "".
std::string link_flags_hint(std::string_view output);

}  // namespace pgo
