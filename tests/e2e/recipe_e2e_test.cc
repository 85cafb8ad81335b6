// `pgo build --recipe ...` end to end. pgo+bolt: BOLT (instrumentation mode, bolt-22) rewrites
// the PGO-optimized executables of examples/c-cmake (gcc, clang) and examples/rust-cargo after
// a training of its own; its profiled-function count reaches the report and the outputs still
// match the baseline's. pgo+lto: the LTO flags reach the builds and `pgo status` stays fresh.
// Go is refused both, with a reason, before any build.
#include <gtest/gtest.h>

#include "support/atomic_file.h"
#include "tests/e2e/e2e_support.h"

namespace fs = std::filesystem;
using nlohmann::json;

namespace pgo::e2e {
namespace {

// Copies of the examples with short instruction-counted workloads.
fs::path c_cmake_project() {
  fs::path project = copy_example("c-cmake");
  write_text(project / "pgo.yaml",
             "version: 1\nbuild:\n  system: cmake\n  targets: [calc]\ntoolchains: [gcc, clang]\nworkloads:\n"
             "  - name: fib\n    run: [\"${bin:calc}\", \"${project}/scripts/fib.calc\", \"22\"]\n"
             "  - name: sort\n    run: [\"${bin:calc}\", \"${project}/scripts/sort.calc\", \"5000\"]\n"
             "bench:\n  metric: instructions\n");
  return project;
}

fs::path rust_cargo_project() {
  fs::path project = copy_example("rust-cargo");
  write_text(project / "pgo.yaml",
             "version: 1\nbuild:\n  system: cargo\n  source_dir: .\n  bins: [rvm]\n  profile: release\n"
             "toolchains: [rust]\nworkloads:\n"
             "  - name: fib\n    run: [\"${bin:rvm}\", \"fib\", \"20\"]\n"
             "bench:\n  metric: instructions\n");
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
  EXPECT_NE(optimized.find("/bolt/"), std::string::npos) << manifest.dump(2);
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
  const std::string log = read_file(project / ".pgo/build/rust/optimized/pgo-build.log");
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
  // Several recipes are not built in one run yet: refused with the file and line, before any build.
  write_text(project / "pgo.yaml",
             "version: 1\nbuild:\n  system: cmake\n  targets: [calc]\ntoolchains: [gcc]\n"
             "optimize:\n  recipes: [pgo, pgo+lto]\n" + workloads);
  PgoRun several = run_pgo({"build", "-C", project.string(), "--no-bench"});
  EXPECT_EQ(several.exit_code, 2) << several.err;
  EXPECT_NE(several.err.find("pgo.yaml:7: optimize.recipes: this pgo builds one recipe a build"), std::string::npos)
      << several.err;
  EXPECT_EQ(several.err.find("build baseline"), std::string::npos) << several.err;
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

TEST(RecipeE2e, UnknownAndUnbuiltRecipesAreUsageErrors) {
  fs::path project = copy_example("c-cmake");
  PgoRun cspgo = run_pgo({"build", "-C", project.string(), "--recipe", "cspgo+lto"});
  EXPECT_EQ(cspgo.exit_code, 2);
  EXPECT_NE(cspgo.err.find("'cspgo' is not built into this pgo yet"), std::string::npos) << cspgo.err;
  PgoRun odd = run_pgo({"build", "-C", project.string(), "--recipe", "bolt"});
  EXPECT_EQ(odd.exit_code, 2);
  EXPECT_NE(odd.err.find("recipes: pgo, pgo+lto, pgo+bolt, pgo+lto+bolt"), std::string::npos) << odd.err;
}

}  // namespace
}  // namespace pgo::e2e
