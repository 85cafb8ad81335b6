// The GCC adapter with real GCC 12 in a temporary directory: a CMake-like out-of-tree
// instrumented build, two training runs relocated into their own run directories, a
// weighted merge, and optimized builds in other build directories.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "adapters/gcc/gcc_format.h"
#include "support/atomic_file.h"
#include "support/error.h"

namespace pgo {
namespace {
namespace fs = std::filesystem;

const char* kMain = R"(#include <stdio.h>
#include <stdlib.h>
int work(int n);
int main(int argc, char** argv) {
  int n = argc > 1 ? atoi(argv[1]) : 10;
  long s = 0;
  for (int i = 0; i < n; i++) s += work(i);
  printf("%ld\n", s);
  return 0;
}
)";
const char* kLib = R"(int work(int n) {
  if (n % 3 == 0) return n * 2;
  return n + 1;
}
)";
// `work` gains a branch (its control flow changes) and `extra` is new.
const char* kLibChanged = R"(int work(int n) {
  if (n % 3 == 0) return n * 2;
  if (n % 5 == 0) return n * 3;
  return n + 1;
}
int extra(int n) { return n > 3 ? n : -n; }
)";
// Four threads start together so that their counter updates really race.
const char* kThreads = R"(#include <pthread.h>
int work(int n);
static pthread_barrier_t start;
static void* loop(void* arg) {
  pthread_barrier_wait(&start);
  for (int i = 0; i < 1000000; i++) work(i);
  return arg;
}
int main(void) {
  pthread_t t[4];
  pthread_barrier_init(&start, 0, 4);
  for (int i = 0; i < 4; i++) pthread_create(&t[i], 0, loop, 0);
  for (int i = 0; i < 4; i++) pthread_join(t[i], 0);
  return 0;
}
)";

class GccPgoTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!find_program("gcc") || !find_program("gcov-tool")) GTEST_SKIP() << "gcc or gcov-tool not installed";
    root_ = fs::temp_directory_path() / ("pgo_gcc_pgo_" + std::to_string(::getpid()));
    fs::remove_all(root_);
    write_file_atomic(root_ / "src" / "main.c", kMain);
    write_file_atomic(root_ / "src" / "lib.c", kLib);
    write_file_atomic(root_ / "src" / "threads.c", kThreads);
  }
  void TearDown() override {
    if (!root_.empty()) fs::remove_all(root_);
  }

  ProcessResult run(std::vector<std::string> argv, const fs::path& cwd, const Environment& env = {}) {
    ProcessSpec spec;
    spec.argv = std::move(argv);
    spec.cwd = cwd;
    spec.env = env;
    spec.stdout_file = root_ / "out.log";
    spec.stderr_file = root_ / "out.log";
    return runner_.run(spec);
  }
  // Builds `sources` like CMake's Ninja generator: from the build directory, objects at
  // relative paths CMakeFiles/app.dir/src/<name>.o. Returns the compiler output.
  std::string build(const fs::path& dir, const Flags& flags, std::vector<std::string> sources = {"main.c", "lib.c"}) {
    fs::create_directories(dir / "CMakeFiles/app.dir/src");
    std::string log;
    std::vector<std::string> link = {"gcc", "-o", "app"};
    for (const auto& src : sources) {
      std::vector<std::string> argv = {"gcc", "-O2"};
      argv.insert(argv.end(), flags.compile.begin(), flags.compile.end());
      std::string obj = "CMakeFiles/app.dir/src/" + src + ".o";
      argv.insert(argv.end(), {"-o", obj, "-c", (root_ / "src" / src).string()});
      ProcessResult r = run(argv, dir);
      log += read_file(root_ / "out.log");
      EXPECT_TRUE(r.ok()) << r.describe() << "\n" << log;
      link.push_back(obj);
    }
    link.insert(link.end(), flags.link.begin(), flags.link.end());
    link.push_back("-pthread");
    EXPECT_TRUE(run(link, dir).ok()) << read_file(root_ / "out.log");
    return log;
  }
  GccProfileFormat format(bool atomic = false) {
    GccFormatOptions o;
    o.profile_dir = root_ / "prof";
    o.notes_dir = root_ / "b1";
    o.atomic_updates = atomic;
    return GccProfileFormat(o, runner_);
  }
  BuildRequest request(const std::string& dir) {
    BuildRequest r;
    r.build_dir = root_ / dir;
    return r;
  }

  fs::path root_;
  SystemProcessRunner runner_;
};

TEST_F(GccPgoTest, TrainMergeAndUseFromAnotherBuildDirectory) {
  GccProfileFormat fmt = format();
  build(root_ / "b1", fmt.instrument_flags(request("b1")));
  ASSERT_TRUE(run({(root_ / "b1" / "app").string(), "10"}, root_, fmt.training_env(root_ / "runs/r1")).ok());
  ASSERT_TRUE(run({(root_ / "b1" / "app").string(), "1000"}, root_, fmt.training_env(root_ / "runs/r2")).ok());

  // Each run wrote into its own directory, under the names DIR would have held.
  EXPECT_FALSE(fs::exists(root_ / "prof"));
  ASSERT_EQ(fmt.collect(root_ / "runs/r1"), root_ / "runs/r1");
  std::vector<fs::path> names = list_gcda_files(root_ / "runs/r2");
  EXPECT_EQ(names, (std::vector<fs::path>{"CMakeFiles#app.dir#src#lib.c.gcda", "CMakeFiles#app.dir#src#main.c.gcda"}));

  MergeResult m = fmt.merge({{root_ / "runs/r1", 2}, {root_ / "runs/r2", 3}}, root_ / "merged", FailureMode::Any, 2);
  EXPECT_EQ(m.inputs_merged, 2u);
  // Independently of merge()'s own check: merged = 2 * r1 + 3 * r2, function by function.
  for (const auto& name : names) {
    GcdaFile r1 = read_gcda(root_ / "runs/r1" / name), r2 = read_gcda(root_ / "runs/r2" / name);
    GcdaFile merged = read_gcda(root_ / "merged" / name);
    ASSERT_EQ(merged.functions.size(), r1.functions.size());
    for (const auto& fn : merged.functions) {
      const GcdaFunction *a = r1.find(fn.ident), *b = r2.find(fn.ident);
      ASSERT_TRUE(a && b);
      for (size_t i = 0; i < fn.arc_counts.size(); ++i)
        EXPECT_EQ(fn.arc_counts[i], 2 * a->arc_counts[i] + 3 * b->arc_counts[i]) << name << " " << i;
    }
  }
  ProfileSummary s = fmt.summarize(root_ / "merged");
  EXPECT_EQ(s.functions, 2u);
  std::map<std::string, uint64_t> hot;  // named through the .gcno notes merge() copied
  for (const auto& fc : s.hottest) hot[fc.name] = fc.count;
  EXPECT_EQ(hot["work"], 2u * 10 + 3u * 1000);
  EXPECT_TRUE(hot.count("main"));

  // The optimized build in another directory finds every profile.
  std::string log = build(root_ / "b2", fmt.use_flags(root_ / "merged", request("b2")));
  ProfileDiagnostics d = fmt.scan_build_output(log);
  EXPECT_EQ(d.missing_warnings, 0u) << log;
  EXPECT_EQ(d.mismatch_warnings, 0u) << log;
  EXPECT_TRUE(run({(root_ / "b2" / "app").string(), "5"}, root_).ok());

  // Control: the prefix path of another directory makes GCC look for other names.
  Flags wrong = fmt.use_flags(root_ / "merged", request("b2"));
  for (auto& f : wrong.compile)
    if (f.rfind("-fprofile-prefix-path=", 0) == 0) f = "-fprofile-prefix-path=" + (root_ / "b1").string();
  log = build(root_ / "b3", wrong);
  d = fmt.scan_build_output(log);
  EXPECT_EQ(d.missing_warnings, 2u) << log;  // main.c.gcda and lib.c.gcda not found

  // Changed code: the build still succeeds; `work` is one mismatch, `extra` is missing.
  write_file_atomic(root_ / "src" / "lib.c", kLibChanged);
  log = build(root_ / "b4", fmt.use_flags(root_ / "merged", request("b4")));
  d = fmt.scan_build_output(log);
  EXPECT_EQ(d.mismatch_warnings, 1u) << log;
  EXPECT_EQ(d.missing_warnings, 1u) << log;

  // format_version names what the compiler writes.
  Toolchain tc;
  tc.tool = "gcc";
  EXPECT_EQ(fmt.format_version(tc), read_gcda(root_ / "merged" / names[0]).version_string);
}

TEST_F(GccPgoTest, AtomicUpdatesCountEveryCallOfEveryThread) {
  GccProfileFormat fmt = format(/*atomic=*/true);
  build(root_ / "b1", fmt.instrument_flags(request("b1")), {"threads.c", "lib.c"});
  ASSERT_TRUE(run({(root_ / "b1" / "app").string()}, root_, fmt.training_env(root_ / "runs/t")).ok());
  GcdaFile lib = read_gcda(root_ / "runs/t/CMakeFiles#app.dir#src#lib.c.gcda");
  ASSERT_EQ(lib.functions.size(), 1u);
  // Without -fprofile-update=prefer-atomic this run typically loses about 1% of them.
  EXPECT_EQ(lib.functions[0].sum, 4u * 1000000);
}

TEST_F(GccPgoTest, FormatVersionFallsBackToTheCompilerVersion) {
  GccProfileFormat fmt = format();
  Toolchain tc;
  tc.compiler_version = "12.2.0";
  tc.tool = root_ / "no-such-gcc";
  EXPECT_EQ(fmt.format_version(tc), "B22*");
  tc.compiler_version.clear();
  EXPECT_THROW(fmt.format_version(tc), Error);
}

}  // namespace
}  // namespace pgo
