// ProcessRunner: the one way pgo starts a child process.
//
// Every child runs in its own process group so that a timeout, Ctrl-C or the end of
// pgo kills the whole tree it spawned. Commands are argv vectors; nothing goes through a
// shell unless the caller puts "/bin/sh -c" in argv itself.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace pgo {

struct ServiceRun;  // workloads/service.h

struct ProcessSpec {
  std::vector<std::string> argv;                // argv[0] is looked up in PATH if it has no '/'
  std::map<std::string, std::string> env;       // set on top of the inherited environment
  std::vector<std::string> env_unset;           // removed from the inherited environment
  std::filesystem::path cwd;                    // empty: pgo's own working directory
  std::filesystem::path stdin_file;             // empty: /dev/null
  std::filesystem::path stdout_file;            // empty: discarded
  std::filesystem::path stderr_file;            // empty: discarded; may equal stdout_file
  std::chrono::milliseconds timeout{0};         // 0: no limit
  std::chrono::milliseconds kill_grace{2000};   // SIGTERM to SIGKILL escalation delay
  // Set: argv is a server that SystemProcessRunner starts, waits for, loads with clients and
  // stops (workloads/service.h); the result then times the clients. Empty: a plain run.
  std::shared_ptr<const ServiceRun> service;
  // Called with the child's pid (its process group) once it runs and is tracked.
  std::function<void(pid_t)> on_start;
};

struct ProcessResult {
  int exit_code = -1;      // valid when signal == 0 and !timed_out
  int signal = 0;          // terminating signal, 0 if it exited
  bool timed_out = false;
  bool spawn_failed = false;
  std::string spawn_error;
  // What went wrong beyond an exit status (a service that never became ready, a client that
  // failed); non-empty makes the run failed and is what describe() says.
  std::string failure;
  double wall_s = 0, user_s = 0, sys_s = 0;
  long max_rss_kb = 0;

  bool ok() const { return !spawn_failed && !timed_out && signal == 0 && exit_code == 0 && failure.empty(); }
  double cpu_s() const { return user_s + sys_s; }
  // It did not end with an exit status of its own: it could not start, timed out, was killed
  // by a signal, or failed as a service (`failure`).
  bool ended_abnormally() const { return spawn_failed || timed_out || signal != 0 || !failure.empty(); }
  // "exit status 2", "killed by signal 11 (SIGSEGV)", "timed out after 5.0 s", ...
  std::string describe() const;
};

// "SIGTERM" for 15 (else "signal N"), for messages about how a process ended.
std::string signal_name(int sig);

class ProcessRunner {
 public:
  virtual ~ProcessRunner() = default;
  virtual ProcessResult run(const ProcessSpec& spec) = 0;
};

// Runs real processes with Boost.Process; times them with wait4 (wall, user, sys, max RSS).
class SystemProcessRunner : public ProcessRunner {
 public:
  ProcessResult run(const ProcessSpec& spec) override;
};

// A run's stdout and stderr as strings: for commands whose output pgo reads (git, go list,
// rustc -vV), not for workloads, whose output may be unbounded (bounded_output.h).
struct CapturedRun {
  ProcessResult result;
  std::string out;  // stdout (and stderr, with Streams::kTogether)
  std::string err;  // stderr; empty with Streams::kTogether
};
enum class Streams { kApart, kTogether };

// Runs `spec` with each stream that it sends nowhere (an empty stdout_file / stderr_file)
// captured into a string, through scratch files in `scratch_dir` (empty: the temporary
// directory) that are removed afterwards; a stream the spec sends to a file is left alone.
// A scratch file the child never wrote reads as "".
CapturedRun run_captured(ProcessRunner& runner, ProcessSpec spec, Streams streams = Streams::kApart,
                         const std::filesystem::path& scratch_dir = {});

// Kills every process group pgo has started and not yet reaped (SIGKILL). Async-signal-safe:
// the SIGINT/SIGTERM handler calls it.
void kill_all_child_groups();

// Makes pgo a child subreaper (PR_SET_CHILD_SUBREAPER): a descendant whose parent dies is
// reparented to pgo rather than to init, so that a daemon a workload starts (setsid, double
// fork) stays pgo's to kill at the end of its run. False if the kernel refused.
bool become_child_subreaper();

// SIGKILLs and reaps everything that still descends from pgo (its runs' process groups, its
// children and, as a subreaper, the orphans reparented to it): called when pgo exits.
void kill_all_descendants();

// Installs SIGINT/SIGTERM handlers that kill all child groups and pgo's direct children (the
// orphans reparented to it among them) and record the interruption;
// runs then fail with an Error(kInterrupted) at their next check.
void install_interrupt_handlers();
bool interrupted();
// Throws Error(kInterrupted) if a signal arrived.
void throw_if_interrupted();

// Resolves argv[0] against PATH; nullopt if not found.
std::optional<std::filesystem::path> find_program(const std::string& name);

}  // namespace pgo
