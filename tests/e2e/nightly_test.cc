// The nightly path end to end (docs/ci.md): fingerprint reuse between two `pgo build` runs,
// `pgo build --reuse` from a fresh or stale stored profile, `pgo ci` exit codes and the
// GitHub step summary, and sharded training merged with `pgo merge`. Clang only and a short
// benchmark, on examples/c-cmake: what is checked is which stages ran, not the speedup.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <set>

#include "support/atomic_file.h"
#include "support/hash.h"
#include "tests/e2e/e2e_support.h"
#include "workloads/process.h"

namespace fs = std::filesystem;
using nlohmann::json;

namespace pgo::e2e {
namespace {

// examples/c-cmake with one toolchain (clang unless said) and a benchmark of the main
// workload only, 3-4 rounds.
fs::path small_project(const std::string& toolchain = "clang") {
  fs::path project = copy_example("c-cmake");
  std::string yaml = read_file(project / "pgo.yaml");
  yaml.replace(yaml.find("toolchains: [gcc, clang]"), 24, "toolchains: [" + toolchain + "]");
  for (const char* name : {"    compare_output: true\n  - name: mandel", "    compare_output: true\nbench:"}) {
    size_t at = yaml.find(name);
    yaml.insert(at + std::string("    compare_output: true\n").size(), "    bench: false\n");
  }
  yaml = yaml.substr(0, yaml.find("bench:\n")) + "bench:\n  warmup: 0\n  min_runs: 3\n  max_runs: 4\n  time_budget: 20s\n";
  write_text(project / "pgo.yaml", yaml);
  return project;
}

const json* stage(const json& report, const std::string& name) {
  for (const auto& s : report["stages"])
    if (s["name"] == name) return &s;
  return nullptr;
}

bool reused(const json& report, const std::string& name) {
  const json* s = stage(report, name);
  return s && (*s)["reused"].get<bool>();
}

json build(const fs::path& project, std::vector<std::string> extra = {}) {
  std::vector<std::string> args = {"build", "-C", project.string(), "--json"};
  args.insert(args.end(), extra.begin(), extra.end());
  PgoRun run = run_pgo(args);
  EXPECT_EQ(run.exit_code, 0) << run.err;
  if (run.exit_code != 0) return json::object();
  return json::parse(run.out);
}

std::string stored_profile_digest(const json& report) {
  return sha256_file(report["profiles"][0]["profile"]["stored_at"].get<std::string>());
}

TEST(Nightly, SecondBuildReusesTrainingAndBenchmarkAndForceDoesNot) {
  fs::path project = small_project();
  json first = build(project);
  ASSERT_FALSE(first.empty());
  EXPECT_FALSE(reused(first, "train"));
  EXPECT_EQ(first["profiles"][0]["profile"]["source"], "trained");
  ASSERT_EQ(first["results"].size(), 1u);
  EXPECT_FALSE(first["results"][0]["reused"].get<bool>());

  PgoRun second_run = run_pgo({"build", "-C", project.string(), "--json"});
  ASSERT_EQ(second_run.exit_code, 0) << second_run.err;
  json second = json::parse(second_run.out);
  EXPECT_TRUE(reused(second, "train"));
  EXPECT_TRUE(reused(second, "merge"));
  EXPECT_NE(second_run.err.find("train: reused"), std::string::npos) << second_run.err;
  EXPECT_EQ(second["profiles"][0]["profile"]["source"], "reused");
  EXPECT_EQ(second["profiles"][0]["profile"]["functions_with_counts"],
            first["profiles"][0]["profile"]["functions_with_counts"]);
  EXPECT_EQ(stored_profile_digest(second), stored_profile_digest(first));
  ASSERT_EQ(second["results"].size(), 1u);
  EXPECT_TRUE(second["results"][0]["reused"].get<bool>());
  EXPECT_EQ(second["results"][0]["speedup"], first["results"][0]["speedup"]);
  EXPECT_EQ(second["results"][0]["optimized"]["samples"], first["results"][0]["optimized"]["samples"]);

  json forced = build(project, {"--force"});
  EXPECT_FALSE(reused(forced, "train"));
  EXPECT_FALSE(forced["results"][0]["reused"].get<bool>());
  EXPECT_EQ(forced["profiles"][0]["profile"]["source"], "trained");

  // A workload change invalidates training; a code change invalidates both.
  std::string yaml = read_file(project / "pgo.yaml");
  yaml.replace(yaml.find("\"150000\""), 8, "\"140000\"");
  write_text(project / "pgo.yaml", yaml);
  json changed = build(project);
  EXPECT_FALSE(reused(changed, "train"));
  EXPECT_EQ(changed["profiles"][0]["profile"]["source_reason"], "training workloads changed");
  fs::remove_all(project.parent_path());
}

TEST(Nightly, ReuseBuildsFromAFreshStoredProfileAndRegeneratesAStaleOne) {
  fs::path project = small_project();
  json first = build(project, {"--no-bench"});
  ASSERT_FALSE(first.empty());
  std::string stored_meta = read_file(project / ".pgo" / "profiles" / "calc" / "clang.json");

  json fresh = build(project, {"--no-bench", "--reuse"});
  ASSERT_FALSE(fresh.empty());
  EXPECT_EQ(fresh["profiles"][0]["profile"]["source"], "stored");
  EXPECT_NE(fresh["profiles"][0]["profile"]["source_reason"].get<std::string>().find("fresh"), std::string::npos);
  EXPECT_TRUE(reused(fresh, "build instrumented"));
  EXPECT_TRUE(reused(fresh, "train"));
  EXPECT_EQ(stage(fresh, "store"), nullptr);  // the store is left as it was
  EXPECT_EQ(read_file(project / ".pgo" / "profiles" / "calc" / "clang.json"), stored_meta);
  EXPECT_TRUE(fresh["profiles"][0]["profile"]["optimized_binary_differs"].get<bool>());
  EXPECT_EQ(fresh["profiles"][0]["profile"]["mismatch_warnings"], 0);

  // A changed source makes it stale: the instrumented build and training run again.
  fs::path source;
  for (const auto& e : fs::recursive_directory_iterator(project))
    if (e.path().extension() == ".c" && e.path().string().find(".pgo") == std::string::npos) source = e.path();
  ASSERT_FALSE(source.empty());
  write_text(source, read_file(source) + "\n/* edited */\n");
  json stale = build(project, {"--no-bench", "--reuse"});
  ASSERT_FALSE(stale.empty());
  EXPECT_EQ(stale["profiles"][0]["profile"]["source"], "trained");
  std::string why = stale["profiles"][0]["profile"]["source_reason"].get<std::string>();
  EXPECT_NE(why.find("stale"), std::string::npos) << why;
  EXPECT_NE(why.find(fs::relative(source, project).string()), std::string::npos) << why;
  EXPECT_FALSE(reused(stale, "build instrumented"));
  EXPECT_FALSE(reused(stale, "train"));  // regenerated even though the binaries did not change
  ASSERT_NE(stage(stale, "store"), nullptr);

  // --reuse with no store at all: stale ("no stored profile"), regenerate.
  fs::remove_all(project / ".pgo" / "profiles");
  json none = build(project, {"--no-bench", "--reuse"});
  EXPECT_NE(none["profiles"][0]["profile"]["source_reason"].get<std::string>().find("no stored profile"),
            std::string::npos);
  fs::remove_all(project.parent_path());
}

// Issue 15 items 2 and 3: --reuse took a truncated stored .gcda for fresh (the optimized
// build then failed naming a scratch copy), an emptied .gcda tree for a training that
// exercised nothing (exit 4), and `"workloads_fingerprint": 3` in the metadata crashed it
// with a json type_error. Each is now a stale profile, named, and regenerated.
TEST(Nightly, ReuseRegeneratesACorruptOrIncompleteStoredProfile) {
  fs::path project = small_project("gcc");
  ASSERT_FALSE(build(project, {"--no-bench"}).empty());
  fs::path tree = project / ".pgo" / "profiles" / "calc" / "gcc.gcda.d";
  fs::path metadata = project / ".pgo" / "profiles" / "calc" / "gcc.json";
  auto stored_gcda = [&] {
    std::vector<fs::path> files;
    for (const auto& e : fs::recursive_directory_iterator(tree))
      if (e.path().extension() == ".gcda") files.push_back(e.path());
    std::sort(files.begin(), files.end());
    return files;
  };
  auto regenerated_because = [&](const std::string& needle) {
    json again = build(project, {"--no-bench", "--reuse"});
    ASSERT_FALSE(again.empty());
    EXPECT_EQ(again["profiles"][0]["profile"]["source"], "trained");
    std::string why = again["profiles"][0]["profile"]["source_reason"].get<std::string>();
    EXPECT_NE(why.find("stale"), std::string::npos) << why;
    EXPECT_NE(why.find(needle), std::string::npos) << why;
    EXPECT_FALSE(reused(again, "train"));
  };

  std::vector<fs::path> files = stored_gcda();
  ASSERT_FALSE(files.empty());
  std::string bytes = read_file(files[0]);
  write_text(files[0], bytes.substr(0, bytes.size() / 2));
  regenerated_because("the stored profile " + tree.string() + " is corrupt: " + files[0].string());

  for (const fs::path& f : stored_gcda()) fs::remove(f);
  regenerated_because("the stored profile " + tree.string() + " is incomplete: it holds no functions");

  json meta = read_json(metadata);
  meta["workloads_fingerprint"] = 3;
  write_text(metadata, meta.dump(2));
  regenerated_because(metadata.string() + ": corrupt profile metadata: key 'workloads_fingerprint' is number");
  fs::remove_all(project.parent_path());
}

// `pgo ci` with GITHUB_STEP_SUMMARY set in its environment.
PgoRun run_ci(const fs::path& project, const fs::path& summary, std::vector<std::string> extra) {
  fs::path dir = scratch_dir("ci-out");
  ProcessSpec spec;
  spec.argv = {pgo::test_paths::pgo_binary(), "ci", "-C", project.string()};
  spec.argv.insert(spec.argv.end(), extra.begin(), extra.end());
  spec.env["GITHUB_STEP_SUMMARY"] = summary.string();
  spec.stdout_file = dir / "stdout";
  spec.stderr_file = dir / "stderr";
  spec.timeout = std::chrono::minutes(20);
  SystemProcessRunner runner;
  ProcessResult r = runner.run(spec);
  PgoRun run{r.exit_code, read_file(spec.stdout_file), read_file(spec.stderr_file)};
  fs::remove_all(dir);
  return run;
}

TEST(Nightly, CiAppendsTheStepSummaryAndExitsOneWhenAGateFails) {
  fs::path project = small_project();
  fs::path summary = project.parent_path() / "summary.md";
  write_text(summary, "earlier step\n");
  PgoRun ok = run_ci(project, summary, {"--fail-below", "0.5"});
  ASSERT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_EQ(ok.err.find('\r'), std::string::npos);  // no progress animation
  std::string text = read_file(summary);
  EXPECT_TRUE(text.starts_with("earlier step\n")) << text.substr(0, 200);
  std::string md = read_file(project / ".pgo" / "reports" / "latest" / "report.md");
  EXPECT_NE(text.find(md), std::string::npos);
  EXPECT_NE(text.find("All gates passed."), std::string::npos);

  PgoRun below = run_ci(project, summary, {"--fail-below", "100"});
  EXPECT_EQ(below.exit_code, 1) << below.err;
  EXPECT_NE(below.err.find("gate failed"), std::string::npos) << below.err;
  EXPECT_NE(read_file(summary).find("**failed:**"), std::string::npos);

  // Against the previous report: unchanged (the benchmark is reused, so equal) passes ...
  fs::path previous = project.parent_path() / "previous.json";
  fs::copy_file(project / ".pgo" / "reports" / "latest" / "report.json", previous);
  PgoRun same = run_ci(project, summary, {"--baseline-report", previous.string()});
  EXPECT_EQ(same.exit_code, 0) << same.err;
  // ... and a previous report whose optimized binary was twice as fast is a regression.
  json faster = read_json(previous);
  for (auto& r : faster["results"]) {
    r["optimized"]["median_s"] = r["optimized"]["median_s"].get<double>() / 2;
    for (auto& s : r["optimized"]["samples"]) s["wall_s"] = s["wall_s"].get<double>() / 2;
  }
  write_text(previous, faster.dump());
  PgoRun regressed = run_ci(project, summary, {"--baseline-report", previous.string()});
  EXPECT_EQ(regressed.exit_code, 1) << regressed.err;
  EXPECT_NE(regressed.err.find("regression in clang/calc/fib"), std::string::npos) << regressed.err;

  PgoRun missing = run_ci(project, summary, {"--baseline-report", (project / "nope.json").string()});
  EXPECT_EQ(missing.exit_code, 2) << missing.err;
  fs::remove_all(project.parent_path());
}

// Functions and their counters, as llvm-profdata prints them (sorted, no header).
std::string profile_dump(const fs::path& profdata) {
  fs::path out = profdata.parent_path() / (profdata.filename().string() + ".txt");
  ProcessSpec spec;
  spec.argv = {"llvm-profdata-22", "show", "--all-functions", "--counts", profdata.string()};
  spec.stdout_file = out;
  SystemProcessRunner runner;
  EXPECT_TRUE(runner.run(spec).ok());
  std::string text = read_file(out);
  fs::remove(out);
  return text;
}

TEST(Nightly, TwoShardsMergeToTheUnshardedProfile) {
  fs::path project = small_project();
  fs::path s1 = project.parent_path() / "shard1", s2 = project.parent_path() / "shard2";
  PgoRun t1 = run_pgo({"train", "-C", project.string(), "--shard", "1/2", "--out", s1.string()});
  ASSERT_EQ(t1.exit_code, 0) << t1.err;
  PgoRun t2 = run_pgo({"train", "-C", project.string(), "--shard", "2/2", "--out", s2.string()});
  ASSERT_EQ(t2.exit_code, 0) << t2.err;
  json m1 = read_json(s1 / "clang" / "manifest.json"), m2 = read_json(s2 / "clang" / "manifest.json");
  EXPECT_EQ(m1["instrumented"], m2["instrumented"]);
  std::set<std::string> w1, w2;
  for (const auto& r : m1["runs"]) w1.insert(r["workload"].get<std::string>());
  for (const auto& r : m2["runs"]) w2.insert(r["workload"].get<std::string>());
  EXPECT_EQ(w1, (std::set<std::string>{"fib", "mandel"}));  // runs 0 and 2 of fib, sort, mandel
  EXPECT_EQ(w2, (std::set<std::string>{"sort"}));

  // Incomplete, duplicated or mismatched shard sets are refused.
  PgoRun only_one = run_pgo({"merge", "-C", project.string(), "--no-bench", s1.string()});
  EXPECT_EQ(only_one.exit_code, 2);
  EXPECT_NE(only_one.err.find("2/2 are missing"), std::string::npos) << only_one.err;
  PgoRun twice = run_pgo({"merge", "-C", project.string(), "--no-bench", s1.string(), s1.string()});
  EXPECT_EQ(twice.exit_code, 2);
  EXPECT_NE(twice.err.find("given twice"), std::string::npos) << twice.err;
  fs::path tampered = project.parent_path() / "tampered";
  fs::copy(s2, tampered, fs::copy_options::recursive);
  json m = m2;
  m["instrumented"]["calc"] = std::string(64, '0');
  write_text(tampered / "clang" / "manifest.json", m.dump());
  PgoRun mismatched = run_pgo({"merge", "-C", project.string(), "--no-bench", s1.string(), tampered.string()});
  EXPECT_EQ(mismatched.exit_code, 2);
  EXPECT_NE(mismatched.err.find("shards disagree on instrumented calc"), std::string::npos) << mismatched.err;

  PgoRun merged_run = run_pgo({"merge", "-C", project.string(), "--no-bench", "--json", s2.string(), s1.string()});
  ASSERT_EQ(merged_run.exit_code, 0) << merged_run.err;
  json merged = json::parse(merged_run.out);
  EXPECT_EQ(merged["profiles"][0]["profile"]["source"], "shards");
  EXPECT_EQ(merged["profiles"][0]["profile"]["raw_profiles"], 3);
  fs::path sharded_copy = project.parent_path() / "sharded.profdata";
  fs::copy_file(merged["profiles"][0]["profile"]["stored_at"].get<std::string>(), sharded_copy);

  json whole = build(project, {"--no-bench", "--force"});
  ASSERT_FALSE(whole.empty());
  EXPECT_EQ(whole["profiles"][0]["profile"]["raw_profiles"], 3);
  std::string sharded = profile_dump(sharded_copy);
  std::string unsharded = profile_dump(whole["profiles"][0]["profile"]["stored_at"].get<std::string>());
  EXPECT_NE(sharded.find("Block counts:"), std::string::npos) << sharded.substr(0, 500);
  EXPECT_EQ(sharded, unsharded);
  fs::remove_all(project.parent_path());
}

TEST(Nightly, TrainRejectsABadShard) {
  fs::path project = small_project();
  PgoRun bad = run_pgo({"train", "-C", project.string(), "--shard", "3/2", "--out", "x"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("--shard 3/2"), std::string::npos) << bad.err;
  // 4 shards of 3 runs: shard 4 has nothing to run.
  PgoRun empty = run_pgo({"train", "-C", project.string(), "--shard", "4/4", "--out",
                          (project.parent_path() / "s4").string()});
  EXPECT_EQ(empty.exit_code, 2);
  EXPECT_NE(empty.err.find("has no training run"), std::string::npos) << empty.err;
  fs::remove_all(project.parent_path());
}

}  // namespace
}  // namespace pgo::e2e
