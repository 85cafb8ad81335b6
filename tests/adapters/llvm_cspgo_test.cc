// Context-sensitive PGO with Clang: the flags of the CS-instrumented build, and the two
// stages with real clang-22 (the stage-1 profile merged with the CS raw profiles).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>

#include "adapters/llvm/clang_format.h"
#include "adapters/llvm/merge.h"
#include "adapters/llvm/raw_header.h"
#include "adapters/llvm/rust_format.h"
#include "adapters/llvm/summary.h"
#include "tests/adapters/llvm_test_support.h"

namespace pgo {
namespace {

namespace fs = std::filesystem;
using llvm_test::TempDir;

Toolchain clang22() {
  Toolchain t;
  t.name = "clang";
  t.compiler_id = "Clang";
  t.compiler_version = "22.1.8";
  return t;
}

TEST(ClangCsPgo, FlagsAreStageOneUseFlagsPlusCsGenerate) {
  ClangProfileFormat f(clang22());
  std::optional<Flags> cs = f.context_sensitive_flags("/p/s1.profdata", BuildRequest{});
  ASSERT_TRUE(cs.has_value());
  std::vector<std::string> compile = f.use_flags("/p/s1.profdata", BuildRequest{}).compile;
  compile.push_back("-fcs-profile-generate");
  EXPECT_EQ(cs->compile, compile);
  // Stage 1's profile on the link line too: under ThinLTO the CS instrumentation runs there.
  EXPECT_EQ(cs->link, (std::vector<std::string>{"-fprofile-use=/p/s1.profdata", "-fcs-profile-generate"}));
}

TEST(ClangCsPgo, RustHasNone) {
  Toolchain rustc;
  rustc.name = "rustc";
  rustc.compiler_version = "1.95.0";
  rustc.llvm_version = "22.1.2";
  RustProfileFormat f(rustc, nullptr, "/p/raw");
  EXPECT_FALSE(f.context_sensitive_flags("/p/s1.profdata", BuildRequest{}).has_value());
}


// A hot function inlined at two call sites that use it differently: only a profile
// collected after inlining tells the two copies apart.
const char* kTwoContexts = R"(#include <stdio.h>
#include <stdlib.h>
__attribute__((noinline)) static int classify(int x, int mode) {
  if (mode) { if (x % 7 == 0) return x / 7; return x + 1; }
  if (x % 5 == 0) return x * 3;
  return x - 1;
}
static inline int hot(int x, int mode) {
  int r = classify(x, mode);
  if (mode) { if (r & 1) r += 3; } else { if (r & 2) r -= 5; }
  return r;
}
__attribute__((noinline)) int mostly_sevens(int n) { int s = 0; for (int i = 0; i < n; i++) s += hot(i, 1); return s; }
__attribute__((noinline)) int mostly_fives(int n) { int s = 0; for (int i = 0; i < n; i++) s += hot(i, 0); return s; }
int main(int argc, char** argv) {
  int n = argc > 1 ? atoi(argv[1]) : 1000;
  printf("%d %d\n", mostly_sevens(n), mostly_fives(n / 2));
  return 0;
}
)";

// Compiles `source` (-O2 and `flags.compile`) and links it (`flags.link`) as two commands,
// as a build system does, so each flag list is checked on its own line. The compiler's
// output lands in `compiler_output` when given.
fs::path build(const fs::path& dir, const std::string& name, const Flags& flags,
               std::string* compiler_output = nullptr) {
  const fs::path src = dir / "two_contexts.c", obj = dir / (name + ".o"), bin = dir / name;
  llvm_test::write_text(src, kTwoContexts);
  std::vector<std::string> compile = {"clang-22", "-O2", "-c"};
  compile.insert(compile.end(), flags.compile.begin(), flags.compile.end());
  compile.insert(compile.end(), {src.string(), "-o", obj.string()});
  std::string out = llvm_test::run_ok(compile);
  std::vector<std::string> link = {"clang-22"};
  link.insert(link.end(), flags.link.begin(), flags.link.end());
  link.insert(link.end(), {obj.string(), "-o", bin.string()});
  out += llvm_test::run_ok(link);
  if (compiler_output) *compiler_output = out;
  return bin;
}

std::vector<fs::path> default_named_raws(const fs::path& dir) {
  std::vector<fs::path> found;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().filename().string().starts_with("default_")) found.push_back(e.path());
  return found;
}

// Stage 1 (IR PGO) and stage 2 (CS-instrumented on the stage-1 profile) built, trained
// with the format's environment and merged by the format, once for the suite.
class ClangCsPgoStages : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!llvm_test::have_program("clang-22")) return;
    dir_ = new TempDir;
    const ClangProfileFormat& f = format();
    const fs::path d = dir_->path();
    const fs::path stage1_bin = build(d, "stage1", f.instrument_flags(BuildRequest{}));
    llvm_test::run_ok({stage1_bin.string(), kArg}, f.training_env(d / "run1"));
    stage1_ = f.merge({{d / "run1", 1}}, d / "s1.profdata", FailureMode::Any, 1).output;

    std::optional<Flags> cs = f.context_sensitive_flags(stage1_, BuildRequest{});
    ASSERT_TRUE(cs);
    const fs::path stage2_bin = build(d, "stage2", *cs);
    // The working directory is where the compiled-in default name would land.
    const std::vector<fs::path> before = default_named_raws(fs::current_path());
    expected_output_ = llvm_test::run_ok({stage2_bin.string(), kArg}, f.training_env(d / "run2"));
    cs_raws_ = f.collect_all(d / "run2");
    for (const fs::path& p : default_named_raws(fs::current_path()))
      if (std::find(before.begin(), before.end(), p) == before.end()) cs_raws_in_working_dir_.push_back(p);
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
    cs_raws_.clear();
  }
  void SetUp() override {
    if (!llvm_test::have_program("clang-22")) GTEST_SKIP() << "clang-22 is not installed";
  }
  static const ClangProfileFormat& format() {
    static const ClangProfileFormat f(clang22());
    return f;
  }
  // Stage-1 profile and every CS raw of the second training, merged by the format.
  static MergeResult merge_both(const fs::path& out) {
    std::vector<WeightedInput> inputs = {{stage1_, 1}};
    for (const fs::path& raw : cs_raws_) inputs.push_back({raw, 1});
    return format().merge(inputs, out, FailureMode::Any, 1);
  }

  static constexpr const char* kArg = "20000";
  static TempDir* dir_;
  static fs::path stage1_;
  static std::vector<fs::path> cs_raws_;
  static std::vector<fs::path> cs_raws_in_working_dir_;
  static std::string expected_output_;
};

TempDir* ClangCsPgoStages::dir_ = nullptr;
fs::path ClangCsPgoStages::stage1_;
std::vector<fs::path> ClangCsPgoStages::cs_raws_;
std::vector<fs::path> ClangCsPgoStages::cs_raws_in_working_dir_;
std::string ClangCsPgoStages::expected_output_;

TEST_F(ClangCsPgoStages, CsRawsFollowLlvmProfileFile) {
  EXPECT_TRUE(cs_raws_in_working_dir_.empty()) << cs_raws_in_working_dir_.front();
  ASSERT_EQ(cs_raws_.size(), 1u);
  RawProfileHeader h = read_raw_profile_header(cs_raws_.front());
  EXPECT_TRUE(h.valid) << h.error;
  EXPECT_EQ(h.kind, LlvmFileKind::Raw);
  EXPECT_TRUE(h.ir_level);
  EXPECT_TRUE(h.context_sensitive);
}

TEST_F(ClangCsPgoStages, MergeKeepsStageOneRecordsAndAddsCsRecords) {
  MergeResult r = merge_both(*dir_ / "merged.profdata");
  EXPECT_EQ(r.inputs_merged, 1 + cs_raws_.size());
  EXPECT_TRUE(r.skipped.empty());
  EXPECT_EQ(r.method, in_process_merge_method());

  std::vector<FunctionRecordInfo> stage1 = read_indexed_profile(stage1_);
  std::vector<FunctionRecordInfo> merged = read_indexed_profile(r.output);
  std::vector<FunctionRecordInfo> merged_stage1, merged_cs;
  for (const FunctionRecordInfo& rec : merged) (rec.context_sensitive ? merged_cs : merged_stage1).push_back(rec);
  EXPECT_TRUE(std::none_of(stage1.begin(), stage1.end(), [](const auto& rec) { return rec.context_sensitive; }));
  EXPECT_EQ(merged_stage1, stage1);
  std::vector<std::string> cs_names;
  for (const FunctionRecordInfo& rec : merged_cs) cs_names.push_back(rec.name);
  EXPECT_THAT(cs_names, ::testing::IsSupersetOf({"mostly_sevens", "mostly_fives", "main"}));

  // The same records as llvm-profdata-22's merge of the same files.
  if (llvm_test::have_program("llvm-profdata-22")) {
    std::vector<std::string> argv = {"llvm-profdata-22", "merge", "-o", (*dir_ / "tool.profdata").string(),
                                     stage1_.string()};
    for (const fs::path& raw : cs_raws_) argv.push_back(raw.string());
    llvm_test::run_ok(argv);
    EXPECT_EQ(merged, read_indexed_profile(*dir_ / "tool.profdata"));
  }
  RawProfileHeader h = read_raw_profile_header(r.output);
  EXPECT_EQ(h.kind, LlvmFileKind::Indexed);
  EXPECT_TRUE(h.context_sensitive);
}

TEST_F(ClangCsPgoStages, SummaryCountsCsRecordsApart) {
  const fs::path merged = merge_both(*dir_ / "merged.profdata").output;
  size_t cs_records = 0;
  for (const FunctionRecordInfo& rec : read_indexed_profile(merged)) cs_records += rec.context_sensitive;
  ProfileSummary s = format().summarize(merged);
  ProfileSummary stage1 = format().summarize(stage1_);
  EXPECT_GT(s.context_sensitive_functions, 0u);
  EXPECT_EQ(s.context_sensitive_functions, cs_records);
  EXPECT_EQ(stage1.context_sensitive_functions, 0u);
  // The rest of the summary is stage 1's: CS records repeat its functions.
  EXPECT_EQ(s.functions, stage1.functions);
  EXPECT_EQ(s.functions_with_counts, stage1.functions_with_counts);
  EXPECT_EQ(s.total_count, stage1.total_count);
}

TEST_F(ClangCsPgoStages, OptimizedBuildUsesTheMergedProfileAndPrintsTheSame) {
  const fs::path merged = merge_both(*dir_ / "merged.profdata").output;
  const fs::path opt_dir = *dir_ / "optimized";
  fs::create_directories(opt_dir);
  std::string compiler_output;
  const fs::path bin = build(opt_dir, "optimized", format().use_flags(merged, BuildRequest{}), &compiler_output);
  ProfileDiagnostics d = format().scan_build_output(compiler_output);
  EXPECT_EQ(d.mismatch_warnings, 0u) << compiler_output;
  EXPECT_EQ(llvm_test::run_ok({bin.string(), kArg}), expected_output_);
  EXPECT_FALSE(expected_output_.empty());
}

}  // namespace
}  // namespace pgo
