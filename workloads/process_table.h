// What /proc says about the processes of this machine: who is whose child, which session
// each leads, where each works. The root is a parameter so that tests can fake /proc.
//
// Not async-signal-safe (it allocates); process.cc has its own scan for signal handlers.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace pgo {

// The environment variable that the ProcessRunner sets in every child: "<pgo pid>.<run>",
// inherited by everything the child starts (unless a program clears its environment).
// It tells which pgo, and which of its runs, a process belongs to.
inline constexpr const char* kRunMarkerVariable = "PGO_RUN";

struct ProcessEntry {
  pid_t pid = 0, ppid = 0, session = 0;
  char state = 0;    // 'R', 'S', 'Z' (zombie), ...
  std::string comm;  // the name in /proc/<pid>/stat, e.g. "cc1"
  bool running() const { return state != 'Z' && state != 'X'; }
};

// Every process that /proc lists (those that vanish while it is read are skipped).
std::vector<ProcessEntry> read_process_table(const std::filesystem::path& proc_root = "/proc");

// The value of `name` in the environment `pid` started with; nullopt if it has none or
// its environment cannot be read (another user's process, a zombie).
std::optional<std::string> read_environment_variable(const std::filesystem::path& proc_root, pid_t pid,
                                                     const std::string& name);

// The pgo pid a run marker names ("1234.7" -> 1234); 0 if `marker` is not one.
pid_t pgo_pid_of_run_marker(const std::string& marker);

// A process that works in one of the trees pgo was asked about.
struct TreeWorker {
  pid_t pid = 0;
  std::string comm;
  bool started_by_another_pgo = false;  // carries the run marker of a pgo other than `self`
};

// The running processes whose working directory is inside one of `trees`, or whose command
// line names a path inside one of them, leaving out `self`, its ancestors (the shell that
// started pgo may sit in a tree) and its descendants. `trees` should be absolute and
// canonical: /proc shows resolved paths.
std::vector<TreeWorker> find_processes_working_in(const std::filesystem::path& proc_root,
                                                  const std::vector<std::filesystem::path>& trees, pid_t self);

}  // namespace pgo
