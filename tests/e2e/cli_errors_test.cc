// The command line's contract on bad input and failing workloads: a clear message naming
// the file, key or command, and the documented exit code. Small real projects, real gcc.
#include <gtest/gtest.h>

#include <sys/wait.h>

#include <cstdlib>

#include "support/atomic_file.h"
#include "tests/e2e/e2e_support.h"

namespace fs = std::filesystem;
using nlohmann::json;

namespace pgo::e2e {
namespace {

// A one-file C project whose program behaves according to its first argument.
fs::path tiny_project(const std::string& workloads_yaml, const std::string& extra_build = "") {
  fs::path dir = scratch_dir("tiny") / "tiny";
  fs::create_directories(dir);
  write_text(dir / "CMakeLists.txt",
             "cmake_minimum_required(VERSION 3.16)\nproject(tiny C)\nadd_executable(tiny main.c)\n");
  write_text(dir / "main.c", R"(#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
static long work(long n) { long s = 0; for (long i = 0; i < n; ++i) s += (i % 7 == 0) ? i : 1; return s; }
int main(int argc, char** argv) {
  const char* mode = argc > 1 ? argv[1] : "ok";
  if (strcmp(mode, "fail") == 0) { fprintf(stderr, "tiny: something broke\n"); return 3; }
  if (strcmp(mode, "crash") == 0) { abort(); }
  if (strcmp(mode, "quick-exit") == 0) { printf("%ld\n", work(1000)); fflush(stdout); _exit(0); }
  printf("%ld\n", work(200000));
  return 0;
}
)");
  write_text(dir / "pgo.yaml", "version: 1\nbuild:\n  system: cmake\n" + extra_build +
                                   "toolchains: [gcc]\nworkloads:\n" + workloads_yaml +
                                   "bench:\n  warmup: 0\n  min_runs: 3\n  max_runs: 3\n");
  return dir;
}

TEST(Cli, VersionAndHelp) {
  PgoRun version = run_pgo({"--version"});
  EXPECT_EQ(version.exit_code, 0);
  EXPECT_NE(version.out.find("pgo "), std::string::npos);
  PgoRun help = run_pgo({"help", "build"});
  EXPECT_EQ(help.exit_code, 0);
  for (const char* option : {"--directory", "--config", "--toolchain", "--jobs", "--json", "--keep-going"})
    EXPECT_NE(help.out.find(option), std::string::npos) << option;
  PgoRun unknown = run_pgo({"help", "frobnicate"});
  EXPECT_EQ(unknown.exit_code, 2);
}

// `pgo clean` removes the working state and keeps the profiles; --store removes them too.
TEST(Cli, CleanKeepsTheProfilesUnlessAskedToRemoveThem) {
  fs::path project = copy_example("c-cmake");
  for (const char* dir : {"build/gcc/baseline", "runs/gcc/train", "reports/latest", "profiles/calc"})
  {
    fs::create_directories(project / ".pgo" / dir);
    write_text(project / ".pgo" / dir / "file", "x");
  }
  PgoRun clean = run_pgo({"clean", "-C", project.string()});
  EXPECT_EQ(clean.exit_code, 0) << clean.err;
  EXPECT_NE(clean.out.find("removed " + (project / ".pgo/build").string()), std::string::npos) << clean.out;
  for (const char* dir : {"build", "runs", "reports"}) EXPECT_FALSE(fs::exists(project / ".pgo" / dir)) << dir;
  EXPECT_TRUE(fs::exists(project / ".pgo/profiles/calc/file"));
  PgoRun again = run_pgo({"clean", "-C", project.string(), "--store"});
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_FALSE(fs::exists(project / ".pgo/profiles"));
  EXPECT_NE(run_pgo({"clean", "-C", project.string()}).out.find("nothing to clean"), std::string::npos);
}

TEST(Cli, DoctorListsTheToolsWithVersionsOrPackages) {
  PgoRun doctor = run_pgo({"doctor"});
  EXPECT_EQ(doctor.exit_code, 0) << doctor.err;
  EXPECT_NE(doctor.out.find("gcc               found   gcc"), std::string::npos) << doctor.out;
  EXPECT_NE(doctor.out.find("--metric instructions "), std::string::npos) << doctor.out;
}

// The colour decision read from the real environment by the pgo binary (its rules are unit-tested
// in tests/report/terminal_output_test.cc): doctor's "found" is painted on a pipe only when
// CLICOLOR_FORCE asks for it, and never under NO_COLOR, TERM=dumb or --color never.
TEST(Cli, ColourFollowsNoColorTermDumbAndClicolorForce) {
  auto escape_codes_in_doctor = [](const char* no_color, const char* term, const char* force,
                                   std::vector<std::string> extra = {}) {
    ScopedEnv n("NO_COLOR", no_color), t("TERM", term), f("CLICOLOR_FORCE", force);
    std::vector<std::string> args = {"doctor"};
    args.insert(args.end(), extra.begin(), extra.end());
    PgoRun run = run_pgo(args);
    EXPECT_EQ(run.exit_code, 0) << run.err;
    return run.out.find("\x1b[") != std::string::npos;
  };
  EXPECT_TRUE(escape_codes_in_doctor("", "xterm", "1"));           // forced onto a pipe
  EXPECT_FALSE(escape_codes_in_doctor("", "xterm", "0"));          // a pipe, not forced
  EXPECT_FALSE(escape_codes_in_doctor("1", "xterm", "1"));         // NO_COLOR wins
  EXPECT_FALSE(escape_codes_in_doctor("", "dumb", "1"));           // a dumb terminal
  EXPECT_FALSE(escape_codes_in_doctor("", "xterm", "1", {"--color", "never"}));
  EXPECT_TRUE(escape_codes_in_doctor("", "xterm", "0", {"--color", "always"}));
}

TEST(Cli, UnknownOptionIsAUsageError) {
  PgoRun run = run_pgo({"build", "--frobnicate"});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find("--frobnicate"), std::string::npos);
}

TEST(Cli, BadToolchainNameIsAUsageError) {
  PgoRun run = run_pgo({"build", "--toolchain", "icc"});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find("icc"), std::string::npos);
}

TEST(Cli, MissingConfigNamesTheFile) {
  fs::path dir = scratch_dir("empty");
  PgoRun run = run_pgo({"build", "-C", dir.string()});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find((dir / "pgo.yaml").string()), std::string::npos) << run.err;
}

TEST(Cli, ConfigErrorNamesFileLineAndKey) {
  fs::path dir = tiny_project("  - name: main\n    run: [\"${bin:tiny}\"]\n    timeot: 5s\n");
  PgoRun run = run_pgo({"build", "-C", dir.string()});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find("pgo.yaml:"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("timeot"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("timeout"), std::string::npos) << run.err;  // the suggestion
  EXPECT_FALSE(fs::exists(dir / ".pgo" / "profiles"));
}

TEST(Cli, UnknownTargetListsTheRealOnes) {
  fs::path dir = tiny_project("  - name: main\n    run: [\"${bin:tiny}\"]\n", "  targets: [tinny]\n");
  PgoRun run = run_pgo({"build", "-C", dir.string(), "--no-bench"});
  EXPECT_EQ(run.exit_code, 2) << run.err;
  EXPECT_NE(run.err.find("tinny"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("tiny"), std::string::npos) << run.err;
}

TEST(Cli, FailingWorkloadReportsCommandStatusAndStderr) {
  fs::path dir = tiny_project("  - name: main\n    run: [\"${bin:tiny}\"]\n"
                              "  - name: broken\n    run: [\"${bin:tiny}\", \"fail\"]\n");
  PgoRun run = run_pgo({"build", "-C", dir.string(), "--no-bench", "-j", "1"});
  EXPECT_EQ(run.exit_code, 4) << run.err;
  EXPECT_NE(run.err.find("'broken'"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("exit status 3"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("tiny: something broke"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find(" fail"), std::string::npos) << run.err;  // the command line
  EXPECT_NE(run.err.find("its output and files: " + (dir / ".pgo" / "runs" / "gcc" / "train").string()),
            std::string::npos)
      << run.err;
  EXPECT_NE(run.err.find("(--keep-going leaves failing training runs out instead of stopping)"), std::string::npos)
      << run.err;
  EXPECT_FALSE(fs::exists(dir / ".pgo" / "profiles"));
}

TEST(Cli, CrashingWorkloadNamesTheSignal) {
  fs::path dir = tiny_project("  - name: crash\n    run: [\"${bin:tiny}\", \"crash\"]\n");
  PgoRun run = run_pgo({"build", "-C", dir.string(), "--no-bench"});
  EXPECT_EQ(run.exit_code, 4) << run.err;
  EXPECT_NE(run.err.find("SIGABRT"), std::string::npos) << run.err;
}

TEST(Cli, WorkloadThatWritesNoProfileIsCaughtByTheSmokeRun) {
  fs::path dir = tiny_project("  - name: quick\n    run: [\"${bin:tiny}\", \"quick-exit\"]\n");
  PgoRun run = run_pgo({"build", "-C", dir.string(), "--no-bench"});
  EXPECT_EQ(run.exit_code, 4) << run.err;
  EXPECT_NE(run.err.find("wrote no profile"), std::string::npos) << run.err;
}

TEST(Cli, KeepGoingLeavesFailingRunsOutAndSaysSo) {
  fs::path dir = tiny_project("  - name: main\n    run: [\"${bin:tiny}\"]\n"
                              "  - name: broken\n    run: [\"${bin:tiny}\", \"fail\"]\n    bench: false\n");
  PgoRun run = run_pgo({"build", "-C", dir.string(), "--keep-going", "--json"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  json report = json::parse(run.out);
  ASSERT_EQ(report["training_failures"].size(), 1u);
  EXPECT_EQ(report["training_failures"][0]["workload"], "broken");
  EXPECT_EQ(report["training_failures"][0]["status"], "exit status 3");
  EXPECT_TRUE(fs::exists(dir / ".pgo" / "profiles" / "tiny" / "gcc.json"));
}

TEST(Cli, OutputsThatDifferFailTheCheck) {
  // `date +%N` differs on every run, so baseline and optimized never agree.
  fs::path dir = tiny_project("  - name: main\n    run: [\"${bin:tiny}\"]\n"
                              "  - name: clock\n    shell: true\n    run: \"${bin:tiny} >/dev/null; date +%N\"\n"
                              "    train: false\n");
  PgoRun run = run_pgo({"build", "-C", dir.string(), "--json"});
  EXPECT_EQ(run.exit_code, 1) << run.err;
  json report = json::parse(run.out);
  bool found = false;
  for (const auto& r : report["results"])
    if (r["workload"] == "clock") {
      found = true;
      EXPECT_FALSE(r["outputs_match"].get<bool>());
    }
  EXPECT_TRUE(found);
}

// Issue 15 item 4: SIGTERM during the load of a large pgo.yaml took effect 140 s late, and
// `--config /dev/zero` ended in std::bad_alloc. The file below takes seconds to load (its
// last workload is invalid, so a load that is not interrupted ends in exit 2); timeout(1)
// sends SIGTERM after 0.5 s and SIGKILL 20 s later.
TEST(CliErrors, SigtermStopsALargeConfigLoadAndDevZeroIsRefused) {
  fs::path dir = fs::temp_directory_path() / ("pgo-e2e-big-config-" + std::to_string(getpid()));
  fs::create_directories(dir);
  std::string yaml = "version: 1\nbuild:\n  system: cmake\n  targets: [calc]\ntoolchains: [gcc]\nworkloads:\n";
  for (int i = 0; yaml.size() < 15'000'000; ++i) yaml += "  - name: w" + std::to_string(i) + "\n    run: [calc, in]\n";
  write_text(dir / "pgo.yaml", yaml + "  - name: last\n    run: [x]\n    repeat: not-a-number\n");
  std::string command = "timeout --preserve-status -s TERM -k 20 0.5 " + std::string(pgo::test_paths::pgo_binary()) +
                        " status -C " + dir.string() + " 2>" + (dir / "err").string();
  int status = std::system(command.c_str());
  std::string err = read_file(dir / "err");
  ASSERT_TRUE(WIFEXITED(status)) << "status " << status << "\n" << err;
  EXPECT_EQ(WEXITSTATUS(status), 130) << err;
  EXPECT_NE(err.find("pgo: error: interrupted by SIGTERM"), std::string::npos) << err;

  PgoRun zero = run_pgo({"status", "-C", dir.string(), "--config", "/dev/zero"});
  EXPECT_EQ(zero.exit_code, 2) << zero.err;
  EXPECT_NE(zero.err.find("cannot read configuration '/dev/zero': it is larger than 16 MiB"), std::string::npos)
      << zero.err;
  fs::remove_all(dir);
}

}  // namespace
}  // namespace pgo::e2e
