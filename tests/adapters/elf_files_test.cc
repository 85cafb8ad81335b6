// adapters/elf: the libraries of a build tree, on a real shared library and a program that
// links it (built here with clang-22), and the LLVM function match reading both.
#include "adapters/elf/elf_files.h"
#include "adapters/elf/elf_symbols.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "adapters/llvm/function_match.h"
#include "tests/adapters/llvm_test_support.h"

namespace pgo {
namespace {

namespace fs = std::filesystem;
using llvm_test::run_ok;
using llvm_test::TempDir;
using llvm_test::write_text;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

// The hot loop lives in the library; the program only calls it.
constexpr const char* kLibrary = R"(
__attribute__((noinline)) static int step(int x) { return x % 7 ? x * 3 : x / 2; }
int hot_sum(int n) {
  int s = 0;
  for (int i = 0; i < n; i++) s += step(i);
  return s;
}
)";
constexpr const char* kProgram = R"(#include <stdio.h>
#include <stdlib.h>
int hot_sum(int n);
int main(int argc, char** argv) { printf("%d\n", hot_sum(argc > 1 ? atoi(argv[1]) : 1000)); return 0; }
)";

// tree/lib/libhot.so.1 (SONAME libhot.so.1, link libhot.so) and tree/bin/app linking it,
// with RUNPATH $ORIGIN/../lib unless `rpath` is false.
struct Tree {
  TempDir dir;
  fs::path root, lib, app;

  explicit Tree(const std::vector<std::string>& flags = {}, bool rpath = true) {
    root = dir / "tree";
    fs::create_directories(root / "lib");
    fs::create_directories(root / "bin");
    write_text(dir / "hot.c", kLibrary);
    write_text(dir / "app.c", kProgram);
    lib = root / "lib" / "libhot.so.1";
    std::vector<std::string> cc = {"clang-22", "-O2", "-fPIC"};
    cc.insert(cc.end(), flags.begin(), flags.end());
    std::vector<std::string> l = cc;
    l.insert(l.end(), {"-shared", "-Wl,-soname,libhot.so.1", (dir / "hot.c").string(), "-o", lib.string()});
    run_ok(l);
    fs::create_symlink("libhot.so.1", root / "lib" / "libhot.so");
    app = root / "bin" / "app";
    std::vector<std::string> a = cc;
    a.insert(a.end(), {(dir / "app.c").string(), "-L", (root / "lib").string(), "-lhot", "-o", app.string()});
    if (rpath) a.push_back("-Wl,--enable-new-dtags,-rpath,$ORIGIN/../lib");
    run_ok(a);
    write_text(root / "lib" / "notes.txt", "not ELF");
  }
};

TEST(ElfFiles, ReadsNeededLibrariesAndRunpath) {
  Tree t;
  elf::DynamicInfo app = elf::read_dynamic_info(t.app);
  EXPECT_THAT(app.needed, ::testing::Contains("libhot.so.1"));
  EXPECT_THAT(app.runpath, ElementsAre("$ORIGIN/../lib"));
  EXPECT_FALSE(app.shared_object);
  EXPECT_TRUE(elf::read_dynamic_info(t.lib).shared_object);
  elf::DynamicInfo text = elf::read_dynamic_info(t.root / "lib" / "notes.txt");
  EXPECT_TRUE(text.needed.empty());
  EXPECT_FALSE(text.shared_object);
}

TEST(ElfFiles, FindsTheLibrariesAProgramLoadsFromItsTree) {
  Tree t;
  EXPECT_THAT(elf::libraries_from_tree(t.app, t.root), ElementsAre(fs::canonical(t.lib)));
  // libc and the like are outside the tree; a tree that holds only the program has none.
  EXPECT_THAT(elf::libraries_from_tree(t.app, t.root / "bin"), IsEmpty());
  // The scan finds the library file once: not its symbolic link, not the program or text.
  EXPECT_THAT(elf::shared_objects_in(t.root), ElementsAre(t.lib));
}

TEST(ElfFiles, AddsEachLibraryOnceAndWarnsWhenTheProgramCannotReachIt) {
  Tree t;
  BuildResult build;
  build.artifacts.push_back(Artifact{"app", t.app, false});
  elf::add_library(build, t.lib, "hot");
  elf::add_library(build, t.root / "lib" / "libhot.so");  // the same file through its link
  elf::add_libraries_loaded_from(build, t.root);
  ASSERT_EQ(build.libraries.size(), 1u);
  EXPECT_EQ(build.libraries[0].target, "hot");
  EXPECT_THAT(project_binaries(build), ElementsAre(t.app, t.lib));
  EXPECT_THAT(elf::unreachable_library_warnings(build), IsEmpty());

  Tree no_rpath({}, /*rpath=*/false);
  BuildResult bare;
  bare.artifacts.push_back(Artifact{"app", no_rpath.app, false});
  elf::add_library(bare, no_rpath.lib);
  std::vector<std::string> warnings = elf::unreachable_library_warnings(bare);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_THAT(warnings[0], HasSubstr("app needs libhot.so.1"));
  EXPECT_THAT(warnings[0], HasSubstr(no_rpath.lib.string()));
}

// The profile of a run holds the library's functions; the executable alone does not have
// them, so reading only it makes an unchanged tree look stale.
TEST(ElfFiles, LlvmMatchReadsTheLibrariesOfTheBuild) {
  if (!llvm_test::have_program("llvm-profdata-22")) GTEST_SKIP() << "llvm-profdata-22 not installed";
  Tree t({"-fprofile-generate"});
  fs::path runs = t.dir / "runs";
  fs::create_directories(runs);
  run_ok({t.app.string(), "5000"}, {{"LLVM_PROFILE_FILE", (runs / "%m_%p.profraw").string()}});
  std::vector<std::string> merge = {"llvm-profdata-22", "merge", "-o", (t.dir / "merged.profdata").string()};
  for (const auto& e : fs::directory_iterator(runs)) merge.push_back(e.path().string());
  run_ok(merge);

  FunctionMatch with_library = match_llvm_profile(t.dir / "merged.profdata", {t.app}, {t.lib});
  EXPECT_DOUBLE_EQ(with_library.weighted_match(), 1.0);
  EXPECT_DOUBLE_EQ(with_library.function_match(), 1.0);
  EXPECT_EQ(with_library.removed, 0u);

  FunctionMatch executable_only = match_llvm_profile(t.dir / "merged.profdata", {t.app});
  EXPECT_LT(executable_only.weighted_match(), 0.5);
  EXPECT_GE(executable_only.removed, 2u);  // hot_sum and step

  // A library without profile data (a prebuilt one) is left out, not an error.
  Tree plain;
  FunctionMatch with_plain = match_llvm_profile(t.dir / "merged.profdata", {t.app}, {t.lib, plain.lib});
  EXPECT_DOUBLE_EQ(with_plain.weighted_match(), 1.0);
}

// A build that ignored pgo's flags is told by the missing runtime: clang's and GCC's.
TEST(ElfSymbols, AProgramBuiltWithoutInstrumentationLacksTheProfilingRuntime) {
  Tree plain;
  Tree instrumented({"-fprofile-generate"});
  EXPECT_THAT(missing_profile_runtime(plain.app, "__llvm_profile_", "LLVM profiling runtime"),
              HasSubstr("bin/app has no __llvm_profile_* symbol, so no LLVM profiling runtime was linked into it"));
  EXPECT_EQ(missing_profile_runtime(instrumented.app, "__llvm_profile_", "LLVM profiling runtime"), "");

  const fs::path gcc_app = plain.dir / "gcc-app";
  run_ok({"gcc", "-O2", "-fprofile-generate", (plain.dir / "app.c").string(), (plain.dir / "hot.c").string(), "-o",
          gcc_app.string()});
  EXPECT_EQ(missing_profile_runtime(gcc_app, "__gcov_", "libgcov"), "");
  EXPECT_THAT(missing_profile_runtime(plain.app, "__gcov_", "libgcov"), HasSubstr("${pgo_cflags}"));
  // Not an object file (a wrapper script): nothing can be told.
  write_text(plain.dir / "run.sh", "#!/bin/sh\nexec true\n");
  EXPECT_EQ(missing_profile_runtime(plain.dir / "run.sh", "__gcov_", "libgcov"), "");
}

}  // namespace
}  // namespace pgo
