// `--metric instructions|both` end to end with the real pgo binary: `pgo build` on
// examples/c-cmake, and `pgo bench` after `pgo build` on examples/c-make, rust-cargo and
// go-module, which `pgo bench` could not benchmark before the build manifest. Workloads are
// cut to a few hundred milliseconds: under valgrind every run is 30-50x slower.
#include <gtest/gtest.h>

#include "support/atomic_file.h"
#include "tests/e2e/e2e_support.h"

namespace fs = std::filesystem;
using nlohmann::json;

namespace pgo::e2e {
namespace {

std::string dump(const json& j) { return j.dump(2); }

// Skips the test when neither perf nor valgrind counts instructions here.
#define SKIP_WITHOUT_COUNTER(run)                                                                \
  if ((run).exit_code == 2 && (run).err.find("no instruction counter works here") != std::string::npos) \
  GTEST_SKIP() << "no instruction counter: " << (run).err

// One result of metric "instructions", measured and judged with CI, p and verdict.
void expect_counted(const json& r, const std::string& workload) {
  SCOPED_TRACE(workload);
  EXPECT_EQ(r["workload"], workload);
  EXPECT_EQ(r["metric"], "instructions");
  EXPECT_EQ(r["unit"], "instructions");
  EXPECT_TRUE(r["counter"] == "cachegrind" || r["counter"] == "callgrind" || r["counter"] == "perf") << dump(r);
  EXPECT_FALSE(r["failed"].get<bool>()) << r["failure"];
  EXPECT_TRUE(r["outputs_match"].get<bool>()) << r["output_mismatch"];
  for (const char* side : {"baseline", "optimized"}) {
    ASSERT_EQ(r[side]["samples"].size(), 3u) << dump(r);
    EXPECT_GT(r[side]["median"].get<double>(), 1e5) << dump(r);
  }
  ASSERT_EQ(r["speedup_ci95"].size(), 2u) << dump(r);
  const std::string verdict = r["verdict"];
  EXPECT_TRUE(verdict == "faster" || verdict == "slower" || verdict == "no_change") << verdict;
  EXPECT_TRUE(r["p_value"].is_number());
  // Counts repeat: the interval is narrow (the bar is a half-width of 0.5%).
  EXPECT_LE(r["ci_half_width"].get<double>(), 0.005) << dump(r);
  std::cerr << "[metric] " << workload << ": speedup " << r["speedup"] << " CI " << r["speedup_ci95"]
            << " half-width " << r["ci_half_width"] << " verdict " << verdict << "\n";
}

TEST(MetricE2e, BuildWithInstructionsOnCCmake) {
  fs::path project = copy_example("c-cmake");
  write_text(project / "pgo.yaml",
             "version: 1\nbuild:\n  system: cmake\n  targets: [calc]\ntoolchains: [gcc]\nworkloads:\n"
             "  - name: fib\n    run: [\"${bin:calc}\", \"${project}/scripts/fib.calc\", \"22\"]\n"
             "  - name: sort\n    run: [\"${bin:calc}\", \"${project}/scripts/sort.calc\", \"5000\"]\n"
             "    bench: false\n"
             "bench:\n  metric: time\n");
  PgoRun run = run_pgo({"build", "-C", project.string(), "--metric", "instructions"});
  SKIP_WITHOUT_COUNTER(run);
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_NE(run.out.find("Results (instructions retired, counted by"), std::string::npos) << run.out;
  json report = read_json(project / ".pgo" / "reports" / "latest" / "report.json");
  ASSERT_EQ(report["results"].size(), 1u) << dump(report);  // --metric wins over bench.metric: time
  expect_counted(report["results"][0], "fib");
  EXPECT_TRUE(report["toolchains"][0]["geomean_speedups"].contains("instructions")) << dump(report);
  EXPECT_FALSE(report["toolchains"][0]["geomean_speedups"].contains("wall_time")) << dump(report);
  // The build left its manifest for `pgo bench`.
  json manifest = read_json(project / ".pgo" / "build" / "gcc" / "manifest.json");
  EXPECT_EQ(manifest["schema"], "pgo-build-manifest/1");
  EXPECT_EQ(manifest["build_system"], "cmake");
  EXPECT_TRUE(manifest["builds"]["optimized"]["executables"].contains("calc")) << dump(manifest);
  EXPECT_EQ(manifest["builds"]["optimized"]["profile"]["sha256"].get<std::string>().size(), 64u);
  fs::remove_all(project.parent_path());
}

// `pgo build --no-bench` then `pgo bench --metric ...` on a copy of `example` with `yaml`.
json build_then_bench(const std::string& example, const std::string& yaml, const std::string& metric,
                      fs::path* project_out = nullptr) {
  fs::path project = copy_example(example);
  write_text(project / "pgo.yaml", yaml);
  PgoRun build = run_pgo({"build", "-C", project.string(), "--no-bench"});
  EXPECT_EQ(build.exit_code, 0) << build.out << build.err;
  if (build.exit_code != 0) return json();
  PgoRun bench = run_pgo({"bench", "-C", project.string(), "--metric", metric, "--json"});
  if (bench.exit_code == 2 && bench.err.find("no instruction counter works here") != std::string::npos)
    return json{{"skip", bench.err}};
  EXPECT_EQ(bench.exit_code, 0) << bench.err;
  if (project_out) *project_out = project;
  else fs::remove_all(project.parent_path());
  return bench.exit_code == 0 ? json::parse(bench.out) : json();
}

const char* kCMake =
    "version: 1\nbuild:\n  system: command\n  build: [\"make\", \"-j${jobs}\", \"pack\"]\n  artifacts:\n"
    "    pack: pack\ntoolchains: [gcc]\nworkloads:\n"
    "  - name: text\n    run: [\"${bin:pack}\", \"text\", \"200000\", \"2\", \"1\", \"1\"]\n"
    "bench:\n  warmup: 0\n  min_runs: 3\n  max_runs: 3\n";

TEST(MetricE2e, BenchInstructionsAfterBuildOnMake) {
  fs::path project;
  json report = build_then_bench("c-make", kCMake, "instructions", &project);
  if (report.contains("skip")) GTEST_SKIP() << report["skip"];
  ASSERT_EQ(report["results"].size(), 1u) << dump(report);
  EXPECT_EQ(report["metric"], "instructions");
  expect_counted(report["results"][0], "text");

  // --metric both: two results per workload, each labelled, time first.
  PgoRun both = run_pgo({"bench", "-C", project.string(), "--metric", "both", "--json"});
  ASSERT_EQ(both.exit_code, 0) << both.err;
  json two = json::parse(both.out);
  ASSERT_EQ(two["results"].size(), 2u) << dump(two);
  EXPECT_EQ(two["results"][0]["workload"], "text");
  EXPECT_EQ(two["results"][0]["metric"], "wall_time");
  EXPECT_EQ(two["results"][0]["unit"], "s");
  EXPECT_GT(two["results"][0]["baseline"]["median_s"].get<double>(), 0);
  expect_counted(two["results"][1], "text");
  const json& means = two["toolchains"][0]["geomean_speedups"];
  EXPECT_TRUE(means.contains("wall_time") && means.contains("instructions")) << dump(two);
  // The terminal report shows two tables, each with its metric.
  PgoRun text = run_pgo({"bench", "-C", project.string(), "--metric", "both"});
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_NE(text.out.find("Results (wall time"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("Results (instructions retired"), std::string::npos) << text.out;

  // pgo ci --metric both: the step summary labels both, and --fail-below holds each metric.
  fs::path summary = project.parent_path() / "summary.md";
  PgoRun ci = run_pgo({"ci", "-C", project.string(), "--metric", "both", "--fail-below", "100", "--summary",
                       summary.string()});
  EXPECT_EQ(ci.exit_code, 1) << ci.out << ci.err;
  EXPECT_NE(ci.err.find("gcc: geometric-mean speedup (wall_time)"), std::string::npos) << ci.err;
  EXPECT_NE(ci.err.find("gcc: geometric-mean speedup (instructions)"), std::string::npos) << ci.err;
  const std::string md = read_file(summary);
  EXPECT_NE(md.find("| instructions ("), std::string::npos) << md;
  EXPECT_NE(md.find("| wall time |"), std::string::npos) << md;
  fs::remove_all(project.parent_path());
}

TEST(MetricE2e, BenchInstructionsAfterBuildOnCargo) {
  json report = build_then_bench(
      "rust-cargo",
      "version: 1\nbuild:\n  system: cargo\n  bins: [rvm]\ntoolchains: [rust]\nworkloads:\n"
      "  - name: fib\n    run: [\"${bin:rvm}\", \"fib\", \"20\"]\n",
      "instructions");
  if (report.contains("skip")) GTEST_SKIP() << report["skip"];
  ASSERT_EQ(report["results"].size(), 1u) << dump(report);
  EXPECT_EQ(report["toolchains"][0]["name"], "rust");
  expect_counted(report["results"][0], "fib");
}

TEST(MetricE2e, BenchInstructionsAfterBuildOnGoRepeatsWithTheGoSettings) {
  json report = build_then_bench(
      "go-module",
      "version: 1\nbuild:\n  system: go\n  packages: [\"./cmd/gomodule\"]\nworkloads:\n"
      "  - name: pipeline\n    run: [\"${bin:gomodule}\", \"-size\", \"1\"]\n"
      "    env: {GOMAXPROCS: \"1\"}\n",
      "instructions");
  if (report.contains("skip")) GTEST_SKIP() << report["skip"];
  ASSERT_EQ(report["results"].size(), 1u) << dump(report);
  EXPECT_EQ(report["toolchains"][0]["name"], "go");
  const json& r = report["results"][0];
  expect_counted(r, "pipeline");
  // GOGC=off and, under valgrind, GODEBUG; GOMAXPROCS is the workload's own and left to it.
  std::vector<std::string> env = r["counting_env"];
  EXPECT_NE(std::find(env.begin(), env.end(), "GOGC=off"), env.end()) << dump(r);
  EXPECT_EQ(std::find(env.begin(), env.end(), "GOMAXPROCS=1"), env.end()) << dump(r);
  if (r["counter"] != "perf")
    EXPECT_NE(std::find(env.begin(), env.end(), "GODEBUG=asyncpreemptoff=1"), env.end()) << dump(r);
}

}  // namespace
}  // namespace pgo::e2e
