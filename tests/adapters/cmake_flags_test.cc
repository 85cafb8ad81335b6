// pgo-flags.cmake rendering, CMAKE_PROJECT_INCLUDE handling and compiler defaults.
// (That the rendered file really reaches the compile lines is checked in cmake_build_test.)
#include <gtest/gtest.h>

#include "adapters/cmake/cmake_build.h"
#include "adapters/cmake/flags_file.h"
#include "support/error.h"

namespace pgo::cmake {
namespace {

using Args = std::vector<std::string>;

TEST(CMakeFlagsFile, CompileAndLinkFlagsAreOneShellOptionEachRestrictedToCAndCxx) {
  Flags flags;
  flags.compile = {"-fprofile-generate=/tmp/p", "-mllvm", "-a", "-mllvm", "-b"};
  flags.link = {"-fprofile-generate=/tmp/p"};
  std::string text = render_flags_file(flags, "");
  EXPECT_NE(text.find("add_compile_options([[$<$<COMPILE_LANGUAGE:C,CXX>:SHELL:"
                      "-fprofile-generate=/tmp/p -mllvm -a -mllvm -b>]])"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("add_link_options([[$<$<LINK_LANGUAGE:C,CXX>:SHELL:-fprofile-generate=/tmp/p>]])"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("include_guard(GLOBAL)"), std::string::npos);
  EXPECT_NE(text.find("PGO_THREADS_TARGETS"), std::string::npos);
  EXPECT_EQ(text.find("include(["), std::string::npos) << "no user include was given";
}

TEST(CMakeFlagsFile, NoFlagsNoOptions) {
  std::string text = render_flags_file(Flags{}, "");
  EXPECT_EQ(text.find("add_compile_options"), std::string::npos);
  EXPECT_EQ(text.find("add_link_options"), std::string::npos);
}

TEST(CMakeFlagsFile, UserIncludeComesBeforeTheGuardSoItRunsForEveryProject) {
  std::string text = render_flags_file(Flags{{"-O3"}, {}}, "/src/their]].cmake");
  size_t theirs = text.find("include([=[/src/their]].cmake]=])");
  size_t guard = text.find("include_guard(GLOBAL)");
  ASSERT_NE(theirs, std::string::npos) << text;
  EXPECT_LT(theirs, guard);
}

TEST(CMakeFlagsFile, BracketArgumentGrowsPastAnyClosingSequenceInTheFlags) {
  std::string text = render_flags_file(Flags{{"-DX=a]]b"}, {}}, "");
  EXPECT_NE(text.find("add_compile_options([=[$<"), std::string::npos) << text;
}

TEST(CMakeFlagsFile, RejectsFlagsCMakeCannotCarry) {
  for (const char* bad : {"-DX=a;b", "-DX=$<CONFIG>", "-DX=a\nb"}) {
    try {
      render_flags_file(Flags{{bad}, {}}, "");
      ADD_FAILURE() << "accepted " << bad;
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ExitCode::kUsage);
      EXPECT_NE(std::string(e.what()).find("cannot pass the flag"), std::string::npos);
    }
  }
}

TEST(CMakeFlagsFile, QuoteShellOption) {
  EXPECT_EQ(quote_shell_option("-O2"), "-O2");
  EXPECT_EQ(quote_shell_option("-DM=\"a b\""), "-DM=\\\"a\\ b\\\"");
  EXPECT_EQ(quote_shell_option("-DQ=it's\\"), "-DQ=it\\'s\\\\");
  EXPECT_EQ(quote_shell_option("-DG=a>b"), "-DG=a$<ANGLE-R>b");
  EXPECT_EQ(quote_shell_option(""), "\"\"");
}

TEST(CMakeProjectInclude, TakesEveryFormAndKeepsTheRest) {
  Args args = {"-DA=1", "-DCMAKE_PROJECT_INCLUDE=x.cmake", "-Wdev"};
  EXPECT_EQ(take_project_include(args), "x.cmake");
  EXPECT_EQ(args, (Args{"-DA=1", "-Wdev"}));

  args = {"-DCMAKE_PROJECT_INCLUDE:FILEPATH=/a/y.cmake"};
  EXPECT_EQ(take_project_include(args), "/a/y.cmake");
  EXPECT_TRUE(args.empty());

  args = {"-D", "CMAKE_PROJECT_INCLUDE=z.cmake", "-DB=2"};
  EXPECT_EQ(take_project_include(args), "z.cmake");
  EXPECT_EQ(args, (Args{"-DB=2"}));

  // Look-alikes stay.
  args = {"-DCMAKE_PROJECT_INCLUDE_BEFORE=b.cmake", "-DCMAKE_PROJECT_pgo_INCLUDE=c.cmake"};
  EXPECT_EQ(take_project_include(args), "");
  EXPECT_EQ(args.size(), 2u);
}

TEST(CMakeCompilers, DebianPackages) {
  EXPECT_EQ(debian_package_for("gcc"), "gcc");
  EXPECT_EQ(debian_package_for("g++"), "g++");
  EXPECT_EQ(debian_package_for("clang-22"), "clang-22");
  EXPECT_EQ(debian_package_for("clang++-22"), "clang-22");
  EXPECT_EQ(debian_package_for("clang++"), "clang");
  EXPECT_EQ(debian_package_for("/usr/bin/g++-12"), "g++-12");
}

TEST(CMakeCompilers, GccDefaultsAreAbsolutePaths) {
  if (!find_program("gcc") || !find_program("g++")) GTEST_SKIP() << "no gcc";
  Compilers c = resolve_compilers(ToolchainSpec{"gcc", "", "", {}});
  EXPECT_TRUE(c.cc.is_absolute());
  EXPECT_EQ(c.cc.filename(), "gcc");
  EXPECT_EQ(c.cxx.filename(), "g++");
}

TEST(CMakeCompilers, ClangPrefersClang22) {
  if (!find_program("clang-22") || !find_program("clang++-22")) GTEST_SKIP() << "no clang-22";
  Compilers c = resolve_compilers(ToolchainSpec{"clang", "", "", {}});
  EXPECT_EQ(c.cc.filename(), "clang-22");
  EXPECT_EQ(c.cxx.filename(), "clang++-22");
}

TEST(CMakeCompilers, MissingCompilerNamesItsPackage) {
  try {
    resolve_compilers(ToolchainSpec{"clang", "clang-99", "clang++-99", {}});
    FAIL() << "clang-99 found?";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::kBuildFailure);
    EXPECT_NE(std::string(e.what()).find("apt-get install clang-99"), std::string::npos) << e.what();
  }
}

TEST(CMakeCompilers, UnknownToolchainNeedsExplicitCompilers) {
  try {
    resolve_compilers(ToolchainSpec{"icc", "", "", {}});
    FAIL() << "icc got defaults";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::kUsage);
  }
}

}  // namespace
}  // namespace pgo::cmake
