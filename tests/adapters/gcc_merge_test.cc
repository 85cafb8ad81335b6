// GccProfileFormat::merge: weights, failure modes any/all/warn over corrupt, truncated
// and empty inputs, atomic replacement, and the check of gcov-tool's output. Run
// directories hold copies of tests/data/gcc/lib.gcda (main's arcs: 1, 4, 6).
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "adapters/gcc/gcc_format.h"
#include "support/error.h"
#include "tests/test_paths.h"

namespace pgo {
namespace {
namespace fs = std::filesystem;

const fs::path kData = pgo::test_paths::test_data() / "gcc";
constexpr uint32_t kMain = 0x067072eb;
const char* kLib = "CMakeFiles#app.dir#lib.c.gcda";

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

// Answers --version like a chosen gcov-tool and "merges" by copying only the first dir.
class FakeGcovTool : public ProcessRunner {
 public:
  std::string version = "gcov-tool (GCC) 12.2.0";
  bool spawn_fails = false;
  ProcessResult run(const ProcessSpec& spec) override {
    ProcessResult r;
    if (spawn_fails) {
      r.spawn_failed = true;
      r.spawn_error = "No such file or directory";
      return r;
    }
    std::ofstream(spec.stdout_file) << version << "\n";
    if (spec.argv.at(1) == "merge")
      fs::copy(spec.argv.at(2), spec.argv.at(5), fs::copy_options::recursive);
    r.exit_code = 0;
    return r;
  }
};

class GccMergeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("pgo_gcc_merge_" + std::to_string(::getpid()));
    fs::remove_all(root_);
    fs::create_directories(root_);
    good_ = read_binary_file(kData / "lib.gcda");
  }
  void TearDown() override { fs::remove_all(root_); }

  GccProfileFormat format(ProcessRunner& runner) {
    GccFormatOptions o;
    o.profile_dir = root_ / "prof";
    return GccProfileFormat(o, runner);
  }
  fs::path run(const std::string& name, std::vector<std::pair<std::string, std::string>> files) {
    fs::path dir = root_ / name;
    fs::create_directories(dir);
    for (const auto& [file, bytes] : files) std::ofstream(dir / file, std::ios::binary) << bytes;
    return dir;
  }
  std::vector<uint64_t> main_arcs(const fs::path& dir, const std::string& file = kLib) {
    GcdaFile f = read_gcda(dir / file);
    const GcdaFunction* fn = f.find(kMain);
    return fn ? fn->arc_counts : std::vector<uint64_t>{};
  }
  // Expects merge() to throw a WorkloadError whose message contains `part`.
  void expect_error(const std::vector<WeightedInput>& in, FailureMode mode, const std::string& part) {
    try {
      format(runner_).merge(in, root_ / "out", mode, 1);
      ADD_FAILURE() << "merge succeeded; expected an error mentioning " << part;
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ExitCode::kWorkloadFailure);
      EXPECT_TRUE(contains(e.what(), part)) << e.what();
    }
  }

  fs::path root_;
  std::string good_;
  SystemProcessRunner runner_;
};

TEST_F(GccMergeTest, WeightedSumOfRuns) {
  fs::path a = run("a", {{kLib, good_}}), b = run("b", {{kLib, good_}}), c = run("c", {{kLib, good_}});
  MergeResult r = format(runner_).merge({{a, 2}, {b, 3}, {c, 1}}, root_ / "out", FailureMode::Any, 1);
  EXPECT_EQ(r.inputs_merged, 3u);
  EXPECT_EQ(r.method, "gcov-tool");
  EXPECT_TRUE(r.skipped.empty());
  EXPECT_EQ(main_arcs(root_ / "out"), (std::vector<uint64_t>{6, 24, 36}));
  // One run with a weight: scaled by `gcov-tool rewrite`.
  format(runner_).merge({{a, 4}}, root_ / "out4", FailureMode::Any, 1);
  EXPECT_EQ(main_arcs(root_ / "out4"), (std::vector<uint64_t>{4, 16, 24}));
  // Weight 0 leaves a run out.
  r = format(runner_).merge({{a, 1}, {b, 0}}, root_ / "out1", FailureMode::Any, 1);
  EXPECT_EQ(main_arcs(root_ / "out1"), (std::vector<uint64_t>{1, 4, 6}));
  EXPECT_EQ(r.inputs_merged, 1u);
  ASSERT_EQ(r.skipped.size(), 1u);
  EXPECT_TRUE(contains(r.skipped[0], "weight 0"));
}

TEST_F(GccMergeTest, FilesOfDifferentTargetsAreUnited) {
  // Two executables of one build write different objects into the same profile tree.
  fs::path a = run("a", {{kLib, good_}}), b = run("b", {{"other#lib.c.gcda", good_}});
  format(runner_).merge({{a, 1}, {b, 5}}, root_ / "out", FailureMode::Any, 1);
  EXPECT_EQ(main_arcs(root_ / "out"), (std::vector<uint64_t>{1, 4, 6}));
  EXPECT_EQ(main_arcs(root_ / "out", "other#lib.c.gcda"), (std::vector<uint64_t>{5, 20, 30}));
}

// gcov-tool 12 ends in an internal compiler error (write_topn_counters) when one directory
// holds a file with value profiles that the other lacks, as when one run ran only a client
// and another only a server: pgo merges the files of each set of runs on their own.
TEST_F(GccMergeTest, RunsThatWroteDifferentFilesWithValueProfilesMerge) {
  const std::string values = read_binary_file(kData / "values.gcda");
  const char* kValues = "CMakeFiles#app.dir#values.cc.gcda";
  fs::path a = run("a", {{kValues, values}}), b = run("b", {{kLib, good_}}), c = run("c", {{kLib, good_}});
  MergeResult r = format(runner_).merge({{a, 3}, {b, 1}, {c, 1}}, root_ / "out", FailureMode::Any, 1);
  EXPECT_EQ(r.inputs_merged, 3u);
  EXPECT_EQ(main_arcs(root_ / "out"), (std::vector<uint64_t>{2, 8, 12}));
  const GcdaFile in = read_gcda(a / kValues), out = read_gcda(root_ / "out" / kValues);
  ASSERT_EQ(in.functions.size(), out.functions.size());
  for (size_t i = 0; i < in.functions.size(); ++i) {
    std::vector<uint64_t> tripled = in.functions[i].arc_counts;
    for (uint64_t& count : tripled) count *= 3;
    EXPECT_EQ(out.functions[i].arc_counts, tripled) << i;
  }
}

TEST_F(GccMergeTest, FailureModes) {
  fs::path a = run("a", {{kLib, good_}}), b = run("b", {{kLib, good_}});
  fs::path truncated = run("truncated", {{kLib, good_.substr(0, 100)}});
  fs::path empty_file = run("emptyfile", {{kLib, ""}});
  fs::path no_profile = run("noprofile", {});
  fs::path partly = run("partly", {{kLib, good_}, {"junk.gcda", "random bytes here"}});
  std::vector<WeightedInput> in = {{a, 1}, {truncated, 1}, {b, 1}, {empty_file, 1}, {no_profile, 1}, {partly, 1}};

  expect_error(in, FailureMode::Any, "truncated");
  expect_error(in, FailureMode::Any, "empty file");
  expect_error(in, FailureMode::Any, "no .gcda files");
  expect_error(in, FailureMode::Any, "junk.gcda: offset 0: not a gcda file");
  EXPECT_FALSE(fs::exists(root_ / "out"));

  MergeResult all = format(runner_).merge(in, root_ / "out", FailureMode::All, 1);
  EXPECT_EQ(all.inputs_merged, 2u);
  EXPECT_EQ(all.skipped.size(), 4u);
  EXPECT_EQ(main_arcs(root_ / "out"), (std::vector<uint64_t>{2, 8, 12}));

  MergeResult warn = format(runner_).merge(in, root_ / "out", FailureMode::Warn, 1);
  EXPECT_EQ(warn.inputs_merged, 3u);  // the good file of `partly` counts
  EXPECT_EQ(main_arcs(root_ / "out"), (std::vector<uint64_t>{3, 12, 18}));
  EXPECT_FALSE(fs::exists(root_ / "out" / "junk.gcda"));

  std::vector<WeightedInput> bad = {{truncated, 1}, {empty_file, 1}, {no_profile, 1}};
  expect_error(bad, FailureMode::All, "no usable training profile");
  expect_error(bad, FailureMode::Warn, "no usable training profile");
  expect_error({}, FailureMode::Warn, "no training runs");
  // The previous result survives a failed merge.
  EXPECT_EQ(main_arcs(root_ / "out"), (std::vector<uint64_t>{3, 12, 18}));
}

TEST_F(GccMergeTest, RunsOfAnotherBuildAreBadInputs) {
  std::string other = good_;
  other[8] = static_cast<char>(other[8] ^ 0x55);  // the stamp: another compilation
  fs::path a = run("a", {{kLib, good_}}), b = run("b", {{kLib, other}});
  expect_error({{a, 1}, {b, 1}}, FailureMode::Any, "from a different build");
  MergeResult r = format(runner_).merge({{a, 1}, {b, 1}}, root_ / "out", FailureMode::All, 1);
  EXPECT_EQ(r.inputs_merged, 1u);
}

TEST_F(GccMergeTest, ReplacesTheOutputAtomicallyAndCleansUp) {
  fs::create_directories(root_ / "out");
  std::ofstream(root_ / "out" / "stale.gcda") << "old";
  fs::path a = run("a", {{kLib, good_}}), b = run("b", {{kLib, good_}});
  format(runner_).merge({{a, 1}, {b, 1}}, root_ / "out", FailureMode::Any, 1);
  EXPECT_FALSE(fs::exists(root_ / "out" / "stale.gcda"));
  EXPECT_EQ(main_arcs(root_ / "out"), (std::vector<uint64_t>{2, 8, 12}));
  for (const auto& e : fs::directory_iterator(root_))
    EXPECT_FALSE(contains(e.path().filename().string(), ".merge")) << e.path();
}

TEST_F(GccMergeTest, ChecksWhatGcovToolProduced) {
  fs::path a = run("a", {{kLib, good_}}), b = run("b", {{kLib, good_}});
  FakeGcovTool fake;  // "merges" by copying the first directory only
  try {
    format(fake).merge({{a, 1}, {b, 1}}, root_ / "out", FailureMode::Any, 1);
    ADD_FAILURE() << "a wrong merge result was accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::kBuildFailure);
    EXPECT_TRUE(contains(e.what(), "not the weighted sum")) << e.what();
  }
  fake.version = "gcov-tool (GCC) 13.1.0";
  try {
    format(fake).merge({{a, 1}, {b, 1}}, root_ / "out", FailureMode::Any, 1);
    ADD_FAILURE() << "a gcov-tool of another GCC was accepted";
  } catch (const Error& e) {
    EXPECT_TRUE(contains(e.what(), "version 13.1")) << e.what();
  }
  fake.spawn_fails = true;
  try {
    format(fake).merge({{a, 1}, {b, 1}}, root_ / "out", FailureMode::Any, 1);
    ADD_FAILURE() << "a missing gcov-tool went unnoticed";
  } catch (const Error& e) {
    EXPECT_TRUE(contains(e.what(), "cannot run")) << e.what();
  }
  EXPECT_FALSE(fs::exists(root_ / "out"));
}

}  // namespace
}  // namespace pgo
