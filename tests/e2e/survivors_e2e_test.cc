// Survivors of a killed pgo (docs/reliability.md, "Survivors"): the next pgo that takes the
// store lock stops what the killed one left working in .pgo/build and .pgo/runs.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "tests/e2e/e2e_support.h"
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

}  // namespace
}  // namespace pgo::e2e
