// `pgo build` on examples/go-module with the real go command: a command workload (one of
// its runs ends with os.Exit(0)), a benchmark workload whose test binary writes its own
// profile, and the report's profile and benchmark sections.
#include <gtest/gtest.h>

#include <regex>

#include "support/atomic_file.h"
#include "tests/e2e/e2e_support.h"
#include "workloads/process.h"

namespace fs = std::filesystem;
using nlohmann::json;

namespace pgo::e2e {
namespace {

// The example's workloads, plus a training run that ends through os.Exit(0); a short bench:
// the 5 runs the test checks.
constexpr const char* kConfig = R"(version: 1
build:
  system: go
  packages: ["./cmd/gomodule"]
workloads:
  - name: pipeline
    run: ["${bin:gomodule}", "-size", "2"]
    repeat: 2
    weight: 2
  - name: pipeline-os-exit
    run: ["${bin:gomodule}", "-size", "1", "-exit"]
    bench: false
  - name: bench-kernels
    run: ["${bin:kernels.test}", "-test.run=^$", "-test.bench=.", "-test.benchtime=2x",
          "-test.cpuprofile=${run_dir}/cpu.pprof"]
    profile: cpu.pprof
    compare_output: false
bench:
  min_runs: 5
  max_runs: 5
  time_budget: 20s
)";

// The build settings line `-pgo=...` of `go version -m`, or "" if there is none.
std::string pgo_setting(const fs::path& binary) {
  fs::path out = scratch_dir("version-m") / "out";
  ProcessSpec spec;
  spec.argv = {"go", "version", "-m", binary.string()};
  spec.stdout_file = out;
  spec.stderr_file = out;
  SystemProcessRunner runner;
  ProcessResult r = runner.run(spec);
  EXPECT_TRUE(r.ok()) << r.describe();
  std::string text = read_file(out);
  fs::remove_all(out.parent_path());
  std::smatch m;
  if (!std::regex_search(text, m, std::regex("\tbuild\t-pgo=([^\n]*)"))) return "";
  return m[1];
}

TEST(EndToEndGo, GoModuleExample) {
  fs::path project = copy_example("go-module");
  write_text(project / "pgo.yaml", kConfig);
  PgoRun run = run_pgo({"build", "-C", project.string(), "--json"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  json report = json::parse(run.out);

  ASSERT_EQ(report["toolchains"].size(), 1u);
  EXPECT_EQ(report["toolchains"][0]["name"], "go");
  EXPECT_FALSE(report["toolchains"][0]["version"].get<std::string>().empty());

  std::set<std::string> targets;
  ASSERT_FALSE(report["profiles"].empty());
  for (const auto& p : report["profiles"]) {
    SCOPED_TRACE(p["target"].get<std::string>());
    targets.insert(p["target"].get<std::string>());
    const json& profile = p["profile"];
    EXPECT_GT(profile["functions"].get<int>(), 0);
    EXPECT_GT(profile["functions_with_counts"].get<int>(), 0);
    EXPECT_LE(profile["functions_with_counts"].get<int>(), profile["functions"].get<int>());
    EXPECT_GT(profile["total_count"].get<int64_t>(), 0);  // CPU samples
    ASSERT_FALSE(profile["hottest"].empty());
    bool kernel_is_hot = false;
    for (const auto& f : profile["hottest"])
      kernel_is_hot = kernel_is_hot || f["name"].get<std::string>().find("example.com/gomodule/kernels.") == 0;
    EXPECT_TRUE(kernel_is_hot) << profile["hottest"].dump();
    // Every training run left a profile: 2 + 1 (os.Exit(0)) + 1, none skipped.
    EXPECT_EQ(profile["raw_profiles"].get<int>(), 4);
    EXPECT_TRUE(profile["skipped_inputs"].empty()) << profile["skipped_inputs"].dump();
    EXPECT_NE(profile["merge_method"].get<std::string>().find("go tool pprof"), std::string::npos);
    EXPECT_TRUE(profile["optimized_binary_differs"].get<bool>());
    fs::path stored = profile["stored_at"].get<std::string>();
    EXPECT_TRUE(fs::exists(stored)) << stored;
    json meta = read_json(stored.parent_path() / "go.json");
    EXPECT_TRUE(meta["sources"]["files"].contains("go.mod"));
    EXPECT_TRUE(meta["sources"]["files"].contains("kernels/filter.go"));
  }
  EXPECT_EQ(targets, (std::set<std::string>{"gomodule", "kernels.test"}));

  // The optimized program records the merged profile, read as default.pgo beside it (the stored
  // profile's bytes); the baseline was built with -pgo=off. (Go writes no -pgo into test
  // binaries of non-main packages such as kernels.test.)
  fs::path build = project / ".pgo" / "build" / "go";
  std::string used = pgo_setting(build / "optimized" / "gomodule");
  EXPECT_EQ(used, (build / "optimized" / "profile" / "default.pgo").string());
  EXPECT_EQ(read_file(used), read_file(project / ".pgo/profiles/gomodule/go.pprof"));
  EXPECT_EQ(pgo_setting(build / "baseline" / "gomodule"), "");

  ASSERT_EQ(report["results"].size(), 2u);  // pipeline and bench-kernels
  for (const auto& r : report["results"]) {
    SCOPED_TRACE(r["workload"].get<std::string>());
    expect_measured_result(r, 5);  // the test config asks for min_runs 5
  }
  fs::remove_all(project.parent_path());
}

TEST(EndToEndGo, ProgramThatWritesNoProfileFailsTraining) {
  // A workload that claims a profile the program never writes: exit 4, naming the file.
  fs::path project = copy_example("go-module");
  write_text(project / "pgo.yaml",
             "version: 1\nbuild:\n  system: go\n  packages: [\"./cmd/gomodule\"]\nworkloads:\n"
             "  - name: quiet\n    run: [\"${bin:gomodule}\", \"-size\", \"1\"]\n    profile: never.pprof\n");
  PgoRun run = run_pgo({"build", "-C", project.string(), "--no-bench"});
  EXPECT_EQ(run.exit_code, 4) << run.err;
  EXPECT_NE(run.err.find("never.pprof"), std::string::npos) << run.err;
  fs::remove_all(project.parent_path());
}

}  // namespace
}  // namespace pgo::e2e
