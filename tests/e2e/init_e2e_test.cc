// `pgo init` end to end (issue 14): on each bundled example with its pgo.yaml removed, it
// writes a pgo.yaml for the example's build system (CMake, make, Cargo, Go) whose workloads
// run, so that `pgo build --no-bench` succeeds on it unchanged; its probe tree is gone after.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <regex>
#include <sstream>

#include "support/atomic_file.h"
#include "workloads/process.h"
#include "tests/e2e/e2e_support.h"

namespace fs = std::filesystem;
using ::testing::HasSubstr;

namespace pgo::e2e {
namespace {

struct Example {
  std::string name, system, first_run;
};

class InitE2e : public ::testing::TestWithParam<Example> {};

TEST_P(InitE2e, WritesAPgoYamlThatBuildsUnchanged) {
  const Example& e = GetParam();
  fs::path project = copy_example(e.name);
  fs::remove(project / "pgo.yaml");
  fs::remove_all(project / ".pgo");
  PgoRun init = run_pgo({"init", "-C", project.string()});
  ASSERT_EQ(init.exit_code, 0) << init.out << init.err;
  EXPECT_NE(init.out.find("wrote " + (project / "pgo.yaml").string()), std::string::npos) << init.out;
  EXPECT_EQ(init.out.find("/./"), std::string::npos) << init.out;
  EXPECT_FALSE(fs::exists(project / ".pgo")) << "the probe tree stays behind";
  const std::string yaml = read_file(project / "pgo.yaml");
  EXPECT_NE(yaml.find("system: " + e.system), std::string::npos) << yaml;
  EXPECT_NE(yaml.find(e.first_run), std::string::npos) << yaml;

  PgoRun build = run_pgo({"build", "-C", project.string(), "--no-bench"});
  EXPECT_EQ(build.exit_code, 0) << yaml << build.err;

  PgoRun again = run_pgo({"init", "-C", project.string()});
  EXPECT_EQ(again.exit_code, 2);
  EXPECT_NE(again.err.find("already exists; pass --force"), std::string::npos) << again.err;
}

INSTANTIATE_TEST_SUITE_P(
    BundledExamples, InitE2e,
    ::testing::Values(Example{"c-cmake", "cmake", "run: [\"${bin:calc}\", \"--help\"]"},
                      Example{"cpp-cmake", "cmake", "run: [\"${bin:orderbook}\"]"},
                      Example{"c-make", "command", "artifacts:\n    pack: pack"},
                      Example{"rust-cargo", "cargo", "bins: [rvm]"},
                      Example{"go-module", "go", "packages: [\"./cmd/gomodule\"]"},
                      Example{"c-server", "cmake", "run: [\"${bin:kvload}\", \"--help\"]"},
                      Example{"go-server", "go", "packages: [\"./cmd/load\", \"./cmd/server\"]"}),
    [](const ::testing::TestParamInfo<Example>& info) {
      std::string name = info.param.name;
      std::replace(name.begin(), name.end(), '-', '_');
      return name;
    });

// A real Makefile of the shape the examples avoid: bzip2 1.0.8 (crates.io bzip2-sys
// 0.1.13+1.0.8, scripts/real-projects.sh) sets CC and CFLAGS itself, so flags in make's
// environment never reach its compiler (a pgo.yaml that relies on them trains into an error
// that says so); and bzip2recover exits 1 on --help. pgo init (--force: over that file) puts
// CC and the flags on make's command line after the Makefile's own and leaves bzip2recover's
// workload commented out; the file then builds and trains unchanged, with the toolchain's own
// compiler and profiles that count.
TEST(InitE2eRealProject, Bzip2WhoseMakefileSetsItsOwnCcAndCflags) {
  std::string why;
  fs::path project = copy_real_project("bzip2", &why);
  ASSERT_FALSE(project.empty()) << why;
  // Written by hand the naive way, the flags never reach the compiler: training says why.
  write_text(project / "pgo.yaml",
             "version: 1\nbuild:\n  system: command\n  build: [make, \"-j${jobs}\"]\n  artifacts: {bzip2: bzip2}\n"
             "toolchains: [gcc]\nworkloads:\n  - name: help\n    run: [\"${bin:bzip2}\", \"--help\"]\n");
  PgoRun naive = run_pgo({"build", "-C", project.string(), "--no-bench"});
  EXPECT_EQ(naive.exit_code, 4) << naive.err;
  EXPECT_THAT(naive.err, HasSubstr("instrumented/tree/bzip2 has no __gcov_* symbol, so no libgcov (GCC's profiling "
                                   "runtime) was linked into it"));

  PgoRun init = run_pgo({"init", "-C", project.string(), "--force"});
  ASSERT_EQ(init.exit_code, 0) << init.out << init.err;
  const std::string yaml = read_file(project / "pgo.yaml");
  EXPECT_NE(yaml.find("build: [\"make\", \"-j${jobs}\", \"CC=${cc}\", "
                      "\"CFLAGS=-Wall -Winline -O2 -g $(BIGFILES) ${pgo_cflags}\", \"LDFLAGS=${pgo_ldflags}\"]"),
            std::string::npos)
      << yaml;
  EXPECT_NE(yaml.find("  # - name: bzip2recover-main"), std::string::npos) << yaml;

  // clang alone: the Makefile's CC=gcc must give way to it (gcc's build is the same shape).
  PgoRun build = run_pgo({"build", "-C", project.string(), "--no-bench", "--toolchain", "clang"});
  ASSERT_EQ(build.exit_code, 0) << yaml << build.err;
  const auto report = read_json(project / ".pgo/reports/latest/report.json");
  int bzip2_profiles = 0;
  for (const auto& p : report["profiles"]) {
    if (p["target"] != "bzip2") continue;
    ++bzip2_profiles;
    EXPECT_GT(p["profile"]["total_count"].get<int64_t>(), 0) << p.dump(2);
  }
  EXPECT_EQ(bzip2_profiles, 1) << report["profiles"].dump(2);
  const std::string log = read_file(project / ".pgo/build/clang/instrumented/pgo-build.log");
  EXPECT_TRUE(std::regex_search(log, std::regex("make -j[0-9]+ CC=[^ ]*clang[^ ]* 'CFLAGS=-Wall .* -fprofile-generate"))) << log;
  fs::remove_all(project.parent_path());
}

// `pgo export` (issue 14, "Shipping the result"): Go's default.pgo, which a plain `go build`
// uses (go version -m shows -pgo=.../default.pgo); LLVM and GCC copies with their flags.
// Built with -trimpath, as reproducible Go releases are: the binary pgo measured records
// -pgo=default.pgo, as the plain build after `pgo export` does (and pgo's check of the
// recorded setting accepts the file name that -trimpath leaves).
TEST(ExportE2e, APlainGoBuildUsesTheExportedDefaultPgo) {
  ScopedEnv trimpath("GOFLAGS", "-trimpath");
  fs::path project = copy_example("go-module");
  PgoRun build = run_pgo({"build", "-C", project.string(), "--no-bench"});
  ASSERT_EQ(build.exit_code, 0) << build.err;
  PgoRun exported = run_pgo({"export", "-C", project.string()});
  ASSERT_EQ(exported.exit_code, 0) << exported.err;
  const fs::path default_pgo = project / "cmd" / "gomodule" / "default.pgo";
  ASSERT_TRUE(fs::exists(default_pgo)) << exported.out;
  EXPECT_EQ(read_file(default_pgo), read_file(project / ".pgo/profiles/gomodule/go.pprof"));
  EXPECT_NE(exported.out.find("kernels.test (go): not exported"), std::string::npos) << exported.out;

  const fs::path app = project / "plain-app";
  ProcessSpec go_build;
  go_build.argv = {"go", "build", "-o", app.string(), "./cmd/gomodule"};
  go_build.cwd = project;
  SystemProcessRunner runner;
  ASSERT_TRUE(run_captured(runner, go_build).result.ok());
  auto build_settings = [&](const fs::path& binary) {
    ProcessSpec version;
    version.argv = {"go", "version", "-m", binary.string()};
    CapturedRun info = run_captured(runner, version);
    EXPECT_TRUE(info.result.ok()) << info.err;
    std::string settings;  // "\tbuild\t-pgo=...\n" lines, sorted by go
    std::istringstream lines(info.out);
    for (std::string line; std::getline(lines, line);)
      if (line.find("\tbuild\t-pgo=") != std::string::npos || line.find("\tbuild\t-trimpath=") != std::string::npos)
        settings += line + "\n";
    return settings;
  };
  // Go uses a default.pgo only from the main package's directory: this is the exported one.
  const std::string plain = build_settings(app);
  EXPECT_EQ(plain, "\tbuild\t-pgo=default.pgo\n\tbuild\t-trimpath=true\n");
  EXPECT_EQ(build_settings(project / ".pgo/build/go/optimized/gomodule"), plain);
}

TEST(ExportE2e, LlvmAndGccProfilesAreCopiedWithTheFlagsThatUseThem) {
  fs::path project = copy_example("c-make");
  PgoRun build = run_pgo({"build", "-C", project.string(), "--no-bench"});
  ASSERT_EQ(build.exit_code, 0) << build.err;
  const fs::path out = project / "exported";
  PgoRun exported = run_pgo({"export", "-C", project.string(), "--out", out.string()});
  ASSERT_EQ(exported.exit_code, 0) << exported.err;
  EXPECT_TRUE(fs::is_regular_file(out / "pack.clang.profdata"));
  EXPECT_TRUE(fs::is_directory(out / "pack.gcc.gcda.d"));
  EXPECT_NE(exported.out.find("-fprofile-use=" + (out / "pack.clang.profdata").string()), std::string::npos)
      << exported.out;
  EXPECT_NE(exported.out.find("-fprofile-use=" + (out / "pack.gcc.gcda.d").string()), std::string::npos)
      << exported.out;
  // Damaged metadata is named with its key, exit 1, and nothing of that profile is copied.
  const fs::path meta = project / ".pgo/profiles/pack/clang.json";
  write_text(meta, std::regex_replace(read_file(meta), std::regex("\"recipe\": \"pgo\""), "\"recipe\": 3"));
  const fs::path out2 = project / "exported-again";
  PgoRun damaged = run_pgo({"export", "-C", project.string(), "--toolchain", "clang", "--out", out2.string()});
  EXPECT_EQ(damaged.exit_code, 1) << damaged.err;
  EXPECT_NE(damaged.err.find(meta.string() + ": corrupt profile metadata: key 'recipe' is number"), std::string::npos)
      << damaged.err;
  EXPECT_FALSE(fs::exists(out2 / "pack.clang.profdata"));
  // Nothing stored yet: said so.
  PgoRun none = run_pgo({"export", "-C", copy_example("c-cmake").string()});
  EXPECT_EQ(none.exit_code, 2);
  EXPECT_NE(none.err.find("run `pgo build` first"), std::string::npos) << none.err;
}

// -v streams the build tool's output (cmake's ninja lines here); -q prints no progress at all,
// before or after the command; both together are refused.
TEST(CliConventions, VerboseStreamsTheBuildToolAndQuietPrintsNoProgress) {
  fs::path project = copy_example("c-cmake");
  write_text(project / "pgo.yaml",
             "version: 1\nbuild:\n  system: cmake\n  targets: [calc]\ntoolchains: [gcc]\nworkloads:\n"
             "  - name: fib\n    run: [\"${bin:calc}\", \"${project}/scripts/fib.calc\", \"18\"]\n");
  PgoRun verbose = run_pgo({"build", "-C", project.string(), "--no-bench", "-v"});
  ASSERT_EQ(verbose.exit_code, 0) << verbose.err;
  EXPECT_NE(verbose.err.find("Building C object"), std::string::npos) << verbose.err;  // ninja, through cmake --build
  EXPECT_NE(verbose.err.find("[gcc] build baseline"), std::string::npos) << verbose.err;

  PgoRun quiet = run_pgo({"-q", "build", "-C", project.string(), "--no-bench", "--force"});
  ASSERT_EQ(quiet.exit_code, 0) << quiet.err;
  EXPECT_EQ(quiet.err.find("[gcc]"), std::string::npos) << quiet.err;
  EXPECT_NE(quiet.out.find("Profile"), std::string::npos) << quiet.out;  // the result still is printed

  PgoRun both = run_pgo({"build", "-C", project.string(), "-q", "-v"});
  EXPECT_EQ(both.exit_code, 2) << both.err;
}

// Cargo's own arguments pass through: `pgo build -- --locked`, build.cargo_args; those pgo
// sets itself are refused, and so is `--` for a project cargo does not build.
TEST(CliConventions, ExtraCargoArgumentsPassThrough) {
  fs::path project = copy_example("rust-cargo");
  write_text(project / "pgo.yaml",
             "version: 1\nbuild:\n  system: cargo\n  bins: [rvm]\n  cargo_args: [--offline]\n"
             "workloads:\n  - name: fib\n    run: [\"${bin:rvm}\", \"fib\", \"18\"]\n");
  PgoRun build = run_pgo({"build", "-C", project.string(), "--no-bench", "--", "--locked"});
  ASSERT_EQ(build.exit_code, 0) << build.err;
  const std::string log = read_file(project / ".pgo/build/rust/optimized/pgo-build.log");
  EXPECT_NE(log.find("--offline --locked"), std::string::npos) << log.substr(0, 1500);
  PgoRun own = run_pgo({"build", "-C", project.string(), "--no-bench", "--", "--release"});
  EXPECT_EQ(own.exit_code, 2);
  EXPECT_NE(own.err.find("'--release' is set by pgo"), std::string::npos) << own.err;
  PgoRun cmake = run_pgo({"build", "-C", copy_example("c-cmake").string(), "--no-bench", "--", "--locked"});
  EXPECT_EQ(cmake.exit_code, 2);
  EXPECT_NE(cmake.err.find("go to cargo build"), std::string::npos) << cmake.err;
}

TEST(InitE2eErrors, ADirectoryWithNoBuildFileIsAUsageError) {
  fs::path project = copy_example("c-cmake");
  for (const auto& e : fs::directory_iterator(project)) fs::remove_all(e.path());
  PgoRun init = run_pgo({"init", "-C", project.string()});
  EXPECT_EQ(init.exit_code, 2);
  EXPECT_NE(init.err.find("has none of CMakeLists.txt, Cargo.toml, go.mod"), std::string::npos) << init.err;
}

}  // namespace
}  // namespace pgo::e2e
