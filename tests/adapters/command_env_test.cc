// Pure parts of the command build adapter: the variables a build gets, placeholder
// expansion in configure/build commands, shell quoting, compiler identification from
// predefined macros, thread symbols.
#include <gtest/gtest.h>

#include "adapters/command/command_env.h"
#include "adapters/command/compiler_id.h"
#include "adapters/command/threads.h"
#include "support/error.h"

namespace pgo::command {
namespace {

const Flags kGcc{{"-fprofile-generate=/p/raw", "-fprofile-prefix-path=/p/b"}, {"-fprofile-generate=/p/raw"}};

TEST(CommandVariables, PgoFlagsAreAppendedToTheUsers) {
  auto vars = build_variables({{"CFLAGS", "-O2 -march=native"}, {"CXXFLAGS", "-O3"}, {"LDFLAGS", "-Wl,--as-needed"}},
                              "/usr/bin/gcc", "/usr/bin/g++", kGcc);
  EXPECT_EQ(vars.at("CC"), "/usr/bin/gcc");
  EXPECT_EQ(vars.at("CXX"), "/usr/bin/g++");
  EXPECT_EQ(vars.at("CFLAGS"), "-O2 -march=native -fprofile-generate=/p/raw -fprofile-prefix-path=/p/b");
  EXPECT_EQ(vars.at("CXXFLAGS"), "-O3 -fprofile-generate=/p/raw -fprofile-prefix-path=/p/b");
  EXPECT_EQ(vars.at("LDFLAGS"), "-Wl,--as-needed -fprofile-generate=/p/raw");
}

TEST(CommandVariables, UnsetUserFlagsGiveOnlyPgosAndBaselineGetsEmptyValues) {
  auto vars = build_variables({}, "/usr/bin/clang-22", "/usr/bin/clang++-22", Flags{{"-fprofile-generate"}, {"-fprofile-generate"}});
  EXPECT_EQ(vars.at("CFLAGS"), "-fprofile-generate");
  EXPECT_EQ(vars.at("LDFLAGS"), "-fprofile-generate");
  // Baseline: set and empty, so that every kind sees the same base flags.
  auto baseline = build_variables({}, "/usr/bin/gcc", "/usr/bin/g++", Flags{});
  ASSERT_TRUE(baseline.count("CFLAGS"));
  EXPECT_EQ(baseline.at("CFLAGS"), "");
  EXPECT_EQ(baseline.at("CXXFLAGS"), "");
  EXPECT_EQ(baseline.at("LDFLAGS"), "");
  auto user_only = build_variables({{"CFLAGS", "  -O1 "}}, "/usr/bin/gcc", "/usr/bin/g++", Flags{});
  EXPECT_EQ(user_only.at("CFLAGS"), "-O1");
}

TEST(CommandVariables, FlagsWithBlanksAreQuotedForTheShell) {
  auto vars = build_variables({}, "gcc", "g++", Flags{{"-fprofile-use=/my project/p.profdata", "-mllvm", "-x"}, {}});
  EXPECT_EQ(vars.at("CFLAGS"), "'-fprofile-use=/my project/p.profdata' -mllvm -x");
}

TEST(ShellWord, QuotesOnlyWhatNeedsIt) {
  EXPECT_EQ(shell_word("-O2"), "-O2");
  EXPECT_EQ(shell_word("-fprofile-use=/a/b.profdata"), "-fprofile-use=/a/b.profdata");
  EXPECT_EQ(shell_word(""), "''");
  EXPECT_EQ(shell_word("a b"), "'a b'");
  EXPECT_EQ(shell_word("it's"), "'it'\\''s'");
  EXPECT_EQ(shell_word("$(rm -rf /)"), "'$(rm -rf /)'");
  EXPECT_EQ(shell_words({"-a", "b c"}), "-a 'b c'");
}

PlaceholderValues values() {
  PlaceholderValues v;
  v.pgo_cflags = {"-fprofile-use=/x y/p.profdata", "-Wno-error=coverage-mismatch"};
  v.pgo_ldflags = {"-fprofile-use=/x y/p.profdata"};
  v.cc = "/usr/bin/gcc";
  v.cxx = "/usr/bin/g++";
  v.source_dir = "/src dir";
  v.build_dir = "/b/tree";
  v.project = "/proj";
  v.jobs = "4";
  return v;
}

CommandLine argv_of(std::vector<std::string> argv) { return CommandLine{std::move(argv), false, {}}; }

TEST(ExpandCommand, WholeFlagElementsSplatIntoArguments) {
  auto argv = expand_command(argv_of({"make", "-j${jobs}", "${pgo_cflags}", "X=${pgo_ldflags}"}), values(), "pgo.yaml:3: build.build");
  std::vector<std::string> want = {"make", "-j4", "-fprofile-use=/x y/p.profdata", "-Wno-error=coverage-mismatch",
                                   "X='-fprofile-use=/x y/p.profdata'"};
  EXPECT_EQ(argv, want);
}

TEST(ExpandCommand, EmptyFlagListsVanishAsWholeElements) {
  PlaceholderValues v = values();
  v.pgo_cflags.clear();
  auto argv = expand_command(argv_of({"make", "${pgo_cflags}", "CFLAGS=-O2 ${pgo_cflags}"}), v, "w");
  std::vector<std::string> want = {"make", "CFLAGS=-O2 "};
  EXPECT_EQ(argv, want);
}

TEST(ExpandCommand, PathsStayUnquotedInArgvAndAreQuotedInShellLines) {
  auto argv = expand_command(argv_of({"${source_dir}/configure", "--prefix=${build_dir}/inst", "CC=${cc}"}), values(), "w");
  std::vector<std::string> want = {"/src dir/configure", "--prefix=/b/tree/inst", "CC=/usr/bin/gcc"};
  EXPECT_EQ(argv, want);

  CommandLine line{{"${source_dir}/configure CFLAGS=\"-O2 ${pgo_cflags}\" && make -j${jobs}"}, true, {}};
  auto sh = expand_command(line, values(), "w");
  ASSERT_EQ(sh.size(), 3u);
  EXPECT_EQ(sh[0], "/bin/sh");
  EXPECT_EQ(sh[1], "-c");
  EXPECT_EQ(sh[2], "'/src dir'/configure CFLAGS=\"-O2 '-fprofile-use=/x y/p.profdata' -Wno-error=coverage-mismatch\" && make -j4");
}

TEST(ExpandCommand, DollarsOtherThanPlaceholdersStay) {
  auto argv = expand_command(argv_of({"sh", "-c", "echo $HOME $(pwd) $$ $${X} ${project}"}), values(), "w");
  EXPECT_EQ(argv[2], "echo $HOME $(pwd) $ ${X} /proj");
}

TEST(ExpandCommand, UnknownAndUnterminatedPlaceholdersAreUsageErrors) {
  try {
    expand_command(argv_of({"make", "${pgo_cflag}"}), values(), "pgo.yaml:7: build.build");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::kUsage);
    std::string m = e.what();
    EXPECT_NE(m.find("pgo.yaml:7: build.build[1]"), std::string::npos) << m;
    EXPECT_NE(m.find("${pgo_cflag}"), std::string::npos) << m;
    EXPECT_NE(m.find("${pgo_cflags}"), std::string::npos) << m;  // the known ones are listed
  }
  EXPECT_THROW(expand_command(argv_of({"make", "CFLAGS=${pgo_cflags"}), values(), "w"), Error);
  EXPECT_THROW(expand_command(CommandLine{{"make ${oops}"}, true, {}}, values(), "w"), Error);
}

TEST(CompilerIdentity, ClangWinsOverItsGnucMacros) {
  auto id = parse_predefined_macros(
      "#define __GNUC__ 4\n#define __GNUC_MINOR__ 2\n#define __clang__ 1\n#define __clang_major__ 22\n"
      "#define __clang_minor__ 1\n#define __clang_patchlevel__ 3\n");
  EXPECT_EQ(id.id, "Clang");
  EXPECT_EQ(id.version, "22.1.3");
  auto apple = parse_predefined_macros("#define __clang__ 1\n#define __apple_build_version__ 15000040\n"
                                       "#define __clang_major__ 15\n");
  EXPECT_EQ(apple.id, "AppleClang");
  EXPECT_EQ(apple.version, "15.0.0");
}

TEST(CompilerIdentity, GnuAndUnknown) {
  auto gnu = parse_predefined_macros("#define __STDC__ 1\n#define __GNUC_PATCHLEVEL__ 0\n#define __GNUC__ 12\n"
                                     "#define __GNUC_MINOR__ 2\n");
  EXPECT_EQ(gnu.id, "GNU");
  EXPECT_EQ(gnu.version, "12.2.0");
  EXPECT_EQ(parse_predefined_macros("#define __STDC__ 1\n").id, "");
  EXPECT_EQ(parse_predefined_macros("#define __GNUC__ 2021\n#define __INTEL_COMPILER 2021\n").id, "");
}

TEST(ThreadSymbols, Names) {
  EXPECT_TRUE(is_thread_symbol("pthread_create"));
  EXPECT_TRUE(is_thread_symbol("pthread_create@GLIBC_2.34"));
  EXPECT_TRUE(is_thread_symbol("thrd_create"));
  EXPECT_TRUE(is_thread_symbol("GOMP_parallel"));
  EXPECT_TRUE(is_thread_symbol("_ZNSt6thread15_M_start_threadESt10unique_ptrINS_6_StateESt14default_deleteIS1_EEPFvvE"));
  EXPECT_FALSE(is_thread_symbol("pthread_mutex_lock"));
  EXPECT_FALSE(is_thread_symbol("main"));
}

}  // namespace
}  // namespace pgo::command
