// Survivors of a killed pgo (docs/reliability.md, "Survivors"): the next pgo that takes the
// store lock stops what the killed one left working in .pgo/build and .pgo/runs.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <iterator>
#include <thread>

#include "support/atomic_file.h"
#include "tests/e2e/e2e_support.h"
#include "workloads/pgo_cgroup.h"
#include "workloads/process_table.h"

namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace pgo::e2e {
namespace {

// `sleep 300` started by the test in `cwd`, with `run_marker` as PGO_RUN when not empty:
// a killed pgo's compiler, or (no marker) a process no pgo started.
pid_t start_sleeper(const fs::path& cwd, const std::string& run_marker) {
  pid_t pid = ::fork();
  if (pid == 0) {
    if (::chdir(cwd.c_str()) != 0) ::_exit(127);
    if (run_marker.empty()) ::unsetenv(kRunMarkerVariable);
    else ::setenv(kRunMarkerVariable, run_marker.c_str(), 1);
    ::execlp("sleep", "sleep", "300", static_cast<char*>(nullptr));
    ::_exit(127);
  }
  return pid;
}

// Whether the child `pid` ended within `timeout` (reaping it).
bool ends_within(pid_t pid, std::chrono::milliseconds timeout) {
  for (auto until = std::chrono::steady_clock::now() + timeout; std::chrono::steady_clock::now() < until;) {
    if (::waitpid(pid, nullptr, WNOHANG) == pid) return true;
    std::this_thread::sleep_for(10ms);
  }
  return false;
}

TEST(Survivors, TheNextPgoKillsWhatAKilledPgoLeftInTheBuildTree) {
  fs::path project = copy_example("c-cmake");
  fs::path tree = project / ".pgo" / "build" / "gcc";
  fs::create_directories(tree);
  // The marker of a pgo that no longer runs (pid 4194305 is above the kernel's pid_max).
  pid_t compiler = start_sleeper(tree, "4194305.1");
  pid_t stranger = start_sleeper(tree, "");
  std::this_thread::sleep_for(100ms);  // both have exec'd sleep and sit in the tree

  PgoRun clean = run_pgo({"clean", "-C", project.string()});
  EXPECT_EQ(clean.exit_code, 0) << clean.err;
  EXPECT_TRUE(ends_within(compiler, 5s)) << "the killed pgo's process still runs\n" << clean.err;
  EXPECT_NE(clean.err.find("pgo: killed 1 process left by a killed pgo in " + (project / ".pgo" / "build").string()),
            std::string::npos)
      << clean.err;
  EXPECT_NE(clean.err.find("sleep (pid " + std::to_string(compiler) + ")"), std::string::npos) << clean.err;
  // A process that no pgo started is named, not killed.
  EXPECT_FALSE(ends_within(stranger, 200ms)) << clean.err;
  EXPECT_NE(clean.err.find("warning: sleep (pid " + std::to_string(stranger) + ") works in"), std::string::npos)
      << clean.err;

  for (pid_t pid : {compiler, stranger}) {
    ::kill(pid, SIGKILL);
    ::waitpid(pid, nullptr, 0);
  }
  fs::remove_all(project.parent_path());
}

// The pids of running processes whose command line holds `marker`.
std::vector<pid_t> processes_with(const std::string& marker) {
  std::vector<pid_t> out;
  for (const ProcessEntry& p : read_process_table())
    if (p.running() && p.pid != ::getpid()) {
      std::ifstream in("/proc/" + std::to_string(p.pid) + "/cmdline", std::ios::binary);
      std::string cmdline((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      if (cmdline.find(marker) != std::string::npos) out.push_back(p.pid);
    }
  return out;
}

// A daemon that double-forked into its own session, working in /, escapes both the subreaper
// (pgo is SIGKILLed: nothing of pgo runs) and the search of .pgo/build and .pgo/runs. The
// killed pgo's cgroup still holds it, and the next pgo to take the lock kills it.
TEST(Survivors, TheNextPgoKillsWhatEscapedAKilledPgoThroughItsCgroup) {
  if (cgroup_of_pgo(::getpid()).empty()) GTEST_SKIP() << "no cgroup v2 here";
  {
    const fs::path probe = cgroup_of_pgo(::getpid());  // a group this test may make, as pgo does
    std::error_code ec;
    if (!fs::create_directory(probe, ec)) GTEST_SKIP() << "cgroup v2 is not writable here: " << ec.message();
    fs::remove(probe, ec);
  }
  fs::path project = copy_example("c-cmake");
  const std::string marker = "pgo-escaped-daemon-" + std::to_string(::getpid());
  write_file_atomic(project / "pgo.yaml",
                    "version: 1\nbuild:\n  system: cmake\n  targets: [calc]\ntoolchains: [gcc]\nworkloads:\n"
                    "  - name: daemonizes\n    shell: true\n    run: \"cd / && (setsid sh -c 'sleep 300; : " + marker +
                        "' &) ; sleep 120\"\n");
  pid_t pgo = ::fork();
  if (pgo == 0) {
    ::execl(pgo::test_paths::pgo_binary(), pgo::test_paths::pgo_binary(), "build", "-C", project.c_str(), "--no-bench", static_cast<char*>(nullptr));
    ::_exit(127);
  }
  std::vector<pid_t> daemons;
  bool pgo_ended = false;
  for (auto until = std::chrono::steady_clock::now() + 180s;
       daemons.empty() && !pgo_ended && std::chrono::steady_clock::now() < until;) {
    std::this_thread::sleep_for(100ms);
    daemons = processes_with(marker);
    pgo_ended = ::waitpid(pgo, nullptr, WNOHANG) == pgo;
  }
  if (!pgo_ended) {
    ::kill(pgo, SIGKILL);
    ::waitpid(pgo, nullptr, 0);
  }
  ASSERT_FALSE(daemons.empty()) << "the training never started its daemon";
  std::this_thread::sleep_for(200ms);
  ASSERT_FALSE(processes_with(marker).empty()) << "the daemon died with pgo: nothing left to test";

  PgoRun clean = run_pgo({"clean", "-C", project.string()});
  EXPECT_EQ(clean.exit_code, 0) << clean.err;
  EXPECT_NE(clean.err.find("left by a killed pgo (pid " + std::to_string(pgo) + ") in its cgroup"), std::string::npos)
      << clean.err;
  bool gone = false;
  for (auto until = std::chrono::steady_clock::now() + 5s; !gone && std::chrono::steady_clock::now() < until;) {
    gone = processes_with(marker).empty();
    if (!gone) std::this_thread::sleep_for(20ms);
  }
  EXPECT_TRUE(gone) << "the escaped daemon still runs\n" << clean.err;
  for (pid_t pid : processes_with(marker)) ::kill(pid, SIGKILL);
  fs::remove_all(project.parent_path());
}

}  // namespace
}  // namespace pgo::e2e
