// GccProfileFormat without a compiler: flags, environment, diagnostics scanning,
// summaries, and merge failure modes over copies of tests/data/gcc/lib.gcda.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <algorithm>
#include <fstream>

#include "adapters/gcc/gcc_format.h"
#include "support/error.h"
#include "tests/test_paths.h"

namespace pgo {
namespace {
namespace fs = std::filesystem;

const fs::path kData = pgo::test_paths::test_data() / "gcc";

bool has(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

class GccFormatTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("pgo_gcc_format_" + std::to_string(::getpid()));
    fs::remove_all(root_);
    fs::create_directories(root_);
  }
  void TearDown() override { fs::remove_all(root_); }

  GccProfileFormat format(bool atomic = false, bool notes = true, fs::path dir = {}) {
    GccFormatOptions o;
    o.profile_dir = dir.empty() ? root_ / "prof" : dir;
    o.atomic_updates = atomic;
    o.notes = notes;
    return GccProfileFormat(o, runner_);
  }
  static BuildRequest request(fs::path dir) {
    BuildRequest r;
    r.build_dir = std::move(dir);
    return r;
  }
  // A run directory holding `bytes` under the name the CMake-like build gives lib.c.
  fs::path run(const std::string& name, const std::string& bytes, const std::string& file = "CMakeFiles#app.dir#lib.c.gcda") {
    fs::path dir = root_ / name;
    fs::create_directories(dir);
    std::ofstream(dir / file, std::ios::binary) << bytes;
    return dir;
  }
  std::string lib() { return read_binary_file(kData / "lib.gcda"); }

  fs::path root_;
  SystemProcessRunner runner_;
};

TEST_F(GccFormatTest, InstrumentAndUseFlags) {
  fs::create_directories(root_ / "b1");
  auto fmt = format(/*atomic=*/true, /*notes=*/true, root_ / "x" / ".." / "prof/");
  BuildRequest req = request(root_ / "b1/");
  Flags f = fmt.instrument_flags(req);
  std::string dir = (root_ / "prof").string(), b1 = (root_ / "b1").string();
  EXPECT_EQ(f.compile, (std::vector<std::string>{"-fprofile-generate=" + dir, "-fprofile-prefix-path=" + b1,
                                                  "-ftest-coverage", "-fprofile-update=prefer-atomic"}));
  EXPECT_EQ(f.link, (std::vector<std::string>{"-fprofile-generate=" + dir, "-fprofile-update=prefer-atomic"}));
  EXPECT_FALSE(has(format(false, /*notes=*/false).instrument_flags(req).compile, "-ftest-coverage"));
  EXPECT_FALSE(has(format().instrument_flags(req).compile, "-fprofile-update=prefer-atomic"));

  Flags u = fmt.use_flags(root_ / "merged", request(root_ / "b2"));
  EXPECT_TRUE(has(u.compile, "-fprofile-use=" + (root_ / "merged").string()));
  EXPECT_TRUE(has(u.compile, "-fprofile-prefix-path=" + (root_ / "b2").string()));
  EXPECT_TRUE(has(u.compile, "-Wmissing-profile"));
  EXPECT_TRUE(has(u.compile, "-Wno-error=coverage-mismatch"));
  EXPECT_TRUE(has(u.compile, "-fprofile-correction"));
  EXPECT_THROW(fmt.instrument_flags(BuildRequest{}), Error);
  EXPECT_THROW(GccProfileFormat(GccFormatOptions{}, runner_), Error);
  EXPECT_FALSE(fmt.context_sensitive_flags(root_ / "merged", req).has_value());  // GCC has no CS-PGO
}

TEST_F(GccFormatTest, TrainingEnvStripsTheProfileDirectory) {
  EXPECT_EQ(GccProfileFormat::strip_count("/a/b/c"), 3);
  EXPECT_EQ(GccProfileFormat::strip_count("/a/b/c/"), 3);
  EXPECT_EQ(GccProfileFormat::strip_count("/"), 0);
  auto fmt = format();
  Environment env = fmt.training_env(root_ / "runs" / "r1/");
  EXPECT_EQ(env.at("GCOV_PREFIX"), (root_ / "runs" / "r1").string());
  EXPECT_EQ(env.at("GCOV_PREFIX_STRIP"), std::to_string(GccProfileFormat::strip_count(root_ / "prof")));
}

TEST_F(GccFormatTest, NotesPathsAndGcovTool) {
  EXPECT_EQ(GccProfileFormat::notes_path_for("CMakeFiles#app.dir#src#main.c.gcda"),
            fs::path("CMakeFiles/app.dir/src/main.c.gcno"));
  EXPECT_EQ(GccProfileFormat::notes_path_for("^#lib#a.c.gcda"), fs::path("../lib/a.c.gcno"));
  EXPECT_EQ(GccProfileFormat::gcov_tool_for("clang"), "gcov-tool");
  if (fs::exists("/usr/bin/gcov-tool-12")) {
    EXPECT_EQ(GccProfileFormat::gcov_tool_for("/usr/bin/gcc-12"), "/usr/bin/gcov-tool-12");
  }
}

// Lines as GCC 12.2 prints them (docs/adapters/gcc.md), UTF-8 and C-locale quotes.
const char* kOptimizedBuildLog = R"(/p/src/lib.c: In function ‘extra’:
/p/src/lib.c:6:5: warning: profile for function ‘extra’ not found in profile data [-Wmissing-profile]
    6 | int extra(int n) { return n > 3 ? n : -n; }
      |     ^~~~~
/p/src/lib.c: In function ‘work’:
/p/src/lib.c:1:5: warning: number of counters in profile data for function ‘work’ does not match its profile data (counter ‘arcs’, expected 2 and have 3) [-Wcoverage-mismatch]
/p/src/lib.c:1:5: warning: the control flow of function ‘work’ does not match its profile data (counter ‘time_profiler’) [-Wcoverage-mismatch]
/p/src/util.c:9:5: error: the control flow of function 'helper' does not match its profile data (counter 'arcs') [-Werror=coverage-mismatch]
/p/src/main.c:3:5: warning: source locations for function 'main' have changed, the profile data may be out of date [-Wcoverage-mismatch]
/p/src/main.c:10:1: warning: '/m/CMakeFiles#app.dir#src#main.c.gcda' profile count data file not found [-Wmissing-profile]
/p/src/x.c: warning: filename '/b/CMakeFiles/x.c' does not start with profile prefix '/other'
/p/src/y.c:2:3: warning: unused variable 'y' [-Wunused-variable]
)";

TEST_F(GccFormatTest, ScanCountsChangedFunctionsOnceAndMissingProfiles) {
  ProfileDiagnostics d = format().scan_build_output(kOptimizedBuildLog);
  EXPECT_EQ(d.mismatch_warnings, 2u);  // work (two counter kinds), helper
  EXPECT_EQ(d.missing_warnings, 2u);   // extra, main.c.gcda (the prefix warning: example only)
  ASSERT_FALSE(d.examples.empty());
  EXPECT_NE(d.examples[0].find("profile for function ‘extra’"), std::string::npos);
  for (const auto& e : d.examples) EXPECT_EQ(e.find("unused variable"), std::string::npos);
  EXPECT_NE(d.examples.back().find("does not start with profile prefix"), std::string::npos);
  ProfileDiagnostics clean = format().scan_build_output("[1/3] Building C object x.o\n");
  EXPECT_EQ(clean.mismatch_warnings + clean.missing_warnings, 0u);
}

TEST_F(GccFormatTest, CollectFindsRunsThatWroteProfiles) {
  auto fmt = format();
  EXPECT_EQ(fmt.collect(root_ / "nothing"), fs::path());
  fs::create_directories(root_ / "empty");
  EXPECT_EQ(fmt.collect(root_ / "empty"), fs::path());
  fs::path r = run("r", lib());
  EXPECT_EQ(fmt.collect(r), r);
}

TEST_F(GccFormatTest, SummarizeNamesFunctionsFromNotes) {
  fs::path m = run("m", lib(), "x#lib.c.gcda");
  ProfileSummary s = format().summarize(m);
  EXPECT_EQ(s.functions, 3u);
  EXPECT_EQ(s.functions_with_counts, 1u);
  EXPECT_EQ(s.total_count, 11u);
  ASSERT_EQ(s.hottest.size(), 1u);
  EXPECT_EQ(s.hottest[0].name, "x#lib.c.gcda:0x067072eb");
  fs::copy_file(kData / "lib.gcno", m / "x#lib.c.gcno");
  s = format().summarize(m);
  ASSERT_EQ(s.hottest.size(), 1u);
  EXPECT_EQ(s.hottest[0].name, "main");
  EXPECT_EQ(s.hottest[0].count, 11u);
}

}  // namespace
}  // namespace pgo
