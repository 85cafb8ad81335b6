// CommandBuildSystem against the real make and gcc: the copy, the variables and
// placeholders reaching the compiler, configure reruns, failing commands, missing
// artifacts, thread detection, out-of-tree builds, detect().
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <random>
#include <sstream>

#include "adapters/command/command_build.h"
#include "support/error.h"

namespace pgo {
namespace {

namespace fs = std::filesystem;

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void spit(const fs::path& p, const std::string& text) {
  fs::create_directories(p.parent_path());
  std::ofstream(p) << text;
}

constexpr const char* kMain = R"(#include <stdio.h>
#ifndef PGO_MARK
#define PGO_MARK 0
#endif
#ifndef USER_MARK
#define USER_MARK 0
#endif
int main(void) { printf("%d %d\n", PGO_MARK, USER_MARK); return 0; }
)";

constexpr const char* kMakefile = "CC ?= cc\n"
                                  "app: main.c\n"
                                  "\t$(CC) $(CFLAGS) $(LDFLAGS) -o app main.c\n";

CommandLine argv_of(std::vector<std::string> argv) { return CommandLine{std::move(argv), false, {}}; }

class CommandBuildTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!find_program("make") || !find_program("gcc")) GTEST_SKIP() << "needs make and gcc";
    std::random_device rd;
    tmp_ = fs::temp_directory_path() / ("pgo-command-test-" + std::to_string(rd()));
    project_ = tmp_ / "proj";
    spit(project_ / "main.c", kMain);
    spit(project_ / "Makefile", kMakefile);
    config_.project_dir = project_;
    config_.file = project_ / "pgo.yaml";
    config_.build.system = "command";
    config_.build.build = argv_of({"make", "app"});
    config_.build.artifacts = {{"app", "app"}};
    config_.build.targets = {"app"};
  }
  void TearDown() override {
    std::error_code ec;
    if (!tmp_.empty()) fs::remove_all(tmp_, ec);
  }

  CommandBuildSystem system(std::map<std::string, std::string> user_env = {}) {
    return CommandBuildSystem(config_, ToolchainSpec{"gcc", "", "", {}}, runner_, std::move(user_env));
  }

  BuildRequest request(const std::string& kind, Flags flags = {}) {
    BuildRequest r;
    r.build_dir = project_ / ".pgo" / "build" / "gcc" / kind;
    r.flags = std::move(flags);
    return r;
  }

  std::string run(const fs::path& exe) {
    ProcessSpec spec;
    spec.argv = {exe.string()};
    spec.stdout_file = tmp_ / "run.out";
    fs::remove(spec.stdout_file);
    ProcessResult r = runner_.run(spec);
    EXPECT_TRUE(r.ok()) << exe << ": " << r.describe();
    return slurp(spec.stdout_file);
  }

  fs::path tmp_, project_;
  Config config_;
  SystemProcessRunner runner_;
};

TEST_F(CommandBuildTest, BuildsInAFreshCopyWithPgoFlagsAfterTheUsers) {
  auto sys = system({{"CFLAGS", "-DUSER_MARK=3"}});
  BuildResult base = sys.build(request("baseline"));
  ASSERT_EQ(base.artifacts.size(), 1u);
  fs::path tree = project_ / ".pgo/build/gcc/baseline/tree";
  EXPECT_EQ(base.artifacts[0].path, tree / "app");
  EXPECT_FALSE(base.artifacts[0].links_threads);
  EXPECT_EQ(run(base.artifacts[0].path), "0 3\n");
  EXPECT_FALSE(fs::exists(project_ / "app"));        // the project itself stays clean
  EXPECT_FALSE(fs::exists(tree / ".pgo"));           // the store is not copied
  EXPECT_NE(base.output.find("$ cd "), std::string::npos);
  EXPECT_TRUE(fs::exists(base.log));

  BuildResult marked = sys.build(request("instrumented", Flags{{"-DPGO_MARK=7"}, {}}));
  EXPECT_EQ(run(marked.artifacts[0].path), "7 3\n");
}

TEST_F(CommandBuildTest, PlaceholdersPlaceFlagsExplicitly) {
  // A Makefile that ignores the environment's CFLAGS: the flags go on make's command line.
  spit(project_ / "Makefile", "CFLAGS = -O1\napp: main.c\n\t$(CC) $(CFLAGS) -o app main.c\n");
  config_.build.build = argv_of({"make", "CFLAGS=-O1 ${pgo_cflags}", "app"});
  auto sys = system();
  BuildResult r = sys.build(request("optimized", Flags{{"-DPGO_MARK=5", "-DUSER_MARK=6"}, {}}));
  EXPECT_EQ(run(r.artifacts[0].path), "5 6\n");
  config_.build.build = CommandLine{{"make CFLAGS=\"${pgo_cflags}\" app"}, true, {}};
  BuildResult s = system().build(request("shell", Flags{{"-DPGO_MARK=8"}, {}}));
  EXPECT_EQ(run(s.artifacts[0].path), "8 0\n");
}

TEST_F(CommandBuildTest, ConfigureRunsOnceAndAgainWhenFlagsOrSourcesChange) {
  fs::path count = tmp_ / "configure-runs";
  config_.build.configure = CommandLine{{"echo run >> " + count.string()}, true, {}};
  auto lines = [&] { std::string t = slurp(count); return std::count(t.begin(), t.end(), '\n'); };
  auto sys = system();
  sys.build(request("baseline"));
  sys.build(request("baseline"));
  EXPECT_EQ(lines(), 1);
  sys.build(request("baseline", Flags{{"-DPGO_MARK=1"}, {}}));
  EXPECT_EQ(lines(), 2);
  // A changed source in copy mode: a fresh copy (make would not notice an older mtime).
  spit(project_ / "main.c", std::string(kMain) + "/* edited */\n");
  BuildResult r = sys.build(request("baseline", Flags{{"-DPGO_MARK=1"}, {}}));
  EXPECT_EQ(lines(), 3);
  EXPECT_NE(slurp(project_ / ".pgo/build/gcc/baseline/tree/main.c").find("edited"), std::string::npos);
}

TEST_F(CommandBuildTest, FailingBuildCommandNamesCommandStatusAndOutput) {
  spit(project_ / "Makefile", "app:\n\t@echo compiling the thing\n\t@echo 'main.c:1: error: broken' >&2; exit 1\n");
  auto sys = system();
  try {
    sys.build(request("baseline"));
    FAIL() << "expected a build failure";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::kBuildFailure);
    std::string m = e.what();
    EXPECT_NE(m.find("build command (build.build) failed (exit status 2): make app"), std::string::npos) << m;
    EXPECT_NE(m.find("main.c:1: error: broken"), std::string::npos) << m;
    EXPECT_NE(m.find("pgo-build.log"), std::string::npos) << m;
  }
  config_.build.configure = argv_of({"false"});
  try {
    system().build(request("instrumented"));
    FAIL() << "expected a configure failure";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::kBuildFailure);
    EXPECT_NE(std::string(e.what()).find("configure command (build.configure) failed (exit status 1): false"),
              std::string::npos) << e.what();
  }
}

TEST_F(CommandBuildTest, MissingArtifactListsTheExecutablesThatExist) {
  config_.build.artifacts = {{"app", "bin/app"}};
  try {
    system().build(request("baseline"));
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::kBuildFailure);
    std::string m = e.what();
    EXPECT_NE(m.find("build.artifacts.app: bin/app"), std::string::npos) << m;
    EXPECT_NE(m.find("executables in the build tree"), std::string::npos) << m;
    EXPECT_NE(m.find("\n  app"), std::string::npos) << m;
  }
}

TEST_F(CommandBuildTest, ThreadedExecutablesAreDetected) {
  spit(project_ / "main.c", "#include <pthread.h>\nstatic void* f(void* p) { return p; }\n"
                            "int main(void) { pthread_t t; pthread_create(&t, 0, f, 0); return pthread_join(t, 0); }\n");
  BuildResult r = system().build(request("baseline"));
  EXPECT_TRUE(r.artifacts[0].links_threads);
}

TEST_F(CommandBuildTest, OutOfTreeBuildGetsTheSourceDirectory) {
  config_.build.copy_source = false;
  spit(project_ / "Makefile", "app: main.c\n\t$(CC) $(CFLAGS) $(LDFLAGS) -o app $<\n");  // $<: found through VPATH
  config_.build.build = argv_of({"make", "-f", "${source_dir}/Makefile", "VPATH=${source_dir}", "app"});
  BuildResult r = system().build(request("baseline", Flags{{"-DPGO_MARK=2"}, {}}));
  EXPECT_EQ(r.artifacts[0].path, project_ / ".pgo/build/gcc/baseline/tree/app");
  EXPECT_EQ(run(r.artifacts[0].path), "2 0\n");
  EXPECT_FALSE(fs::exists(project_ / ".pgo/build/gcc/baseline/tree/main.c"));  // nothing copied
}

TEST_F(CommandBuildTest, DetectIdentifiesTheCompilerAndRejectsTheWrongKind) {
  Toolchain tc = system().detect(project_ / ".pgo/build/gcc/baseline");
  EXPECT_EQ(tc.compiler_id, "GNU");
  EXPECT_EQ(tc.profile_format, "gcda");
  EXPECT_FALSE(tc.compiler_version.empty());
  EXPECT_EQ(system().executable_targets({}), std::vector<std::string>{"app"});
  CommandBuildSystem wrong(config_, ToolchainSpec{"clang", "gcc", "g++", {}}, runner_, {});
  try {
    wrong.detect(project_ / ".pgo/build/clang/baseline");
    FAIL() << "expected a usage error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::kUsage);
    EXPECT_NE(std::string(e.what()).find("identifies as GNU"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace pgo
