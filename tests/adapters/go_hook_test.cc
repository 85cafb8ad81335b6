// pgo's profiling hook in real Go programs: which ways of ending a process leave a complete
// profile (docs/adapters/go.md, "Which exits keep the profile").
#include <gtest/gtest.h>
#include <signal.h>

#include <thread>

#include "adapters/pprof/pprof_analysis.h"
#include "adapters/pprof/pprof_format.h"
#include "adapters/pprof/pprof_reader.h"
#include "tests/adapters/go_test_support.h"

namespace pgo {
namespace {

namespace fs = std::filesystem;

// One program, its ending chosen by argv[1]; it burns CPU first so the profile has samples.
constexpr const char* kProgram = R"(package main

import (
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"
)

func main() {
	how := os.Args[1]
	if how == "handled-term" {
		c := make(chan os.Signal, 1)
		signal.Notify(c, syscall.SIGTERM)
		go func() {
			<-c
			burn(100) // the program's own shutdown work is profiled too
			fmt.Println("graceful")
			os.Exit(0)
		}()
	}
	fmt.Println(burn(300))
	switch how {
	case "exit0":
		os.Exit(0)
	case "exit3":
		os.Exit(3)
	case "panic":
		panic("boom")
	case "syscall-exit":
		syscall.Exit(0)
	case "term", "handled-term":
		os.WriteFile("ready", nil, 0o644)
		for {
			burn(10)
		}
	}
}
)";

class GoHookTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new fs::path(testing_go::temp_dir("hook"));
    ASSERT_TRUE(testing_go::build_program(*dir_, std::string(kProgram) + testing_go::burn_function(), true));
  }
  static void TearDownTestSuite() {
    fs::remove_all(*dir_);
    delete dir_;
  }

  struct Outcome {
    ProcessResult result;
    std::vector<fs::path> complete;  // *.pprof
    size_t partial = 0;              // *.pprof.tmp left behind
  };

  // Runs the program; with `signal_after_ready`, sends that signal once it has written "ready".
  Outcome run(const std::string& how, int signal_after_ready = 0) {
    fs::path run_dir = *dir_ / how;
    fs::remove_all(run_dir);
    fs::create_directories(run_dir);
    std::thread killer;
    if (signal_after_ready) {
      killer = std::thread([&, run_dir] {
        for (int i = 0; i < 6000 && !fs::exists(run_dir / "ready"); ++i)
          std::this_thread::sleep_for(std::chrono::milliseconds(10));
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        // The program is the only process whose cwd is run_dir: find its pid through /proc.
        fs::path want = fs::canonical(run_dir);
        for (const auto& e : fs::directory_iterator("/proc")) {
          std::error_code ec;
          std::string pid = e.path().filename().string();
          if (pid.find_first_not_of("0123456789") != std::string::npos) continue;
          if (fs::read_symlink(e.path() / "cwd", ec) == want && !ec) ::kill(std::stoi(pid), signal_after_ready);
        }
      });
    }
    Outcome o;
    o.result = testing_go::run({(*dir_ / "app").string(), how}, run_dir,
                               {{kGoCpuProfileEnv, (run_dir / kGoProfileSubdir).string()}});
    if (killer.joinable()) killer.join();
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(run_dir / kGoProfileSubdir, ec)) {
      if (e.path().extension() == ".pprof") o.complete.push_back(e.path());
      if (e.path().extension() == ".tmp") ++o.partial;
    }
    return o;
  }

  static void expect_usable(const Outcome& o) {
    ASSERT_EQ(o.complete.size(), 1u);
    EXPECT_EQ(o.partial, 0u);
    PprofProfile p = read_pprof(o.complete[0]);
    PprofSummary s = summarize_pprof(p, o.complete[0].string());
    EXPECT_GT(s.samples, 0);
    bool burn = false;
    for (const auto& f : s.by_flat) burn = burn || (f.name == "main.burn" && f.cum > 0);
    EXPECT_TRUE(burn);
  }

  static fs::path* dir_;
};
fs::path* GoHookTest::dir_ = nullptr;

TEST_F(GoHookTest, ReturnFromMainWritesTheProfile) {
  Outcome o = run("return");
  EXPECT_TRUE(o.result.ok()) << o.result.describe();
  expect_usable(o);
}

TEST_F(GoHookTest, OsExitZeroWritesTheProfile) {
  Outcome o = run("exit0");
  EXPECT_TRUE(o.result.ok()) << o.result.describe();
  expect_usable(o);
}

TEST_F(GoHookTest, OsExitNonZeroWritesTheProfileAndKeepsTheStatus) {
  Outcome o = run("exit3");
  EXPECT_EQ(o.result.exit_code, 3);
  expect_usable(o);
}

TEST_F(GoHookTest, UnhandledSigtermWritesTheProfileAndStillKills) {
  Outcome o = run("term", SIGTERM);
  EXPECT_EQ(o.result.signal, SIGTERM) << o.result.describe();
  expect_usable(o);
}

TEST_F(GoHookTest, ProgramsOwnSigtermHandlerRunsAndItsExitWritesTheProfile) {
  Outcome o = run("handled-term", SIGTERM);
  EXPECT_TRUE(o.result.ok()) << o.result.describe();
  EXPECT_NE(read_file(*dir_ / "handled-term" / "run.out").find("graceful"), std::string::npos);
  expect_usable(o);
}

TEST_F(GoHookTest, PanicAndSyscallExitLoseTheProfile) {
  // Documented limits: these ends bypass the exit hooks; only the .tmp of the unfinished
  // profile remains, which collect() ignores.
  Outcome panicked = run("panic");
  EXPECT_EQ(panicked.result.exit_code, 2);
  EXPECT_TRUE(panicked.complete.empty());
  EXPECT_EQ(panicked.partial, 1u);
  Outcome raw_exit = run("syscall-exit");
  EXPECT_TRUE(raw_exit.result.ok());
  EXPECT_TRUE(raw_exit.complete.empty());
  SystemProcessRunner runner;
  EXPECT_TRUE(PprofProfileFormat("go", "go", runner).collect(*dir_ / "syscall-exit").empty());
}

TEST_F(GoHookTest, WithoutTheVariableTheHookDoesNothing) {
  fs::path run_dir = *dir_ / "off";
  fs::create_directories(run_dir);
  ProcessResult r = testing_go::run({(*dir_ / "app").string(), "return"}, run_dir);
  EXPECT_TRUE(r.ok());
  EXPECT_FALSE(fs::exists(run_dir / kGoProfileSubdir));
}

}  // namespace
}  // namespace pgo
