// `pgo build --recipe pgo+bolt` end to end: BOLT (instrumentation mode, bolt-22) rewrites the
// PGO-optimized executables of examples/c-cmake (gcc, clang) and examples/rust-cargo after a
// training of its own; its profiled-function count reaches the report, the outputs still
// match the baseline's, and Go is refused with a reason.
#include <gtest/gtest.h>

#include "tests/e2e/e2e_support.h"

namespace fs = std::filesystem;
using nlohmann::json;

namespace pgo::e2e {
namespace {

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
  ASSERT_FALSE(report["results"].empty());
  for (const json& r : report["results"]) {
    EXPECT_FALSE(r["failed"].get<bool>()) << r.dump(2);
    EXPECT_TRUE(r["outputs_match"].get<bool>()) << r.dump(2);
  }
}

TEST(RecipeE2e, BoltOnCCmakeWithGccAndClang) {
  fs::path project = copy_example("c-cmake");
  write_text(project / "pgo.yaml",
             "version: 1\nbuild:\n  system: cmake\n  targets: [calc]\ntoolchains: [gcc, clang]\nworkloads:\n"
             "  - name: fib\n    run: [\"${bin:calc}\", \"${project}/scripts/fib.calc\", \"22\"]\n"
             "  - name: sort\n    run: [\"${bin:calc}\", \"${project}/scripts/sort.calc\", \"5000\"]\n"
             "bench:\n  metric: instructions\n");
  PgoRun run = run_pgo({"build", "-C", project.string(), "--recipe", "pgo+bolt"});
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_NE(run.err.find("bolt optimize"), std::string::npos) << run.err;  // the stages show as they run
  for (const char* tc : {"gcc", "clang"}) expect_bolted(project, tc, "calc");
  // The link flag BOLT needs reached the optimized build.
  json manifest = read_json(project / ".pgo/build/clang/manifest.json");
  EXPECT_NE(manifest["builds"]["optimized"].dump().find("--emit-relocs"), std::string::npos) << manifest.dump(2);
}

TEST(RecipeE2e, BoltOnRustCargo) {
  fs::path project = copy_example("rust-cargo");
  write_text(project / "pgo.yaml",
             "version: 1\nbuild:\n  system: cargo\n  source_dir: .\n  bins: [rvm]\n  profile: release\n"
             "toolchains: [rust]\nworkloads:\n"
             "  - name: fib\n    run: [\"${bin:rvm}\", \"fib\", \"20\"]\n"
             "bench:\n  metric: instructions\n");
  PgoRun run = run_pgo({"build", "-C", project.string(), "--recipe", "pgo+bolt"});
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  expect_bolted(project, "rust", "rvm");
}

TEST(RecipeE2e, UnknownAndUnbuiltRecipesAreUsageErrors) {
  fs::path project = copy_example("c-cmake");
  PgoRun lto = run_pgo({"build", "-C", project.string(), "--recipe", "pgo+lto"});
  EXPECT_EQ(lto.exit_code, 2);
  EXPECT_NE(lto.err.find("'lto' is not built into this pgo yet"), std::string::npos) << lto.err;
  PgoRun odd = run_pgo({"build", "-C", project.string(), "--recipe", "bolt"});
  EXPECT_EQ(odd.exit_code, 2);
  EXPECT_NE(odd.err.find("recipes: pgo, pgo+bolt"), std::string::npos) << odd.err;
}

}  // namespace
}  // namespace pgo::e2e
