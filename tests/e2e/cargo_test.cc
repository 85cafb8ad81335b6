// `pgo build` on examples/rust-cargo with the real cargo/rustc 1.95: the report, the stored
// profile and metadata, Cargo rebuilding exactly when the profile changes, the user's
// RUSTFLAGS reaching every build, and a workload running a `cargo bench` binary.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <regex>

#include "support/atomic_file.h"
#include "tests/e2e/e2e_support.h"
#include "workloads/process.h"

namespace fs = std::filesystem;
using nlohmann::json;

namespace pgo::e2e {
namespace {

fs::path copy_cargo_example() {
  fs::path project = copy_example("rust-cargo");
  fs::remove_all(project / "target");  // a local `cargo build` of the example must not leak in
  return project;
}

std::string build_log(const fs::path& project, const std::string& kind) {
  return read_file(project / ".pgo" / "build" / "rust" / kind / "pgo-build.log");
}

// The rustc command line cargo -v printed for `crate`; empty if it was not compiled.
std::string rustc_line(const std::string& log, const std::string& crate) {
  std::istringstream in(log);
  for (std::string line; std::getline(in, line);)
    if (line.find("Running `") != std::string::npos && line.find("--crate-name " + crate + " ") != std::string::npos)
      return line;
  return {};
}

std::string rvm_rustc_line(const std::string& log) { return rustc_line(log, "rvm"); }

class CargoEndToEnd : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!find_program("cargo") || !find_program("rustc")) GTEST_SKIP() << "cargo/rustc not installed";
  }
};

TEST_F(CargoEndToEnd, BuildsTrainsAndBenchmarksTheRustExample) {
  fs::path project = copy_cargo_example();
  cap_bench_at_min_runs(project);  // the 10 runs checked below, not up to 20
  PgoRun run = run_pgo({"build", "-C", project.string(), "--json"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  json report = json::parse(run.out);
  ASSERT_EQ(report["toolchains"].size(), 1u);
  EXPECT_EQ(report["toolchains"][0]["name"], "rust");
  EXPECT_FALSE(report["toolchains"][0]["version"].get<std::string>().empty());

  ASSERT_EQ(report["profiles"].size(), 1u);
  const json& p = report["profiles"][0];
  EXPECT_EQ(p["target"], "rvm");
  EXPECT_GT(p["profile"]["functions"].get<int>(), 0);
  EXPECT_GT(p["profile"]["functions_with_counts"].get<int>(), 0);
  EXPECT_EQ(p["profile"]["mismatch_warnings"].get<int>(), 0) << p["profile"]["warning_examples"].dump();
  EXPECT_TRUE(p["profile"]["optimized_binary_differs"].get<bool>());
  fs::path stored = p["profile"]["stored_at"].get<std::string>();
  EXPECT_TRUE(fs::exists(stored)) << stored;
  json meta = read_json(stored.parent_path() / "rust.json");
  EXPECT_EQ(meta["schema"], "pgo-profile/1");
  EXPECT_EQ(meta["toolchain"]["name"], "rust");
  EXPECT_TRUE(meta["sources"]["files"].contains("src/main.rs")) << meta["sources"].dump();
  EXPECT_TRUE(meta["sources"]["files"].contains("Cargo.toml"));

  ASSERT_EQ(report["results"].size(), 3u);
  for (const auto& r : report["results"]) {
    SCOPED_TRACE(r["workload"].get<std::string>());
    expect_measured_result(r, 10);
  }
  // The instrumented and optimized builds used pgo's flags; the baseline did not.
  EXPECT_NE(rvm_rustc_line(build_log(project, "instrumented")).find("-Cprofile-generate="), std::string::npos);
  EXPECT_NE(rvm_rustc_line(build_log(project, "optimized")).find("-Cprofile-use="), std::string::npos);
  EXPECT_EQ(rvm_rustc_line(build_log(project, "baseline")).find("-Cprofile"), std::string::npos);
  fs::remove_all(project.parent_path());
}

TEST_F(CargoEndToEnd, CargoRebuildsExactlyWhenTheProfileChanges) {
  fs::path project = copy_cargo_example();
  PgoRun first = run_pgo({"build", "-C", project.string(), "--no-bench", "--json"});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  std::string first_line = rvm_rustc_line(build_log(project, "optimized"));
  ASSERT_FALSE(first_line.empty()) << build_log(project, "optimized");

  // Same workloads: the same profile content, so the same file name, and Cargo keeps the binary.
  PgoRun same = run_pgo({"build", "-C", project.string(), "--no-bench", "--force", "--json"});
  ASSERT_EQ(same.exit_code, 0) << same.err;
  std::string log = build_log(project, "optimized");
  EXPECT_TRUE(rvm_rustc_line(log).empty()) << log;
  EXPECT_NE(log.find("Fresh rvm"), std::string::npos) << log;
  EXPECT_EQ(json::parse(same.out)["profiles"][0]["profile"]["stored_at"],
            json::parse(first.out)["profiles"][0]["profile"]["stored_at"]);

  // Another training input: another profile, another name, and rvm is compiled again.
  std::string yaml = read_file(project / "pgo.yaml");
  yaml = std::regex_replace(yaml, std::regex("\"fib\", \"31\""), "\"fib\", \"24\"");
  write_text(project / "pgo.yaml", yaml);
  PgoRun changed = run_pgo({"build", "-C", project.string(), "--no-bench", "--json"});
  ASSERT_EQ(changed.exit_code, 0) << changed.err;
  std::string line = rvm_rustc_line(build_log(project, "optimized"));
  ASSERT_FALSE(line.empty()) << build_log(project, "optimized");
  std::smatch old_use, new_use;
  std::regex use("-Cprofile-use=\\S+");
  ASSERT_TRUE(std::regex_search(first_line, old_use, use));
  ASSERT_TRUE(std::regex_search(line, new_use, use));
  EXPECT_NE(old_use.str(), new_use.str());
  fs::remove_all(project.parent_path());
}

TEST_F(CargoEndToEnd, UserRustflagsReachBaselineInstrumentedAndOptimizedBuilds) {
  fs::path project = copy_cargo_example();
  const char* old = getenv("RUSTFLAGS");
  std::string saved = old ? old : "";
  setenv("RUSTFLAGS", "-C target-cpu=native", 1);
  PgoRun run = run_pgo({"build", "-C", project.string(), "--no-bench", "--json"});
  if (old) setenv("RUSTFLAGS", saved.c_str(), 1); else unsetenv("RUSTFLAGS");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  for (const char* kind : {"baseline", "instrumented", "optimized"}) {
    SCOPED_TRACE(kind);
    std::string line = rvm_rustc_line(build_log(project, kind));
    ASSERT_FALSE(line.empty()) << build_log(project, kind);
    EXPECT_NE(line.find("-C target-cpu=native"), std::string::npos) << line;
  }
  std::string optimized = rvm_rustc_line(build_log(project, "optimized"));
  EXPECT_NE(optimized.find("-Cprofile-use="), std::string::npos) << optimized;
  // pgo's flags come after the user's.
  EXPECT_LT(optimized.find("-C target-cpu=native"), optimized.find("-Cprofile-use="));
  json report = json::parse(run.out);
  EXPECT_GT(report["profiles"][0]["profile"]["functions_with_counts"].get<int>(), 0);
  fs::remove_all(project.parent_path());
}

// A workload that runs the example's `cargo bench` binary (benches/parse.rs) as
// ${bin:parse.bench}: built with --bench in all three trees although build.bins lists only
// rvm, trained (its own functions get counts), optimized with the profile and benchmarked.
TEST_F(CargoEndToEnd, TrainsAndBenchmarksACargoBenchBinary) {
  fs::path project = copy_cargo_example();
  write_text(project / "pgo.yaml", R"(version: 1
build:
  system: cargo
  bins: [rvm]
toolchains: [rust]
workloads:
  - name: parse
    run: ["${bin:parse.bench}", "--bench"]
bench: {warmup: 0, min_runs: 3, max_runs: 3, time_budget: 10s}
)");
  PgoRun run = run_pgo({"build", "-C", project.string(), "--json"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  json report = json::parse(run.out);
  const json* bench = nullptr;
  for (const json& p : report["profiles"])
    if (p["target"] == "parse.bench") bench = &p;
  ASSERT_NE(bench, nullptr) << report["profiles"].dump();
  const json& profile = (*bench)["profile"];
  EXPECT_GT(profile["functions_with_counts"].get<int>(), 0);
  EXPECT_TRUE(profile["optimized_binary_differs"].get<bool>());
  EXPECT_EQ(profile["mismatch_warnings"].get<int>(), 0) << profile["warning_examples"].dump();
  bool bench_code_counted = false;
  for (const json& f : profile["hottest"])
    bench_code_counted = bench_code_counted || (f["name"].get<std::string>().starts_with("parse::") &&
                                                f["count"].get<long long>() > 0);
  EXPECT_TRUE(bench_code_counted) << profile["hottest"].dump();
  EXPECT_TRUE(fs::exists(project / ".pgo" / "profiles" / "parse.bench" / "rust.profdata"));

  ASSERT_EQ(report["results"].size(), 1u);
  EXPECT_EQ(report["results"][0]["workload"], "parse");
  expect_measured_result(report["results"][0], 3);

  // cargo selected the bench by name, and the bench crate got pgo's flags in each tree.
  EXPECT_NE(build_log(project, "optimized").find("--bin rvm --bench parse"), std::string::npos);
  EXPECT_NE(rustc_line(build_log(project, "instrumented"), "parse").find("-Cprofile-generate="), std::string::npos);
  EXPECT_NE(rustc_line(build_log(project, "optimized"), "parse").find("-Cprofile-use="), std::string::npos);
  EXPECT_EQ(rustc_line(build_log(project, "baseline"), "parse").find("-Cprofile"), std::string::npos);
  fs::remove_all(project.parent_path());
}

TEST_F(CargoEndToEnd, AWorkloadNamingAMissingBenchIsAUsageError) {
  fs::path project = copy_cargo_example();
  std::string yaml = read_file(project / "pgo.yaml");
  const std::string words_run = "[\"${bin:rvm}\", \"words\"";
  ASSERT_NE(yaml.find(words_run), std::string::npos) << yaml;
  yaml.replace(yaml.find(words_run), words_run.size(), "[\"${bin:words.bench}\", \"words\"");
  write_text(project / "pgo.yaml", yaml);
  PgoRun run = run_pgo({"build", "-C", project.string(), "--no-bench"});
  EXPECT_EQ(run.exit_code, 2) << run.err;
  EXPECT_NE(run.err.find("${bin:words.bench}, but the package has no bench target 'words'"), std::string::npos)
      << run.err;
  EXPECT_NE(run.err.find("test and bench binaries: parse.bench"), std::string::npos) << run.err;
  fs::remove_all(project.parent_path());
}

}  // namespace
}  // namespace pgo::e2e
