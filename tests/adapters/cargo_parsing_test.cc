// Cargo adapter parsers on recorded output of cargo 1.95 / rustc 1.95 (tests/data/cargo):
// JSON build messages, cargo metadata, rustc -vV, and the cc crate's compiler choice.
#include <gtest/gtest.h>

#include <algorithm>

#include "adapters/cargo/cargo_messages.h"
#include "adapters/cargo/cargo_metadata.h"
#include "adapters/cargo/cc_compiler.h"
#include "adapters/cargo/rustc_info.h"
#include "adapters/llvm/rust_format.h"
#include "support/atomic_file.h"
#include "support/error.h"
#include "tests/test_paths.h"

namespace pgo::cargo {
namespace {

namespace fs = std::filesystem;
const fs::path kData = pgo::test_paths::test_data() / "cargo";

TEST(CargoMessages, WorkspaceBuildGivesEveryExecutableWithItsPackage) {
  BuildMessages m = parse_build_messages(read_file(kData / "workspace-build.jsonl"));
  EXPECT_TRUE(m.finished);
  EXPECT_TRUE(m.success);
  EXPECT_TRUE(m.unparsed.empty());
  // Three bins (app, helper, tool); the tool library and the build script have no executable.
  ASSERT_EQ(m.executables.size(), 3u);
  const ExecutableArtifact* app = find_bin(m, "app");
  ASSERT_NE(app, nullptr);
  EXPECT_EQ(app->package_id, "path+file:///tmp/cargo-exp/ws/app#0.1.0");
  EXPECT_EQ(app->executable, "/tmp/cargo-exp/wst/x86_64-unknown-linux-gnu/release/app");
  EXPECT_EQ(app->kinds, std::vector<std::string>{"bin"});
  EXPECT_FALSE(app->fresh);
  const ExecutableArtifact* tool = find_bin(m, "tool", "path+file:///tmp/cargo-exp/ws/tool#0.2.0");
  ASSERT_NE(tool, nullptr);
  EXPECT_EQ(tool->executable.filename(), "tool");
  EXPECT_EQ(find_bin(m, "tool_lib"), nullptr);
  EXPECT_EQ(find_bin(m, "nonexistent"), nullptr);
  // The unused-variable warning of app is rendered for the log.
  EXPECT_NE(m.rendered.find("unused variable: `unused`"), std::string::npos) << m.rendered;
  // Every unit built (what the cc-crate warning looks at), build scripts and libraries too.
  EXPECT_EQ(m.built_packages.size(), 5u);
  EXPECT_NE(std::find(m.built_packages.begin(), m.built_packages.end(), "path+file:///tmp/cargo-exp/ws/tool#0.2.0"),
            m.built_packages.end());
}

TEST(CargoMessages, PgoWarningsAreRenderedOnePerLineForScanning) {
  BuildMessages m = parse_build_messages(read_file(kData / "pgo-warnings.jsonl"));
  ClangProfileFormat scanner;
  ProfileDiagnostics d = scanner.scan_build_output(m.rendered);
  EXPECT_EQ(d.mismatch_warnings, 1u) << m.rendered;
  EXPECT_EQ(d.missing_warnings, 1u) << m.rendered;
  ASSERT_EQ(d.examples.size(), 2u);
  EXPECT_NE(d.examples[1].find("_ZN1t4newf"), std::string::npos);
}

// Recorded from cargo 1.95: a [lib] with crate-type ["cdylib", "rlib"] and a bin using it.
TEST(CargoMessages, SharedLibrariesOfCdylibTargetsAreKept) {
  BuildMessages m = parse_build_messages(
      R"({"reason":"compiler-artifact","package_id":"path+file:///tmp/cdy#0.1.0","target":{"kind":["cdylib","rlib"],)"
      R"("crate_types":["cdylib","rlib"],"name":"cdy"},"filenames":["/tmp/cdy/target/release/deps/libcdy.so",)"
      R"("/tmp/cdy/target/release/deps/libcdy.rlib"],"executable":null,"fresh":false})" "\n"
      R"({"reason":"compiler-artifact","package_id":"path+file:///tmp/cdy#0.1.0","target":{"kind":["lib"],)"
      R"("name":"plain"},"filenames":["/tmp/cdy/target/release/deps/libplain.rlib"],"executable":null})" "\n"
      R"({"reason":"compiler-artifact","package_id":"path+file:///tmp/cdy#0.1.0","target":{"kind":["bin"],)"
      R"("name":"cdy"},"filenames":["/tmp/cdy/target/release/cdy"],"executable":"/tmp/cdy/target/release/cdy"})" "\n");
  EXPECT_EQ(m.shared_libraries, std::vector<fs::path>{"/tmp/cdy/target/release/deps/libcdy.so"});
  ASSERT_EQ(m.executables.size(), 1u);
  EXPECT_NE(find_bin(m, "cdy"), nullptr);
}

TEST(CargoMessages, KeepsStrayLinesAndSurvivesMalformedJson) {
  BuildMessages m = parse_build_messages(
      "hello from a build script\n{\"reason\":\"compiler-artifact\",\"executable\":42}\n{not json\n"
      "{\"reason\":\"compiler-artifact\",\"executable\":\"/x/y\",\"target\":{\"name\":\"y\",\"kind\":[\"example\"]}}\n"
      "{\"reason\":\"build-finished\",\"success\":false}\r\n");
  EXPECT_EQ(m.unparsed, (std::vector<std::string>{"hello from a build script", "{not json"}));
  ASSERT_EQ(m.executables.size(), 1u);  // the one with a string executable
  EXPECT_EQ(find_bin(m, "y"), nullptr);  // an example, not a bin
  EXPECT_TRUE(m.finished);
  EXPECT_FALSE(m.success);
}

TEST(CargoMetadata, SelectsPackagesAsCargoBuildWould) {
  Metadata m = parse_metadata(read_file(kData / "workspace-metadata.json"));
  ASSERT_EQ(m.workspace_members.size(), 2u);
  // Virtual workspace root: the default members, i.e. both packages.
  std::vector<const Package*> all = selected_packages(m, "", "/tmp/cargo-exp/ws");
  ASSERT_EQ(all.size(), 2u);
  // A member's own directory selects that member.
  std::vector<const Package*> app = selected_packages(m, "", "/tmp/cargo-exp/ws/app");
  ASSERT_EQ(app.size(), 1u);
  EXPECT_EQ(app[0]->name, "app");
  EXPECT_EQ(app[0]->bins, (std::vector<std::string>{"app", "helper"}));
  std::vector<const Package*> tool = selected_packages(m, "tool", "/tmp/cargo-exp/ws");
  ASSERT_EQ(tool.size(), 1u);
  EXPECT_EQ(tool[0]->bins, std::vector<std::string>{"tool"});
  try {
    selected_packages(m, "tol", "/tmp/cargo-exp/ws");
    FAIL() << "expected a usage error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::kUsage);
    EXPECT_NE(std::string(e.what()).find("app, tool"), std::string::npos) << e.what();
  }
  EXPECT_TRUE(m.named("cc").empty());
  EXPECT_THROW(parse_metadata("error: could not find Cargo.toml"), Error);
}

TEST(RustcInfo, ParsesVerboseVersion) {
  auto info = parse_rustc_verbose_version(
      "rustc 1.95.0 (59807616e 2026-04-14)\nbinary: rustc\ncommit-hash: 59807616e1fa\nhost: x86_64-unknown-linux-gnu\n"
      "release: 1.95.0\nLLVM version: 22.1.2\n");
  ASSERT_TRUE(info);
  EXPECT_EQ(info->release, "1.95.0");
  EXPECT_EQ(info->host, "x86_64-unknown-linux-gnu");
  EXPECT_EQ(info->llvm_version, "22.1.2");
  EXPECT_EQ(info->llvm_major, 22);
  auto no_llvm = parse_rustc_verbose_version("release: 1.95.0\nhost: aarch64-apple-darwin\n");
  ASSERT_TRUE(no_llvm);
  EXPECT_EQ(no_llvm->llvm_major, 0);
  EXPECT_FALSE(parse_rustc_verbose_version("rustc: command not found\n"));
}

TEST(CcCrate, PicksTheCompilerInTheCcCratesOrder) {
  const std::string t = "x86_64-unknown-linux-gnu";
  EXPECT_EQ(cc_crate_compiler({}, t, t), "cc");
  EXPECT_EQ(cc_crate_compiler({{"CC", "gcc-12"}}, t, t), "gcc-12");
  EXPECT_EQ(cc_crate_compiler({{"CC", "gcc"}, {"HOST_CC", "ccache clang-22"}}, t, t), "clang-22");
  EXPECT_EQ(cc_crate_compiler({{"CC", "gcc"}, {"TARGET_CC", "clang-22"}}, t, t), "gcc");  // native build: HOST_CC
  EXPECT_EQ(cc_crate_compiler({{"CC", "gcc"}, {"TARGET_CC", "clang-22"}}, t, "aarch64-unknown-linux-gnu"), "clang-22");
  EXPECT_EQ(cc_crate_compiler({{"CC_x86_64_unknown_linux_gnu", "clang-21"}, {"CC", "gcc"}}, t, t), "clang-21");
  EXPECT_EQ(cc_crate_compiler({{"CC_" + t, "clang-22"}, {"CC_x86_64_unknown_linux_gnu", "clang-21"}}, t, t), "clang-22");
  EXPECT_EQ(cc_crate_compiler({{"CC", "  "}}, t, t), "cc");
}

TEST(CcCrate, WarnsUnlessClangOfRustcsLlvmMajor) {
  EXPECT_EQ(clang_major_from_version_output("Debian clang version 22.1.8 (++2025)\nTarget: x86_64\n"), 22);
  EXPECT_EQ(clang_major_from_version_output("clang version 19.1.7\n"), 19);
  EXPECT_FALSE(clang_major_from_version_output("cc (Debian 12.2.0-14) 12.2.0\n"));
  EXPECT_FALSE(cc_compiler_warning("clang-22", "Debian clang version 22.1.8\n", 22));
  auto gcc = cc_compiler_warning("cc", "cc (Debian 12.2.0-14) 12.2.0\n", 22);
  ASSERT_TRUE(gcc);
  EXPECT_NE(gcc->find("is not clang (cc (Debian 12.2.0-14) 12.2.0)"), std::string::npos) << *gcc;
  EXPECT_NE(gcc->find("LLVM 22"), std::string::npos);
  auto old = cc_compiler_warning("clang-19", "clang version 19.1.7\n", 22);
  ASSERT_TRUE(old);
  EXPECT_NE(old->find("is clang 19"), std::string::npos) << *old;
  EXPECT_TRUE(cc_compiler_warning("cc", "", 22));
}

}  // namespace
}  // namespace pgo::cargo
