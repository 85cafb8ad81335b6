// adapters/logged_step: the shared build step (log, failure message) and the link-flags hint.
#include "adapters/logged_step.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include "support/atomic_file.h"
#include "support/error.h"

namespace fs = std::filesystem;

namespace pgo {
namespace {

fs::path scratch() {
  fs::path dir = fs::temp_directory_path() / ("pgo-logged-step-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

TEST(LinkFlagsHint, GnuLdUndefinedGcovSymbols) {
  std::string out =
      "/usr/bin/ld: main.o: in function `main':\n"
      "main.c:(.text+0x1a): undefined reference to `__gcov_indirect_call'\n"
      "/usr/bin/ld: main.o:(.data+0x8): undefined reference to `__gcov_merge_add'\n";
  std::string hint = link_flags_hint(out);
  EXPECT_NE(hint.find("did not receive pgo's link flags (undefined __gcov_indirect_call, __gcov_merge_add"),
            std::string::npos)
      << hint;
  EXPECT_NE(hint.find("${pgo_ldflags}"), std::string::npos);
}

TEST(LinkFlagsHint, LldUndefinedLlvmProfileSymbol) {
  std::string hint = link_flags_hint("ld.lld: error: undefined symbol: __llvm_profile_runtime\n>>> referenced by x.o\n");
  EXPECT_NE(hint.find("undefined __llvm_profile_runtime"), std::string::npos) << hint;
}

TEST(LinkFlagsHint, NothingForOtherFailuresOrMentionsThatAreNotUndefined) {
  EXPECT_EQ(link_flags_hint("main.c:2: error: expected ';'\n"), "");
  EXPECT_EQ(link_flags_hint("note: __gcov_dump is called on exit\nundefined reference to `sqrt'\n"), "");
}

TEST(RunLoggedStep, AppendsOutputToTheLogAndReturnsIt) {
  fs::path dir = scratch();
  SystemProcessRunner runner;
  std::string log = "earlier\n";
  LoggedStep step{"greeting", {}, "", "", 30};
  step.spec.argv = {"/bin/sh", "-c", "echo out; echo err >&2"};
  std::string text = run_logged_step(runner, step, dir / "pgo-build.log", log);
  EXPECT_EQ(text, "out\nerr\n");
  EXPECT_EQ(log, "earlier\n$ /bin/sh -c 'echo out; echo err >&2'\nout\nerr\n");
  EXPECT_EQ(read_file(dir / "pgo-build.log"), log);
  EXPECT_FALSE(fs::exists(dir / ".pgo-step-output"));
  fs::remove_all(dir);
}

TEST(RunLoggedStep, FailureNamesCommandStatusLogTailAndHint) {
  fs::path dir = scratch();
  SystemProcessRunner runner;
  std::string log;
  LoggedStep step{"make build", {}, "make app", "(run in /src)", 30};
  step.spec.argv = {"/bin/sh", "-c", "echo \"main.c:(.text): undefined reference to \\`__gcov_merge_add'\"; exit 2"};
  try {
    run_logged_step(runner, step, dir / "pgo-build.log", log);
    FAIL() << "no exception";
  } catch (const Error& e) {
    std::string m = e.what();
    EXPECT_EQ(e.code(), ExitCode::kBuildFailure);
    EXPECT_NE(m.find("make build failed (exit status 2): make app\n(run in /src)\n"), std::string::npos) << m;
    EXPECT_NE(m.find("full log: " + (dir / "pgo-build.log").string()), std::string::npos) << m;
    EXPECT_NE(m.find("undefined reference to `__gcov_merge_add'"), std::string::npos) << m;
    EXPECT_NE(m.find("hint: the link step did not receive pgo's link flags"), std::string::npos) << m;
  }
  EXPECT_NE(read_file(dir / "pgo-build.log").find("$ make app\n"), std::string::npos);
  fs::remove_all(dir);
}

// cargo's way: stdout is JSON data, rendered for the log after stderr.
TEST(RunLoggedStep, StdoutAsDataIsRenderedAfterStderr) {
  fs::path dir = scratch();
  SystemProcessRunner runner;
  std::string log, data;
  LoggedStep step{"cargo build", {}, "cargo build", "", 30};
  step.spec.argv = {"/bin/sh", "-c", "echo '{\"m\":1}'; printf 'Compiling x' >&2"};
  step.log_note = "# CARGO_TARGET_DIR=/t";
  step.log_stdout = [&](const std::string& out) {
    data = out;
    return std::string("rendered message\n");
  };
  std::string text = run_logged_step(runner, step, dir / "pgo-build.log", log);
  EXPECT_EQ(data, "{\"m\":1}\n");
  EXPECT_EQ(text, "Compiling x\nrendered message\n");
  EXPECT_EQ(log, "$ cargo build\n# CARGO_TARGET_DIR=/t\nCompiling x\nrendered message\n");
  EXPECT_EQ(std::distance(fs::directory_iterator(dir), fs::directory_iterator()), 1) << "scratch files left";
  fs::remove_all(dir);
}

}  // namespace
}  // namespace pgo
