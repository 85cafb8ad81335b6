// The Go function match of `pgo status`, pure parts: stored call edges against current
// functions (adapters/pprof/go_edge_match.h), symbol names, the `go list -deps` reading
// (adapters/pprof/go_sources.h) and the analyzer's JSON (adapters/pprof/go_functions.h).
#include <gtest/gtest.h>

#include "adapters/pprof/go_edge_match.h"
#include "adapters/pprof/go_functions.h"
#include "adapters/pprof/go_sources.h"
#include "adapters/pprof/pprof_analysis.h"
#include "support/error.h"

namespace pgo {
namespace {

constexpr const char* kKernels = "example.com/m/kernels";

// Simulate at line 53 (its body to 64) calls step at line 56, offset 3; step is 14..34.
GoCurrentCode current_code(int64_t simulate_start = 53, int64_t step_call_line = 56) {
  GoCurrentCode c;
  c.module_path = "example.com/m";
  c.packages = {"main", kKernels};
  c.functions = {
      {"example.com/m/kernels.Simulate", "particles.go", simulate_start, simulate_start + 11,
       {{step_call_line, "step"}}, {}},
      {"example.com/m/kernels.step", "particles.go", 14, 34, {}, {}},
      {"example.com/m/kernels.ApplyAll", "filter.go", 51, 57, {{54, "Apply"}}, {}},
      {"example.com/m/kernels.brightness.Apply", "filter.go", 17, 27, {}, {}},
      {"example.com/m/kernels.Run", "run.go", 10, 20, {{12, ""}, {15, "Sqrt"}, {18, "Println"}}, {}},
      {"example.com/m/kernels.Run.func1", "run.go", 11, 13, {}, {}},
      {"example.com/m/kernels.Map[...]", "gen.go", 5, 9, {{7, ""}}, {}},  // f(x), f a parameter
      {"main.main", "main.go", 20, 40, {{25, "Simulate"}}, {}},
  };
  return c;
}

PprofCallEdges stored_edges() {
  PprofCallEdges e;
  e.has_start_lines = true;
  e.edges = {
      {"example.com/m/kernels.Simulate", 3, "example.com/m/kernels.step", 600},
      {"example.com/m/kernels.ApplyAll", 3, "example.com/m/kernels.brightness.Apply", 200},
      {"example.com/m/kernels.Run", 2, "example.com/m/kernels.Run.func1", 50},     // a closure called in place
      {"example.com/m/kernels.Run", 5, "math.Sqrt", 40},                           // standard library callee
      {"example.com/m/kernels.Map[go.shape.int]", 2, "example.com/m/kernels.Run", 10},  // via a parameter f
      {"main.main", 5, "example.com/m/kernels.Simulate", 100},
      {"example.com/m/kernels.step", 1, "runtime.newobject", 300},  // compiler-inserted: not compared
      {"runtime.mallocgc", 20, "runtime.nextFreeFast", 500},       // not module code: not compared
      {"fmt.Fprintf", 4, "example.com/m/kernels.Run", 7},          // a stdlib caller: not compared
  };
  for (const auto& x : e.edges) e.total_weight += x.weight;
  return e;
}

TEST(GoEdgeMatch, UnchangedCodeMatchesEveryComparedEdge) {
  FunctionMatch m = match_go_call_edges(stored_edges(), current_code());
  EXPECT_TRUE(m.available);
  EXPECT_EQ(m.functions, 6u);  // edges of main-module callers, runtime callees left out
  EXPECT_EQ(m.unchanged, 6u) << (m.mismatched.empty() ? "" : m.mismatched[0].name);
  EXPECT_EQ(m.total_count, 1000u);
  EXPECT_DOUBLE_EQ(m.weighted_match(), 1.0);
  EXPECT_EQ(m.added, 0u);
  EXPECT_NE(m.note.find("call edges"), std::string::npos) << m.note;
  EXPECT_NE(m.note.find("6 of main-module callers compared by source"), std::string::npos) << m.note;
  EXPECT_NE(m.note.find("1 into compiler-inserted runtime calls"), std::string::npos) << m.note;
  EXPECT_NE(m.note.find("2 edge(s) of the runtime and standard library"), std::string::npos) << m.note;
  EXPECT_EQ(m.profile_count, 1807u);  // every edge's weight, compared or not
  EXPECT_NEAR(m.compared_share(), 1000.0 / 1807.0, 1e-12);
}

// The write barrier is a package-less assembly symbol; a sample in it (the e2e test once
// caught one from MakeShapes) is a compiler-inserted call like runtime.newobject.
TEST(GoEdgeMatch, PackageLessRuntimeSymbolsAreCompilerInserted) {
  PprofCallEdges e = stored_edges();
  e.edges.push_back({"example.com/m/kernels.Simulate", 10, "gcWriteBarrier", 2});
  e.total_weight += 2;
  FunctionMatch m = match_go_call_edges(e, current_code());
  EXPECT_EQ(m.functions, 6u);
  EXPECT_DOUBLE_EQ(m.weighted_match(), 1.0) << (m.mismatched.empty() ? "" : m.mismatched[0].name);
  EXPECT_NE(m.note.find("2 into compiler-inserted runtime calls"), std::string::npos) << m.note;
}

TEST(GoEdgeMatch, LinesAboveTheFunctionKeepOffsets) {
  // A comment (or a cold function) above Simulate moves it down 4 lines, the call with it.
  FunctionMatch m = match_go_call_edges(stored_edges(), current_code(57, 60));
  EXPECT_DOUBLE_EQ(m.weighted_match(), 1.0);
}

TEST(GoEdgeMatch, ALineInsertedAboveTheCallChangesItsEdge) {
  FunctionMatch m = match_go_call_edges(stored_edges(), current_code(53, 57));
  EXPECT_EQ(m.changed, 1u);
  EXPECT_EQ(m.unchanged, 5u);
  EXPECT_DOUBLE_EQ(m.weighted_match(), 0.4);
  ASSERT_EQ(m.mismatched.size(), 1u);
  EXPECT_EQ(m.mismatched[0].name, "kernels.Simulate -> kernels.step (+3)");
  EXPECT_EQ(m.mismatched[0].change, FunctionChange::Changed);
  EXPECT_EQ(m.mismatched[0].count, 600u);
  EXPECT_DOUBLE_EQ(m.mismatched[0].share, 0.6);
}

TEST(GoEdgeMatch, AnotherCallAtTheOffsetIsNotTheEdge) {
  GoCurrentCode c = current_code();
  c.functions[0].calls = {{56, "other"}};
  FunctionMatch m = match_go_call_edges(stored_edges(), c);
  ASSERT_FALSE(m.mismatched.empty());
  EXPECT_EQ(m.mismatched[0].name, "kernels.Simulate -> kernels.step (+3)");
  EXPECT_EQ(m.mismatched[0].change, FunctionChange::Changed);
}

TEST(GoEdgeMatch, AnOffsetPastTheBodyIsChanged) {
  GoCurrentCode c = current_code();
  c.functions[0].end_line = 55;  // the body now ends above the old call line
  FunctionMatch m = match_go_call_edges(stored_edges(), c);
  ASSERT_FALSE(m.mismatched.empty());
  EXPECT_EQ(m.mismatched[0].change, FunctionChange::Changed);
}

TEST(GoEdgeMatch, GoneCallersAndModuleCalleesAreRemoved) {
  GoCurrentCode c = current_code();
  c.functions.erase(c.functions.begin() + 1);  // step deleted (Simulate's call left as is)
  c.functions.erase(c.functions.begin() + 1);  // ApplyAll deleted
  FunctionMatch m = match_go_call_edges(stored_edges(), c);
  EXPECT_EQ(m.removed, 2u);
  EXPECT_EQ(m.unchanged, 4u);
  ASSERT_EQ(m.mismatched.size(), 2u);
  EXPECT_EQ(m.mismatched[0].name, "kernels.Simulate -> kernels.step (+3)");
  EXPECT_EQ(m.mismatched[0].change, FunctionChange::Removed);
  EXPECT_EQ(m.mismatched[1].name, "kernels.ApplyAll -> kernels.brightness.Apply (+3)");
  EXPECT_DOUBLE_EQ(m.weighted_match(), 0.2);
}

TEST(GoEdgeMatch, APointerWrapperFindsTheValueMethod) {
  PprofCallEdges e;
  e.has_start_lines = true;
  e.edges = {{"example.com/m/kernels.ApplyAll", 3, "example.com/m/kernels.(*brightness).Apply", 5}};
  e.total_weight = 5;
  FunctionMatch m = match_go_call_edges(e, current_code());
  EXPECT_EQ(m.unchanged, 1u);
}

TEST(GoEdgeMatch, GeneratedWrappersAreNotCompared) {
  PprofCallEdges e;
  e.has_start_lines = true;
  e.edges = {{"example.com/m/kernels.Run.deferwrap1", 0, "fmt.Println", 5},
             {"example.com/m/kernels.Run.gowrap2", 1, "example.com/m/kernels.step", 5},
             // The (*T).M wrapper of a value method, which its source does not have.
             {"example.com/m/kernels.(*brightness).Apply", -16, "example.com/m/kernels.brightness.Apply", 5}};
  e.total_weight = 15;
  FunctionMatch m = match_go_call_edges(e, current_code());
  EXPECT_EQ(m.functions, 0u);
  EXPECT_DOUBLE_EQ(m.weighted_match(), 1.0);
  EXPECT_NE(m.note.find("3 of generated wrappers"), std::string::npos) << m.note;
}

// pgo's CPU-profile hook is compiled into the training build's main package by an overlay;
// a sample taken while it stops the profile at exit (seen in a loaded CI run as
// main.init.0.func1.1 -> pprof.StopCPUProfile) is no edge of the project's source.
TEST(GoEdgeMatch, PgosOwnProfileHookIsNotCompared) {
  PprofCallEdges e = stored_edges();
  e.edges.push_back({"main.init.0.func1.1", 1, "runtime/pprof.StopCPUProfile", 3});
  e.caller_files["main.init.0.func1.1"] = "/src/app/zz_pgo_cpuprofile.go";
  e.total_weight += 3;
  FunctionMatch m = match_go_call_edges(e, current_code());
  EXPECT_EQ(m.functions, 6u);
  EXPECT_DOUBLE_EQ(m.weighted_match(), 1.0) << (m.mismatched.empty() ? "" : m.mismatched[0].name);
  EXPECT_NE(m.note.find("1 of generated wrappers"), std::string::npos) << m.note;
}

TEST(GoEdgeMatch, ARemovedPackageOfTheModuleStillCounts) {
  PprofCallEdges e;
  e.has_start_lines = true;
  e.edges = {{"example.com/m/old.Hot", 2, "example.com/m/kernels.step", 9}};
  e.total_weight = 9;
  FunctionMatch m = match_go_call_edges(e, current_code());
  EXPECT_EQ(m.removed, 1u);
  EXPECT_EQ(m.mismatched.at(0).name, "old.Hot -> kernels.step (+2)");
}

// Names cmd/compile gives when it inlines (seen with Go 1.26 in a real profile): lib's
// (*Tree).All returns a closure; inlined into main.crossSum, the closure is named in main's
// package and crossSum's closure numbering, and the range-over-func loop bodies in
// crossSum are crossSum-range1 and, nested, crossSum-range1-range3 behind the same prefix.
GoCurrentCode inlining_code(int64_t mix_line = 9) {
  GoCurrentCode c;
  c.module_path = "example.com/t";
  c.packages = {"main", "example.com/t/lib"};
  GoFunction cross{"main.crossSum", "main2.go", 5, 17, {{7, "All"}, {8, "All"}, {mix_line, "mix"}, {15, "Each"}}, {}};
  cross.ranges = {{7, 14}, {8, 13}};
  c.functions = {
      cross,
      {"main.crossSum.func1", "main2.go", 15, 15, {{15, "mix"}}, {}},
      {"main.mix", "main.go", 36, 36, {}, {}},
      {"example.com/t/lib.(*Tree[...]).All", "lib.go", 7, 15, {}, {}},
      {"example.com/t/lib.(*Tree[...]).All.func1", "lib.go", 8, 14, {{10, ""}}, {}},  // yield(x)
      {"example.com/t/lib.Each", "lib.go", 17, 22, {{20, ""}}, {}},
      {"example.com/t/lib.Each.func1", "lib.go", 18, 18, {{18, ""}}, {}},  // f(x + 1)
  };
  return c;
}

PprofCallEdges inlining_edges() {
  PprofCallEdges e;
  e.has_start_lines = true;
  e.edges = {
      {"main.crossSum-range1", 2, "main.mix", 40},
      {"main.crossSum.crossSum.(*Tree[go.shape.int]).All.func2.crossSum-range1-range3", 1, "main.mix", 30},
      {"main.crossSum.(*Tree[go.shape.int]).All.func2", 2, "main.crossSum-range1", 20},
      {"main.crossSum", 2, "main.crossSum.(*Tree[go.shape.int]).All.func2", 5},
      {"main.crossSum.Each.func3", 0, "main.crossSum.func1", 4},
      {"main.crossSum.func1", 0, "main.mix", 1},
  };
  for (const auto& x : e.edges) e.total_weight += x.weight;
  return e;
}

TEST(GoEdgeMatch, InlinedClosuresAndRangeBodiesFindTheirSource) {
  FunctionMatch m = match_go_call_edges(inlining_edges(), inlining_code());
  EXPECT_EQ(m.functions, 6u);
  EXPECT_EQ(m.unchanged, 6u) << (m.mismatched.empty() ? "" : m.mismatched[0].name);
  EXPECT_DOUBLE_EQ(m.weighted_match(), 1.0);
}

TEST(GoEdgeMatch, ALineInsertedInARangeBodyChangesItsEdges) {
  // Two lines inserted above the loop bodies' mix call: both range bodies' edges change,
  // the closures' do not.
  GoCurrentCode c = inlining_code(11);
  c.functions[0].ranges = {{7, 16}, {8, 15}};
  FunctionMatch m = match_go_call_edges(inlining_edges(), c);
  EXPECT_EQ(m.changed, 2u);
  EXPECT_EQ(m.unchanged, 4u);
  ASSERT_EQ(m.mismatched.size(), 2u);
  EXPECT_EQ(m.mismatched[0].name, "main.crossSum-range1 -> main.mix (+2)");
}

TEST(GoEdgeMatch, AClosureOfAGoneFunctionIsRemoved) {
  GoCurrentCode c = inlining_code();
  c.functions.erase(c.functions.begin() + 3, c.functions.begin() + 5);  // lib.(*Tree).All and its closure
  FunctionMatch m = match_go_call_edges(inlining_edges(), c);
  EXPECT_EQ(m.removed, 2u);  // the closure's edge, and crossSum's edge into it
}

// A program whose hot code is a dependency's: its edges, and the module's edges into it,
// are filed by package (or, for a dependency's closure inlined into the module, by the
// module its file is in) for staleness to weigh by module version.
TEST(GoEdgeMatch, DependencyEdgesAreFiledByModuleForTheVersionCheck) {
  GoCurrentCode c;
  c.module_path = "example.com/app";
  c.packages = {"main"};
  c.functions = {{"main.main", "main.go", 20, 40, {{25, "Get"}, {30, "Scan"}}, {}},
                 {"main.visit", "main.go", 10, 12, {}, {}}};
  PprofCallEdges e;
  e.has_start_lines = true;
  const std::string dep_file = "/root/go/pkg/mod/github.com/tidwall/btree@v1.8.2/map.go";
  e.edges = {
      {"github.com/tidwall/btree.(*Map[go.shape.int,go.shape.int]).Set", 3,
       "github.com/tidwall/btree.(*Map[go.shape.int,go.shape.int]).nodeSet", 70},
      {"main.main", 5, "github.com/tidwall/btree.(*Map[go.shape.int,go.shape.int]).Get", 30},
      {"main.main.(*Map[go.shape.int,go.shape.int]).Scan.func1", 1, "main.visit", 20},
      {"github.com/tidwall/btree.(*Map[go.shape.int,go.shape.int]).Set", 9, "runtime.growslice", 8},
      {"main.main", 10, "main.visit", 2},  // no call there: changed
  };
  e.caller_files = {{"github.com/tidwall/btree.(*Map[go.shape.int,go.shape.int]).Set", dep_file},
                    {"main.main", "/app/main.go"},
                    {"main.main.(*Map[go.shape.int,go.shape.int]).Scan.func1", dep_file}};
  for (const auto& x : e.edges) e.total_weight += x.weight;
  FunctionMatch m = match_go_call_edges(e, c);
  EXPECT_EQ(m.functions, 1u);
  EXPECT_EQ(m.changed, 1u);
  ASSERT_EQ(m.dependency_entries.size(), 1u);
  const DependencyEntries& d = m.dependency_entries.at("github.com/tidwall/btree");
  EXPECT_EQ(d.entries, 3u);
  EXPECT_EQ(d.count, 120u);
  EXPECT_EQ(m.profile_count, 130u);
  EXPECT_NE(m.note.find("2 of main-module callers compared by source"), std::string::npos) << m.note;
  EXPECT_NE(m.note.find("3 in dependency modules"), std::string::npos) << m.note;
  EXPECT_NE(m.note.find("1 into compiler-inserted runtime calls"), std::string::npos) << m.note;
}

TEST(GoSources, AModuleCacheFileNamesItsModuleAndVersion) {
  std::string version;
  EXPECT_EQ(go_module_of_file("/root/go/pkg/mod/github.com/!burnt!sushi/toml@v1.3.2/decode.go", &version),
            "github.com/BurntSushi/toml");
  EXPECT_EQ(version, "v1.3.2");
  EXPECT_EQ(go_module_of_file("/h/go/pkg/mod/golang.org/x/text@v0.22.0/unicode/norm/iter.go", &version),
            "golang.org/x/text");
  EXPECT_EQ(version, "v0.22.0");
  EXPECT_EQ(go_module_of_file("/usr/local/go/src/fmt/print.go"), "");
  EXPECT_EQ(go_module_of_file("/work/app/main.go"), "");
}

// Issue 11 §4: profiles of 46 and 202 samples were accepted silently.
TEST(GoProfileQuality, FewSamplesWarnWithTheCountAndWhatToDo) {
  std::vector<std::string> w = go_profile_quality_warnings(202);
  ASSERT_EQ(w.size(), 1u);
  EXPECT_NE(w[0].find("only 202 CPU samples"), std::string::npos) << w[0];
  EXPECT_NE(w[0].find("2.0 s of CPU time"), std::string::npos) << w[0];
  EXPECT_NE(w[0].find("`repeat:`"), std::string::npos) << w[0];
  EXPECT_EQ(go_profile_quality_warnings(46).size(), 1u);
  EXPECT_TRUE(go_profile_quality_warnings(kGoMinProfileSamples).empty());
}

TEST(GoProfileQuality, SampleCountFromCountsOrCpuTime) {
  PprofProfile p;
  p.sample_types = {{"samples", "count"}, {"cpu", "nanoseconds"}};
  p.period = 10'000'000;
  PprofSummary s;
  s.value_index = 0;
  s.samples = 46;
  EXPECT_EQ(pprof_sample_count(p, s), 46);
  s.value_index = 1;
  s.samples = 460'000'000;  // 0.46 s
  EXPECT_EQ(pprof_sample_count(p, s), 46);
}

TEST(GoProfileQuality, TheProjectsOwnFunctionsLeadTheHottestList) {
  std::vector<PprofFunctionSamples> by_flat = {
      {"runtime.mallocgc", 50, 60}, {"example.com/m/kernels.step", 30, 40}, {"runtime.memmove", 20, 20},
      {"main.main", 5, 100}};
  auto own = [](const std::string& name) { return name.starts_with("example.com/m/") || name.starts_with("main."); };
  std::vector<PprofFunctionSamples> out = own_functions_first(by_flat, own);
  ASSERT_EQ(out.size(), 4u);
  EXPECT_EQ(out[0].name, "example.com/m/kernels.step");
  EXPECT_EQ(out[1].name, "main.main");
  EXPECT_EQ(out[2].name, "runtime.mallocgc");  // the rest, still hottest first
  EXPECT_EQ(out[3].name, "runtime.memmove");
}

// A program whose own function calls the hot code and has no self samples of its own (a
// btree-heavy main): it is left out, not taken for the end of the list (which emptied it).
TEST(GoProfileQuality, AFunctionWithoutSelfSamplesIsLeftOutOfTheHottestList) {
  std::vector<PprofFunctionSamples> by_flat = {
      {"github.com/tidwall/btree.(*Map[...]).Set", 50, 60}, {"runtime.memmove", 20, 20}, {"main.main", 0, 100}};
  auto own = [](const std::string& name) { return name.starts_with("main."); };
  std::vector<PprofFunctionSamples> out = own_functions_first(by_flat, own);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].name, "github.com/tidwall/btree.(*Map[...]).Set");
  EXPECT_EQ(out[1].name, "runtime.memmove");
}

TEST(GoSymbols, PrefixesAndPackagesFollowTheLinker) {
  EXPECT_EQ(go_symbol_prefix("example.com/m/kernels"), "example.com/m/kernels");
  EXPECT_EQ(go_symbol_prefix("gopkg.in/yaml.v3"), "gopkg.in/yaml%2ev3");
  EXPECT_EQ(go_symbol_prefix("foo.bar"), "foo%2ebar");
  EXPECT_EQ(go_symbol_prefix("example.com/m/cmd/app", true), "main");
  EXPECT_EQ(go_symbol_package("example.com/m/kernels.(*T).M"), "example.com/m/kernels");
  EXPECT_EQ(go_symbol_package("gopkg.in/yaml%2ev3.Unmarshal"), "gopkg.in/yaml%2ev3");
  EXPECT_EQ(go_symbol_package("main.main.func1"), "main");
  EXPECT_EQ(go_symbol_package("p.F[go.shape.struct { X example.com/a.T }]"), "p");
  EXPECT_EQ(normalize_go_function_name("p.F[go.shape.int].func1"), "p.F[...].func1");
  EXPECT_EQ(normalize_go_function_name("p.(*List[go.shape.[]int]).Push"), "p.(*List[...]).Push");
  EXPECT_EQ(short_go_function_name("example.com/m/kernels.(*T).M"), "kernels.(*T).M");
  EXPECT_EQ(short_go_function_name("main.main"), "main.main");
}

// go list -deps -test -json=... of a package with tests, cut down to the keys read.
constexpr const char* kGoListTest = R"({"ImportPath": "fmt", "Name": "fmt", "Dir": "/go/src/fmt", "GoFiles": ["print.go"]}
{"Dir": "/m/kernels", "ImportPath": "example.com/m/kernels", "Name": "kernels",
 "Module": {"Path": "example.com/m", "Main": true}, "GoFiles": ["a.go", "b.go"]}
{"Dir": "/mod/dep", "ImportPath": "example.org/dep", "Name": "dep",
 "Module": {"Path": "example.org/dep", "Main": false}, "GoFiles": ["dep.go"]}
{"Dir": "/m/kernels", "ImportPath": "example.com/m/kernels [example.com/m/kernels.test]", "Name": "kernels",
 "ForTest": "example.com/m/kernels", "Module": {"Path": "example.com/m", "Main": true},
 "GoFiles": ["a.go", "b.go", "k_test.go"], "CgoFiles": ["c.go"]}
{"Dir": "/m/kernels", "ImportPath": "example.com/m/kernels_test [example.com/m/kernels.test]",
 "Name": "kernels_test", "ForTest": "example.com/m/kernels", "Module": {"Path": "example.com/m", "Main": true},
 "GoFiles": ["x_test.go"]}
{"Dir": "/m/kernels", "ImportPath": "example.com/m/kernels.test", "Name": "main",
 "Module": {"Path": "example.com/m", "Main": true}, "GoFiles": ["/cache/6f/6f5d-d"]}
)";

TEST(GoSources, ReadsTheMainModulePackagesOfATestBinary) {
  std::string module;
  std::vector<GoSourcePackage> p = go_sources_from_list(kGoListTest, false, &module);
  EXPECT_EQ(module, "example.com/m");
  ASSERT_EQ(p.size(), 2u);  // no stdlib, no dependency, no generated test main
  EXPECT_EQ(p[0].import_path, "example.com/m/kernels");
  EXPECT_EQ(p[0].prefix, "example.com/m/kernels");
  EXPECT_EQ(p[0].files, (std::vector<std::string>{"/m/kernels/a.go", "/m/kernels/b.go", "/m/kernels/k_test.go",
                                                  "/m/kernels/c.go"}));
  EXPECT_EQ(p[1].prefix, "example.com/m/kernels_test");
}

TEST(GoSources, AProgramsMainPackageIsMain) {
  const char* list = R"({"Dir": "/m/cmd/app", "ImportPath": "example.com/m/cmd/app", "Name": "main",
   "Module": {"Path": "example.com/m", "Main": true}, "GoFiles": ["main.go"]})";
  std::vector<GoSourcePackage> p = go_sources_from_list(list, true);
  ASSERT_EQ(p.size(), 1u);
  EXPECT_EQ(p[0].prefix, "main");
  EXPECT_EQ(go_sources_from_list(list, false).at(0).prefix, "example.com/m/cmd/app");  // its test binary
  EXPECT_THROW(go_sources_from_list("{not json", true), Error);
}

TEST(GoFunctions, ParsesTheAnalyzerOutput) {
  const char* out = R"({"schema": "pgo-go-functions/1", "functions": [
    {"name": "main.main", "file": "/m/main.go", "start_line": 3, "end_line": 9,
     "calls": [{"line": 4, "name": "Println"}, {"line": 5, "name": ""}]},
    {"name": "main.main.func1", "file": "/m/main.go", "start_line": 5, "end_line": 5, "calls": [],
     "ranges": [{"line": 5, "end_line": 5}]}]})";
  std::vector<GoFunction> f = parse_go_functions(out, "analyzer");
  ASSERT_EQ(f.size(), 2u);
  EXPECT_EQ(f[0].name, "main.main");
  EXPECT_EQ(f[0].start_line, 3);
  EXPECT_EQ(f[0].end_line, 9);
  ASSERT_EQ(f[0].calls.size(), 2u);
  EXPECT_EQ(f[0].calls[0].line, 4);
  EXPECT_EQ(f[0].calls[0].name, "Println");
  EXPECT_EQ(f[0].calls[1].name, "");
  EXPECT_EQ(f[1].name, "main.main.func1");
  EXPECT_TRUE(f[0].ranges.empty());  // an older analyzer's output has none
  ASSERT_EQ(f[1].ranges.size(), 1u);
  EXPECT_EQ(f[1].ranges[0].line, 5);
  for (const char* bad : {"", "[]", R"({"schema": "other"})", R"({"schema": "pgo-go-functions/1"})",
                          R"({"schema": "pgo-go-functions/1", "functions": [{"name": 3}]})"}) {
    SCOPED_TRACE(bad);
    try {
      parse_go_functions(bad, "analyzer");
      ADD_FAILURE() << "parsed";
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find("analyzer"), std::string::npos) << e.what();
    }
  }
}

}  // namespace
}  // namespace pgo
