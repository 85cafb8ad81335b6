// CMakeBuildSystem with a fake ProcessRunner: the commands it runs, how it reports
// failures, and how it maps targets to artifacts. The fake "configure" drops the replies
// recorded from tests/data/cmake/project into the build tree.
#include <gtest/gtest.h>

#include <fstream>
#include <random>
#include <sstream>

#include "adapters/cmake/cmake_build.h"
#include "adapters/cmake/flags_file.h"
#include "support/error.h"
#include "tests/test_paths.h"

namespace pgo {
namespace {

namespace fs = std::filesystem;
using Args = std::vector<std::string>;

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

bool has(const Args& argv, const std::string& a) {
  return std::find(argv.begin(), argv.end(), a) != argv.end();
}

class FakeRunner : public ProcessRunner {
 public:
  ProcessResult run(const ProcessSpec& spec) override {
    specs.push_back(spec);
    bool configure = has(spec.argv, "-S");
    fs::path build = configure ? after(spec.argv, "-B") : after(spec.argv, "--build");
    std::string text = configure ? configure_output : build_output;
    std::ofstream(spec.stdout_file, std::ios::app) << text;
    ProcessResult r;
    r.exit_code = configure ? configure_exit : build_exit;
    if (r.exit_code != 0) return r;
    if (configure) {
      fs::remove_all(cmake::reply_dir(build));
      fs::copy(pgo::test_paths::test_data() / "cmake/reply", cmake::reply_dir(build), fs::copy_options::recursive);
    } else if (create_artifacts) {
      fs::create_directories(build / "bin");
      std::ofstream(build / "calc") << "";
      std::ofstream(build / "bin/pgo-worker") << "";
    }
    return r;
  }
  static fs::path after(const Args& argv, const std::string& opt) {
    auto it = std::find(argv.begin(), argv.end(), opt);
    return it != argv.end() && it + 1 != argv.end() ? fs::path(*(it + 1)) : fs::path();
  }

  std::vector<ProcessSpec> specs;
  std::string configure_output = "-- Configuring done\n";
  std::string build_output = "[1/2] Building C object\nwarning: something\n";
  int configure_exit = 0, build_exit = 0;
  bool create_artifacts = true;
};

class CMakeFakeBuild : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!find_program("gcc") || !find_program("g++") || !find_program("cmake") || !find_program("ninja"))
      GTEST_SKIP() << "needs gcc, g++, cmake and ninja on PATH (only looked up, never run)";
    tmp_ = fs::temp_directory_path() / ("pgo-cmake-fake-" + std::to_string(std::random_device{}()));
    config_.project_dir = tmp_ / "proj";
    config_.build.source_dir = "src";
    config_.build.build_type = "RelWithDebInfo";
    config_.build.configure_args = {"-DFOO=1", "-D", "CMAKE_PROJECT_INCLUDE=cmake/theirs.cmake", "-Wno-dev"};
    request_.build_dir = tmp_ / "build";
  }
  void TearDown() override {
    std::error_code ec;
    if (!tmp_.empty()) fs::remove_all(tmp_, ec);
  }
  fs::path tmp_;
  Config config_;
  FakeRunner runner_;
  ToolchainSpec gcc_{"gcc", "", "", {}};
  BuildRequest request_;
};

TEST_F(CMakeFakeBuild, ConfigureCommand) {
  CMakeBuildSystem cmake(config_, gcc_, runner_);
  Args argv = cmake.configure_command("/b");
  ASSERT_GE(argv.size(), 14u);
  EXPECT_EQ(Args(argv.begin(), argv.begin() + 8),
            (Args{"cmake", "-S", (tmp_ / "proj/src").string(), "-B", "/b", "-G", "Ninja",
                  "-DCMAKE_BUILD_TYPE=RelWithDebInfo"}));
  EXPECT_TRUE(argv[8].starts_with("-DCMAKE_C_COMPILER=/")) << argv[8];
  EXPECT_TRUE(argv[9].starts_with("-DCMAKE_CXX_COMPILER=/")) << argv[9];
  EXPECT_TRUE(argv[9].ends_with("g++")) << argv[9];
  // The user's arguments, minus their project include, then ours last.
  EXPECT_EQ(Args(argv.end() - 3, argv.end()),
            (Args{"-DFOO=1", "-Wno-dev", "-DCMAKE_PROJECT_INCLUDE=/b/pgo-flags.cmake"}));
}

TEST_F(CMakeFakeBuild, BuildRunsConfigureThenBuildAndMapsArtifacts) {
  CMakeBuildSystem cmake(config_, gcc_, runner_);
  request_.flags.compile = {"-fprofile-generate"};
  request_.jobs = 3;
  BuildResult result = cmake.build(request_);

  ASSERT_EQ(runner_.specs.size(), 2u);
  EXPECT_EQ(runner_.specs[0].cwd, config_.project_dir);
  EXPECT_EQ(runner_.specs[1].argv,
            (Args{"cmake", "--build", request_.build_dir.string(), "--target", "calc", "worker", "-j", "3"}));
  ASSERT_EQ(result.artifacts.size(), 2u);
  EXPECT_EQ(result.artifacts[0].target, "calc");
  EXPECT_EQ(result.artifacts[0].path, request_.build_dir / "calc");
  EXPECT_EQ(result.artifacts[1].path, request_.build_dir / "bin/pgo-worker");

  // Both steps' output, in the result and in the log file, each after its command line.
  EXPECT_EQ(result.log, request_.build_dir / cmake::kLogFileName);
  EXPECT_EQ(slurp(result.log), result.output);
  EXPECT_NE(result.output.find("$ cmake -S"), std::string::npos) << result.output;
  EXPECT_LT(result.output.find("Configuring done"), result.output.find("$ cmake --build"));
  EXPECT_NE(result.output.find("warning: something"), std::string::npos);

  // The flags file: ours, including theirs (resolved against the project directory).
  std::string flags = slurp(request_.build_dir / cmake::kFlagsFileName);
  EXPECT_NE(flags.find("SHELL:-fprofile-generate>"), std::string::npos) << flags;
  EXPECT_NE(flags.find("include([[" + (config_.project_dir / "cmake/theirs.cmake").string() + "]])"),
            std::string::npos)
      << flags;
  for (const char* q : {"codemodel-v2", "toolchains-v1", "cache-v2"})
    EXPECT_TRUE(fs::exists(request_.build_dir / ".cmake/api/v1/query/client-pgo" / q));
}

TEST_F(CMakeFakeBuild, NewFlagsRewriteTheFlagsFile) {
  CMakeBuildSystem cmake(config_, gcc_, runner_);
  request_.flags.compile = {"-fprofile-use=/p/one.profdata"};
  cmake.build(request_);
  request_.flags.compile = {"-fprofile-use=/p/two.profdata"};
  cmake.build(request_);
  std::string flags = slurp(request_.build_dir / cmake::kFlagsFileName);
  EXPECT_NE(flags.find("two.profdata"), std::string::npos);
  EXPECT_EQ(flags.find("one.profdata"), std::string::npos);
  EXPECT_EQ(runner_.specs.size(), 4u);  // configured again each time
}

TEST_F(CMakeFakeBuild, UnknownOrNonExecutableTargetIsAUsageErrorBeforeBuilding) {
  CMakeBuildSystem cmake(config_, gcc_, runner_);
  for (const char* target : {"nope", "mathlib"}) {
    request_.targets = {"calc", target};
    try {
      cmake.build(request_);
      ADD_FAILURE() << target << " accepted";
    } catch (const Error& e) {
      std::string what = e.what();
      EXPECT_EQ(e.code(), ExitCode::kUsage);
      EXPECT_NE(what.find(std::string("'") + target + "'"), std::string::npos) << what;
      EXPECT_NE(what.find("executable targets are: calc, worker"), std::string::npos) << what;
    }
  }
  for (const ProcessSpec& s : runner_.specs) EXPECT_FALSE(has(s.argv, "--build"));
}

TEST_F(CMakeFakeBuild, ConfigureFailureShowsCommandStatusAndOnlyTheTail) {
  runner_.configure_exit = 1;
  runner_.configure_output.clear();
  for (int i = 1; i <= 60; ++i) runner_.configure_output += "noise line " + std::to_string(i) + "\n";
  runner_.configure_output += "CMake Error at CMakeLists.txt:3: boom\n";
  CMakeBuildSystem cmake(config_, gcc_, runner_);
  try {
    cmake.build(request_);
    FAIL() << "no error";
  } catch (const Error& e) {
    std::string what = e.what();
    EXPECT_EQ(e.code(), ExitCode::kBuildFailure);
    EXPECT_NE(what.find("CMake configure failed (exit status 1)"), std::string::npos) << what;
    EXPECT_NE(what.find("cmake -S " + (tmp_ / "proj/src").string()), std::string::npos) << what;
    EXPECT_NE(what.find("CMake Error at CMakeLists.txt:3: boom"), std::string::npos) << what;
    EXPECT_NE(what.find("noise line 60"), std::string::npos) << what;
    EXPECT_EQ(what.find("noise line 5\n"), std::string::npos) << "whole output instead of its tail";
    EXPECT_NE(what.find(cmake::kLogFileName), std::string::npos) << what;
  }
  EXPECT_EQ(runner_.specs.size(), 1u);
}

TEST_F(CMakeFakeBuild, BuildFailureAndMissingArtifact) {
  runner_.build_exit = 2;
  runner_.build_output = "main.c:1: error: nope\n";
  CMakeBuildSystem cmake(config_, gcc_, runner_);
  try {
    cmake.build(request_);
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::kBuildFailure);
    EXPECT_NE(std::string(e.what()).find("CMake build failed (exit status 2)"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("main.c:1: error: nope"), std::string::npos) << e.what();
  }

  runner_.build_exit = 0;
  runner_.create_artifacts = false;
  fs::remove_all(request_.build_dir);
  try {
    cmake.build(request_);
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::kBuildFailure);
    EXPECT_NE(std::string(e.what()).find("does not exist"), std::string::npos) << e.what();
  }
}

TEST_F(CMakeFakeBuild, ProbeIsConfiguredOncePerDirectory) {
  CMakeBuildSystem cmake(config_, gcc_, runner_);
  EXPECT_EQ(cmake.executable_targets(tmp_ / "probe"), (Args{"calc", "worker"}));
  Toolchain tc = cmake.detect(tmp_ / "probe");
  EXPECT_EQ(runner_.specs.size(), 1u);
  EXPECT_EQ(tc.compiler_id, "GNU");
  EXPECT_EQ(tc.compiler_version, "12.2.0");
  EXPECT_EQ(tc.c_compiler, "/usr/bin/gcc");  // from the reply
  EXPECT_EQ(tc.cxx_compiler, "/usr/bin/g++");
  EXPECT_EQ(tc.profile_format, "gcda");
}

TEST_F(CMakeFakeBuild, GeneratorAndDirectoriesBelongToPgo) {
  for (const char* bad : {"-GUnix Makefiles", "-G", "-B/elsewhere"}) {
    config_.build.configure_args = {bad};
    try {
      CMakeBuildSystem cmake(config_, gcc_, runner_);
      ADD_FAILURE() << bad << " accepted";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ExitCode::kUsage);
    }
  }
}

}  // namespace
}  // namespace pgo
