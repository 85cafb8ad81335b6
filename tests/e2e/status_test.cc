// `pgo status` end to end with the real gcc 12 and clang-22 on a copy of examples/c-cmake:
// fresh after a build; a comment or cold-function edit stays fresh; a hot-function edit is
// reported per function and makes it stale; flag and toolchain drift; corrupt store files;
// --cost measuring a stale profile against a fresh one.
#include <fcntl.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <unistd.h>

#include <regex>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "support/atomic_file.h"
#include "tests/e2e/e2e_support.h"

namespace fs = std::filesystem;
using nlohmann::json;
using ::testing::HasSubstr;

namespace pgo::e2e {
namespace {

class Status : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    tc_ = GetParam();
    project_ = copy_example("c-cmake");
    replace_once(project_ / "pgo.yaml", "toolchains: [gcc, clang]", "toolchains: [" + tc_ + "]");
    PgoRun build = run_pgo({"build", "-C", project_.string(), "--no-bench"});
    ASSERT_EQ(build.exit_code, 0) << build.err;
  }
  void TearDown() override { fs::remove_all(project_.parent_path()); }

  json status(int expected_exit, const std::vector<std::string>& extra = {}) {
    return status_profile(project_, expected_exit, extra, &last_);
  }
  fs::path stored_dir() const { return project_ / ".pgo" / "profiles" / "calc"; }
  fs::path metadata() const { return stored_dir() / (tc_ + ".json"); }
  fs::path profile() const { return stored_dir() / (tc_ + (tc_ == "gcc" ? ".gcda.d" : ".profdata")); }

  std::string tc_;
  fs::path project_;
  PgoRun last_;
};

TEST_P(Status, FreshStaysFreshUnderHarmlessEditsAndGoesStaleOnAHotEdit) {
  json p = status(0);
  EXPECT_EQ(p["target"], "calc");
  EXPECT_EQ(p["toolchain"], tc_);
  EXPECT_EQ(p["stale"], false) << p.dump(2);
  EXPECT_EQ(p["reasons"], json::array());
  EXPECT_DOUBLE_EQ(p["function_match"].get<double>(), 1.0);
  EXPECT_DOUBLE_EQ(p["weighted_match"].get<double>(), 1.0);
  EXPECT_GT(p["functions"]["total"].get<int>(), 10);
  EXPECT_EQ(p["changed_files"], json::array());
  EXPECT_GE(p["age_days"].get<double>(), 0.0);
  EXPECT_LT(p["age_days"].get<double>(), 1.0);

  // A comment: the file's hash changes, no function's structure does.
  fs::path vm = project_ / "src" / "vm.c";
  std::string original = read_file(vm);
  replace_once(vm, "/* Arithmetic on two values; integers wrap around, division by zero is an error. */",
               "/* Arithmetic on two values (edited comment). */");
  p = status(0);
  EXPECT_EQ(p["stale"], false) << p.dump(2);
  EXPECT_DOUBLE_EQ(p["weighted_match"].get<double>(), 1.0);
  EXPECT_DOUBLE_EQ(p["function_match"].get<double>(), 1.0);
  EXPECT_EQ(p["changed_files"], json::parse(R"([{"path": "src/vm.c", "change": "modified"}])"));

  // A cold function (called once per run, in another file than the hot loop) gets a new
  // branch: reported as changed, but the profile stays fresh. (A cold static function that
  // is inlined into the hot loop would not do: the loop's hash covers it; docs/staleness.md.)
  write_text(vm, original);
  fs::path compiler = project_ / "src" / "compiler.c";
  std::string compiler_original = read_file(compiler);
  replace_once(compiler, "  free(prog->code);", "  if (!prog) return; free(prog->code);");
  p = status(0);
  EXPECT_EQ(p["stale"], false) << p.dump(2);
  EXPECT_GE(p["weighted_match"].get<double>(), 0.9);
  EXPECT_LT(p["function_match"].get<double>(), 1.0);
  EXPECT_THAT(p["mismatched_functions"].dump(), HasSubstr("\"program_free\""));
  write_text(compiler, compiler_original);

  // The interpreter loop, where nearly all counts are, gets a new branch: stale, and named.
  write_text(vm, original);
  replace_once(vm, "    int op = *ip++;", "    int op = *ip++; if (op < 0) { ok = 0; break; }");
  p = status(1);
  EXPECT_EQ(p["stale"], true);
  EXPECT_LT(p["weighted_match"].get<double>(), 0.9) << p.dump(2);
  EXPECT_LT(p["function_match"].get<double>(), 1.0);
  ASSERT_FALSE(p["mismatched_functions"].empty()) << p.dump(2);
  EXPECT_EQ(p["mismatched_functions"][0]["name"], "run") << p["mismatched_functions"].dump(2);
  EXPECT_EQ(p["mismatched_functions"][0]["change"], "changed");
  ASSERT_FALSE(p["reasons"].empty());
  EXPECT_THAT(p["reasons"][0].get<std::string>(), HasSubstr("weighted function match"));
  EXPECT_THAT(p["reasons"][0].get<std::string>(), HasSubstr("run (changed"));
  // The table says the same.
  PgoRun table = run_pgo({"status", "-C", project_.string()});
  EXPECT_EQ(table.exit_code, 1) << table.err;
  EXPECT_THAT(table.out, HasSubstr("STALE"));
  EXPECT_THAT(table.out, HasSubstr("changed: run ("));

  // A lower threshold in pgo.yaml accepts it.
  write_text(project_ / "pgo.yaml", read_file(project_ / "pgo.yaml") + "staleness:\n  min_weighted_match: 0\n");
  p = status(0);
  EXPECT_EQ(p["stale"], false);
}

TEST_P(Status, FlagAndToolchainDriftAreStale) {
  std::string yaml = read_file(project_ / "pgo.yaml");
  replace_once(project_ / "pgo.yaml", "  targets: [calc]", "  targets: [calc]\n  build_type: RelWithDebInfo");
  json p = status(1);
  EXPECT_EQ(p["stale"], true);
  EXPECT_THAT(p["reasons"].dump(), HasSubstr("flag drift: build_type: Release -> RelWithDebInfo"));
  EXPECT_EQ(p["changed_files"], json::array());

  write_text(project_ / "pgo.yaml", yaml);
  json meta = read_json(metadata());
  std::string real_version = meta["toolchain"]["compiler_version"];
  meta["toolchain"]["compiler_version"] = "1.0.0";
  write_text(metadata(), meta.dump(2));
  p = status(1);
  EXPECT_THAT(p["reasons"].dump(), HasSubstr("toolchain drift: compiler version 1.0.0 -> " + real_version));
  EXPECT_TRUE(p["weighted_match"].is_null()) << "an unusable profile is not matched";
  // --cost does not train or benchmark for a profile no build can use.
  p = status(1, {"--cost"});
  ASSERT_TRUE(p.contains("cost")) << p.dump(2);
  EXPECT_EQ(p["cost"]["measured"], false);
  EXPECT_THAT(p["cost"]["not_measured"].get<std::string>(), HasSubstr("toolchain drift"));
  EXPECT_FALSE(fs::exists(project_ / ".pgo" / "build" / tc_ / "status-fresh"));
}

// --cost on a stale profile: a fresh training of the current code, an optimized build with
// each profile, and the bench engine's comparison of the two; the store stays as it was.
TEST_P(Status, CostOfAStaleProfileIsMeasuredWithoutTouchingTheStore) {
  std::string metadata_before = read_file(metadata());
  replace_once(project_ / "src" / "vm.c", "    int op = *ip++;", "    int op = *ip++; if (op < 0) { ok = 0; break; }");
  replace_once(project_ / "pgo.yaml", "  min_runs: 10\n  max_runs: 20\n  time_budget: 20s",
               "  min_runs: 3\n  max_runs: 5\n  time_budget: 10s");
  json p = status(1, {"--cost"});
  EXPECT_EQ(p["stale"], true);
  ASSERT_TRUE(p.contains("cost")) << p.dump(2);
  const json& cost = p["cost"];
  ASSERT_EQ(cost["measured"], true) << cost.dump(2);
  ASSERT_EQ(cost["workloads"].size(), 3u) << cost.dump(2);  // fib, sort, mandel: every bench workload
  for (const json& w : cost["workloads"]) {
    EXPECT_TRUE(w["failure"].is_null()) << w.dump(2);
    EXPECT_EQ(w["outputs_match"], true) << w.dump(2);
    EXPECT_GE(w["runs"].get<int>(), 3) << w.dump(2);
    EXPECT_GT(w["stored_median_s"].get<double>(), 0);
    EXPECT_GT(w["fresh_median_s"].get<double>(), 0);
    double speedup = w["speedup"].get<double>();
    EXPECT_LE(w["ci"][0].get<double>(), speedup) << w.dump(2);
    EXPECT_GE(w["ci"][1].get<double>(), speedup) << w.dump(2);
    EXPECT_THAT((std::vector<std::string>{"faster", "slower", "no_change"}),
                ::testing::Contains(w["verdict"].get<std::string>()));
  }
  EXPECT_GT(cost["geomean_speedup"].get<double>(), 0);
  // The two sides are different programs: the fresh profile has counts for the edited loop.
  fs::path build = project_ / ".pgo" / "build" / tc_;
  EXPECT_NE(read_file(build / "status-stored" / "calc"), read_file(build / "status-fresh" / "calc"));
  EXPECT_EQ(read_file(metadata()), metadata_before) << "--cost must not store";

  PgoRun table = run_pgo({"status", "-C", project_.string(), "--cost"});
  EXPECT_EQ(table.exit_code, 1) << table.err;
  // The headline names the mean only when some verdict is significant (cost_headline). The
  // table comes from a second measurement, so its own verdict lines decide which headline.
  bool significant = false;
  for (const json& w : cost["workloads"]) significant |= w["verdict"] != "no_change";
  bool table_significant =
      table.out.find(", faster, ") != std::string::npos || table.out.find(", slower, ") != std::string::npos;
  EXPECT_THAT(table.out, HasSubstr(table_significant ? "cost: a freshly trained profile runs"
                                                     : "cost: no measurable difference"));
  EXPECT_EQ(cost["headline"]["wall_time"].get<std::string>().rfind(significant ? "a freshly" : "no measurable", 0), 0u)
      << cost.dump(2);
  EXPECT_THAT(table.out, HasSubstr("fib: "));
}

TEST_P(Status, CorruptStoreFilesAreNamedAndStale) {
  std::string meta = read_file(metadata());
  write_text(metadata(), meta.substr(0, meta.size() / 2));
  json p = status(1);
  EXPECT_EQ(p["stale"], true);
  EXPECT_THAT(last_.err, HasSubstr(metadata().string() + ": corrupt profile metadata: not valid JSON"));
  write_text(metadata(), meta);

  // The profile itself: a truncated .profdata, or a .gcda of random bytes.
  fs::path bad;
  if (tc_ == "gcc") {
    for (const auto& e : fs::directory_iterator(profile()))
      if (e.path().extension() == ".gcda") bad = e.path();
    ASSERT_FALSE(bad.empty());
    std::string noise;
    for (int i = 0; i < 300; ++i) noise.push_back(static_cast<char>((i * 131 + 7) & 0xff));
    write_text(bad, noise);
  } else {
    bad = profile();
    std::string data = read_file(bad);
    write_text(bad, data.substr(0, data.size() / 3));
  }
  p = status(1);
  EXPECT_EQ(p["stale"], true);
  EXPECT_THAT(last_.err, HasSubstr(bad.string()));
  EXPECT_THAT(p["reasons"].dump(), HasSubstr("corrupt stored profile"));

  // No profile at all for a configured target.
  fs::remove_all(stored_dir());
  p = status(1);
  EXPECT_EQ(p["missing"], true);
  EXPECT_THAT(p["reasons"].dump(), HasSubstr("no stored profile"));
}

// Issue 15 item 7: `pgo status` failed while a build ran ("another pgo ... is working") and
// on a read-only store ("cannot open .pgo/lock: Read-only file system"). Reading needs no
// lock; the current code is then built in a temporary directory, removed afterwards.
TEST(StatusWithoutTheLock, ReadsBesideARunningBuildAndOnAReadOnlyStore) {
  fs::path project = copy_example("c-cmake");
  replace_once(project / "pgo.yaml", "toolchains: [gcc, clang]", "toolchains: [gcc]");
  PgoRun build = run_pgo({"build", "-C", project.string(), "--no-bench"});
  ASSERT_EQ(build.exit_code, 0) << build.err;
  fs::path store = project / ".pgo";
  auto expect_fresh_built_elsewhere = [&](const std::string& why) {
    PgoRun run;
    json p = status_profile(project, 0, {}, &run);
    EXPECT_EQ(p["stale"], false) << p.dump(2);
    EXPECT_EQ(p["function_match"], 1.0) << p.dump(2);
    EXPECT_THAT(run.err, HasSubstr(why));
    std::smatch m;
    ASSERT_TRUE(std::regex_search(run.err, m, std::regex("building the current code in (\\S+) ")));
    EXPECT_FALSE(fs::exists(m[1].str())) << m[1].str() << " left behind";
  };
  {
    // A running build holds .pgo/lock; this test takes it the way pgo does.
    int fd = ::open((store / "lock").c_str(), O_RDWR | O_CLOEXEC);
    ASSERT_GE(fd, 0);
    ASSERT_EQ(::flock(fd, LOCK_EX | LOCK_NB), 0);
    expect_fresh_built_elsewhere("another pgo (pid ");
    EXPECT_FALSE(fs::exists(store / "build" / "gcc" / "status-instrumented"));
    PgoRun cost = run_pgo({"status", "-C", project.string(), "--cost"});  // --cost trains: it waits its turn
    EXPECT_EQ(cost.exit_code, 2) << cost.err;
    EXPECT_THAT(cost.err, HasSubstr("another pgo (pid "));
    ::close(fd);
  }
  {
    Mount ro(store.string(), store, nullptr, MS_BIND | MS_RDONLY, "");
    if (!ro.ok()) GTEST_SKIP() << "cannot bind-mount read-only here: " << ro.error();
    expect_fresh_built_elsewhere((store / "lock").string() + ": Read-only file system");
  }
  fs::remove_all(project.parent_path());
}

INSTANTIATE_TEST_SUITE_P(Toolchains, Status, ::testing::Values("gcc", "clang"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace pgo::e2e
