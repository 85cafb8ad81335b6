// `pgo import` end to end with the real toolchains (docs/production-profiles.md): a profile
// collected outside pgo — a .profraw of a hand-built instrumented calc (clang-22), a CPU
// profile of examples/go-module's code (go test -cpuprofile) — checked, kept in the store,
// built from alone (`--profile imported`) and merged with the training; a damaged or
// wrong-version file leaves the store as it was.
#include <regex>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "support/atomic_file.h"
#include "support/hash.h"
#include "tests/e2e/e2e_support.h"
#include "workloads/process.h"

namespace fs = std::filesystem;
using nlohmann::json;
using ::testing::HasSubstr;

namespace pgo::e2e {
namespace {

// Runs argv in `cwd` with `env` added; the test fails when it does not exit 0.
std::string run(const std::vector<std::string>& argv, const fs::path& cwd, const std::map<std::string, std::string>& env = {}) {
  const fs::path out = scratch_dir("import-run") / "out";
  ProcessSpec spec;
  spec.argv = argv;
  spec.cwd = cwd;
  spec.env = env;
  spec.stdout_file = out;
  spec.stderr_file = out;
  spec.timeout = std::chrono::seconds(600);
  SystemProcessRunner runner;
  ProcessResult r = runner.run(spec);
  std::string text = read_file(out);
  fs::remove_all(out.parent_path());
  EXPECT_TRUE(r.ok()) << argv.front() << ": " << r.describe() << "\n" << text;
  return text;
}

// A copy of `file` cut to half its size, as an interrupted download leaves it.
fs::path truncated_copy(const fs::path& file) {
  const fs::path cut = file.parent_path() / ("cut-" + file.filename().string());
  std::string bytes = read_file(file);
  write_file_atomic(cut, bytes.substr(0, bytes.size() / 2));
  return cut;
}

const json& profile_of(const json& report, const std::string& target) {
  for (const json& p : report["profiles"])
    if (p["target"] == target) return p;
  static const json none;
  ADD_FAILURE() << "no profile of " << target << " in the report";
  return none;
}

bool has_stage(const json& report, const std::string& name) {
  for (const json& s : report["stages"])
    if (s["name"] == name) return true;
  return false;
}

TEST(ImportE2e, ClangProfrawOfAHandRunInstrumentedBinaryBuildsAloneAndMergesWithTheTraining) {
  const fs::path project = copy_example("c-cmake");
  const fs::path prod = scratch_dir("import-clang-prod");
  // "Production": calc built instrumented outside pgo, as a release pipeline would, and run.
  run({"cmake", "-S", project.string(), "-B", (prod / "build").string(), "-G", "Ninja", "-DCMAKE_C_COMPILER=clang-22",
       "-DCMAKE_BUILD_TYPE=Release", "-DCMAKE_C_FLAGS=-fprofile-generate", "-DCMAKE_EXE_LINKER_FLAGS=-fprofile-generate"},
      prod);
  run({"cmake", "--build", (prod / "build").string()}, prod);
  const fs::path profraw = prod / "calc-prod.profraw";
  run({(prod / "build/calc").string(), (project / "scripts/fib.calc").string(), "27"}, prod,
      {{"LLVM_PROFILE_FILE", profraw.string()}});
  ASSERT_TRUE(fs::exists(profraw));

  // A damaged file: a clear error naming it, exit 2, and nothing in the store.
  const fs::path cut = truncated_copy(profraw);
  PgoRun bad = run_pgo({"import", cut.string(), "--target", "calc", "-C", project.string()});
  EXPECT_EQ(bad.exit_code, 2) << bad.err;
  EXPECT_THAT(bad.err, HasSubstr(cut.string()));
  EXPECT_FALSE(fs::exists(project / ".pgo/profiles"));

  PgoRun imported = run_pgo({"import", profraw.string(), "--target", "calc", "-C", project.string()});
  ASSERT_EQ(imported.exit_code, 0) << imported.err;
  EXPECT_THAT(imported.out, HasSubstr("(profraw, clang, weight 1"));
  const json manifest = read_json(project / ".pgo/profiles/calc/imports/clang.json");
  ASSERT_EQ(manifest["imports"].size(), 1u);
  EXPECT_EQ(manifest["imports"][0]["sha256"], sha256_file(profraw));
  EXPECT_EQ(manifest["imports"][0]["version"], "10");  // LLVM 22's raw version

  // Alone: no instrumented build, no training; clang finds every function's profile.
  PgoRun alone = run_pgo({"build", "-C", project.string(), "--toolchain", "clang", "--profile", "imported", "--no-bench",
                          "--json"});
  ASSERT_EQ(alone.exit_code, 0) << alone.err;
  json report = json::parse(alone.out);
  const json& p = profile_of(report, "calc");
  EXPECT_EQ(p["profile"]["source"], "imported");
  EXPECT_EQ(p["profile"]["mismatch_warnings"], 0);
  EXPECT_GT(p["profile"]["functions_with_counts"].get<int>(), 10);
  EXPECT_TRUE(p["profile"]["optimized_binary_differs"].get<bool>());
  EXPECT_FALSE(has_stage(report, "build instrumented"));
  EXPECT_FALSE(has_stage(report, "train"));
  json meta = read_json(project / ".pgo/profiles/calc/clang.json");
  ASSERT_EQ(meta["parts"].size(), 1u);
  EXPECT_EQ(meta["parts"][0]["source"], "imported");
  EXPECT_EQ(meta["parts"][0]["file"], profraw.string());
  EXPECT_EQ(meta["parts"][0]["sha256"], sha256_file(profraw));

  // `pgo status` treats it as a trained profile: fresh by the function match, aged from the import.
  PgoRun status_run;
  json s = status_profile(project, 0, {"--toolchain", "clang"}, &status_run);
  EXPECT_EQ(s["stale"], false) << s.dump(2);
  EXPECT_DOUBLE_EQ(s["weighted_match"].get<double>(), 1.0);
  EXPECT_EQ(s["created"], manifest["imports"][0]["imported"]);
  EXPECT_THAT(s["notes"].dump(), HasSubstr("holds imported profile(s): calc-prod.profraw"));

  // By default the training and the import are merged.
  PgoRun both = run_pgo({"build", "-C", project.string(), "--toolchain", "clang", "--no-bench", "--json"});
  ASSERT_EQ(both.exit_code, 0) << both.err;
  report = json::parse(both.out);
  EXPECT_EQ(profile_of(report, "calc")["profile"]["source"], "trained");
  EXPECT_TRUE(has_stage(report, "train"));
  EXPECT_TRUE(has_stage(report, "merge imported"));
  meta = read_json(project / ".pgo/profiles/calc/clang.json");
  ASSERT_EQ(meta["parts"].size(), 2u);
  EXPECT_EQ(meta["parts"][0]["source"], "training");
  EXPECT_EQ(meta["parts"][1]["source"], "imported");
  fs::remove_all(prod);
  fs::remove_all(project.parent_path());
}

// The build setting `-pgo=...` of `go version -m`, or "" if there is none.
std::string pgo_setting(const fs::path& binary) {
  std::smatch m;
  const std::string text = run({"go", "version", "-m", binary.string()}, binary.parent_path());
  if (!std::regex_search(text, m, std::regex("\tbuild\t-pgo=([^\n]*)"))) return "";
  return m[1];
}

TEST(ImportE2e, GoCpuProfileOfTheExampleBuildsAloneAndGoVersionShowsTheStoredProfile) {
  const fs::path project = copy_example("go-module");
  const fs::path prod = scratch_dir("import-go-prod");
  // A real CPU profile of the module's code, taken outside pgo by the test binary's own flag.
  run({"go", "test", "-c", "-o", (prod / "kernels.test").string(), "./kernels"}, project);
  const fs::path cpu = prod / "cpu.pprof";
  run({(prod / "kernels.test").string(), "-test.run=^$", "-test.bench=.", "-test.benchtime=20x",
       "-test.cpuprofile=" + cpu.string()},
      prod);

  PgoRun imported = run_pgo({"import", cpu.string(), "--target", "gomodule", "-C", project.string()});
  ASSERT_EQ(imported.exit_code, 0) << imported.err;
  EXPECT_THAT(imported.out, HasSubstr("(pprof, go, weight 1"));
  const fs::path manifest = project / ".pgo/profiles/gomodule/imports/go.json";
  const std::string manifest_before = read_file(manifest);
  // A damaged profile is refused naming it, and the store keeps what it had.
  const fs::path cut = truncated_copy(cpu);
  PgoRun bad = run_pgo({"import", cut.string(), "--target", "gomodule", "-C", project.string()});
  EXPECT_EQ(bad.exit_code, 2) << bad.err;
  EXPECT_THAT(bad.err, HasSubstr(cut.string()));
  EXPECT_EQ(read_file(manifest), manifest_before);

  PgoRun build = run_pgo({"build", "-C", project.string(), "--profile", "imported", "--no-bench", "--json"});
  ASSERT_EQ(build.exit_code, 0) << build.err;
  json report = json::parse(build.out);
  EXPECT_EQ(profile_of(report, "gomodule")["profile"]["source"], "imported");
  EXPECT_FALSE(has_stage(report, "build instrumented"));
  EXPECT_FALSE(has_stage(report, "train"));

  // The optimized binary was built with -pgo= the stored profile, which is the imported file.
  const std::string used = pgo_setting(project / ".pgo/build/go/optimized/gomodule");
  ASSERT_FALSE(used.empty());
  EXPECT_EQ(sha256_file(used), sha256_file(cpu));
  EXPECT_EQ(sha256_file(project / ".pgo/profiles/gomodule/go.pprof"), sha256_file(cpu));
  const json meta = read_json(project / ".pgo/profiles/gomodule/go.json");
  ASSERT_EQ(meta["parts"].size(), 1u);
  EXPECT_EQ(meta["parts"][0]["sha256"], sha256_file(cpu));
  EXPECT_EQ(meta["parts"][0]["toolchain"], "go");
  fs::remove_all(prod);
  fs::remove_all(project.parent_path());
}

}  // namespace
}  // namespace pgo::e2e
