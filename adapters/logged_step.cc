#include "adapters/logged_step.h"

#include "support/disk_space.h"

#include <cctype>
#include <set>

#include "support/atomic_file.h"
#include "support/error.h"
#include "support/strings.h"

namespace pgo {
namespace fs = std::filesystem;

namespace {

// The profile-runtime symbols named as undefined in `output`, at most a few.
std::set<std::string> undefined_runtime_symbols(std::string_view output) {
  std::set<std::string> found;
  for (std::string_view prefix : {"__gcov_", "__llvm_profile_"}) {
    for (size_t at = output.find(prefix); at != std::string_view::npos && found.size() < 4;
         at = output.find(prefix, at + 1)) {
      // GNU ld: "undefined reference to `__gcov_merge_add'"; lld: "undefined symbol: __llvm_profile_runtime"
      size_t newline = output.rfind('\n', at);
      size_t line_start = newline == std::string_view::npos ? 0 : newline + 1;
      if (output.substr(line_start, at - line_start).find("undefined") == std::string_view::npos) continue;
      size_t end = at;
      while (end < output.size() && (std::isalnum(static_cast<unsigned char>(output[end])) || output[end] == '_')) ++end;
      found.insert(std::string(output.substr(at, end - at)));
    }
  }
  return found;
}

}  // namespace

std::string link_flags_hint(std::string_view output) {
  std::set<std::string> symbols = undefined_runtime_symbols(output);
  if (symbols.empty()) return "";
  std::string names;
  for (const std::string& s : symbols) names += (names.empty() ? "" : ", ") + s;
  return "hint: the link step did not receive pgo's link flags (undefined " + names +
         " come from the profiling runtime, which the compiler driver links only when the link command "
         "carries the instrumentation flags). A link rule that ignores LDFLAGS needs them in the variable it "
         "does use: with build.system command, put ${pgo_ldflags} there, e.g. build: [make, \"LIBS=${pgo_ldflags}\"] "
         "(docs/adapters/command.md); with CMake, a target whose link options replace CMAKE_EXE_LINKER_FLAGS "
         "or CMAKE_SHARED_LINKER_FLAGS needs them added back.";
}

std::string run_logged_step(ProcessRunner& runner, const LoggedStep& step, const fs::path& log_file, std::string& log) {
  ProcessSpec spec = step.spec;
  spec.stdout_file.clear();
  spec.stderr_file.clear();
  CapturedRun run = run_captured(runner, spec, step.log_stdout ? Streams::kApart : Streams::kTogether,
                                 log_file.parent_path());
  const ProcessResult& result = run.result;
  std::string text = std::move(run.out);
  if (step.log_stdout) {
    std::string rendered = step.log_stdout(text);
    text = std::move(run.err);
    if (!text.empty() && text.back() != '\n') text += '\n';
    text += rendered;
  }

  const std::string shown = step.shown.empty() ? shell_quote_for_display(step.spec.argv) : step.shown;
  log += "$ " + step.log_prefix + shown + "\n" + (step.log_note.empty() ? "" : step.log_note + "\n") + text;
  if (!text.empty() && text.back() != '\n') log += '\n';
  write_file_atomic(log_file, log);
  throw_if_interrupted();
  if (!result.ok()) {
    std::string message = step.what + " failed (" + result.describe() + "): " + shown;
    if (!step.where.empty()) message += "\n" + step.where;
    message += "\nlast lines of its output (full log: " + log_file.string() + "):\n" +
               tail_lines(text, step.tail_lines, 8192);
    if (std::string hint = link_flags_hint(text); !hint.empty()) message += "\n" + hint;
    if (std::string full = full_disk_note(log_file.parent_path(), "its output and files"); !full.empty())
      message += "\n" + full;
    throw BuildError(message);
  }
  return text;
}

}  // namespace pgo
