// ${...} placeholders in workload commands and environments.
//
//   ${bin:<target>}  absolute path of the built executable of <target>
//   ${project}       the project directory (where pgo.yaml is)
//   ${run_dir}       the directory of the current run (only while running a workload)
//   ${port}          a free TCP port, chosen for each run of a service workload (service.h);
//                    expand() keeps it as written, the service runner replaces it
//   $$               a literal '$'
//
// Any other '$' is kept as written, so a shell line can still use $HOME; "${" always
// starts a placeholder (write "$${HOME}" to hand ${HOME} to the shell).
#pragma once

#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "workloads/config.h"

namespace pgo {

struct ExpandContext {
  std::filesystem::path project;                          // value of ${project}
  std::map<std::string, std::filesystem::path> bins;      // target -> executable, for ${bin:...}
  std::filesystem::path run_dir;                          // empty: ${run_dir} is an error
};

struct Placeholder {
  enum class Kind { Bin, Project, RunDir, Port, Dollar };
  Kind kind = Kind::Dollar;
  std::string target;  // Kind::Bin only
  std::string text;    // as written: "${bin:calc}", "$$"
  size_t offset = 0;   // byte offset in the scanned text
};

// Every placeholder in `text`, in order. Throws Error(kUsage) with a message (no location
// prefix) for an unterminated "${", an empty "${}" or "${bin:}", or an unknown variable.
std::vector<Placeholder> scan_placeholders(std::string_view text);

// Replaces the placeholders in `text`. `where` names the place for messages, e.g.
// "workload 'small': run[0]"; unknown targets or variables throw Error(kUsage) naming
// it, the placeholder, and the known targets.
std::string expand(std::string_view text, const ExpandContext& ctx, std::string_view where);

// expand() over each element; messages say "<where>[i]".
std::vector<std::string> expand_argv(const std::vector<std::string>& argv, const ExpandContext& ctx,
                                     std::string_view where);

// expand() over each value (keys are taken literally); messages say "<where>.KEY".
std::map<std::string, std::string> expand_env(const std::map<std::string, std::string>& env,
                                              const ExpandContext& ctx, std::string_view where);

// The text of the ${port} placeholder, and `text` with every one of them replaced by `port`.
inline constexpr std::string_view kPortPlaceholder = "${port}";
std::string substitute_port(std::string text, const std::string& port);

// A copy of `workload` with `run`, `env` and its service's load commands and readiness check
// expanded (${port} kept for the run); messages name the workload.
WorkloadSpec expand_workload(const WorkloadSpec& workload, const ExpandContext& ctx);

// Whether the workload's commands, env or readiness check use ${port}.
bool uses_port(const WorkloadSpec& workload);

// The targets a workload names through ${bin:...} in run, env or its service's load commands (to build only those,
// or to check them against the project's executables before building).
std::set<std::string> referenced_targets(const WorkloadSpec& workload);

}  // namespace pgo
