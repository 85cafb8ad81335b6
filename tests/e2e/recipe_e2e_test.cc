// `pgo build --recipe ...` end to end. pgo+bolt: BOLT (instrumentation mode, bolt-22) rewrites
// the PGO-optimized executables of examples/c-cmake (gcc, clang) and examples/rust-cargo after
// a training of its own; its profiled-function count reaches the report and the outputs still
// match the baseline's. pgo+lto: the LTO flags reach the builds and `pgo status` stays fresh.
// Go is refused both, with a reason, before any build.
#include <gtest/gtest.h>

#include <map>

#include "support/atomic_file.h"
#include "tests/e2e/e2e_support.h"

namespace fs = std::filesystem;
using nlohmann::json;

namespace pgo::e2e {
namespace {

// Copies of the examples with short instruction-counted workloads. Under --metric both, 3
// rounds of wall time: the recipe tests check that every figure exists, not how precise it is.
constexpr const char* kBenchSection = "bench:\n  metric: instructions\n  min_runs: 3\n  max_runs: 3\n";

fs::path c_cmake_project() {
  fs::path project = copy_example("c-cmake");
  write_text(project / "pgo.yaml",
             "version: 1\nbuild:\n  system: cmake\n  targets: [calc]\ntoolchains: [gcc, clang]\nworkloads:\n"
             "  - name: fib\n    run: [\"${bin:calc}\", \"${project}/scripts/fib.calc\", \"22\"]\n"
             "  - name: sort\n    run: [\"${bin:calc}\", \"${project}/scripts/sort.calc\", \"5000\"]\n" +
                 std::string(kBenchSection));
  return project;
}

fs::path rust_cargo_project() {
  fs::path project = copy_example("rust-cargo");
  write_text(project / "pgo.yaml",
             "version: 1\nbuild:\n  system: cargo\n  source_dir: .\n  bins: [rvm]\n  profile: release\n"
             "toolchains: [rust]\nworkloads:\n"
             "  - name: fib\n    run: [\"${bin:rvm}\", \"fib\", \"20\"]\n" +
                 std::string(kBenchSection));
  return project;
}

// Every result measured, and the optimized binary's output equal to the baseline's.
void expect_measured_and_equal(const json& report) {
  ASSERT_FALSE(report["results"].empty()) << report.dump(2);
  for (const json& r : report["results"]) {
    EXPECT_FALSE(r["failed"].get<bool>()) << r.dump(2);
    EXPECT_TRUE(r["outputs_match"].get<bool>()) << r.dump(2);
  }
}

// "bolt: N of M functions profiled" -> N (0 when absent).
size_t bolt_profiled(const json& profile) {
  if (!profile.contains("post_link") || profile["post_link"].empty()) return 0;
  const std::string line = profile["post_link"][0];
  if (!line.starts_with("bolt: ")) return 0;
  return std::stoul(line.substr(6));
}

void expect_bolted(const fs::path& project, const std::string& toolchain, const std::string& target) {
  SCOPED_TRACE(toolchain);
  json report = read_json(project / ".pgo" / "reports" / "latest" / "report.json");
  ASSERT_FALSE(report["profiles"].empty()) << report.dump(2);
  const json& p = report["profiles"][0];
  EXPECT_GT(bolt_profiled(p), 0u) << p.dump(2);
  // The stage's profile is stored beside the compiler's.
  EXPECT_TRUE(fs::exists(project / ".pgo/profiles" / target / "stages" / (toolchain + ".bolt.fdata")));
  // The optimized binary measured is BOLT's, and its output equals the baseline's.
  json manifest = read_json(project / ".pgo/build" / toolchain / "manifest.json");
  const std::string optimized = manifest["builds"]["optimized"]["executables"][target].get<std::string>();
  EXPECT_NE(optimized.find("/pgo-bolt/"), std::string::npos) << manifest.dump(2);  // BOLT's tree, named by recipe
  expect_measured_and_equal(report);
}

TEST(RecipeE2e, BoltOnCCmakeWithGccAndClang) {
  fs::path project = c_cmake_project();
  PgoRun run = run_pgo({"build", "-C", project.string(), "--recipe", "pgo+bolt"});
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_NE(run.err.find("bolt optimize"), std::string::npos) << run.err;  // the stages show as they run
  EXPECT_NE(run.out.find("post-link clang/calc: bolt: "), std::string::npos) << run.out;
  for (const char* tc : {"gcc", "clang"}) expect_bolted(project, tc, "calc");
  // The link flag BOLT needs reached the optimized build.
  json manifest = read_json(project / ".pgo/build/clang/manifest.json");
  EXPECT_NE(manifest["builds"]["optimized"].dump().find("--emit-relocs"), std::string::npos) << manifest.dump(2);
}

TEST(RecipeE2e, BoltOnRustCargo) {
  fs::path project = rust_cargo_project();
  PgoRun run = run_pgo({"build", "-C", project.string(), "--recipe", "pgo+bolt"});
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  expect_bolted(project, "rust", "rvm");
}

// `pgo status` right after a build stays fresh: it adds the recipe's flags as the build did.
void expect_fresh(const fs::path& project, const std::string& toolchain) {
  PgoRun status = run_pgo({"status", "-C", project.string(), "--toolchain", toolchain});
  EXPECT_EQ(status.exit_code, 0) << status.out << status.err;
  EXPECT_EQ(status.out.find("flag drift"), std::string::npos) << status.out;
}

TEST(RecipeE2e, LtoOnCCmakeWithGccAndClang) {
  fs::path project = c_cmake_project();
  PgoRun run = run_pgo({"build", "-C", project.string(), "--recipe", "pgo+lto"});
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  for (const auto& [tc, flag] : {std::pair<std::string, std::string>{"gcc", "-flto=auto"}, {"clang", "-flto=thin"}}) {
    SCOPED_TRACE(tc);
    // LTO is visible in the optimized build's flags and in the compiler commands it ran.
    json manifest = read_json(project / ".pgo/build" / tc / "manifest.json");
    EXPECT_NE(manifest["builds"]["optimized"].dump().find(flag), std::string::npos) << manifest.dump(2);
    json metadata = read_json(project / ".pgo/profiles/calc" / (tc + ".json"));
    EXPECT_EQ(metadata["recipe"], "pgo+lto");
    expect_fresh(project, tc);
  }
  EXPECT_NE(read_json(project / ".pgo/build/clang/manifest.json")["builds"]["optimized"].dump().find("-fuse-ld=lld"),
            std::string::npos);  // ThinLTO links with lld
  json report = read_json(project / ".pgo" / "reports" / "latest" / "report.json");
  expect_measured_and_equal(report);
}

TEST(RecipeE2e, LtoOnRustCargoThroughTheCargoProfile) {
  fs::path project = rust_cargo_project();
  PgoRun run = run_pgo({"build", "-C", project.string(), "--recipe", "pgo+lto"});
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  const std::string log = read_file(project / ".pgo/build/rust/optimized-pgo-lto/pgo-build.log");
  EXPECT_NE(log.find("CARGO_PROFILE_RELEASE_LTO=fat"), std::string::npos) << log.substr(0, 2000);
  expect_fresh(project, "rust");
}

TEST(RecipeE2e, PgoYamlChoosesTheRecipePerToolchain) {
  fs::path project = copy_example("c-cmake");
  const std::string workloads =
      "workloads:\n  - name: fib\n    run: [\"${bin:calc}\", \"${project}/scripts/fib.calc\", \"22\"]\n";
  write_text(project / "pgo.yaml",
             "version: 1\nbuild:\n  system: cmake\n  targets: [calc]\ntoolchains:\n  - gcc\n"
             "  - name: clang\n    recipes: [pgo+lto]\noptimize:\n  recipes: [pgo]\n" + workloads);
  PgoRun run = run_pgo({"build", "-C", project.string(), "--no-bench"});
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_EQ(read_json(project / ".pgo/profiles/calc/gcc.json")["recipe"], "pgo");
  EXPECT_EQ(read_json(project / ".pgo/build/gcc/manifest.json").dump().find("-flto"), std::string::npos);
  EXPECT_EQ(read_json(project / ".pgo/profiles/calc/clang.json")["recipe"], "pgo+lto");
  EXPECT_NE(read_json(project / ".pgo/build/clang/manifest.json")["builds"]["optimized"].dump().find("-flto=thin"),
            std::string::npos);
  // A list of several builds each; an unsupported one is refused with the file and line.
  write_text(project / "pgo.yaml",
             "version: 1\nbuild:\n  system: cmake\n  targets: [calc]\ntoolchains: [gcc]\n"
             "optimize:\n  recipes: [pgo, pgo+lto]\n" + workloads);
  PgoRun several = run_pgo({"build", "-C", project.string(), "--no-bench"});
  ASSERT_EQ(several.exit_code, 0) << several.err;
  json report = read_json(project / ".pgo" / "reports" / "latest" / "report.json");
  ASSERT_EQ(report["recipes"].size(), 2u) << report["recipes"].dump(2);
  EXPECT_EQ(report["recipes"][0]["recipe"], "pgo");
  EXPECT_TRUE(report["recipes"][0]["chosen"].get<bool>());  // nothing measured: the simplest
  write_text(project / "pgo.yaml",
             "version: 1\nbuild:\n  system: cmake\n  targets: [calc]\ntoolchains: [gcc]\n"
             "optimize:\n  recipes: [pgo, cspgo+lto]\n" + workloads);
  PgoRun refused = run_pgo({"build", "-C", project.string(), "--no-bench"});
  EXPECT_EQ(refused.exit_code, 2) << refused.err;
  EXPECT_NE(refused.err.find("pgo.yaml:7: optimize.recipes: --recipe cspgo+lto: GCC has no context-sensitive PGO"),
            std::string::npos)
      << refused.err;
  EXPECT_EQ(refused.err.find("build baseline"), std::string::npos) << refused.err;
}

TEST(RecipeE2e, GoHasNoLtoAndNoBolt) {
  fs::path project = copy_example("go-module");
  for (const char* recipe : {"pgo+lto", "pgo+bolt"}) {
    PgoRun run = run_pgo({"build", "-C", project.string(), "--recipe", recipe, "--no-bench"});
    EXPECT_EQ(run.exit_code, 2) << recipe << run.err;
    EXPECT_NE(run.err.find("Go"), std::string::npos) << run.err;
    EXPECT_EQ(run.err.find("build baseline"), std::string::npos) << recipe << ": refused before any build\n" << run.err;
  }
}

TEST(RecipeE2e, UnknownRecipesAreUsageErrors) {
  fs::path project = copy_example("c-cmake");
  PgoRun odd = run_pgo({"build", "-C", project.string(), "--recipe", "bolt"});
  EXPECT_EQ(odd.exit_code, 2);
  EXPECT_NE(odd.err.find("recipes: pgo, pgo+lto, pgo+bolt, pgo+lto+bolt, cspgo+lto, cspgo+lto+bolt"), std::string::npos)
      << odd.err;
}

// Context-sensitive PGO with clang: a second instrumented build on stage 1's profile, whose
// merged profile holds context-sensitive records, and an optimized ThinLTO build with it.
TEST(RecipeE2e, CsPgoOnCCmakeWithClang) {
  fs::path project = c_cmake_project();
  PgoRun run = run_pgo({"build", "-C", project.string(), "--toolchain", "clang", "--recipe", "cspgo+lto"});
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_NE(run.err.find("train (cs-lto)"), std::string::npos) << run.err;
  json report = read_json(project / ".pgo" / "reports" / "latest" / "report.json");
  ASSERT_EQ(report["profiles"].size(), 1u);
  EXPECT_GT(report["profiles"][0]["profile"].value("context_sensitive_functions", 0), 0) << report["profiles"].dump(2);
  EXPECT_EQ(report["profiles"][0]["recipe"], "cspgo+lto");
  expect_measured_and_equal(report);
  // The CS stage built on stage 1's profile, and the optimized link read the merged one.
  const std::string cs_flags = read_file(project / ".pgo/build/clang/instrumented-cs-lto/pgo-flags.cmake");
  EXPECT_NE(cs_flags.find("-fcs-profile-generate"), std::string::npos) << cs_flags;
  EXPECT_NE(cs_flags.find("-fprofile-use=" + (project / ".pgo/build/clang/lto-merged/profile-").string()),
            std::string::npos)
      << cs_flags;
  json manifest = read_json(project / ".pgo/build/clang/manifest.json");
  EXPECT_NE(manifest["builds"]["optimized"].dump().find("-flto=thin"), std::string::npos) << manifest.dump(2);
  EXPECT_EQ(read_json(project / ".pgo/profiles/calc/clang.json")["recipe"], "cspgo+lto");
  expect_fresh(project, "clang");
}

// `--recipe all --metric both`: every recipe the toolchain supports, measured against one
// baseline; every output matches, each recipe has its figures, one per toolchain is chosen,
// and the chosen recipe's results are the report's results.
void expect_all_recipes(const fs::path& project, const std::map<std::string, size_t>& recipes_per_toolchain) {
  json report = read_json(project / ".pgo" / "reports" / "latest" / "report.json");
  std::map<std::string, size_t> seen, chosen;
  for (const json& r : report["recipes"]) {
    const std::string tc = r["toolchain"];
    SCOPED_TRACE(tc + " " + r["recipe"].get<std::string>());
    ++seen[tc];
    if (r["chosen"].get<bool>()) ++chosen[tc];
    EXPECT_FALSE(r["verdict"].get<std::string>().empty());
    EXPECT_GT(r["build_seconds"].get<double>(), 0.0);
    EXPECT_GT(r["functions_with_counts"].get<size_t>(), 0u);
    for (const char* metric : {"wall_time", "instructions"})
      EXPECT_GT(r["geomean_speedups"][metric]["geomean_speedup"].get<double>(), 0.0) << r.dump(2);
    ASSERT_FALSE(r["results"].empty());
    for (const json& w : r["results"]) {
      EXPECT_FALSE(w["failed"].get<bool>()) << w.dump(2);
      EXPECT_TRUE(w["outputs_match"].get<bool>()) << w.dump(2);
    }
    if (r["recipe"].get<std::string>().find("bolt") != std::string::npos)
      EXPECT_FALSE(r["post_link"].empty()) << r.dump(2);
    if (r["recipe"].get<std::string>().starts_with("cspgo"))
      EXPECT_GT(r["context_sensitive_functions"].get<size_t>(), 0u);
  }
  for (const auto& [tc, n] : recipes_per_toolchain) {
    EXPECT_EQ(seen[tc], n) << tc;
    EXPECT_EQ(chosen[tc], 1u) << tc;
  }
  expect_measured_and_equal(report);
}

TEST(RecipeE2e, AllRecipesOnCCmakeWithGccAndClang) {
  fs::path project = c_cmake_project();
  PgoRun run = run_pgo({"build", "-C", project.string(), "--recipe", "all", "--metric", "both"});
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_NE(run.out.find("Recipes (weighted geometric-mean speedup"), std::string::npos) << run.out;
  expect_all_recipes(project, {{"gcc", 4}, {"clang", 6}});
  EXPECT_NE(read_file(project / ".pgo/reports/latest/report.html").find("<h2>Recipes</h2>"), std::string::npos);
}

TEST(RecipeE2e, AllRecipesOnCppCmakeWithGccAndClang) {
  fs::path project = copy_example("cpp-cmake");
  write_text(project / "pgo.yaml",
             "version: 1\nbuild:\n  system: cmake\n  source_dir: .\n  targets: [orderbook]\ntoolchains: [gcc, clang]\n"
             "workloads:\n"
             "  - name: quotes\n    run: [\"${bin:orderbook}\", \"--scenario\", \"quotes\", \"--ticks\", \"4000\", "
             "\"--seed\", \"1\"]\n    compare_output: true\n"
             "  - name: volatile\n    run: [\"${bin:orderbook}\", \"--scenario\", \"volatile\", \"--ticks\", \"4000\", "
             "\"--seed\", \"3\"]\n    compare_output: true\n"
             "bench:\n  min_runs: 3\n  max_runs: 5\n  time_budget: 5s\n");
  PgoRun run = run_pgo({"build", "-C", project.string(), "--recipe", "all", "--metric", "both"});
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  expect_all_recipes(project, {{"gcc", 4}, {"clang", 6}});
}

TEST(RecipeE2e, AllRecipesOnRustCargo) {
  fs::path project = rust_cargo_project();
  PgoRun run = run_pgo({"build", "-C", project.string(), "--recipe", "all", "--metric", "both"});
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  expect_all_recipes(project, {{"rust", 4}});
}

}  // namespace
}  // namespace pgo::e2e
