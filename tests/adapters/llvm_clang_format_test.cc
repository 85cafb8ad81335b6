// ClangProfileFormat: flags, training environment, collection, and the scan of a real
// clang-22 optimized build whose sources changed after training.
#include "adapters/llvm/clang_format.h"

#include <gtest/gtest.h>

#include <regex>

#include "adapters/llvm/merge.h"
#include "tests/adapters/llvm_test_support.h"

namespace pgo {
namespace {

namespace fs = std::filesystem;
using llvm_test::TempDir;

Toolchain clang(const std::string& version) {
  Toolchain t;
  t.name = "clang";
  t.compiler_id = "Clang";
  t.compiler_version = version;
  return t;
}

TEST(ClangProfileFormat, FlagsAndEnvironment) {
  ClangProfileFormat f(clang("22.1.8"));
  EXPECT_EQ(f.name(), "llvm");
  EXPECT_EQ(f.merged_extension(), ".profdata");
  Flags gen = f.instrument_flags(BuildRequest{});
  EXPECT_EQ(gen.compile, (std::vector<std::string>{"-fprofile-generate"}));
  EXPECT_EQ(gen.link, (std::vector<std::string>{"-fprofile-generate"}));
  Flags use = f.use_flags("/p/m.profdata", BuildRequest{});
  EXPECT_EQ(use.compile, (std::vector<std::string>{"-fprofile-use=/p/m.profdata", "-Wno-error=backend-plugin",
                                                   "-mllvm", "-pgo-warn-missing-function", "-mllvm",
                                                   "-no-pgo-warn-mismatch-comdat-weak=false"}));
  EXPECT_EQ(use.link, (std::vector<std::string>{"-fprofile-use=/p/m.profdata"}));  // for LTO and CS records
  // LLVM 14 spells the comdat option without "-weak".
  ClangProfileFormat old(clang("14.0.6"));
  EXPECT_EQ(old.use_flags("m", BuildRequest{}).compile.back(), "-no-pgo-warn-mismatch-comdat=false");

  Environment env = f.training_env("/runs/7");
  ASSERT_EQ(env.size(), 1u);
  EXPECT_EQ(env.at("LLVM_PROFILE_FILE"), "/runs/7/%m_%p.profraw");
}

TEST(ClangProfileFormat, FormatVersion) {
  ClangProfileFormat f;
  EXPECT_EQ(f.format_version(clang("22.1.8")), "10");
  EXPECT_EQ(f.format_version(clang("18.1.3")), "9");
  EXPECT_EQ(f.format_version(clang("14.0.6")), "8");
  EXPECT_EQ(f.format_version(clang("9.0.1")), "");
  Toolchain known = clang("22.1.8");
  known.profile_version = "10";
  EXPECT_EQ(f.format_version(known), "10");
  EXPECT_EQ(clang_major_version("Debian clang version 19.1.7"), 19);
}

TEST(ClangProfileFormat, CollectsOneFileOrTheRunDirectory) {
  TempDir dir;
  ClangProfileFormat f;
  EXPECT_TRUE(f.collect(dir.path()).empty());
  llvm_test::write_text(dir / "stdout.txt", "x");
  EXPECT_TRUE(f.collect(dir.path()).empty());
  llvm_test::write_text(dir / "123_1.profraw", "x");
  EXPECT_EQ(f.collect(dir.path()), dir / "123_1.profraw");
  llvm_test::write_text(dir / "123_2.profraw", "x");
  EXPECT_EQ(f.collect(dir.path()), dir.path());
  EXPECT_EQ(f.collect_all(dir.path()), (std::vector<fs::path>{dir / "123_1.profraw", dir / "123_2.profraw"}));
}

TEST(ClangProfileFormat, TrainingEnvironmentWorksWithRealRuntime) {
  TempDir dir;
  ClangProfileFormat f;
  Flags gen = f.instrument_flags(BuildRequest{});
  fs::path bin = llvm_test::compile(dir.path(), "prog", llvm_test::kProgram, gen.compile);
  fs::path run = dir / "run";
  fs::create_directories(run);
  Environment env = f.training_env(run);
  llvm_test::run_ok({bin.string(), "5"}, env);
  llvm_test::run_ok({bin.string(), "6"}, env);  // another process: another file
  EXPECT_EQ(f.collect_all(run).size(), 2u);
  EXPECT_EQ(f.collect(run), run);
  MergeResult r = f.merge({{f.collect(run), 1}}, dir / "m.profdata", FailureMode::Any, 1);
  EXPECT_EQ(r.inputs_merged, 2u);
}

TEST(ClangProfileFormat, ScanCountsStaleAndMissingFunctionsOfARealBuild) {
  TempDir dir;
  ClangProfileFormat f(clang("22.1.8"));
  fs::path bin = llvm_test::compile(dir.path(), "v1", llvm_test::kProgram, f.instrument_flags({}).compile);
  llvm_test::train(bin, dir / "run", {"50"});
  fs::path merged = dir / "m.profdata";
  f.merge({{dir / "run", 1}}, merged, FailureMode::Any, 1);

  // The optimized build compiles the same source path: a static function's profile name
  // includes the path it was compiled under.
  auto build = [&](const std::string& source) {
    llvm_test::write_text(dir / "v1.c", source);
    std::vector<std::string> argv = {"clang-22", "-O2", "-Werror", "-c"};
    for (const auto& flag : f.use_flags(merged, {}).compile) argv.push_back(flag);
    argv.insert(argv.end(), {(dir / "v1.c").string(), "-o", (dir / "v1.o").string()});
    return llvm_test::run_ok(argv);  // -Werror, yet it must still build
  };

  ProfileDiagnostics same = f.scan_build_output(build(llvm_test::kProgram));
  EXPECT_EQ(same.mismatch_warnings, 0u);
  EXPECT_EQ(same.missing_warnings, 0u);
  EXPECT_TRUE(same.examples.empty());

  // work() gains a branch; a new function appears.
  std::string changed = std::regex_replace(std::string(llvm_test::kProgram), std::regex("else s -= i;"),
                                           "else if (i % 7) s -= i; else s ^= i;");
  ASSERT_NE(changed, llvm_test::kProgram);
  changed += "__attribute__((noinline)) int added_later(int a) { return a > 1 ? a : 0; }\n";
  const std::string out = build(changed);
  ProfileDiagnostics d = f.scan_build_output(out);
  EXPECT_EQ(d.mismatch_warnings, 1u) << out;
  EXPECT_EQ(d.missing_warnings, 1u) << out;
  ASSERT_EQ(d.examples.size(), 2u);
  EXPECT_NE(d.examples[0].find("hash mismatch) work"), std::string::npos) << d.examples[0];
  EXPECT_NE(d.examples[1].find("no profile data available for function added_later"), std::string::npos)
      << d.examples[1];
}

TEST(ClangProfileFormat, ScanSeesChangedInlineFunctionsThanksToComdatOption) {
  TempDir dir;
  ClangProfileFormat f(clang("22.1.8"));
  const std::string v1 = R"(#include <cstdlib>
__attribute__((noinline)) inline int inl(int a) { int r = 0; for (int i = 0; i < a; i++) r += i % 5 ? i : 1; return r; }
int main(int argc, char** argv) { return inl(argc > 1 ? std::atoi(argv[1]) : 3) == 42; }
)";
  const std::string v2 = std::regex_replace(v1, std::regex(R"(r \+= i % 5 \? i : 1;)"),
                                            "if (i % 5) r += i; else if (i % 3) r -= 1; else r ^= 3;");
  ASSERT_NE(v1, v2);
  llvm_test::write_text(dir / "v1.cc", v1);
  llvm_test::write_text(dir / "v2.cc", v2);
  llvm_test::run_ok({"clang++-22", "-O2", "-fprofile-generate", (dir / "v1.cc").string(), "-o", (dir / "v1").string()});
  llvm_test::train(dir / "v1", dir / "run", {"40"});
  f.merge({{dir / "run", 1}}, dir / "m.profdata", FailureMode::Any, 1);

  std::vector<std::string> base = {"clang++-22", "-O2", "-c", (dir / "v2.cc").string(), "-o", (dir / "v2.o").string()};
  std::vector<std::string> ours = base, plain = base;
  for (const auto& flag : f.use_flags(dir / "m.profdata", {}).compile) ours.push_back(flag);
  plain.push_back("-fprofile-use=" + (dir / "m.profdata").string());
  EXPECT_EQ(f.scan_build_output(llvm_test::run_ok(plain)).mismatch_warnings, 0u);  // clang's default hides it
  ProfileDiagnostics d = f.scan_build_output(llvm_test::run_ok(ours));
  EXPECT_EQ(d.mismatch_warnings, 1u);
  ASSERT_FALSE(d.examples.empty());
  EXPECT_NE(d.examples[0].find("_Z3inli"), std::string::npos) << d.examples[0];
}

TEST(ClangProfileFormat, ScanOfCannedOutput) {
  ClangProfileFormat f;
  const std::string text =
      "[1/3] Building C object x.o\n"
      "warning: a.c: function control flow change detected (hash mismatch) f Hash = 1 up to 3 count discarded "
      "[-Wbackend-plugin]\r\n"
      "error: b.c: function basic block count change detected (counter mismatch) g [-Werror,-Wbackend-plugin]\n"
      "warning: c.c: no profile data available for function h Hash = 2 up to 0 count discarded\n"
      "warning: unrelated\n";
  ProfileDiagnostics d = f.scan_build_output(text);
  EXPECT_EQ(d.mismatch_warnings, 2u);
  EXPECT_EQ(d.missing_warnings, 1u);
  ASSERT_EQ(d.examples.size(), 3u);
  EXPECT_EQ(d.examples[0].back(), ']');  // trailing \r removed
}

}  // namespace
}  // namespace pgo
