// CMakeBuildSystem against the real cmake, ninja and gcc: flags injection despite a
// project's own CMAKE_C_FLAGS, reconfiguring, the user's project include, detect(), shared
// and module libraries.
#include <gtest/gtest.h>

#include <fstream>
#include <random>
#include <sstream>

#include "adapters/cmake/cmake_build.h"
#include "adapters/cmake/file_api.h"
#include "support/error.h"
#include "tests/test_paths.h"

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

class CMakeRealTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!find_program("cmake") || !find_program("ninja") || !find_program("gcc"))
      GTEST_SKIP() << "needs cmake, ninja and gcc";
    std::random_device rd;
    tmp_ = fs::temp_directory_path() / ("pgo-cmake-test-" + std::to_string(rd()));
    fs::create_directories(tmp_);
  }
  void TearDown() override {
    std::error_code ec;
    if (!tmp_.empty()) fs::remove_all(tmp_, ec);
  }

  Config config_for(const fs::path& project) {
    Config c;
    c.project_dir = project;
    c.file = project / "pgo.yaml";
    return c;
  }

  // Runs `exe` and returns its stdout.
  std::string run(const fs::path& exe) {
    ProcessSpec spec;
    spec.argv = {exe.string()};
    spec.stdout_file = tmp_ / "run.out";
    fs::remove(spec.stdout_file);  // the runner may not truncate an existing file
    ProcessResult r = runner_.run(spec);
    EXPECT_TRUE(r.ok()) << exe << ": " << r.describe();
    return slurp(spec.stdout_file);
  }

  // A one-file project that overrides CMAKE_C_FLAGS and prints two macros.
  fs::path write_tiny_project() {
    fs::path src = tmp_ / "tiny";
    spit(src / "CMakeLists.txt",
         "cmake_minimum_required(VERSION 3.16)\n"
         "project(tiny C)\n"
         "set(CMAKE_C_FLAGS \"-O2\")\n"
         "add_executable(show show.c)\n");
    spit(src / "show.c",
         "#include <stdio.h>\n"
         "#ifndef PGO_MARK\n#define PGO_MARK \"unset\"\n#endif\n"
         "#ifndef USER_MARK\n#define USER_MARK 0\n#endif\n"
         "int main(void) { printf(\"%s %d\\n\", PGO_MARK, USER_MARK); return 0; }\n");
    spit(src / "user.cmake", "add_compile_definitions(USER_MARK=7)\n");
    return src;
  }

  fs::path tmp_;
  SystemProcessRunner runner_;
  ToolchainSpec gcc_{"gcc", "", "", {}};
};

TEST_F(CMakeRealTest, FlagsSurviveProjectCFlagsAndReconfigureChangesThem) {
  fs::path src = write_tiny_project();
  Config config = config_for(src);
  config.build.configure_args = {"-DCMAKE_PROJECT_INCLUDE=user.cmake"};  // relative to project
  CMakeBuildSystem cmake(config, gcc_, runner_);

  BuildRequest req;
  req.build_dir = tmp_ / "build";
  req.flags.compile = {"-DPGO_MARK=\"first build\""};
  req.flags.link = {"-Wl,-Map," + (tmp_ / "show.map").string()};
  BuildResult first = cmake.build(req);
  ASSERT_EQ(first.artifacts.size(), 1u);
  EXPECT_EQ(first.artifacts[0].target, "show");
  EXPECT_EQ(first.artifacts[0].path, req.build_dir / "show");
  EXPECT_EQ(run(first.artifacts[0].path), "first build 7\n");
  EXPECT_TRUE(fs::exists(tmp_ / "show.map")) << "link flag did not reach the link line";

  // The project's -O2 is kept and ours comes after it on the compile line.
  std::string commands = slurp(req.build_dir / "compile_commands.json");
  size_t o2 = commands.find("-O2");
  size_t mark = commands.find("PGO_MARK");
  ASSERT_NE(o2, std::string::npos) << commands;
  ASSERT_NE(mark, std::string::npos) << commands;
  EXPECT_LT(o2, mark);

  EXPECT_EQ(first.log, req.build_dir / cmake::kLogFileName);
  EXPECT_NE(slurp(first.log).find("--build"), std::string::npos);
  EXPECT_NE(first.output.find("Linking C executable"), std::string::npos) << first.output;

  // New flags, same tree: reconfiguring must take them.
  req.flags.compile = {"-DPGO_MARK=\"second\""};
  req.flags.link.clear();
  BuildResult second = cmake.build(req);
  EXPECT_EQ(run(second.artifacts[0].path), "second 7\n");
}

TEST_F(CMakeRealTest, FixtureProjectArtifactsThreadsAndUnknownTarget) {
  Config config = config_for(pgo::test_paths::test_data() / "cmake/project");
  CMakeBuildSystem cmake(config, gcc_, runner_);
  EXPECT_EQ(cmake.executable_targets(tmp_ / "probe"), (std::vector<std::string>{"calc", "worker"}));

  BuildRequest req;
  req.build_dir = tmp_ / "build";
  req.jobs = 2;
  BuildResult result = cmake.build(req);
  ASSERT_EQ(result.artifacts.size(), 2u);
  EXPECT_EQ(result.artifacts[0].path, req.build_dir / "calc");
  EXPECT_EQ(result.artifacts[1].path, req.build_dir / "bin/pgo-worker");
  EXPECT_EQ(run(result.artifacts[0].path), "49\n");
  EXPECT_EQ(run(result.artifacts[1].path), "18\n");

  cmake::FileApiReply reply = cmake::read_reply(cmake::reply_dir(req.build_dir));
  EXPECT_TRUE(reply.codemodel.find("worker")->links_threads);
  EXPECT_FALSE(reply.codemodel.find("calc")->links_threads);

  req.targets = {"calc", "nope"};
  try {
    cmake.build(req);
    FAIL() << "unknown target accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::kUsage);
    EXPECT_NE(std::string(e.what()).find("calc, worker"), std::string::npos) << e.what();
  }
}

// Shared and module libraries are built with the executables and reported as the build's
// libraries; CMake's build-tree RUNPATH makes the program load its own tree's copy.
TEST_F(CMakeRealTest, SharedAndModuleLibrariesAreBuiltAndReported) {
  fs::path src = tmp_ / "libs";
  spit(src / "CMakeLists.txt",
       "cmake_minimum_required(VERSION 3.16)\n"
       "project(libs C)\n"
       "add_library(core SHARED core.c)\n"
       "set_target_properties(core PROPERTIES VERSION 1.2.3 SOVERSION 1)\n"
       "add_library(plugin MODULE plugin.c)\n"
       "add_library(helpers STATIC plugin.c)\n"
       "add_executable(app app.c)\n"
       "target_link_libraries(app core)\n");
  spit(src / "core.c", "int core_value(void) { return 41; }\n");
  spit(src / "plugin.c", "int plugin_value(void) { return 1; }\n");
  spit(src / "app.c", "#include <stdio.h>\nint core_value(void);\nint main(void) { printf(\"%d\\n\", core_value()); }\n");
  Config config = config_for(src);
  config.build.targets = {"app"};
  CMakeBuildSystem cmake(config, gcc_, runner_);
  BuildRequest req;
  req.build_dir = tmp_ / "build";
  BuildResult result = cmake.build(req);
  ASSERT_EQ(result.artifacts.size(), 1u);
  ASSERT_EQ(result.libraries.size(), 2u);
  EXPECT_EQ(result.libraries[0].target, "core");
  EXPECT_EQ(result.libraries[0].path, req.build_dir / "libcore.so.1.2.3");
  EXPECT_EQ(result.libraries[1].target, "plugin");  // built although nothing links it
  EXPECT_EQ(result.libraries[1].path, req.build_dir / "libplugin.so");
  EXPECT_TRUE(fs::exists(result.libraries[1].path));
  EXPECT_TRUE(result.warnings.empty()) << result.warnings.front();
  EXPECT_EQ(run(result.artifacts[0].path), "41\n");

  // Without the build-tree RPATH the program would load whichever libcore.so.1 the loader finds.
  config.build.configure_args = {"-DCMAKE_SKIP_BUILD_RPATH=ON"};
  CMakeBuildSystem no_rpath(config, gcc_, runner_);
  req.build_dir = tmp_ / "build-no-rpath";
  result = no_rpath.build(req);
  ASSERT_EQ(result.warnings.size(), 1u);
  EXPECT_NE(result.warnings[0].find("app needs libcore.so.1"), std::string::npos) << result.warnings[0];
}

TEST_F(CMakeRealTest, ConfigureFailureCarriesCommandStatusAndTail) {
  fs::path src = tmp_ / "broken";
  spit(src / "CMakeLists.txt",
       "cmake_minimum_required(VERSION 3.16)\nproject(broken C)\n"
       "message(FATAL_ERROR \"pgo-fixture-is-broken\")\n");
  CMakeBuildSystem cmake(config_for(src), gcc_, runner_);
  BuildRequest req;
  req.build_dir = tmp_ / "build";
  try {
    cmake.build(req);
    FAIL() << "configure failure not reported";
  } catch (const Error& e) {
    std::string what = e.what();
    EXPECT_EQ(e.code(), ExitCode::kBuildFailure);
    EXPECT_NE(what.find("exit status 1"), std::string::npos) << what;
    EXPECT_NE(what.find("cmake -S"), std::string::npos) << what;
    EXPECT_NE(what.find("pgo-fixture-is-broken"), std::string::npos) << what;
  }
  EXPECT_NE(slurp(req.build_dir / cmake::kLogFileName).find("pgo-fixture-is-broken"),
            std::string::npos);
}

TEST_F(CMakeRealTest, BuildFailureIsABuildError) {
  fs::path src = write_tiny_project();
  spit(src / "show.c", "int main(void) { return this_is_not_c; }\n");
  CMakeBuildSystem cmake(config_for(src), gcc_, runner_);
  BuildRequest req;
  req.build_dir = tmp_ / "build";
  try {
    cmake.build(req);
    FAIL() << "compile error not reported";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::kBuildFailure);
    EXPECT_NE(std::string(e.what()).find("this_is_not_c"), std::string::npos) << e.what();
  }
}

TEST_F(CMakeRealTest, DetectReportsTheCompilersFromTheToolchainsReply) {
  fs::path src = write_tiny_project();
  CMakeBuildSystem cmake(config_for(src), gcc_, runner_);
  Toolchain tc = cmake.detect(tmp_ / "probe");
  EXPECT_EQ(tc.name, "gcc");
  EXPECT_EQ(tc.compiler_id, "GNU");
  EXPECT_FALSE(tc.compiler_version.empty());
  EXPECT_EQ(tc.profile_format, "gcda");
  EXPECT_TRUE(tc.c_compiler.is_absolute()) << tc.c_compiler;
  EXPECT_TRUE(fs::exists(tc.cxx_compiler)) << tc.cxx_compiler;

  // A "clang" toolchain whose compilers are really gcc is a configuration error.
  ToolchainSpec wrong{"clang", "gcc", "g++", {}};
  CMakeBuildSystem mislabelled(config_for(src), wrong, runner_);
  try {
    mislabelled.detect(tmp_ / "probe2");
    FAIL() << "gcc accepted as clang";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::kUsage);
    EXPECT_NE(std::string(e.what()).find("GNU"), std::string::npos) << e.what();
  }
}

TEST_F(CMakeRealTest, DetectClang) {
  if (!find_program("clang-22") && !find_program("clang")) GTEST_SKIP() << "no clang";
  CMakeBuildSystem cmake(config_for(write_tiny_project()), ToolchainSpec{"clang", "", "", {}}, runner_);
  Toolchain tc = cmake.detect(tmp_ / "probe");
  EXPECT_EQ(tc.compiler_id, "Clang");
  EXPECT_EQ(tc.profile_format, "llvm");
  EXPECT_NE(tc.c_compiler.filename().string().find("clang"), std::string::npos);
}

// Re-records tests/data/cmake/reply from the fixture project:
//   adapters_test --gtest_also_run_disabled_tests --gtest_filter='*RecordReplies'
TEST_F(CMakeRealTest, DISABLED_RecordReplies) {
  fs::path data = pgo::test_paths::test_data() / "cmake";
  CMakeBuildSystem cmake(config_for(data / "project"), gcc_, runner_);
  fs::path probe = tmp_ / "probe";
  cmake.detect(probe);
  fs::remove_all(data / "reply");
  fs::copy(cmake::reply_dir(probe), data / "reply", fs::copy_options::recursive);
}

}  // namespace
}  // namespace pgo
