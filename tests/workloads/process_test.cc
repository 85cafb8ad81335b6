// Real processes: these tests spawn /bin/sh and friends, which is what the runner is for.
#include "workloads/process.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "support/atomic_file.h"
#include "support/error.h"

namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace pgo {
namespace {

class ProcessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("pgo-process-test-" + std::to_string(getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
  SystemProcessRunner runner_;
};

TEST_F(ProcessTest, CapturesExitStatusAndStdout) {
  ProcessSpec spec;
  spec.argv = {"sh", "-c", "echo hello; exit 3"};
  spec.stdout_file = dir_ / "out";
  ProcessResult r = runner_.run(spec);
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.describe(), "exit status 3");
  EXPECT_EQ(read_file(dir_ / "out"), "hello\n");
}

TEST_F(ProcessTest, OverwritesAnOlderLongerOutput) {
  write_file_atomic(dir_ / "out", "an older and much longer output\n");
  ProcessSpec spec;
  spec.argv = {"echo", "new"};
  spec.stdout_file = dir_ / "out";
  ASSERT_TRUE(runner_.run(spec).ok());
  EXPECT_EQ(read_file(dir_ / "out"), "new\n");
}

TEST_F(ProcessTest, PassesArgumentsWithoutAShell) {
  ProcessSpec spec;
  spec.argv = {"printf", "%s|", "a b", "$(echo x)", "; rm -rf /", "'q'"};
  spec.stdout_file = dir_ / "out";
  ASSERT_TRUE(runner_.run(spec).ok());
  EXPECT_EQ(read_file(dir_ / "out"), "a b|$(echo x)|; rm -rf /|'q'|");
}

TEST_F(ProcessTest, EnvironmentCwdAndStdin) {
  write_file_atomic(dir_ / "in.txt", "from stdin\n");
  ProcessSpec spec;
  spec.argv = {"sh", "-c", "pwd; echo $PGO_TEST_VAR; cat; echo ${HOME:-unset}"};
  spec.env = {{"PGO_TEST_VAR", "value 1"}};
  spec.env_unset = {"HOME"};
  spec.cwd = dir_;
  spec.stdin_file = dir_ / "in.txt";
  spec.stdout_file = dir_ / "out";
  ASSERT_TRUE(runner_.run(spec).ok());
  EXPECT_EQ(read_file(dir_ / "out"),
            fs::canonical(dir_).string() + "\nvalue 1\nfrom stdin\nunset\n");
}

TEST_F(ProcessTest, EnvironmentOverridesAnInheritedVariable) {
  ::setenv("PGO_TEST_INHERITED", "parent value", 1);
  ProcessSpec spec;
  spec.argv = {"sh", "-c", "echo $PGO_TEST_INHERITED"};
  spec.env = {{"PGO_TEST_INHERITED", "child value"}};
  spec.stdout_file = dir_ / "out";
  ASSERT_TRUE(runner_.run(spec).ok());
  EXPECT_EQ(read_file(dir_ / "out"), "child value\n");
}

TEST_F(ProcessTest, StdoutAndStderrToOneFileKeepBoth) {
  ProcessSpec spec;
  spec.argv = {"sh", "-c", "echo one; echo two >&2; echo three"};
  spec.stdout_file = spec.stderr_file = dir_ / "log";
  ASSERT_TRUE(runner_.run(spec).ok());
  EXPECT_EQ(read_file(dir_ / "log"), "one\ntwo\nthree\n");
}

TEST_F(ProcessTest, ReportsSignal) {
  ProcessSpec spec;
  spec.argv = {"sh", "-c", "kill -SEGV $$"};
  ProcessResult r = runner_.run(spec);
  EXPECT_EQ(r.signal, SIGSEGV);
  EXPECT_EQ(r.describe(), "killed by signal 11 (SIGSEGV)");
}

TEST_F(ProcessTest, MissingProgramIsASpawnFailure) {
  ProcessSpec spec;
  spec.argv = {"pgo-no-such-program-xyz"};
  ProcessResult r = runner_.run(spec);
  EXPECT_TRUE(r.spawn_failed);
  EXPECT_NE(r.describe().find("command not found: pgo-no-such-program-xyz"), std::string::npos);
}

// Alive means running: a killed orphan may stay a zombie until init reaps it.
bool process_alive(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(stat, line)) return false;
  size_t paren = line.rfind(')');
  return paren != std::string::npos && paren + 2 < line.size() && line[paren + 2] != 'Z';
}

// A hung workload whose grandchild ignores SIGTERM: the whole group must die.
TEST_F(ProcessTest, TimeoutKillsTheWholeTree) {
  ProcessSpec spec;
  spec.argv = {"sh", "-c", "(trap '' TERM; sleep 30) & echo $! > " + (dir_ / "pid").string() + "; wait"};
  spec.timeout = 300ms;
  spec.kill_grace = 200ms;
  ProcessResult r = runner_.run(spec);
  EXPECT_TRUE(r.timed_out);
  EXPECT_NE(r.describe().find("timed out"), std::string::npos);
  pid_t grandchild = std::stoi(read_file(dir_ / "pid"));
  for (int i = 0; i < 50 && process_alive(grandchild); ++i) usleep(10000);
  EXPECT_FALSE(process_alive(grandchild));
}

TEST_F(ProcessTest, BackgroundChildrenDieWithTheirParent) {
  ProcessSpec spec;
  spec.argv = {"sh", "-c", "sleep 30 & echo $! > " + (dir_ / "pid").string()};
  ASSERT_TRUE(runner_.run(spec).ok());
  pid_t orphan = std::stoi(read_file(dir_ / "pid"));
  for (int i = 0; i < 50 && process_alive(orphan); ++i) usleep(10000);
  EXPECT_FALSE(process_alive(orphan));
}

// Waits up to ~2 s for `pid` to stop running.
bool dies_soon(pid_t pid) {
  for (int i = 0; i < 200 && process_alive(pid); ++i) usleep(10000);
  return !process_alive(pid);
}

pid_t read_pid(const fs::path& file) {
  for (int i = 0; i < 300; ++i) {
    std::ifstream in(file);
    pid_t pid = 0;
    if (in >> pid && pid > 0) return pid;
    usleep(10000);
  }
  return 0;
}

// A command line whose grandchild moves to a process group of its own, as ninja does with
// every compiler it runs, and ignores SIGTERM; it writes the grandchild's pid to `pid_file`.
std::string leaves_grandchild_in_own_group(const fs::path& pid_file, const std::string& then) {
  return "perl -e 'setpgrp(0, 0); $SIG{TERM} = q(IGNORE); exec q(sleep), 30' & echo $! > " +
         pid_file.string() + "; " + then;
}

TEST_F(ProcessTest, TimeoutKillsDescendantsInOtherProcessGroups) {
  ProcessSpec spec;
  spec.argv = {"sh", "-c", leaves_grandchild_in_own_group(dir_ / "pid", "wait")};
  spec.timeout = 300ms;
  spec.kill_grace = 200ms;
  ProcessResult r = runner_.run(spec);
  EXPECT_TRUE(r.timed_out);
  pid_t grandchild = read_pid(dir_ / "pid");
  ASSERT_GT(grandchild, 0);
  EXPECT_TRUE(dies_soon(grandchild)) << "pid " << grandchild << " survived in its own process group";
}

TEST_F(ProcessTest, DescendantsInOtherProcessGroupsDieWithTheChild) {
  ProcessSpec spec;
  spec.argv = {"sh", "-c", leaves_grandchild_in_own_group(dir_ / "pid", "sleep 0.2")};
  ASSERT_TRUE(runner_.run(spec).ok());
  pid_t grandchild = read_pid(dir_ / "pid");
  ASSERT_GT(grandchild, 0);
  EXPECT_TRUE(dies_soon(grandchild)) << "pid " << grandchild << " outlived the run";
}

// In a forked copy of the test (the interruption is process-wide and permanent): SIGINT
// while a child runs. Exits 130 if the run ended at once with Error(kInterrupted) and the
// whole tree is gone, including a grandchild in a process group of its own.
int interrupt_a_running_tree(const fs::path& pid_file) {
  install_interrupt_handlers();
  std::thread([] {
    std::this_thread::sleep_for(500ms);
    ::kill(::getpid(), SIGINT);
  }).detach();
  ProcessSpec spec;
  spec.argv = {"sh", "-c", leaves_grandchild_in_own_group(pid_file, "sleep 30")};
  auto start = std::chrono::steady_clock::now();
  try {
    SystemProcessRunner().run(spec);
    std::fprintf(stderr, "run returned normally\n");
    return 1;
  } catch (const Error& e) {
    double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    pid_t grandchild = read_pid(pid_file);
    if (e.code() != ExitCode::kInterrupted) return std::fprintf(stderr, "wrong error: %s\n", e.what()), 1;
    if (took > 1.5) return std::fprintf(stderr, "took %.2f s\n", took), 1;
    if (grandchild <= 0 || !dies_soon(grandchild)) return std::fprintf(stderr, "grandchild survived\n"), 1;
    return 130;
  }
}

TEST_F(ProcessTest, InterruptKillsTheTreeAndThrows) {
  EXPECT_EXIT(std::exit(interrupt_a_running_tree(dir_ / "pid")), ::testing::ExitedWithCode(130), "");
}

// pgo killed outright (SIGKILL, no handler runs): the kernel kills its direct children.
TEST_F(ProcessTest, ChildDiesWhenPgoIsKilled) {
  fs::path pid_file = dir_ / "pid";
  pid_t fake_pgo = ::fork();
  ASSERT_GE(fake_pgo, 0);
  if (fake_pgo == 0) {
    ProcessSpec spec;
    spec.argv = {"sh", "-c", "echo $$ > " + pid_file.string() + "; exec sleep 30"};
    SystemProcessRunner().run(spec);
    ::_exit(0);
  }
  pid_t child = read_pid(pid_file);
  ::kill(fake_pgo, SIGKILL);
  ::waitpid(fake_pgo, nullptr, 0);
  ASSERT_GT(child, 0);
  EXPECT_TRUE(dies_soon(child)) << "the child of a killed pgo kept running";
}

TEST_F(ProcessTest, MeasuresCpuTimeAndMemory) {
  ProcessSpec spec;
  spec.argv = {"sh", "-c", "i=0; while [ $i -lt 200000 ]; do i=$((i+1)); done"};
  ProcessResult r = runner_.run(spec);
  ASSERT_TRUE(r.ok());
  EXPECT_GT(r.user_s + r.sys_s, 0.0);
  EXPECT_GE(r.wall_s, r.user_s * 0.5);
  EXPECT_GT(r.max_rss_kb, 0);
}

TEST_F(ProcessTest, RunCapturedReturnsBothStreamsAndRemovesItsScratchFiles) {
  ProcessSpec spec;
  spec.argv = {"sh", "-c", "echo out; echo err >&2; exit 4"};
  CapturedRun apart = run_captured(runner_, spec, Streams::kApart, dir_);
  EXPECT_EQ(apart.result.exit_code, 4);
  EXPECT_EQ(apart.out, "out\n");
  EXPECT_EQ(apart.err, "err\n");
  CapturedRun together = run_captured(runner_, spec, Streams::kTogether, dir_);
  EXPECT_EQ(together.out, "out\nerr\n");
  EXPECT_EQ(together.err, "");
  EXPECT_TRUE(fs::is_empty(dir_)) << "scratch files left in " << dir_;
}

TEST_F(ProcessTest, RunCapturedLeavesAStreamSentToAFileAlone) {
  ProcessSpec spec;
  spec.argv = {"sh", "-c", "echo data; echo complaint >&2"};
  spec.stdout_file = dir_ / "profile";
  CapturedRun run = run_captured(runner_, spec);
  EXPECT_EQ(run.out, "");
  EXPECT_EQ(run.err, "complaint\n");
  EXPECT_EQ(read_file(dir_ / "profile"), "data\n");
}

// A fake runner that writes nothing (or a program that never starts) reads as empty output.
class SilentRunner : public ProcessRunner {
 public:
  ProcessResult run(const ProcessSpec& spec) override {
    seen = spec;
    ProcessResult r;
    r.spawn_failed = true;
    return r;
  }
  ProcessSpec seen;
};

TEST_F(ProcessTest, RunCapturedOfAnUnwrittenScratchFileIsEmpty) {
  SilentRunner silent;
  ProcessSpec spec;
  spec.argv = {"nothing"};
  CapturedRun run = run_captured(silent, spec, Streams::kTogether, dir_);
  EXPECT_TRUE(run.result.spawn_failed);
  EXPECT_EQ(run.out, "");
  EXPECT_EQ(silent.seen.stdout_file, silent.seen.stderr_file);  // together: one file
  EXPECT_EQ(silent.seen.stdout_file.parent_path(), dir_);
}

}  // namespace
}  // namespace pgo
