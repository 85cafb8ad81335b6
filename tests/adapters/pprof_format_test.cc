// PprofProfileFormat with the real go command: weighted merges through `go tool pprof
// -proto`, the failure modes on bad inputs, collection from run directories, summaries.
#include <gtest/gtest.h>

#include "adapters/pprof/pprof_analysis.h"
#include "adapters/pprof/pprof_format.h"
#include "adapters/pprof/pprof_reader.h"
#include "support/error.h"
#include "tests/adapters/go_test_support.h"

namespace pgo {
namespace {

namespace fs = std::filesystem;

// Two real CPU profiles (a run directory each), from one hooked program run twice.
class PprofFormatTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new fs::path(testing_go::temp_dir("format"));
    std::string source = "package main\n\nimport (\n\t\"fmt\"\n\t\"os\"\n\t\"strconv\"\n\t\"time\"\n)\n" +
                         testing_go::burn_function() +
                         "\nfunc main() { ms, _ := strconv.Atoi(os.Args[1]); fmt.Println(burn(int64(ms))) }\n";
    ASSERT_TRUE(testing_go::build_program(*dir_, source, true));
    for (const char* run : {"a", "b"}) {
      fs::path run_dir = *dir_ / run;
      fs::create_directories(run_dir);
      ProcessResult r = testing_go::run({(*dir_ / "app").string(), run[0] == 'a' ? "300" : "500"}, run_dir,
                                        {{kGoCpuProfileEnv, (run_dir / kGoProfileSubdir).string()}});
      ASSERT_TRUE(r.ok()) << r.describe();
    }
  }
  static void TearDownTestSuite() {
    fs::remove_all(*dir_);
    delete dir_;
  }

  static int64_t samples(const fs::path& file) { return summarize_pprof(read_pprof(file), file.string()).samples; }
  static fs::path only_profile(const fs::path& run_dir) {
    for (const auto& e : fs::directory_iterator(run_dir / kGoProfileSubdir))
      if (e.path().extension() == ".pprof") return e.path();
    return {};
  }

  SystemProcessRunner runner_;
  PprofProfileFormat format_{"go", "go-test", runner_};
  static fs::path* dir_;
};
fs::path* PprofFormatTest::dir_ = nullptr;

TEST_F(PprofFormatTest, CollectsTheRunDirectoryOnlyWithAProfile) {
  EXPECT_EQ(format_.collect(*dir_ / "a"), *dir_ / "a" / kGoProfileSubdir);
  fs::path empty = *dir_ / "empty";
  fs::create_directories(empty / kGoProfileSubdir);
  testing_go::write(empty / kGoProfileSubdir / "cpu-1.pprof.tmp", "partial");  // a process that never finished
  EXPECT_TRUE(format_.collect(empty).empty());
  EXPECT_EQ(format_.training_env(empty).at(kGoCpuProfileEnv), (empty / kGoProfileSubdir).string());
}

TEST_F(PprofFormatTest, HasNoContextSensitiveStage) {
  EXPECT_FALSE(format_.context_sensitive_flags(*dir_ / "merged.pprof", BuildRequest{}).has_value());
}

TEST_F(PprofFormatTest, WeightsRepeatInputsAndScaleTheSamples) {
  int64_t a = samples(only_profile(*dir_ / "a")), b = samples(only_profile(*dir_ / "b"));
  ASSERT_GT(a, 0);
  ASSERT_GT(b, 0);
  fs::path out = *dir_ / "merged.pprof";
  MergeResult r = format_.merge({{*dir_ / "a" / kGoProfileSubdir, 1}, {*dir_ / "b" / kGoProfileSubdir, 3}}, out,
                                FailureMode::Any, 1);
  EXPECT_EQ(r.inputs_merged, 2u);
  EXPECT_TRUE(r.skipped.empty());
  EXPECT_NE(r.method.find("go tool pprof"), std::string::npos);
  EXPECT_EQ(samples(out), a + 3 * b);
  ProfileSummary s = format_.summarize(out);
  EXPECT_EQ(s.total_count, static_cast<uint64_t>(a + 3 * b));
  ASSERT_FALSE(s.hottest.empty());
  EXPECT_GT(s.functions_with_counts, 0u);
  bool burn = false;
  for (const auto& f : s.hottest) burn = burn || f.name == "main.burn";
  EXPECT_TRUE(burn);
  // The argv repeats the weight-3 file three times.
  std::vector<std::string> argv = format_.merge_command({{"x.pprof", 1}, {"y.pprof", 3}});
  EXPECT_EQ(std::count(argv.begin(), argv.end(), "y.pprof"), 3);
  EXPECT_EQ(std::count(argv.begin(), argv.end(), "x.pprof"), 1);
}

TEST_F(PprofFormatTest, FailureModesOnBadInputs) {
  fs::path bad_dir = *dir_ / "bad";
  fs::create_directories(bad_dir);
  testing_go::write(bad_dir / "empty.pprof", "");
  testing_go::write(bad_dir / "random.pprof", std::string("\x12\x34\x56\x78\x9a", 5));
  fs::path good = only_profile(*dir_ / "a");
  std::vector<WeightedInput> inputs = {{good, 1}, {bad_dir / "empty.pprof", 1}, {bad_dir / "random.pprof", 2}};
  fs::path out = *dir_ / "modes.pprof";
  try {
    format_.merge(inputs, out, FailureMode::Any, 1);
    ADD_FAILURE() << "mode any merged a bad input";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::kWorkloadFailure);
    EXPECT_NE(std::string(e.what()).find("empty.pprof"), std::string::npos) << e.what();
  }
  for (FailureMode mode : {FailureMode::All, FailureMode::Warn}) {
    MergeResult r = format_.merge(inputs, out, mode, 1);
    EXPECT_EQ(r.inputs_merged, 1u);
    ASSERT_EQ(r.skipped.size(), 2u);
    EXPECT_NE(r.skipped[0].find("empty.pprof"), std::string::npos);
    EXPECT_NE(r.skipped[1].find("random.pprof"), std::string::npos);
    EXPECT_EQ(samples(out), samples(good));
  }
  try {
    format_.merge({{bad_dir / "empty.pprof", 1}}, out, FailureMode::Warn, 1);
    ADD_FAILURE() << "merged without any usable input";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("no usable profile"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace pgo
