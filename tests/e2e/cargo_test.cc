// `pgo build` on examples/rust-cargo with the real cargo/rustc 1.95: the report, the stored
// profile and metadata, Cargo rebuilding exactly when the profile changes, and the user's
// RUSTFLAGS reaching every build.
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

// The rustc command line cargo -v printed for the rvm crate; empty if it was not compiled.
std::string rvm_rustc_line(const std::string& log) {
  std::istringstream in(log);
  for (std::string line; std::getline(in, line);)
    if (line.find("Running `") != std::string::npos && line.find("--crate-name rvm") != std::string::npos) return line;
  return {};
}

class CargoEndToEnd : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!find_program("cargo") || !find_program("rustc")) GTEST_SKIP() << "cargo/rustc not installed";
  }
};

TEST_F(CargoEndToEnd, BuildsTrainsAndBenchmarksTheRustExample) {
  fs::path project = copy_cargo_example();
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

}  // namespace
}  // namespace pgo::e2e
