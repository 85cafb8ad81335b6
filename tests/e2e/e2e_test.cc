// `pgo build` on the bundled CMake examples with the real gcc 12 and clang-22.
#include <gtest/gtest.h>

#include <set>

#include "tests/e2e/e2e_support.h"

namespace fs = std::filesystem;
using nlohmann::json;

namespace pgo::e2e {
namespace {

void expect_complete_report(const json& report, const fs::path& project, const std::set<std::string>& toolchains) {
  ASSERT_EQ(report["schema"], "pgo-report/1");
  std::set<std::string> seen;
  for (const auto& t : report["toolchains"]) {
    seen.insert(t["name"].get<std::string>());
    EXPECT_FALSE(t["version"].get<std::string>().empty());
  }
  EXPECT_EQ(seen, toolchains);

  std::set<std::string> stage_names;
  for (const auto& s : report["stages"]) stage_names.insert(s["name"].get<std::string>());
  for (const char* stage : {"detect", "build baseline", "build instrumented", "train", "merge", "build optimized", "store"})
    EXPECT_TRUE(stage_names.count(stage)) << "missing stage " << stage;

  ASSERT_FALSE(report["profiles"].empty());
  for (const auto& p : report["profiles"]) {
    SCOPED_TRACE(p["toolchain"].get<std::string>() + "/" + p["target"].get<std::string>());
    const json& profile = p["profile"];
    EXPECT_GT(profile["functions"].get<int>(), 0);
    EXPECT_GT(profile["functions_with_counts"].get<int>(), 0);
    EXPECT_LE(profile["functions_with_counts"].get<int>(), profile["functions"].get<int>());
    EXPECT_EQ(profile["mismatch_warnings"].get<int>(), 0) << profile["warning_examples"].dump();
    EXPECT_TRUE(profile["optimized_binary_differs"].get<bool>());
    fs::path stored = p["profile"]["stored_at"].get<std::string>();
    EXPECT_TRUE(fs::exists(stored)) << stored;
    fs::path metadata = stored.parent_path() / (p["toolchain"].get<std::string>() + ".json");
    ASSERT_TRUE(fs::exists(metadata));
    json meta = read_json(metadata);
    EXPECT_EQ(meta["schema"], "pgo-profile/1");
    EXPECT_EQ(meta["toolchain"]["name"], p["toolchain"]);
    EXPECT_FALSE(meta["sources"]["files"].empty());
    EXPECT_TRUE(meta["sources"]["files"].contains("CMakeLists.txt"));
  }

  ASSERT_FALSE(report["results"].empty());
  for (const auto& r : report["results"]) {
    SCOPED_TRACE(r["toolchain"].get<std::string>() + "/" + r["workload"].get<std::string>());
    expect_measured_result(r, 10);
    double speedup = r["speedup"].get<double>();
    EXPECT_NEAR(speedup, r["baseline"]["median_s"].get<double>() / r["optimized"]["median_s"].get<double>(), 1e-9);
    EXPECT_LE(r["speedup_ci95"][0].get<double>(), speedup);
    EXPECT_GE(r["speedup_ci95"][1].get<double>(), speedup);
  }
  EXPECT_TRUE(fs::exists(project / ".pgo" / "reports" / "latest" / "report.json"));
}

void build_example_with_both_toolchains(const std::string& example) {
  fs::path project = copy_example(example);
  cap_bench_at_min_runs(project);  // the 10 runs expect_complete_report asks for, not up to 20
  PgoRun run = run_pgo({"build", "-C", project.string(), "--toolchain", "gcc", "--toolchain", "clang", "--json"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  json report = json::parse(run.out);
  expect_complete_report(report, project, {"gcc", "clang"});
  // The stored report is the one printed.
  EXPECT_EQ(read_json(project / ".pgo" / "reports" / "latest" / "report.json"), report);
  fs::remove_all(project.parent_path());
}

TEST(EndToEnd, CMakeCExampleWithGccAndClang) { build_example_with_both_toolchains("c-cmake"); }

TEST(EndToEnd, CMakeCppExampleWithGccAndClang) { build_example_with_both_toolchains("cpp-cmake"); }

}  // namespace
}  // namespace pgo::e2e
