// `pgo bench` with the real pgo binary: benchmarking what `pgo build` left, A/A runs, the
// gates, --compare of stored reports, instruction counts, and a project without builds.
#include <gtest/gtest.h>

#include <fstream>

#include "support/atomic_file.h"
#include "tests/e2e/e2e_support.h"

namespace fs = std::filesystem;
using nlohmann::json;

namespace pgo::e2e {
namespace {

// examples/c-cmake with a small benchmark budget (the statistics are not what is tested here).
fs::path small_budget_example() {
  fs::path project = copy_example("c-cmake");
  std::ifstream in(project / "pgo.yaml");
  std::string yaml, line;
  while (std::getline(in, line) && line.rfind("bench:", 0) != 0) yaml += line + "\n";
  write_text(project / "pgo.yaml", yaml + "bench:\n  warmup: 0\n  min_runs: 5\n  max_runs: 5\n");
  return project;
}

std::string dump(const json& j) { return j.dump(2); }

TEST(BenchCommand, WithoutABuildItAsksForPgoBuild) {
  fs::path project = copy_example("c-cmake");
  PgoRun run = run_pgo({"bench", "-C", project.string()});
  EXPECT_EQ(run.exit_code, 2) << run.err;
  EXPECT_NE(run.err.find("run `pgo build` first"), std::string::npos) << run.err;
  PgoRun one = run_pgo({"bench", "-C", project.string(), "--toolchain", "gcc", "--json"});
  EXPECT_EQ(one.exit_code, 2) << one.err;
  EXPECT_NE(one.err.find("run `pgo build --toolchain gcc` first"), std::string::npos) << one.err;
  EXPECT_TRUE(one.out.empty()) << one.out;
  fs::remove_all(project.parent_path());
}

TEST(BenchCommand, BenchAaGatesAndCompare) {
  fs::path project = small_budget_example();
  PgoRun build = run_pgo({"build", "-C", project.string(), "--toolchain", "gcc", "--no-bench"});
  ASSERT_EQ(build.exit_code, 0) << build.err;

  // Without --toolchain: the configured toolchains that have a build (clang has none).
  PgoRun bench = run_pgo({"bench", "-C", project.string(), "--json"});
  ASSERT_EQ(bench.exit_code, 0) << bench.err;
  EXPECT_NE(bench.err.find("skipping clang"), std::string::npos) << bench.err;
  json report = json::parse(bench.out);
  EXPECT_EQ(report["schema"], "pgo-report/1");
  EXPECT_EQ(report["mode"], "ab");
  ASSERT_EQ(report["toolchains"].size(), 1u);
  EXPECT_EQ(report["toolchains"][0]["name"], "gcc");
  EXPECT_EQ(report["toolchains"][0]["profile_format"], "gcda");
  ASSERT_EQ(report["results"].size(), 3u) << dump(report);
  for (const auto& r : report["results"]) {
    SCOPED_TRACE(r["workload"].get<std::string>());
    EXPECT_EQ(r["metric"], "wall_time");
    EXPECT_EQ(r["baseline"]["runs"], 5);
    EXPECT_EQ(r["optimized"]["samples"].size(), 5u);
    EXPECT_GT(r["speedup"].get<double>(), 0);
    EXPECT_TRUE(r["outputs_match"].get<bool>()) << r["output_mismatch"];
  }
  fs::path latest = project / ".pgo" / "reports" / "latest-bench" / "report.json";
  ASSERT_TRUE(fs::exists(latest));
  EXPECT_EQ(read_json(latest), report);
  fs::path ab_copy = project.parent_path() / "ab.json";
  fs::copy_file(latest, ab_copy);
  // The build's own report is left alone.
  EXPECT_TRUE(read_json(project / ".pgo" / "reports" / "latest" / "report.json")["results"].empty());

  // A/A with an unreachable --fail-below: verdicts present, the gate fails with exit 1.
  PgoRun aa = run_pgo({"bench", "-C", project.string(), "--toolchain", "gcc", "--aa", "--json", "--seed", "3",
                       "--fail-below", "100"});
  EXPECT_EQ(aa.exit_code, 1) << aa.err;
  EXPECT_NE(aa.err.find("gcc: geometric-mean speedup"), std::string::npos) << aa.err;
  json aa_report = json::parse(aa.out);
  EXPECT_EQ(aa_report["mode"], "aa");
  EXPECT_EQ(aa_report["seed"], 3);
  ASSERT_EQ(aa_report["results"].size(), 3u);
  for (const auto& r : aa_report["results"]) {
    std::string verdict = r["verdict"].get<std::string>();
    EXPECT_TRUE(verdict == "no_change" || verdict == "faster" || verdict == "slower") << verdict;
  }

  // --compare: a report against itself has no regression; tripling NEW's samples is one.
  PgoRun same = run_pgo({"bench", "--compare", ab_copy.string(), ab_copy.string(), "--fail-on-regression", "--json"});
  EXPECT_EQ(same.exit_code, 0) << same.err;
  json same_cmp = json::parse(same.out);
  EXPECT_EQ(same_cmp["regressions"], 0);
  ASSERT_EQ(same_cmp["comparisons"].size(), 3u);
  for (const auto& c : same_cmp["comparisons"]) EXPECT_EQ(c["verdict"], "no_change") << dump(c);

  json slowed = report;
  for (auto& r : slowed["results"])
    for (auto& s : r["optimized"]["samples"]) s["wall_s"] = s["wall_s"].get<double>() * 3 + 0.1;
  slowed["results"].erase(slowed["results"].begin() + 2);  // mandel: only in OLD
  fs::path slowed_file = project.parent_path() / "slowed.json";
  write_text(slowed_file, slowed.dump(2));
  PgoRun regress = run_pgo({"bench", "--compare", ab_copy.string(), slowed_file.string(), "--fail-on-regression"});
  EXPECT_EQ(regress.exit_code, 1) << regress.out << regress.err;
  EXPECT_NE(regress.out.find("regression"), std::string::npos) << regress.out;
  EXPECT_NE(regress.out.find("only in OLD: gcc/calc/mandel"), std::string::npos) << regress.out;
  EXPECT_NE(regress.err.find("regression in gcc/calc/fib"), std::string::npos) << regress.err;
  PgoRun no_gate = run_pgo({"bench", "--compare", ab_copy.string(), slowed_file.string(), "--json"});
  EXPECT_EQ(no_gate.exit_code, 0) << no_gate.err;
  EXPECT_EQ(json::parse(no_gate.out)["regressions"], 2);

  PgoRun missing = run_pgo({"bench", "--compare", ab_copy.string(), (project / "nope.json").string()});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("no such file"), std::string::npos) << missing.err;
  fs::remove_all(project.parent_path());
}

// A one-file C project: cheap enough to count under valgrind.
fs::path tiny_project() {
  fs::path dir = scratch_dir("tiny-bench") / "tiny";
  fs::create_directories(dir);
  write_text(dir / "CMakeLists.txt",
             "cmake_minimum_required(VERSION 3.16)\nproject(tiny C)\nadd_executable(tiny main.c)\n");
  write_text(dir / "main.c", R"(#include <stdio.h>
static long work(long n) { long s = 0; for (long i = 0; i < n; ++i) s += (i % 7 == 0) ? i : 1; return s; }
int main(void) { printf("%ld\n", work(300000)); return 0; }
)");
  write_text(dir / "pgo.yaml", "version: 1\nbuild:\n  system: cmake\ntoolchains: [gcc]\nworkloads:\n"
                               "  - name: work\n    run: [\"${bin:tiny}\"]\n");
  return dir;
}

TEST(BenchCommand, InstructionMetricIsCountedNotTimed) {
  fs::path project = tiny_project();
  PgoRun build = run_pgo({"build", "-C", project.string(), "--no-bench"});
  ASSERT_EQ(build.exit_code, 0) << build.err;
  PgoRun run = run_pgo({"bench", "-C", project.string(), "--metric", "instructions", "--json"});
  if (run.exit_code == 2 && run.err.find("no instruction counter works here") != std::string::npos)
    GTEST_SKIP() << "neither perf nor valgrind works here: " << run.err;
  ASSERT_EQ(run.exit_code, 0) << run.err;
  json report = json::parse(run.out);
  EXPECT_EQ(report["metric"], "instructions");
  ASSERT_EQ(report["results"].size(), 1u);
  const json& r = report["results"][0];
  EXPECT_EQ(r["metric"], "instructions");
  EXPECT_TRUE(r["counter"] == "perf" || r["counter"] == "cachegrind") << r["counter"];
  EXPECT_EQ(r["unit"], "instructions");
  // The statistics of wall time: a bootstrap CI (the range with 3+3 runs) and a p-value.
  ASSERT_EQ(r["speedup_ci95"].size(), 2u) << dump(r);
  EXPECT_LE(r["speedup_ci95"][0].get<double>(), r["speedup"].get<double>());
  EXPECT_GE(r["speedup_ci95"][1].get<double>(), r["speedup"].get<double>());
  EXPECT_TRUE(r["p_value"].is_number()) << dump(r);
  for (const char* side : {"baseline", "optimized"}) {
    ASSERT_EQ(r[side]["samples"].size(), 3u) << dump(r);
    EXPECT_GT(r[side]["samples"][0]["instructions"].get<double>(), 300000) << dump(r);
    EXPECT_FALSE(r[side]["samples"][0].contains("wall_s"));
    EXPECT_LT(r[side]["spread"].get<double>(), 0.05) << dump(r);  // counts barely vary
  }
  EXPECT_NEAR(r["speedup"].get<double>(),
              r["baseline"]["median"].get<double>() / r["optimized"]["median"].get<double>(), 1e-9);
  EXPECT_TRUE(r["outputs_match"].get<bool>());
  fs::remove_all(project.parent_path());
}

// A project whose program writes its result to the file named by argv[1] and prints nothing,
// so only an output check can see what it computed.
fs::path file_writing_project(const std::string& check_yaml) {
  fs::path dir = scratch_dir("check") / "writer";
  fs::create_directories(dir);
  write_text(dir / "CMakeLists.txt",
             "cmake_minimum_required(VERSION 3.16)\nproject(writer C)\nadd_executable(writer main.c)\n");
  write_text(dir / "main.c", R"(#include <stdio.h>
static long work(long n) { long s = 0; for (long i = 0; i < n; ++i) s += (i % 7 == 0) ? i : 1; return s; }
int main(int argc, char** argv) {
  FILE* f = argc > 1 ? fopen(argv[1], "w") : NULL;
  if (!f) return 2;
  fprintf(f, "%ld\n", work(300000));
  return fclose(f) == 0 ? 0 : 2;
}
)");
  long expected = 0;
  for (long i = 0; i < 300000; ++i) expected += (i % 7 == 0) ? i : 1;
  write_text(dir / "expected.txt", std::to_string(expected) + "\n");
  write_text(dir / "pgo.yaml", "version: 1\nbuild:\n  system: cmake\ntoolchains: [gcc]\nworkloads:\n"
                               "  - name: write\n    run: [\"${bin:writer}\", out.txt]\n" + check_yaml +
                               "bench:\n  warmup: 1\n  min_runs: 3\n  max_runs: 3\n");
  return dir;
}

TEST(BenchCommand, AFailingOutputCheckFailsBuildAndBenchWithExit1) {
  // Rejects only the optimized binary's run (its ${bin:writer} lies in the optimized tree), so
  // the message must name that binary and the check's own exit status.
  fs::path project = file_writing_project(
      "    check: [/bin/sh, -c, 'case \"$1\" in */optimized/*) echo rejected by the check; exit 3;; esac; "
      "cmp out.txt \"$2\"', check, \"${bin:writer}\", \"${project}/expected.txt\"]\n");
  PgoRun build = run_pgo({"build", "-C", project.string()});
  EXPECT_EQ(build.exit_code, 1) << build.out << build.err;
  EXPECT_NE(build.err.find("benchmark of gcc/write failed: optimized "), std::string::npos) << build.err;
  EXPECT_NE(build.err.find("output check `/bin/sh -c"), std::string::npos) << build.err;
  EXPECT_NE(build.err.find("failed: exit status 3; its output: rejected by the check"), std::string::npos)
      << build.err;
  EXPECT_EQ(build.err.find("failed: baseline"), std::string::npos) << build.err;  // its checks passed
  json built = read_json(project / ".pgo" / "reports" / "latest" / "report.json");
  ASSERT_EQ(built["results"].size(), 1u) << dump(built);
  EXPECT_TRUE(built["results"][0]["failed"].get<bool>());
  EXPECT_TRUE(built["results"][0]["output_checked"].get<bool>());
  EXPECT_EQ(read_file(project / "out.txt"), read_file(project / "expected.txt"));  // the run itself was right

  // `pgo bench` on the same builds: a plain cmp passes for both binaries ...
  std::string yaml = read_file(project / "pgo.yaml");
  std::string check_line = yaml.substr(yaml.find("    check:"), yaml.find("bench:") - yaml.find("    check:"));
  std::string cmp = "    check: [cmp, out.txt, \"${project}/expected.txt\"]\n";
  write_text(project / "pgo.yaml", yaml.replace(yaml.find(check_line), check_line.size(), cmp));
  PgoRun pass = run_pgo({"bench", "-C", project.string(), "--json"});
  ASSERT_EQ(pass.exit_code, 0) << pass.err;
  json passed = json::parse(pass.out);
  EXPECT_TRUE(passed["results"][0]["output_checked"].get<bool>()) << dump(passed);
  EXPECT_FALSE(passed["results"][0]["failed"].get<bool>()) << dump(passed);
  EXPECT_EQ(passed["results"][0]["baseline"]["runs"], 3);

  // ... and fails with exit 1 once the expected file is wrong, naming the command and status.
  write_text(project / "expected.txt", "42\n");
  PgoRun fail = run_pgo({"bench", "-C", project.string()});
  EXPECT_EQ(fail.exit_code, 1) << fail.out << fail.err;
  EXPECT_NE(fail.err.find("warm-up 1: output check `cmp out.txt " + (project / "expected.txt").string() +
                          "` failed: exit status 1; its output: out.txt "),
            std::string::npos) << fail.err;
  EXPECT_NE(fail.err.find("differ"), std::string::npos) << fail.err;
  fs::remove_all(project.parent_path());
}

}  // namespace
}  // namespace pgo::e2e
