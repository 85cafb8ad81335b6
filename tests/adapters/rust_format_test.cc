// The Rust flavour of the LLVM profile format with real rustc 1.95 profiles: flags, the raw
// version rustc writes, the in-process merge, and the sysroot llvm-profdata path taken for
// a rustc on another LLVM release (a stand-in tool that reports another version).
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <random>

#include "adapters/cargo/rustc_info.h"
#include "adapters/llvm/raw_header.h"
#include "adapters/llvm/rust_format.h"
#include "adapters/llvm/summary.h"
#include "support/atomic_file.h"
#include "support/error.h"
#include "workloads/process.h"

namespace pgo {
namespace {

namespace fs = std::filesystem;

constexpr const char* kProgram = R"(
#[inline(never)]
fn hot_loop(n: u64) -> u64 { let mut s = 0u64; for i in 0..n { if i % 3 == 0 { s = s.wrapping_add(i) } else { s ^= i } } s }
#[inline(never)]
fn cold_path() -> u64 { 7 }
fn main() {
    let n: u64 = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(1000);
    let r = if n == 0 { cold_path() } else { hot_loop(n) };
    println!("{r}");
}
)";

class RustFormat : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!find_program("rustc")) GTEST_SKIP() << "rustc not installed";
    std::random_device rd;
    dir_ = fs::temp_directory_path() / ("pgo-rust-format-test-" + std::to_string(rd()));
    fs::create_directories(dir_);
    fs::path out = dir_ / "vv.txt";
    ProcessSpec spec;
    spec.argv = {"rustc", "-vV"};
    spec.stdout_file = out;
    ASSERT_TRUE(runner_.run(spec).ok());
    auto info = cargo::parse_rustc_verbose_version(read_file(out));
    ASSERT_TRUE(info);
    toolchain_ = Toolchain{"rust", "rustc", info->release, {}, {}, "llvm", "", info->llvm_version};
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  // Builds the program instrumented and runs it once per argument; returns the run dirs.
  std::vector<WeightedInput> train(const RustProfileFormat& format, const std::vector<std::string>& args) {
    write_file_atomic(dir_ / "main.rs", kProgram);
    BuildRequest request;
    std::vector<std::string> argv = {"rustc", "-O", "--edition=2021", (dir_ / "main.rs").string(), "-o",
                                     (dir_ / "prog").string()};
    for (const auto& f : format.instrument_flags(request).compile) argv.push_back(f);
    ProcessSpec build;
    build.argv = argv;
    build.stdout_file = build.stderr_file = dir_ / "build.log";
    EXPECT_TRUE(runner_.run(build).ok()) << read_file(dir_ / "build.log");
    std::vector<WeightedInput> inputs;
    for (size_t i = 0; i < args.size(); ++i) {
      fs::path run = dir_ / ("run" + std::to_string(i));
      fs::create_directories(run);
      ProcessSpec spec;
      spec.argv = {(dir_ / "prog").string(), args[i]};
      spec.env = format.training_env(run);
      EXPECT_TRUE(runner_.run(spec).ok());
      fs::path raw = format.collect(run);
      EXPECT_FALSE(raw.empty());
      inputs.push_back({raw, i + 1});
    }
    return inputs;
  }

  fs::path dir_;
  Toolchain toolchain_;
  SystemProcessRunner runner_;
};

TEST(RustFormatFlags, RustcSpellings) {
  RustProfileFormat format(Toolchain{"rust", "rustc", "1.95.0", {}, {}, "llvm", "", "22.1.2"}, nullptr, "/raw");
  BuildRequest request;
  EXPECT_EQ(format.instrument_flags(request).compile, std::vector<std::string>{"-Cprofile-generate=/raw"});
  EXPECT_TRUE(format.instrument_flags(request).link.empty());
  std::vector<std::string> use = format.use_flags("/m/profile-abc.profdata", request).compile;
  ASSERT_GE(use.size(), 2u);
  EXPECT_EQ(use[0], "-Cprofile-use=/m/profile-abc.profdata");
  EXPECT_EQ(use[1], "-Cllvm-args=-pgo-warn-missing-function");
  Toolchain rust22;
  rust22.llvm_version = "22.1.2";
  EXPECT_EQ(format.format_version(rust22), std::to_string(linked_llvm_raw_version()));
}

TEST(RustFormatFlags, LegacyRustNamesAreShownAsRustPaths) {
  // PGO names from a rustc 1.95 profile of examples/rust-cargo.
  // The codegen unit's module name ("<crate>.<hash>-cgu.N") is left out: the name has the crate.
  EXPECT_EQ(display_function_name("rvm.cc28164a3efa6534-cgu.0;_ZN3rvm6run_vm17haaede27a0faefeccE"), "rvm::run_vm");
  EXPECT_EQ(display_function_name("pulldown_cmark.0a1b2c3d4e5f6789-cgu.12;_ZN3rvm6run_vm17haaede27a0faefeccE"),
            "rvm::run_vm");
  EXPECT_EQ(display_function_name("my-cgu.0;helper"), "helper (my-cgu.0)");  // not rustc's shape: kept
  EXPECT_EQ(display_function_name("_ZN71_$LT$core..hash..sip..Hasher$LT$S$GT$$u20$as$u20$core..hash..Hasher$GT$"
                                  "5write17h0cc8997021122666E"),
            "<core::hash::sip::Hasher<S> as core::hash::Hasher>::write");
  EXPECT_EQ(display_function_name("_Z3fooi"), "foo(int)");  // C++ untouched
  EXPECT_EQ(display_function_name("_ZN2ns4hashEv"), "ns::hash()");
}

TEST(RustFormatFlags, InProcessOnlyForTheLinkedLlvmOrNewerOfTheSameRawVersion) {
  EXPECT_TRUE(rust_merge_in_process(linked_llvm_major()));
  EXPECT_FALSE(rust_merge_in_process(linked_llvm_major() - 1));  // older: may not read our indexed output
  EXPECT_FALSE(rust_merge_in_process(14));
  EXPECT_FALSE(rust_merge_in_process(0));
}

TEST_F(RustFormat, RealProfilesHaveTheLinkedRawVersionAndMergeInProcess) {
  RustProfileFormat format(toolchain_, &runner_, dir_ / "raw");
  std::vector<WeightedInput> inputs = train(format, {"200000", "300000"});
  RawProfileHeader header = read_raw_profile_header(inputs[0].path);
  ASSERT_TRUE(header.valid) << header.error;
  EXPECT_EQ(header.kind, LlvmFileKind::Raw);
  EXPECT_TRUE(header.ir_level);
  // rustc 1.95 is built on LLVM 22: the raw version pgo's LLVM reads.
  EXPECT_EQ(header.version, linked_llvm_raw_version()) << "rustc LLVM " << toolchain_.llvm_version;
  MergeResult merged = format.merge(inputs, dir_ / "merged.profdata", FailureMode::Any, 2);
  EXPECT_EQ(merged.method.rfind("in-process", 0), 0u) << merged.method;
  EXPECT_EQ(merged.inputs_merged, 2u);
  ProfileSummary s = format.summarize(merged.output);
  EXPECT_GT(s.functions_with_counts, 0u);
  bool found = false;
  for (const auto& f : s.hottest)
    if (f.name.find("hot_loop") != std::string::npos) found = f.count >= 200000;
  EXPECT_TRUE(found) << "hot_loop missing from the hottest functions";
}

TEST_F(RustFormat, OtherLlvmWithoutLlvmToolsNamesTheRustupComponent) {
  Toolchain old = toolchain_;
  old.compiler_version = "1.87.0";
  old.llvm_version = "20.1.1";
  old.tool = dir_ / "sysroot" / "bin" / "rustc";  // a sysroot without lib/rustlib/*/bin
  fs::create_directories(dir_ / "sysroot" / "bin");
  RustProfileFormat format(old, &runner_, dir_ / "raw");
  std::vector<WeightedInput> inputs = train(format, {"1000"});
  try {
    format.merge(inputs, dir_ / "merged.profdata", FailureMode::Any, 1);
    FAIL() << "expected a build error";
  } catch (const Error& e) {
    std::string what = e.what();
    EXPECT_EQ(e.code(), ExitCode::kBuildFailure);
    EXPECT_NE(what.find("rustc 1.87.0 uses LLVM 20.1.1"), std::string::npos) << what;
    EXPECT_NE(what.find("rustup component add llvm-tools"), std::string::npos) << what;
  }
  EXPECT_FALSE(fs::exists(dir_ / "merged.profdata"));
}

TEST_F(RustFormat, OtherLlvmUsesTheSysrootLlvmProfdata) {
  if (!find_program("llvm-profdata-22")) GTEST_SKIP() << "llvm-profdata-22 not installed";
  // Stands in for rustup's llvm-tools of a rustc on LLVM 21 (same raw version 10).
  fs::path bin = dir_ / "sysroot" / "lib" / "rustlib" / "x86_64-unknown-linux-gnu" / "bin";
  fs::create_directories(bin);
  fs::create_directories(dir_ / "sysroot" / "bin");
  write_file_atomic(bin / "llvm-profdata",
                    "#!/bin/sh\nif [ \"$1 $2\" = 'merge --version' ]; then echo 'LLVM version 21.1.8'; exit 0; fi\n"
                    "echo \"$@\" > \"$(dirname \"$0\")/args\"\nexec llvm-profdata-22 \"$@\"\n");
  fs::permissions(bin / "llvm-profdata", fs::perms::owner_all);
  Toolchain other = toolchain_;
  other.llvm_version = "21.1.8";
  other.tool = dir_ / "sysroot" / "bin" / "rustc";
  RustProfileFormat format(other, &runner_, dir_ / "raw");
  std::vector<WeightedInput> inputs = train(format, {"1000", "2000"});
  MergeResult merged = format.merge(inputs, dir_ / "merged.profdata", FailureMode::Any, 1);
  EXPECT_NE(merged.method.find("LLVM 21.1.8"), std::string::npos) << merged.method;
  ASSERT_TRUE(fs::exists(bin / "args"));
  EXPECT_NE(read_file(bin / "args").find("--weighted-input=2,"), std::string::npos) << read_file(bin / "args");
  EXPECT_GT(format.summarize(merged.output).functions_with_counts, 0u);
}

}  // namespace
}  // namespace pgo
