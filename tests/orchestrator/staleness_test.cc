// The pure logic of `pgo status`: function matching arithmetic, toolchain/flag/source drift,
// the verdict under thresholds, the "pgo-status/1" JSON and metadata validation.
#include "orchestrator/staleness.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>

#include "support/error.h"

namespace pgo {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(CompareFunctions, CountsUnchangedChangedRemovedAndAdded) {
  std::vector<ProfiledFunction> stored = {
      {"a", "hot", 1, 900}, {"b", "warm", 2, 100}, {"c", "gone", 3, 0}, {"e", "cold", 5, 0}};
  std::vector<CurrentFunction> current = {{"a", 1, ""}, {"b", 22, ""}, {"d", 4, "new"}, {"e", 5, ""}};
  FunctionMatch m = compare_functions(stored, current);
  EXPECT_TRUE(m.available);
  EXPECT_EQ(m.functions, 4u);
  EXPECT_EQ(m.unchanged, 2u);
  EXPECT_EQ(m.changed, 1u);
  EXPECT_EQ(m.removed, 1u);
  EXPECT_EQ(m.added, 1u);
  EXPECT_EQ(m.total_count, 1000u);
  EXPECT_EQ(m.unchanged_count, 900u);
  EXPECT_DOUBLE_EQ(m.function_match(), 0.5);
  EXPECT_DOUBLE_EQ(m.weighted_match(), 0.9);
  ASSERT_EQ(m.mismatched.size(), 2u);
  EXPECT_EQ(m.mismatched[0].name, "warm");  // hottest first
  EXPECT_EQ(m.mismatched[0].change, FunctionChange::Changed);
  EXPECT_DOUBLE_EQ(m.mismatched[0].share, 0.1);
  EXPECT_EQ(m.mismatched[1].name, "gone");
  EXPECT_EQ(m.mismatched[1].change, FunctionChange::Removed);
}

TEST(CompareFunctions, HotChangeDominatesTheWeightedMatch) {
  // One hot function changed among many unchanged cold ones: the plain share stays high,
  // the weighted share collapses.
  std::vector<ProfiledFunction> stored = {{"hot", "hot", 7, 99000}};
  std::vector<CurrentFunction> current = {{"hot", 8, ""}};
  for (int i = 0; i < 99; ++i) {
    stored.push_back({"f" + std::to_string(i), "", 1, 10});
    current.push_back({"f" + std::to_string(i), 1, ""});
  }
  FunctionMatch m = compare_functions(stored, current);
  EXPECT_DOUBLE_EQ(m.function_match(), 0.99);
  EXPECT_DOUBLE_EQ(m.weighted_match(), 990.0 / 99990.0);
}

TEST(CompareFunctions, DuplicateKeysMatchAnyCurrentChecksum) {
  std::vector<ProfiledFunction> stored = {{"k", "v1", 1, 5}, {"k", "v2", 2, 5}};
  FunctionMatch m = compare_functions(stored, {{"k", 2, ""}, {"k", 3, ""}});
  EXPECT_EQ(m.unchanged, 1u);
  EXPECT_EQ(m.changed, 1u);
  EXPECT_EQ(m.added, 0u);
}

TEST(CompareFunctions, EmptyAndCountlessProfiles) {
  FunctionMatch empty = compare_functions({}, {{"x", 1, ""}});
  EXPECT_DOUBLE_EQ(empty.function_match(), 1.0);
  EXPECT_DOUBLE_EQ(empty.weighted_match(), 1.0);
  EXPECT_EQ(empty.added, 1u);
  // No counts at all: the weighted share falls back to the plain share.
  FunctionMatch zero = compare_functions({{"a", "", 1, 0}, {"b", "", 1, 0}}, {{"a", 1, ""}});
  EXPECT_DOUBLE_EQ(zero.weighted_match(), 0.5);
  // Counts near the top of uint64 saturate instead of wrapping.
  FunctionMatch big = compare_functions({{"a", "", 1, UINT64_MAX}, {"b", "", 1, 5}}, {{"a", 1, ""}});
  EXPECT_EQ(big.total_count, UINT64_MAX);
}

json metadata() {
  return {{"schema", "pgo-profile/1"},
          {"created", "2025-01-01T00:00:00Z"},
          {"toolchain", {{"name", "gcc"}, {"compiler_id", "GNU"}, {"compiler_version", "12.2.0"}}},
          {"profile", {{"format", "gcda"}, {"version", "B22*"}}},
          {"flags",
           {{"build_type", "Release"},
            {"configure_args", json::array({"-DX=1"})},
            {"instrument", {{"compile", {"-fprofile-generate=/p"}}, {"link", {"-fprofile-generate=/p"}}}},
            {"use", {{"compile", {"-fprofile-use=<profile>"}}, {"link", json::array()}}}}},
          {"sources", {{"root", "."}, {"git_commit", ""}, {"files", {{"a.c", "1"}, {"b.c", "2"}, {"c.c", "3"}}}}},
          {"speedup", 1.25}};
}

TEST(ToolchainDrift, NamesEachDifference) {
  json m = metadata();
  Toolchain now{"gcc", "GNU", "12.2.0", "", "", "gcda", "B22*"};
  EXPECT_TRUE(toolchain_drift(m, now).empty());
  now.compiler_version = "13.1.0";
  now.profile_version = "B31*";
  EXPECT_THAT(toolchain_drift(m, now),
              ElementsAre("compiler version 12.2.0 -> 13.1.0", "profile format version B22* -> B31*"));
  now = Toolchain{"gcc", "Clang", "22.1.0", "", "", "llvm", "10"};
  EXPECT_EQ(toolchain_drift(m, now).size(), 4u);
}

TEST(FlagDrift, BuildTypeConfigureArgsAndGeneratedFlags) {
  json then = metadata()["flags"];
  EXPECT_TRUE(flag_drift(then, then).empty());
  json now = then;
  now["build_type"] = "Debug";
  now["configure_args"] = {"-DX=1", "-DCMAKE_C_FLAGS=-O3"};
  now["use"]["compile"] = {"-fprofile-use=<profile>", "-fprofile-correction"};
  EXPECT_THAT(flag_drift(then, now),
              ElementsAre("build_type: Release -> Debug", "configure_args: -DCMAKE_C_FLAGS=-O3 added",
                          "use.compile: -fprofile-correction added"));
  now = then;
  now["configure_args"] = json::array();
  EXPECT_THAT(flag_drift(then, now), ElementsAre("configure_args: -DX=1 removed"));
  now["configure_args"] = {"-DX=1"};
  now.erase("build_type");
  EXPECT_THAT(flag_drift(then, now), ElementsAre("build_type: Release -> (none)"));
}

// Issue 15 item 11: a hand-edited null or number read "configure_args: order changed: [] -> []".
TEST(FlagDrift, TypeOnlyChangesShowTheJson) {
  json now = {{"configure_args", json::array()}, {"env", json::array({"1"})}, {"order", json::array({"a", "b"})}};
  json then = {{"configure_args", nullptr}, {"env", json::array({1})}, {"order", json::array({"b", "a"})}};
  EXPECT_THAT(flag_drift(then, now), ElementsAre("configure_args: changed: (none) -> []", "env: changed: [1] -> [\"1\"]",
                                                 "order: order changed: [b a] -> [a b]"));
}

TEST(SourceDrift, ModifiedAddedRemovedSorted) {
  std::map<std::string, std::string> now = {{"a.c", "1"}, {"b.c", "changed"}, {"d.c", "4"}};
  std::vector<FileChange> changes = source_drift(metadata()["sources"]["files"], now);
  EXPECT_THAT(changes, ElementsAre(FileChange{"b.c", "modified"}, FileChange{"c.c", "removed"},
                                   FileChange{"d.c", "added"}));
  EXPECT_TRUE(source_drift(metadata()["sources"]["files"], {{"a.c", "1"}, {"b.c", "2"}, {"c.c", "3"}}).empty());
}

TEST(Age, DaysSinceCreation) {
  std::tm tm{};
  tm.tm_year = 125;  // 2025
  tm.tm_mon = 0;
  tm.tm_mday = 11;
  tm.tm_hour = 12;
  auto now = std::chrono::system_clock::from_time_t(timegm(&tm));
  EXPECT_DOUBLE_EQ(*age_in_days("2025-01-01T00:00:00Z", now), 10.5);
  EXPECT_FALSE(age_in_days("yesterday", now));
  EXPECT_FALSE(age_in_days("", now));
}

ProfileStatus with_match(double unchanged_count, double total) {
  ProfileStatus s;
  s.target = "app";
  s.toolchain = "clang";
  s.created = "2025-01-01T00:00:00Z";
  FunctionMatch m;
  m.available = true;
  m.functions = 2;
  m.unchanged = 1;
  m.total_count = static_cast<uint64_t>(total);
  m.unchanged_count = static_cast<uint64_t>(unchanged_count);
  m.mismatched = {{"interp_loop", FunctionChange::Changed, m.total_count - m.unchanged_count, 1 - unchanged_count / total}};
  s.match = m;
  return s;
}

TEST(Judge, WeightedMatchThreshold) {
  StalenessSpec t;  // default 0.9
  ProfileStatus at = with_match(90, 100);
  judge(at, t);
  EXPECT_FALSE(at.stale) << "exactly at the threshold is fresh";
  ProfileStatus below = with_match(89, 100);
  judge(below, t);
  ASSERT_TRUE(below.stale);
  ASSERT_EQ(below.reasons.size(), 1u);
  EXPECT_THAT(below.reasons[0], HasSubstr("89.0% is below 90.0%"));
  EXPECT_THAT(below.reasons[0], HasSubstr("interp_loop (changed, 11.0% of counts)"));
  t.min_weighted_match = 0.5;
  judge(below, t);
  EXPECT_FALSE(below.stale);
}

TEST(Judge, SourceDriftAloneAndUnavailableMatchStayFresh) {
  ProfileStatus s = with_match(100, 100);
  s.changed_files = {{"a.c", "modified"}};
  s.commits_since = 3;
  judge(s, {});
  EXPECT_FALSE(s.stale);
  ProfileStatus go;
  go.match = FunctionMatch{};  // not available
  judge(go, {});
  EXPECT_FALSE(go.stale);
}

TEST(Judge, DriftErrorsMissingAndAge) {
  ProfileStatus s = with_match(100, 100);
  s.toolchain_drift = {"compiler version 12.2.0 -> 13.1.0"};
  s.flag_drift = {"build_type: Release -> Debug"};
  judge(s, {});
  EXPECT_THAT(s.reasons, ElementsAre("toolchain drift: compiler version 12.2.0 -> 13.1.0",
                                     "flag drift: build_type: Release -> Debug"));
  ProfileStatus old = with_match(100, 100);
  old.age_days = 31;
  StalenessSpec t;
  judge(old, t);
  EXPECT_FALSE(old.stale) << "no age limit by default";
  t.max_age_s = 30 * 86400.0;
  judge(old, t);
  EXPECT_THAT(old.reasons, ElementsAre("age 31.0 days exceeds staleness.max_age (30.0 days)"));
  old.age_days = 29.9;
  judge(old, t);
  EXPECT_FALSE(old.stale);
  ProfileStatus missing;
  missing.missing = true;
  judge(missing, t);
  EXPECT_THAT(missing.reasons, ElementsAre("no stored profile: run pgo build"));
  ProfileStatus corrupt;
  corrupt.error = "x.json: corrupt profile metadata: not valid JSON";
  judge(corrupt, t);
  EXPECT_TRUE(corrupt.stale);
  ProfileStatus skipped = corrupt;
  skipped.skipped = true;
  judge(skipped, t);
  EXPECT_FALSE(skipped.stale);
}

// Issue 11 §3: module (go.mod) and crate (Cargo.lock) versions recorded with a profile.
TEST(DependencyVersions, GoModRequiresIndirectAndReplaces) {
  const char* go_mod = R"(module example.com/app

go 1.23

require github.com/tidwall/btree v1.8.2 // the hot code

require (
	golang.org/x/text v0.22.0 // indirect
	"example.com/quoted" v1.0.0
	example.com/forked v0.3.0
	example.com/pinned v0.1.0
)

replace example.com/forked => ../forked
replace (
	example.com/pinned v0.1.0 => example.com/pinned-fork v0.1.1
	example.com/pinned v0.0.9 => example.com/other v9.0.0
)
)";
  std::map<std::string, std::string> v = go_mod_versions(go_mod);
  EXPECT_EQ(v, (std::map<std::string, std::string>{{"example.com/forked", "v0.3.0 => ../forked"},
                                                   {"example.com/pinned", "v0.1.0 => example.com/pinned-fork v0.1.1"},
                                                   {"example.com/quoted", "v1.0.0"},
                                                   {"github.com/tidwall/btree", "v1.8.2"},
                                                   {"golang.org/x/text", "v0.22.0"}}));
  EXPECT_TRUE(go_mod_versions("module m\n\ngo 1.22\n").empty());
}

TEST(DependencyVersions, CargoLockRegistryAndGitPackagesNotPathOnes) {
  const char* lock = R"(# This file is automatically @generated by Cargo.
version = 4

[[package]]
name = "app"
version = "0.1.0"
dependencies = [
 "memchr",
]

[[package]]
name = "memchr"
version = "2.7.4"
source = "registry+https://github.com/rust-lang/crates.io-index"
checksum = "78ca9ab1a0babb1e7d5695e3530886289c18cf2f87ec19a575a0abdce112e3a3"

[[package]]
name = "rand"
version = "0.8.5"
source = "registry+https://github.com/rust-lang/crates.io-index"

[[package]]
name = "rand"
version = "0.7.3"
source = "registry+https://github.com/rust-lang/crates.io-index"
)";
  EXPECT_EQ(cargo_lock_versions(lock),
            (std::map<std::string, std::string>{{"memchr", "2.7.4"}, {"rand", "0.7.3, 0.8.5"}}));
}

json modules(std::map<std::string, std::string> m) {
  json j = json::object();
  for (const auto& [k, v] : m) j[k] = v;
  return {{"file", "go.mod"}, {"modules", j}};
}

TEST(DependencyDriftTest, ChangedAddedAndRemovedModules) {
  json then = modules({{"a.com/x", "v1.8.2"}, {"b.com/y", "v0.1.0"}, {"c.com/gone", "v1.0.0"}});
  json now = modules({{"a.com/x", "v1.7.0"}, {"b.com/y", "v0.1.0"}, {"d.com/new", "v2.0.0"}});
  std::vector<DependencyDrift> d = dependency_drift(then, now);
  ASSERT_EQ(d.size(), 3u);
  EXPECT_EQ(d[0].module, "a.com/x");
  EXPECT_EQ(d[0].then, "v1.8.2");
  EXPECT_EQ(d[0].now, "v1.7.0");
  EXPECT_EQ(d[1].module, "c.com/gone");
  EXPECT_EQ(d[1].now, "(none)");
  EXPECT_EQ(d[2].then, "(none)");
  EXPECT_TRUE(dependency_drift(json(), now).empty()) << "a profile recorded before versions were: no drift";
  EXPECT_EQ(module_of_package("a.com/x/sub", then["modules"]), "a.com/x");
  EXPECT_EQ(module_of_package("gopkg.in/yaml%2ev3", modules({{"gopkg.in/yaml.v3", "v3.0.1"}})["modules"]),
            "gopkg.in/yaml.v3");
  EXPECT_EQ(module_of_package("a.com/xy", then["modules"]), "");
}

// A Go match whose hot edges are in dependencies: an unchanged module's edges are unchanged,
// a downgraded module's are changed and named with both versions, an unrecorded one's stay
// out; "0 compared" never reads as 100%.
FunctionMatch dependency_match() {
  FunctionMatch m;
  m.available = true;
  m.functions = 1;
  m.unchanged = 1;
  m.total_count = m.unchanged_count = 10;
  m.profile_count = 200;
  m.dependency_entries = {{"github.com/tidwall/btree", {3, 120}},
                          {"golang.org/x/text/unicode/norm", {1, 20}},
                          {"example.com/unrecorded", {2, 30}}};
  return m;
}

TEST(DependencyDriftTest, DowngradedModuleEdgesAreChangedAndNamed) {
  json then = modules({{"github.com/tidwall/btree", "v1.8.2"}, {"golang.org/x/text", "v0.22.0"}});
  json now = modules({{"github.com/tidwall/btree", "v1.7.0"}, {"golang.org/x/text", "v0.22.0"}});
  ProfileStatus s;
  s.match = dependency_match();
  apply_dependency_versions(s, then, now, "go");
  const FunctionMatch& m = *s.match;
  EXPECT_EQ(m.functions, 5u);
  EXPECT_EQ(m.unchanged, 2u);  // the module's own edge, and x/text's by version
  EXPECT_EQ(m.changed, 3u);
  EXPECT_EQ(m.total_count, 150u);
  EXPECT_EQ(m.unchanged_count, 30u);
  EXPECT_DOUBLE_EQ(m.compared_share(), 0.75);
  ASSERT_EQ(m.mismatched.size(), 1u);
  EXPECT_EQ(m.mismatched[0].name, "dependency github.com/tidwall/btree v1.8.2 -> v1.7.0 (3 edges)");
  EXPECT_DOUBLE_EQ(m.mismatched[0].share, 0.8);
  judge(s, {});
  EXPECT_TRUE(s.stale);
  EXPECT_THAT(s.reasons[0], HasSubstr("dependency drift: github.com/tidwall/btree v1.8.2 -> v1.7.0 (3 call edges, "
                                      "60.0% of the profile's weight)"));
  json p = status_to_json({s}, {}, "/p")["profiles"][0];
  EXPECT_EQ(p["dependency_drift"][0]["module"], "github.com/tidwall/btree");
  EXPECT_EQ(p["dependency_drift"][0]["then"], "v1.8.2");
  EXPECT_EQ(p["dependency_drift"][0]["now"], "v1.7.0");
  EXPECT_DOUBLE_EQ(p["compared_share"].get<double>(), 0.75);

  // The same versions: every recorded edge unchanged, fresh.
  ProfileStatus same;
  same.match = dependency_match();
  apply_dependency_versions(same, then, then, "go");
  EXPECT_DOUBLE_EQ(same.match->weighted_match(), 1.0);
  judge(same, {});
  EXPECT_FALSE(same.stale) << same.reasons.at(0);
}

TEST(DependencyDriftTest, NothingComparedIsNoMatchAndASmallSliceSaysSo) {
  ProfileStatus none;
  FunctionMatch m;
  m.available = true;
  m.profile_count = 500;  // all of it runtime and dependencies not recorded then
  none.match = m;
  apply_dependency_versions(none, json(), json(), "go");
  judge(none, {});
  EXPECT_FALSE(none.stale);
  EXPECT_THAT(json(none.notes).dump(), HasSubstr("nothing of the profile could be compared"));
  json p = status_to_json({none}, {}, "/p")["profiles"][0];
  EXPECT_TRUE(p["weighted_match"].is_null()) << "0 compared must not read as 100%";
  EXPECT_TRUE(p["function_match"].is_null());
  EXPECT_DOUBLE_EQ(p["compared_share"].get<double>(), 0.0);

  ProfileStatus small = with_match(100, 100);
  small.match->profile_count = 800;
  apply_dependency_versions(small, json(), json(), "go");
  EXPECT_THAT(json(small.notes).dump(), HasSubstr("the verdict covers only 12.5% of the profile's weight"));
  ProfileStatus whole = with_match(100, 100);
  apply_dependency_versions(whole, json(), json(), "gcc");
  EXPECT_TRUE(whole.notes.empty());
}

TEST(DependencyDriftTest, RustDependencyChangesAreDriftWithTheRenamingNote) {
  json then = {{"file", "Cargo.lock"}, {"modules", {{"memchr", "2.7.4"}}}};
  json now = {{"file", "Cargo.lock"}, {"modules", {{"memchr", "2.7.1"}}}};
  ProfileStatus s = with_match(20, 1000);
  apply_dependency_versions(s, then, now, "cargo");
  judge(s, {});
  EXPECT_THAT(s.reasons[0], HasSubstr("dependency drift: memchr 2.7.4 -> 2.7.1"));
  EXPECT_THAT(json(s.notes).dump(), HasSubstr("renames the symbols of every crate"));
  // Go: a changed module that holds none of the profile is a note, not drift.
  ProfileStatus go = with_match(100, 100);
  apply_dependency_versions(go, then, now, "go");
  judge(go, {});
  EXPECT_FALSE(go.stale);
  EXPECT_THAT(json(go.notes).dump(), HasSubstr("dependency changed, none of the profile's weight in it: memchr"));
}

TEST(StatusJson, SchemaAndFields) {
  ProfileStatus fresh = with_match(95, 100);
  fresh.age_days = 1.5;
  fresh.speedup = 1.2;
  fresh.changed_files = {{"src/x.c", "modified"}};
  ProfileStatus stale = with_match(10, 100);
  StalenessSpec t;
  t.max_age_s = 86400.0 * 7;
  judge(fresh, t);
  judge(stale, t);
  ProfileStatus go;
  go.target = "srv";
  go.toolchain = "go";
  go.match = FunctionMatch{};
  judge(go, t);
  json j = status_to_json({fresh, stale, go}, t, "/p");
  EXPECT_EQ(j["schema"], "pgo-status/1");
  EXPECT_EQ(j["stale"], true);
  EXPECT_DOUBLE_EQ(j["thresholds"]["max_age_days"].get<double>(), 7.0);
  const json& p = j["profiles"][0];
  for (const char* key : {"target", "toolchain", "stale", "reasons", "function_match", "weighted_match",
                          "changed_files", "age_days"})
    EXPECT_TRUE(p.contains(key)) << key;
  EXPECT_EQ(p["stale"], false);
  EXPECT_DOUBLE_EQ(p["weighted_match"].get<double>(), 0.95);
  EXPECT_DOUBLE_EQ(p["function_match"].get<double>(), 0.5);
  EXPECT_EQ(p["changed_files"][0]["path"], "src/x.c");
  EXPECT_EQ(p["changed_files"][0]["change"], "modified");
  EXPECT_DOUBLE_EQ(p["age_days"].get<double>(), 1.5);
  EXPECT_EQ(j["profiles"][1]["stale"], true);
  EXPECT_EQ(j["profiles"][1]["mismatched_functions"][0]["name"], "interp_loop");
  EXPECT_TRUE(j["profiles"][2]["weighted_match"].is_null());
  EXPECT_TRUE(j["profiles"][2]["function_match"].is_null());
  EXPECT_EQ(status_to_json({fresh}, t, "/p")["stale"], false);
}

TEST(StatusJson, CostOnlyWithCostAndNullsWhereNothingWasMeasured) {
  StalenessSpec t;
  ProfileStatus plain;
  plain.target = "app";
  plain.toolchain = "clang";
  EXPECT_FALSE(status_to_json({plain}, t, "/p")["profiles"][0].contains("cost"));

  ProfileStatus measured = plain;
  measured.cost = StalenessCost{};
  measured.cost->measured = true;
  measured.cost->geomean_speedup = 1.2;
  WorkloadCost ok{"fib", 0.25, 0.2, 1.25, 1.2, 1.3, 0.004, "faster", 10, true, ""};
  WorkloadCost failed{"sort", 0.1, 0, 0, 0, 0, 1, "", 1, true, "optimized run 1 crashed"};
  measured.cost->workloads = {ok, failed};
  ProfileStatus drifted = plain;
  drifted.cost = StalenessCost{};
  drifted.cost->not_measured = "toolchain drift";

  json j = status_to_json({measured, drifted}, t, "/p");
  const json& c = j["profiles"][0]["cost"];
  EXPECT_EQ(c["measured"], true);
  EXPECT_TRUE(c["not_measured"].is_null());
  EXPECT_DOUBLE_EQ(c["geomean_speedup"].get<double>(), 1.2);
  ASSERT_EQ(c["workloads"].size(), 2u);
  EXPECT_EQ(c["workloads"][0]["workload"], "fib");
  EXPECT_DOUBLE_EQ(c["workloads"][0]["speedup"].get<double>(), 1.25);
  EXPECT_EQ(c["workloads"][0]["ci"], json::parse("[1.2, 1.3]"));
  EXPECT_EQ(c["workloads"][0]["verdict"], "faster");
  EXPECT_EQ(c["workloads"][0]["runs"], 10);
  EXPECT_TRUE(c["workloads"][0]["failure"].is_null());
  // A failed workload has no speedup, interval or verdict to misread.
  EXPECT_TRUE(c["workloads"][1]["speedup"].is_null());
  EXPECT_TRUE(c["workloads"][1]["ci"].is_null());
  EXPECT_TRUE(c["workloads"][1]["verdict"].is_null());
  EXPECT_EQ(c["workloads"][1]["failure"], "optimized run 1 crashed");
  const json& d = j["profiles"][1]["cost"];
  EXPECT_EQ(d["measured"], false);
  EXPECT_EQ(d["not_measured"], "toolchain drift");
  EXPECT_TRUE(d["geomean_speedup"].is_null());
  EXPECT_EQ(d["workloads"], json::array());
}

const std::string kYaml = "version: 1\ntoolchains: [gcc]\nworkloads:\n  - name: w\n    run: [app]\n";

TEST(StalenessConfig, DefaultsKeysAndDays) {
  Config plain = parse_config(kYaml, "/p/pgo.yaml");
  EXPECT_DOUBLE_EQ(plain.staleness.min_weighted_match, 0.9);
  EXPECT_FALSE(plain.staleness.max_age_s);
  Config c = parse_config(kYaml + "staleness:\n  min_weighted_match: 0.75\n  max_age: 30d\n", "/p/pgo.yaml");
  EXPECT_DOUBLE_EQ(c.staleness.min_weighted_match, 0.75);
  EXPECT_DOUBLE_EQ(*c.staleness.max_age_s, 30 * 86400.0);
  EXPECT_EQ(parse_duration_seconds("1.5d"), 1.5 * 86400);
  auto error_of = [](const std::string& text) {
    try {
      parse_config(kYaml + text, "/p/pgo.yaml");
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ExitCode::kUsage);
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_THAT(error_of("staleness:\n  min_weighted_match: 1.5\n"),
              HasSubstr("7:23: staleness.min_weighted_match: must be a share 0 <= x <= 1"));
  EXPECT_THAT(error_of("staleness:\n  max_age: 2 weeks\n"), HasSubstr("staleness.max_age: invalid duration"));
  EXPECT_THAT(error_of("staleness:\n  min_weighted: 0.5\n"), HasSubstr("7:3: staleness.min_weighted: unknown key 'min_weighted'"));
}

class MetadataFile : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("pgo-staleness-test-" + std::to_string(getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path write(const std::string& text) {
    fs::path f = dir_ / "gcc.json";
    std::ofstream(f, std::ios::binary) << text;
    return f;
  }
  // The message of the Error it throws, which must name the file and be exit code 1.
  std::string error_of(const std::string& text) {
    fs::path f = write(text);
    try {
      read_profile_metadata(f);
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ExitCode::kCheckFailed);
      EXPECT_THAT(e.what(), HasSubstr(f.string()));
      return e.what();
    }
    ADD_FAILURE() << "no error for " << text;
    return "";
  }
  fs::path dir_;
};

TEST_F(MetadataFile, ReadsValidMetadata) {
  json m = read_profile_metadata(write(metadata().dump()));
  EXPECT_EQ(m["toolchain"]["compiler_version"], "12.2.0");
}

TEST_F(MetadataFile, RejectsCorruptTruncatedAndForeignFiles) {
  std::string full = metadata().dump(2);
  EXPECT_THAT(error_of(""), HasSubstr("not valid JSON (the file is empty)"));
  EXPECT_THAT(error_of(full.substr(0, full.size() / 2)), HasSubstr("not valid JSON"));
  EXPECT_THAT(error_of("\x7f" "ELF\x01\x02"), HasSubstr("not valid JSON"));
  EXPECT_THAT(error_of("[1, 2]"), HasSubstr("pgo-profile/1"));
  json other = metadata();
  other["schema"] = "pgo-profile/9";
  EXPECT_THAT(error_of(other.dump()), HasSubstr("pgo-profile/1"));
  json no_version = metadata();
  no_version["toolchain"].erase("compiler_version");
  EXPECT_THAT(error_of(no_version.dump()), HasSubstr("missing key 'toolchain.compiler_version'"));
  json bad_files = metadata();
  bad_files["sources"]["files"] = "all";
  EXPECT_THAT(error_of(bad_files.dump()), HasSubstr("key 'sources.files' is string"));
  EXPECT_THROW(read_profile_metadata(dir_ / "absent.json"), Error);
}

// Issue 15 item 3: `"workloads_fingerprint": 3` crashed `pgo build --reuse` with a json
// type_error (an internal error). Every field pgo reads back is now checked on reading.
TEST_F(MetadataFile, WrongTypedFieldsNameTheFileAndTheField) {
  auto with = [](const std::string& pointer, const json& value) {
    json m = metadata();
    m[json::json_pointer(pointer)] = value;
    return m.dump();
  };
  EXPECT_THAT(error_of(with("/workloads_fingerprint", 3)),
              HasSubstr("corrupt profile metadata: key 'workloads_fingerprint' is number, expected a string"));
  EXPECT_THAT(error_of(with("/speedup", "fast")), HasSubstr("key 'speedup' is string, expected a number"));
  EXPECT_THAT(error_of(with("/sources/files/src~1a.c", 7)), HasSubstr("key 'sources.files.src/a.c' is number"));
  EXPECT_THAT(error_of(with("/dependencies", json::array())), HasSubstr("key 'dependencies' is array"));
  EXPECT_THAT(error_of(with("/dependencies/modules/golang.org~1x~1sys", true)),
              HasSubstr("key 'dependencies.modules.golang.org/x/sys' is boolean, expected a string"));
  EXPECT_THAT(error_of(with("/created", 1700000000)), HasSubstr("key 'created' is number, expected a string"));
  // Absent or null optional fields are fine.
  json m = metadata();
  m.erase("workloads_fingerprint");
  m["speedup"] = nullptr;
  EXPECT_NO_THROW(read_profile_metadata(write(m.dump())));
}

// Issue 11 §5: "runs 0.970x as fast" over intervals of ±30% said more than the data did.
TEST(CostHeadline, NothingSignificantIsNoMeasurableDifferenceWithTheInterval) {
  StalenessCost cost;
  cost.measured = true;
  WorkloadCost a;
  a.workload = "fib";
  a.speedup = 0.95;
  a.ci_lo = 0.78;
  a.ci_hi = 1.21;
  a.verdict = "no_change";
  WorkloadCost b;
  b.workload = "sort";
  b.speedup = 0.99;
  b.ci_lo = 0.70;
  b.ci_hi = 1.30;
  b.verdict = "no_change";
  cost.workloads = {a, b};
  cost.geomean_speedup = 0.970;
  cost.geomean_by_metric["wall_time"] = 0.970;
  const std::string headline = cost_headline(cost, "wall_time");
  EXPECT_THAT(headline, HasSubstr("no measurable difference"));
  EXPECT_THAT(headline, HasSubstr("[0.700, 1.300]"));
  EXPECT_THAT(headline, ::testing::Not(HasSubstr("0.970x")));

  cost.workloads[0].verdict = "faster";
  cost.workloads[0].ci_lo = 1.05;
  EXPECT_THAT(cost_headline(cost, "wall_time"), HasSubstr("a freshly trained profile runs 0.970x as fast (wall time"));
  EXPECT_EQ(cost_headline(cost, "instructions"), "");  // not measured in that metric
}

}  // namespace
}  // namespace pgo
