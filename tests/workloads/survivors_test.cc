// Survivors (docs/reliability.md): the daemons a workload leaves behind die with its run,
// and the processes of a killed pgo are found by where they work. Real processes for the
// first, a fake /proc for the second.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "support/atomic_file.h"
#include "workloads/process.h"
#include "workloads/process_table.h"

namespace fs = std::filesystem;

namespace pgo {
namespace {

// Running processes whose command line holds `marker`.
std::vector<pid_t> processes_marked(const std::string& marker) {
  std::vector<pid_t> found;
  for (const ProcessEntry& p : read_process_table()) {
    std::ifstream cmdline("/proc/" + std::to_string(p.pid) + "/cmdline", std::ios::binary);
    std::string text((std::istreambuf_iterator<char>(cmdline)), std::istreambuf_iterator<char>());
    if (p.running() && text.find(marker) != std::string::npos) found.push_back(p.pid);
  }
  return found;
}

class DaemonTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("pgo-survivors-test-" + std::to_string(::getpid()));
    fs::create_directories(dir_);
    marker_ = "pgo-survivor-" + std::to_string(::getpid()) + "-" + std::to_string(++count_);
    ASSERT_TRUE(become_child_subreaper());
  }
  void TearDown() override {
    for (pid_t pid : processes_marked(marker_)) {  // if it survived: it and its sleep
      pid_t group = ::getpgid(pid);
      if (group > 0 && group != ::getpgrp()) ::kill(-group, SIGKILL);
      ::kill(pid, SIGKILL);
    }
    fs::remove_all(dir_);
  }
  // Runs `script` (sh, with $0 = the marker and $1 = a file for the daemon's pid) and
  // returns the pid the daemon wrote, once the run is over.
  pid_t run_leaving_daemon(const std::string& script) {
    ProcessSpec spec;
    spec.argv = {"sh", "-c", script, marker_, (dir_ / "daemon.pid").string()};
    EXPECT_TRUE(runner_.run(spec).ok());
    return std::stoi(read_file(dir_ / "daemon.pid"));
  }
  fs::path dir_;
  std::string marker_;
  static inline int count_ = 0;
  SystemProcessRunner runner_;
};

// The script waits until its daemon runs, so the daemon has surely left the run's session
// (and its process group) when the run ends: only the subreaper can reach it then.
TEST_F(DaemonTest, ADaemonThatCalledSetsidDiesWithTheRun) {
  pid_t daemon = run_leaving_daemon(
      "setsid sh -c 'echo $$ > \"$1.tmp\"; mv \"$1.tmp\" \"$1\"; sleep 300; :' \"$0\" \"$1\" &"
      " while [ ! -s \"$1\" ]; do sleep 0.01; done; exit 0");
  EXPECT_EQ(processes_marked(marker_), std::vector<pid_t>{}) << "the daemon (pid " << daemon << ") outlived its run";
  // Reaped as well: no zombie of it is left to this process.
  EXPECT_EQ(::waitpid(daemon, nullptr, WNOHANG), -1);
  EXPECT_EQ(errno, ECHILD);
}

// The classic daemon: fork, setsid, fork again, and the middle process exits.
TEST_F(DaemonTest, ADoubleForkedDaemonDiesWithTheRun) {
  pid_t daemon = run_leaving_daemon(
      "setsid sh -c '(sh -c \"echo \\$\\$ > \\\"\\$1.tmp\\\"; mv \\\"\\$1.tmp\\\" \\\"\\$1\\\"; sleep 300; :\" \"$0\" \"$1\" &)'"
      " \"$0\" \"$1\" & while [ ! -s \"$1\" ]; do sleep 0.01; done; exit 0");
  EXPECT_EQ(processes_marked(marker_), std::vector<pid_t>{}) << "the daemon (pid " << daemon << ") outlived its run";
  EXPECT_EQ(::waitpid(daemon, nullptr, WNOHANG), -1);
}

// A fake /proc: each process a directory with stat, cmdline, environ and a cwd link.
class FakeProc : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("pgo-fake-proc-" + std::to_string(::getpid()));
    fs::remove_all(root_);
    fs::create_directories(root_);
  }
  void TearDown() override { fs::remove_all(root_); }
  void add(pid_t pid, pid_t ppid, const std::string& comm, const std::string& cwd, const std::string& cmdline = "",
           const std::string& environ = "", char state = 'S') {
    fs::path dir = root_ / std::to_string(pid);
    fs::create_directories(dir);
    write_file_atomic(dir / "stat", std::to_string(pid) + " (" + comm + ") " + state + " " + std::to_string(ppid) +
                                        " " + std::to_string(pid) + " " + std::to_string(pid) + " 0 -1\n");
    write_file_atomic(dir / "cmdline", cmdline);
    write_file_atomic(dir / "environ", environ);
    fs::create_directory_symlink(cwd, dir / "cwd");
  }
  std::vector<pid_t> found(pid_t self, bool by_another_pgo) {
    std::vector<pid_t> pids;
    for (const TreeWorker& w : find_processes_working_in(root_, {"/p/.pgo/build", "/p/.pgo/runs"}, self))
      if (w.started_by_another_pgo == by_another_pgo) pids.push_back(w.pid);
    std::sort(pids.begin(), pids.end());
    return pids;
  }
  fs::path root_;
};

TEST_F(FakeProc, FindsAKilledPgosProcessesByTheirDirectoryOrCommandLine) {
  const std::string dead_pgos = std::string("PATH=/bin") + '\0' + kRunMarkerVariable + "=900.3" + '\0';
  add(1, 0, "init", "/");
  add(100, 1, "bash", "/p/.pgo/build/gcc");            // the shell that runs pgo: an ancestor
  add(200, 100, "pgo", "/p");                          // self
  add(201, 200, "ninja", "/p/.pgo/build/gcc/baseline", "", std::string(kRunMarkerVariable) + "=200.1");
  add(300, 1, "cc1", "/p/.pgo/build/gcc/optimized", "cc1\0x.c\0", dead_pgos);
  add(301, 1, "calc (test)", "/p", std::string("calc\0/p/.pgo/runs/gcc/0/in\0", 27), dead_pgos);
  add(302, 1, "cc1", "/p/.pgo/build-other", "cc1\0/p/.pgo/build-other/x.c\0", dead_pgos);  // not in a tree
  add(303, 1, "cc1", "/p/.pgo/build/gcc", "", dead_pgos, 'Z');                           // a zombie
  add(400, 1, "vim", "/p/.pgo/build/gcc/baseline");                                       // no marker
  EXPECT_EQ(found(200, true), (std::vector<pid_t>{300, 301}));
  EXPECT_EQ(found(200, false), (std::vector<pid_t>{400}));
}

// A process that ends while its files are read: read() fails (ESRCH on /proc; here EISDIR on
// directories in place of cmdline and environ). It reads as one without a command line or a
// marker, and the scan goes on.
TEST_F(FakeProc, AProcessWhoseFilesCannotBeReadHasNoCommandLineOrMarker) {
  add(1, 0, "init", "/");
  add(200, 1, "pgo", "/p");
  add(500, 1, "cc1", "/p/.pgo/build/gcc");
  for (const char* file : {"cmdline", "environ"}) {
    fs::remove(root_ / "500" / file);
    fs::create_directory(root_ / "500" / file);
  }
  EXPECT_EQ(read_environment_variable(root_, 500, kRunMarkerVariable), std::nullopt);
  EXPECT_EQ(found(200, false), (std::vector<pid_t>{500}));
}

TEST(RunMarker, NamesItsPgo) {
  EXPECT_EQ(pgo_pid_of_run_marker("1234.7"), 1234);
  EXPECT_EQ(pgo_pid_of_run_marker("1234"), 0);
  EXPECT_EQ(pgo_pid_of_run_marker(".7"), 0);
  EXPECT_EQ(pgo_pid_of_run_marker("x.7"), 0);
}

}  // namespace
}  // namespace pgo
