// Profile-quality warnings of `pgo build` (orchestrator/profile_quality.h) with real clang-22
// profiles: a built target no training runs, and a training that ran only start-up code.
#include <gtest/gtest.h>

#include "tests/e2e/e2e_support.h"

namespace fs = std::filesystem;
using nlohmann::json;

namespace pgo::e2e {
namespace {

// Two executables; `app` loops unless it is given "quick", `tool` is never trained.
fs::path two_target_project(const std::string& workload_args) {
  fs::path dir = scratch_dir("quality") / "two";
  fs::create_directories(dir);
  write_text(dir / "CMakeLists.txt",
             "cmake_minimum_required(VERSION 3.16)\nproject(two C)\nadd_executable(app app.c)\n"
             "add_executable(tool tool.c)\n");
  write_text(dir / "app.c", R"(#include <stdio.h>
#include <string.h>
static long work(long n) { long s = 0; for (long i = 0; i < n; ++i) s += (i % 7 == 0) ? i : 1; return s; }
int main(int argc, char** argv) {
  if (argc > 1 && strcmp(argv[1], "quick") == 0) { puts("quick"); return 0; }
  printf("%ld\n", work(200000));
  return 0;
}
)");
  write_text(dir / "tool.c", "#include <stdio.h>\nint main(void) { puts(\"tool\"); return 0; }\n");
  write_text(dir / "pgo.yaml", "version: 1\nbuild:\n  system: cmake\ntoolchains: [clang]\nworkloads:\n"
                               "  - name: main\n    run: [\"${bin:app}\"" + workload_args + "]\n");
  return dir;
}

bool has_warning(const json& report, const std::string& text) {
  for (const auto& w : report.value("warnings", json::array()))
    if (w.is_string() && w.get<std::string>().find(text) != std::string::npos) return true;
  return false;
}

TEST(ProfileQualityEndToEnd, UntrainedTargetIsWarnedAbout) {
  fs::path project = two_target_project("");
  PgoRun run = run_pgo({"build", "-C", project.string(), "--no-bench", "--json"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  json report = json::parse(run.out);
  EXPECT_TRUE(has_warning(report, "clang: target tool has no function with a non-zero count in the profile: "
                                  "no training workload runs ${bin:tool}"))
      << report["warnings"].dump(2);
  EXPECT_FALSE(has_warning(report, "target app has no function")) << report["warnings"].dump(2);
  EXPECT_FALSE(has_warning(report, "ran more than once")) << report["warnings"].dump(2);
  EXPECT_NE(run.err.find("warning: clang: target tool has no function"), std::string::npos) << run.err;
  fs::remove_all(project.parent_path());
}

TEST(ProfileQualityEndToEnd, StartUpOnlyTrainingIsWarnedAbout) {
  fs::path project = two_target_project(", \"quick\"");
  PgoRun run = run_pgo({"build", "-C", project.string(), "--no-bench", "--json"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  json report = json::parse(run.out);
  EXPECT_TRUE(has_warning(report, "clang: no function of the profile ran more than once (hottest: main)"))
      << report["warnings"].dump(2);
  fs::remove_all(project.parent_path());
}

}  // namespace
}  // namespace pgo::e2e
