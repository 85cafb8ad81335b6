#include "workloads/process.h"

#include "support/activity.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <boost/process.hpp>
#include <boost/process/extend.hpp>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <shared_mutex>
#include <sstream>
#include <thread>

#include "support/atomic_file.h"
#include "support/error.h"
#include "support/strings.h"
#include "workloads/descendants.h"
#include "workloads/process_table.h"
#include "workloads/service.h"

namespace bp = boost::process;

namespace pgo {
namespace {

// Live child process groups, readable from a signal handler (lock-free slots). A child that
// finds no free slot is killed and reported (run), never left untracked.
constexpr int kMaxGroups = 4096;
std::atomic<pid_t> g_groups[kMaxGroups];
std::atomic<int> g_interrupt_signal{0};
std::atomic<unsigned> g_runs_started{0};
// Held shared while a run starts its child and until the child is tracked (register_group),
// exclusively while zombies are reaped: a child being started is never taken for an orphan.
std::shared_mutex g_starting;

bool register_group(pid_t pgid) {
  for (auto& slot : g_groups) {
    pid_t expected = 0;
    if (slot.compare_exchange_strong(expected, pgid)) return true;
  }
  return false;
}

void unregister_group(pid_t pgid) {
  for (auto& slot : g_groups) {
    pid_t expected = pgid;
    if (slot.compare_exchange_strong(expected, 0)) return;
  }
}

// Whether `pid` is a child that a run still waits for.
bool tracked(pid_t pid) {
  for (const auto& slot : g_groups)
    if (slot.load() == pid) return true;
  return false;
}

void on_interrupt(int sig) {
  g_interrupt_signal.store(sig);
  kill_all_child_groups();
  kill_direct_children();
}

int pidfd_open(pid_t pid) { return static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)); }

// Waits until the child exits or `timeout_ms` passes (-1: forever), waking regularly
// to notice an interruption. Returns true if the child has exited.
bool wait_exit(int pidfd, long timeout_ms) {
  auto start = std::chrono::steady_clock::now();
  for (;;) {
    long slice = 100;
    if (timeout_ms >= 0) {
      long elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
                         std::chrono::steady_clock::now() - start).count();
      if (elapsed >= timeout_ms) return false;
      slice = std::min(slice, timeout_ms - elapsed);
    }
    pollfd p{pidfd, POLLIN, 0};
    int r = ::poll(&p, 1, static_cast<int>(slice));
    if (r > 0) return true;
    if (r < 0 && errno != EINTR) return true;  // let wait4 report what happened
    if (interrupted()) return false;
  }
}

}  // namespace

std::string signal_name(int sig) {
  const char* abbrev = sigabbrev_np(sig);
  return abbrev ? std::string("SIG") + abbrev : "signal " + std::to_string(sig);
}

std::string ProcessResult::describe() const {
  std::ostringstream out;
  if (!failure.empty()) {
    out << failure;
  } else if (spawn_failed) {
    out << "could not start: " << spawn_error;
  } else if (timed_out) {
    out << "timed out after " << format_duration(wall_s) << " (process group killed)";
  } else if (signal != 0) {
    out << "killed by signal " << signal << " (" << signal_name(signal) << ")";
  } else {
    out << "exit status " << exit_code;
  }
  return out.str();
}

std::optional<std::filesystem::path> find_program(const std::string& name) {
  if (name.empty()) return std::nullopt;
  if (name.find('/') != std::string::npos) {
    if (::access(name.c_str(), X_OK) == 0) return std::filesystem::path(name);
    return std::nullopt;
  }
  const char* path = std::getenv("PATH");
  std::string_view dirs = path ? path : "/usr/local/bin:/usr/bin:/bin";
  while (!dirs.empty()) {
    size_t colon = dirs.find(':');
    std::string dir(dirs.substr(0, colon));
    dirs = colon == std::string_view::npos ? std::string_view() : dirs.substr(colon + 1);
    std::filesystem::path candidate = std::filesystem::path(dir.empty() ? "." : dir) / name;
    if (::access(candidate.c_str(), X_OK) == 0 && !std::filesystem::is_directory(candidate))
      return candidate;
  }
  return std::nullopt;
}

void kill_all_child_groups() {
  for (auto& slot : g_groups) {
    pid_t pgid = slot.load();
    if (pgid > 0) ::kill(-pgid, SIGKILL);
  }
}

bool become_child_subreaper() { return ::prctl(PR_SET_CHILD_SUBREAPER, 1) == 0; }

void kill_all_descendants() {
  kill_all_child_groups();
  kill_and_reap_all_children();
}

void install_interrupt_handlers() {
  struct sigaction sa {};
  sa.sa_handler = on_interrupt;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGHUP, &sa, nullptr);
}

bool interrupted() { return g_interrupt_signal.load() != 0; }

void throw_if_interrupted() {
  if (interrupted())
    throw Error(ExitCode::kInterrupted,
                "interrupted by " + signal_name(g_interrupt_signal.load()) + "; child processes killed");
}

ProcessResult SystemProcessRunner::run(const ProcessSpec& spec) {
  ProcessResult result;
  if (spec.argv.empty()) {
    result.spawn_failed = true;
    result.spawn_error = "empty command";
    return result;
  }
  throw_if_interrupted();
  if (spec.service) return run_service(*this, spec);
  auto exe = find_program(spec.argv[0]);
  if (!exe) {
    result.spawn_failed = true;
    result.spawn_error = "command not found: " + spec.argv[0];
    return result;
  }

  bp::environment env = boost::this_process::environment();
  for (const auto& name : spec.env_unset) env.erase(name);
  // set() rather than operator[]: Boost 1.74's find() reads past shorter entries (ASan).
  for (const auto& [name, value] : spec.env) env.set(name, value);
  // Marks every process of this run, so that its orphans can be told from other runs'.
  const std::string run_marker = std::to_string(::getpid()) + "." + std::to_string(++g_runs_started);
  env.set(kRunMarkerVariable, run_marker);

  std::vector<std::string> args(spec.argv.begin() + 1, spec.argv.end());
  std::string cwd = spec.cwd.empty() ? std::filesystem::current_path().string() : spec.cwd.string();
  std::string in = spec.stdin_file.empty() ? "/dev/null" : spec.stdin_file.string();
  std::string out = spec.stdout_file.empty() ? "/dev/null" : spec.stdout_file.string();
  std::string err = spec.stderr_file.empty() ? "/dev/null" : spec.stderr_file.string();

  // Boost.Process opens redirect targets without O_TRUNC: empty them first, or a shorter
  // output would leave the tail of an older one behind.
  for (const std::string* file : {&out, &err})
    if (*file != "/dev/null") std::ofstream(*file, std::ios::trunc);

  // The child leads a new session, hence a new process group: one kill(-pgid) reaches what
  // it spawns, and the session also finds what moved to groups of its own (kill_session).
  // If pgo itself dies (even by SIGKILL), the kernel kills the child (PR_SET_PDEATHSIG).
  pid_t parent = ::getpid();
  auto new_group = bp::extend::on_exec_setup([parent](auto&) {
    ::setsid();
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(127);  // pgo died before prctl took effect
  });

  std::error_code ec;
  std::shared_lock starting(g_starting);
  auto start = std::chrono::steady_clock::now();
  bp::child child;
  if (out == err) {
    child = bp::child(exe->string(), bp::args(args), env, bp::start_dir(cwd), bp::std_in < in,
                      (bp::std_out & bp::std_err) > out, new_group, ec);
  } else {
    child = bp::child(exe->string(), bp::args(args), env, bp::start_dir(cwd), bp::std_in < in,
                      bp::std_out > out, bp::std_err > err, new_group, ec);
  }
  if (ec) {
    result.spawn_failed = true;
    result.spawn_error = spec.argv[0] + ": " + ec.message();
    return result;
  }
  // bp::child returns once the child has exec'd, so its setsid is done: pid is its group.
  pid_t pid = child.id();
  child.detach();  // pgo reaps the child itself with wait4, for its resource usage
  if (!register_group(pid)) {
    ::kill(-pid, SIGKILL);
    ::waitpid(pid, nullptr, 0);
    result.spawn_failed = true;
    result.spawn_error = spec.argv[0] + ": not started: pgo already tracks " + std::to_string(kMaxGroups) +
                         " live child processes (the most it can kill on Ctrl-C)";
    return result;
  }
  starting.unlock();
  // A signal that came between the check above and register_group missed this child.
  if (interrupted()) ::kill(-pid, SIGKILL);
  if (spec.on_start) spec.on_start(pid);

  int pidfd = pidfd_open(pid);
  long timeout_ms = spec.timeout.count() > 0 ? static_cast<long>(spec.timeout.count()) : -1;
  bool exited = pidfd < 0 ? true : wait_exit(pidfd, timeout_ms);
  if (!exited) {
    if (interrupted()) {
      ::kill(-pid, SIGKILL);  // interrupted: no grace period
    } else {
      result.timed_out = true;
      ::kill(-pid, SIGTERM);
      if (!wait_exit(pidfd, spec.kill_grace.count())) ::kill(-pid, SIGKILL);
    }
  }
  int status = 0;
  rusage usage{};
  while (::wait4(pid, &status, 0, &usage) < 0 && errno == EINTR) {
  }
  auto end = std::chrono::steady_clock::now();
  ::kill(-pid, SIGKILL);  // whatever the child left behind in its group
  kill_session(pid);      // and in groups of their own
  kill_orphans_of_run(run_marker, tracked);  // and in sessions of their own, reparented to pgo
  unregister_group(pid);
  {
    std::unique_lock no_child_starting(g_starting);
    reap_orphan_zombies(tracked);
  }
  if (pidfd >= 0) ::close(pidfd);

  result.wall_s = std::chrono::duration<double>(end - start).count();
  result.user_s = usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6;
  result.sys_s = usage.ru_stime.tv_sec + usage.ru_stime.tv_usec / 1e6;
  result.max_rss_kb = usage.ru_maxrss;
  if (WIFEXITED(status)) {
    result.exit_code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    result.signal = WTERMSIG(status);
  }
  throw_if_interrupted();
  return result;
}

CapturedRun run_captured(ProcessRunner& runner, ProcessSpec spec, Streams streams,
                         const std::filesystem::path& scratch_dir) {
  namespace fs = std::filesystem;
  static std::atomic<unsigned> counter{0};
  std::error_code ec;
  const fs::path dir = scratch_dir.empty() ? fs::temp_directory_path(ec) : scratch_dir;
  if (!scratch_dir.empty()) fs::create_directories(dir, ec);
  const std::string stem = ".pgo-capture-" + std::to_string(::getpid()) + "-" + std::to_string(counter++);
  fs::path out, err;
  if (spec.stdout_file.empty()) spec.stdout_file = out = dir / (stem + ".out");
  if (spec.stderr_file.empty())
    spec.stderr_file = err = streams == Streams::kTogether && !out.empty() ? out : dir / (stem + ".err");
  // No stale scratch file may pass for this run's output (a fake runner may append).
  for (const fs::path& f : {out, err})
    if (!f.empty()) fs::remove(f, ec);
  CapturedRun run;
  {
    std::vector<fs::path> watched;  // for the progress line and -v (support/activity.h)
    for (const fs::path& f : {out, err})
      if (!f.empty() && (watched.empty() || watched.front() != f)) watched.push_back(f);
    ActivityOutput activity(std::move(watched));
    run.result = runner.run(spec);
  }
  if (!out.empty()) run.out = read_file_if_present(out);
  if (!err.empty() && err != out) run.err = read_file_if_present(err);
  for (const fs::path& f : {out, err})
    if (!f.empty()) fs::remove(f, ec);
  return run;
}

}  // namespace pgo
