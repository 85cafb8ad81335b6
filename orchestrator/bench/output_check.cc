#include "orchestrator/bench/output_check.h"

#include <system_error>

#include "support/atomic_file.h"
#include "support/strings.h"
#include "workloads/expand.h"

namespace pgo::bench {
namespace fs = std::filesystem;

std::optional<ProcessSpec> check_process(const Config& config, const WorkloadSpec& workload,
                                         const std::map<std::string, fs::path>& bins, const fs::path& run_dir) {
  if (workload.check.empty()) return std::nullopt;
  ExpandContext ctx{config.project_dir, bins, run_dir};
  const std::string where = "workload '" + workload.name + "'";
  std::vector<std::string> argv = expand_argv(workload.check, ctx, where + ": check");
  ProcessSpec spec;
  spec.argv = workload.check_shell ? std::vector<std::string>{"/bin/sh", "-c", argv.at(0)} : argv;
  spec.env = expand_env(workload.env, ctx, where + ": env");
  spec.cwd = workload.cwd.empty() ? config.project_dir : config.project_dir / workload.cwd;
  spec.timeout = workload.timeout;
  return spec;
}

std::string run_output_check(ProcessRunner& runner, ProcessSpec check, const fs::path& log) {
  std::error_code ec;
  fs::create_directories(log.parent_path(), ec);
  fs::remove(log, ec);  // the runner does not truncate; an old tail must not show up
  check.stdout_file = log;
  check.stderr_file = log;
  const ProcessResult r = runner.run(check);
  if (r.ok()) return "";
  // A shell line shows as the line itself, not as /bin/sh -c '...'.
  const bool shell = check.argv.size() == 3 && check.argv[0] == "/bin/sh" && check.argv[1] == "-c";
  std::string what = "output check `" + (shell ? check.argv[2] : shell_quote_for_display(check.argv)) +
                     "` failed: " + r.describe();
  const std::string output = fs::exists(log) ? trim(tail_lines(read_file(log), 5, 1024)) : "";
  what += output.empty() ? " (no output)" : "; its output: " + output;
  return what;
}

}  // namespace pgo::bench
