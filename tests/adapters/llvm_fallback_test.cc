// Raw profiles of another raw version: merged by the llvm-profdata of a release that
// reads them. Real clang-14 (raw version 8) files from tests/data/llvm; the tool is the
// real llvm-profdata-14 when installed, and a fake runner for the lookup and argv.
#include <gtest/gtest.h>

#include <cstdlib>

#include "adapters/llvm/merge.h"
#include "adapters/llvm/profdata_tool.h"
#include "adapters/llvm/raw_header.h"
#include "adapters/llvm/summary.h"
#include "support/error.h"
#include "tests/adapters/llvm_test_support.h"
#include "tests/test_paths.h"

namespace pgo {
namespace {

namespace fs = std::filesystem;
using llvm_test::TempDir;

const fs::path kData = pgo::test_paths::test_data() / "llvm";

// Answers `merge --version` with a chosen LLVM version and `merge ... --output=F` by
// writing F; records every argv.
class FakeRunner : public ProcessRunner {
 public:
  explicit FakeRunner(std::string version) : version_(std::move(version)) {}
  ProcessResult run(const ProcessSpec& spec) override {
    calls.push_back(spec.argv);
    ProcessResult r;
    r.exit_code = 0;
    if (spec.argv.size() >= 3 && spec.argv[2] == "--version") {
      llvm_test::write_text(spec.stdout_file, "Debian LLVM version " + version_ + "\n  Optimized build.\n");
    } else if (spec.argv.size() >= 2 && spec.argv[1] == "merge") {
      for (const auto& a : spec.argv)
        if (a.rfind("--output=", 0) == 0) llvm_test::write_text(a.substr(9), "indexed");
      llvm_test::write_text(spec.stdout_file, "");
    } else {
      r.exit_code = 1;  // e.g. rustc: not offered here
    }
    return r;
  }
  std::vector<std::vector<std::string>> calls;

 private:
  std::string version_;
};

// Points PATH at a directory holding (empty, executable) fake tools for one test.
class ScopedPath {
 public:
  ScopedPath(const fs::path& dir, const std::vector<std::string>& tools) : old_(std::getenv("PATH")) {
    fs::create_directories(dir);
    for (const auto& t : tools) {
      llvm_test::write_text(dir / t, "#!/bin/sh\nexit 1\n");
      fs::permissions(dir / t, fs::perms::owner_all);
    }
    ::setenv("PATH", dir.c_str(), 1);
  }
  ~ScopedPath() { ::setenv("PATH", old_.c_str(), 1); }

 private:
  std::string old_;
};

TEST(LlvmFallback, ParsesVersionsAndHints) {
  EXPECT_EQ(parse_llvm_version("Debian LLVM version 14.0.6\n  Optimized build."), "14.0.6");
  EXPECT_EQ(parse_llvm_version("LLVM (http://llvm.org/):\n  LLVM version 22.1.8\n"), "22.1.8");
  EXPECT_FALSE(parse_llvm_version("llvm-profdata: Unknown command!").has_value());
  EXPECT_EQ(profdata_install_hint(8), "llvm-17 (or llvm-16, llvm-15, llvm-14)");
  EXPECT_EQ(profdata_install_hint(9), "llvm-18");
}

TEST(LlvmFallback, FakeToolGetsWeightedInputsAndNamesItself) {
  TempDir dir;
  ScopedPath path(dir / "bin", {"llvm-profdata-15"});
  FakeRunner runner("15.0.7");
  LlvmMergeOptions opt;
  opt.runner = &runner;
  opt.mode = FailureMode::Warn;
  opt.jobs = 2;
  const fs::path out = dir / "out" / "merged.profdata";
  MergeResult r = merge_llvm_profiles({{kData / "v8_run_100.profraw", 1}, {kData / "v8_run_7.profraw", 3}}, out, opt);
  EXPECT_EQ(r.method, "llvm-profdata-15 (LLVM 15.0.7)");
  EXPECT_EQ(r.inputs_merged, 2u);
  EXPECT_EQ(read_file(out), "indexed");
  const auto& merge_call = runner.calls.back();
  EXPECT_EQ(merge_call[0], (dir / "bin" / "llvm-profdata-15").string());
  auto has = [&](const std::string& arg) {
    return std::find(merge_call.begin(), merge_call.end(), arg) != merge_call.end();
  };
  EXPECT_TRUE(has("merge"));
  EXPECT_TRUE(has("--failure-mode=all"));  // LLVM 14 has no `warn`
  EXPECT_TRUE(has("--num-threads=2"));
  EXPECT_TRUE(has("--weighted-input=1," + (kData / "v8_run_100.profraw").string()));
  EXPECT_TRUE(has("--weighted-input=3," + (kData / "v8_run_7.profraw").string()));
  // The tool writes a temporary beside the output, renamed into place afterwards.
  for (const auto& e : fs::directory_iterator(out.parent_path())) EXPECT_EQ(e.path(), out);
}

TEST(LlvmFallback, NoMatchingToolSaysWhatToInstall) {
  TempDir dir;
  ScopedPath path(dir / "bin", {"llvm-profdata"});
  FakeRunner runner("22.1.8");  // every candidate (also /usr/lib/llvm-N) claims LLVM 22
  LlvmMergeOptions opt;
  opt.runner = &runner;
  try {
    merge_llvm_profiles({{kData / "v8_run_7.profraw", 1}}, dir / "m.profdata", opt);
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::kBuildFailure);
    const std::string msg = e.what();
    EXPECT_NE(msg.find("raw version 8"), std::string::npos) << msg;
    EXPECT_NE(msg.find("LLVM 14-17"), std::string::npos) << msg;
    EXPECT_NE(msg.find("Install llvm-17 (or llvm-16, llvm-15, llvm-14)"), std::string::npos) << msg;
    EXPECT_NE(msg.find((dir / "bin" / "llvm-profdata").string() + ": LLVM 22.1.8 reads raw version 10"),
              std::string::npos) << msg;
  }
  EXPECT_FALSE(fs::exists(dir / "m.profdata"));
}

TEST(LlvmFallback, RealLlvmProfdata14MergesVersion8) {
  SystemProcessRunner system;
  if (!find_profdata_tool(8, system))
    GTEST_SKIP() << "no llvm-profdata for raw version 8 (apt-get install llvm-14)";
  TempDir dir;
  const fs::path a = kData / "v8_run_100.profraw", b = kData / "v8_run_7.profraw";
  MergeResult ra = merge_llvm_profiles({{a, 1}}, dir / "a.profdata", FailureMode::Any, 1);
  MergeResult rb = merge_llvm_profiles({{b, 1}}, dir / "b.profdata", FailureMode::Any, 1);
  MergeResult w = merge_llvm_profiles({{a, 1}, {b, 3}}, dir / "w.profdata", FailureMode::Any, 1);
  EXPECT_EQ(w.method.rfind("llvm-profdata", 0), 0u) << w.method;
  EXPECT_NE(w.method.find("(LLVM 1"), std::string::npos) << w.method;
  EXPECT_EQ(w.inputs_merged, 2u);

  // Written by the old tool, so the old compiler can read it (LLVM 22 writes index 13).
  RawProfileHeader h = read_raw_profile_header(w.output);
  ASSERT_TRUE(h.valid) << h.error;
  EXPECT_EQ(h.kind, LlvmFileKind::Indexed);
  EXPECT_LT(h.version, 13u);

  auto pa = read_indexed_profile(ra.output), pb = read_indexed_profile(rb.output), pw = read_indexed_profile(w.output);
  ASSERT_EQ(pw.size(), 3u);  // main, work, unused_fn
  ASSERT_EQ(pa.size(), pw.size());
  ASSERT_EQ(pb.size(), pw.size());
  for (size_t i = 0; i < pw.size(); ++i) {
    EXPECT_EQ(pw[i].name, pa[i].name);
    EXPECT_EQ(pw[i].hash, pa[i].hash);
    ASSERT_EQ(pw[i].counts.size(), pa[i].counts.size());
    for (size_t k = 0; k < pw[i].counts.size(); ++k)
      EXPECT_EQ(pw[i].counts[k], pa[i].counts[k] + 3 * pb[i].counts[k]) << pw[i].name << " #" << k;
  }
  auto main_it = std::find_if(pa.begin(), pa.end(), [](const auto& r) { return r.name == "main"; });
  ASSERT_NE(main_it, pa.end());
  EXPECT_EQ(main_it->counts, (std::vector<uint64_t>{100, 1, 1, 34}));  // argument 100: 34 multiples of 3

  // Bad inputs still follow the failure mode before the tool runs.
  llvm_test::write_text(dir / "empty.profraw", "");
  MergeResult skipped = merge_llvm_profiles({{a, 1}, {dir / "empty.profraw", 1}}, dir / "s.profdata",
                                            FailureMode::Warn, 1);
  ASSERT_EQ(skipped.skipped.size(), 1u);
  EXPECT_NE(skipped.skipped[0].find("empty file"), std::string::npos);
  EXPECT_EQ(read_indexed_profile(skipped.output), pa);
}

}  // namespace
}  // namespace pgo
