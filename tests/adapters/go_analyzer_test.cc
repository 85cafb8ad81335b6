// pgo's Go source analyzer and the Go function match with the real go command: the names
// and start lines it reports are the ones the compiler and runtime/pprof write, a hooked
// program's own profile matches its unchanged source completely, and a corrupt stored
// profile is an error naming the file.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "adapters/pprof/go_edge_match.h"
#include "adapters/pprof/go_functions.h"
#include "adapters/pprof/go_sources.h"
#include "adapters/pprof/pprof_analysis.h"
#include "adapters/pprof/pprof_format.h"
#include "adapters/pprof/pprof_reader.h"
#include "support/error.h"
#include "tests/adapters/go_test_support.h"

namespace pgo {
namespace {

namespace fs = std::filesystem;

// Every kind of function a name is made for: init functions, package-level closures,
// generics, methods of generic types, value and pointer methods, nested closures, defer.
constexpr const char* kNamesSource = R"(package main

import (
	"fmt"
	"os"
	"sort"
)

var glob = func(x int) int { return x * 2 }

func init() { fmt.Println("a") }
func init() { fmt.Println("b") }

type List[T any] struct{ xs []T }

func (l *List[T]) Push(x T) { l.xs = append(l.xs, x) }
func Map[T any](xs []T, f func(T) T) []T {
	out := make([]T, 0)
	for _, x := range xs {
		out = append(out, f(x))
	}
	g := func() { fmt.Println(len(out)) }
	g()
	return out
}

type V struct{ a, b int }

func (v V) Sum() int { return v.a + v.b }

type Summer interface{ Sum() int }

func outer(n int) int {
	f := func(i int) int {
		h := func() int { return i + n }
		return h()
	}
	k := func() int { return f(1) }
	defer func() { fmt.Println("done") }()
	go func() {}()
	return f(n) + k()
}

func main() {
	xs := []int{3, 1, 2}
	sort.Slice(xs, func(i, j int) bool { return xs[i] < xs[j] })
	var l List[int]
	l.Push(1)
	var s Summer = V{1, 2}
	if len(os.Args) > 5 {
		s = nil
	}
	fmt.Println(Map(xs, glob), outer(3), s.Sum())
}
)";

std::vector<GoFunction> analyze(const fs::path& dir, const std::string& prefix) {
  SystemProcessRunner runner;
  GoSourcePackage p{"example.com/t", prefix, {(dir / "main.go").string()}};
  return scan_go_functions("go", runner, {p}, dir / "analyzer");
}

std::set<std::string> normalized(const std::vector<GoFunction>& functions) {
  std::set<std::string> out;
  for (const auto& f : functions) out.insert(normalize_go_function_name(f.name));
  return out;
}

TEST(GoAnalyzer, NamesEveryFunctionAsTheCompilerDoes) {
  fs::path dir = testing_go::temp_dir("names");
  testing_go::write(dir / "go.mod", "module example.com/t\n\ngo 1.23\n");
  testing_go::write(dir / "main.go", kNamesSource);
  // -l: nothing inlined, so every function and closure keeps a symbol of its own.
  ProcessResult r = testing_go::run({"go", "build", "-gcflags=-l", "-o", "app", "."}, dir, {}, dir / "build.log");
  ASSERT_TRUE(r.ok()) << read_file(dir / "build.log");
  r = testing_go::run({"go", "tool", "nm", "app"}, dir, {}, dir / "nm.txt");
  ASSERT_TRUE(r.ok()) << read_file(dir / "nm.txt");
  std::set<std::string> compiled;
  std::istringstream nm(read_file(dir / "nm.txt"));
  std::string addr, kind, name;
  std::string line;
  while (std::getline(nm, line)) {
    std::istringstream fields(line);
    if (!(fields >> addr >> kind >> name) || kind != "T" || !name.starts_with("main.")) continue;
    if (name.find("deferwrap") != std::string::npos) continue;  // generated; pgo does not compare them
    compiled.insert(normalize_go_function_name(name));
  }
  EXPECT_EQ(normalized(analyze(dir, "main")), compiled);
  fs::remove_all(dir);
}

TEST(GoAnalyzer, RecordsLinesAndCallNames) {
  fs::path dir = testing_go::temp_dir("lines");
  testing_go::write(dir / "main.go", R"(package main

import "fmt"

// doc comment
func main() {
	fmt.
		Println("a", 1)
	f := fmt.Sprint
	f(2)
	func() {
		fmt.Print(3)
	}()
}
)");
  std::vector<GoFunction> fs = analyze(dir, "main");
  ASSERT_EQ(fs.size(), 2u);
  EXPECT_EQ(fs[0].name, "main.main");
  EXPECT_EQ(fs[0].start_line, 6);
  EXPECT_EQ(fs[0].end_line, 14);
  std::vector<std::pair<int64_t, std::string>> calls;
  for (const auto& c : fs[0].calls) calls.emplace_back(c.line, c.name);
  // A call is at its '(' (line 8, not 7); f is a variable; the closure is called in place.
  EXPECT_EQ(calls, (std::vector<std::pair<int64_t, std::string>>{{8, "Println"}, {10, ""}, {13, ""}}));
  EXPECT_EQ(fs[1].name, "main.main.func1");
  EXPECT_EQ(fs[1].start_line, 11);
  ASSERT_EQ(fs[1].calls.size(), 1u);
  EXPECT_EQ(fs[1].calls[0].line, 12);
  fs::remove_all(dir);
}

TEST(GoAnalyzer, AFileThatDoesNotParseIsABuildError) {
  fs::path dir = testing_go::temp_dir("bad");
  testing_go::write(dir / "main.go", "package main\n\nfunc main() {\n");
  try {
    analyze(dir, "main");
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::kBuildFailure);
    EXPECT_NE(std::string(e.what()).find("main.go"), std::string::npos) << e.what();
  }
  fs::remove_all(dir);
}

// A hooked program whose hot path runs through a closure and an interface method.
constexpr const char* kHotSource = R"(package main

import (
	"fmt"
	"os"
	"strconv"
	"time"
)

type Shape interface{ Area() float64 }
type Sq struct{ s float64 }

func (q Sq) Area() float64 { return q.s * q.s }

func work(ms int64) float64 {
	var shapes []Shape
	for i := 0; i < 100; i++ {
		shapes = append(shapes, Sq{float64(i)})
	}
	total := 0.0
	add := func(s Shape) {
		total += s.Area()
	}
	start := time.Now()
	for time.Since(start).Milliseconds() < ms {
		for _, s := range shapes {
			add(s)
		}
	}
	return total
}

func main() {
	ms, _ := strconv.Atoi(os.Args[1])
	fmt.Println(work(int64(ms)))
}
)";

TEST(GoFunctionMatch, AProgramsOwnProfileMatchesItsSource) {
  fs::path dir = testing_go::temp_dir("hot");
  ASSERT_TRUE(testing_go::build_program(dir, kHotSource, true));
  fs::path run_dir = dir / "run";
  fs::create_directories(run_dir);
  ProcessResult r = testing_go::run({(dir / "app").string(), "600"}, run_dir,
                                    {{kGoCpuProfileEnv, (run_dir / kGoProfileSubdir).string()}});
  ASSERT_TRUE(r.ok()) << r.describe();
  fs::path profile;
  for (const auto& e : fs::directory_iterator(run_dir / kGoProfileSubdir)) profile = e.path();
  fs::path stored = dir / "store" / "app" / "go.pprof";
  fs::create_directories(stored.parent_path());
  fs::copy_file(profile, stored);

  // The start lines runtime/pprof wrote are the analyzer's func lines.
  std::map<std::string, int64_t> starts;
  for (const auto& f : analyze(dir, "main")) starts[f.name] = f.start_line;
  size_t checked = 0;
  for (const auto& f : read_pprof(stored).functions)
    if (starts.count(f.name)) {
      EXPECT_EQ(f.start_line, starts[f.name]) << f.name;
      ++checked;
    }
  EXPECT_GE(checked, 3u);

  GoSources sources;
  sources.module_path = "example.com/t";
  // One merged profile serves every binary; a package two binaries compile with different
  // files (a test binary adds its test files) is scanned once, with all of them.
  sources.targets["app"] = {{"example.com/t", "main", {}}};
  sources.targets["app.test"] = {{"example.com/t", "main", {(dir / "main.go").string()}}};
  BuildRequest request;
  request.build_dir = dir / "build";
  write_go_sources(sources, request.build_dir / kGoSourcesFileName);
  SystemProcessRunner runner;
  PprofProfileFormat format("go", "go", runner);
  FunctionMatch m = format.match(stored, request, {});
  ASSERT_TRUE(m.available) << m.note;
  EXPECT_GE(m.functions, 2u) << m.note;
  EXPECT_DOUBLE_EQ(m.weighted_match(), 1.0) << (m.mismatched.empty() ? "" : m.mismatched[0].name);

  // A line inserted at the top of work: every call edge of work now points one line too
  // high (its closure's edges keep their offsets: the closure is a function of its own).
  std::string edited = std::regex_replace(std::string(kHotSource), std::regex("func work\\(ms int64\\) float64 \\{\n"),
                                          "func work(ms int64) float64 {\n\tms += 0\n");
  ASSERT_NE(edited, kHotSource);
  testing_go::write(dir / "main.go", edited);
  m = format.match(stored, request, {});
  EXPECT_LT(m.weighted_match(), 1.0);
  bool found = false;
  std::string all = m.note;
  for (const auto& mm : m.mismatched) {
    found = found || mm.name.rfind("main.work -> ", 0) == 0;
    EXPECT_EQ(mm.name.rfind("main.work.func1 -> ", 0), std::string::npos) << mm.name;
    all += "\n" + mm.name + " " + std::to_string(mm.count);
  }
  EXPECT_TRUE(found) << all;
  fs::remove_all(dir);
}

// The names cmd/compile makes when it inlines and rewrites, in a program that writes its own
// CPU profile: a closure of a function inlined into another (main.sumAll.(*Tree[...]).All.func1,
// and lib's inlined into main.crossSum, renumbered in crossSum's closures), range-over-func
// loop bodies (main.sumAll-range1, nested crossSum-range1-range3 behind an inlining prefix),
// a call through a struct field of function type, and a deferred call (profiled at the
// return). An unchanged tree matches completely.
constexpr const char* kInliningMain = R"(package main

import (
	"fmt"
	"iter"
	"os"
	"runtime/pprof"
	"syscall"
	"time"

	"example.com/t/lib"
)

type Tree[T any] struct{ xs []T }

func (t *Tree[T]) Add(x T) { t.xs = append(t.xs, x) }

func (t *Tree[T]) All() iter.Seq[T] {
	return func(yield func(T) bool) {
		for _, x := range t.xs {
			if !yield(x) {
				return
			}
		}
	}
}

func sumAll(t *Tree[int]) int {
	s := 0
	for x := range t.All() {
		s += mix(x)
	}
	return s
}

func crossSum(t *lib.Tree[int]) int {
	s := 0
	for x := range t.All() {
		for y := range t.All() {
			s += mix(x ^ y)
			if y > 20 {
				break
			}
		}
	}
	lib.Each(t.Xs, func(x int) { s += mix(x) })
	return s
}

type counter struct{ less func(a, b int) bool }

func (c *counter) ordered(xs []int) (n int) {
	defer c.done()
	for i := 1; i < len(xs); i++ {
		if c.less(xs[i-1], xs[i]) {
			n++
		}
	}
	return n
}

var finished int

//go:noinline
func (c *counter) done() { finished++ }

//go:noinline
func mix(x int) int { return x*31 ^ x>>3 }

//go:noinline
func less(a, b int) bool { return mix(a) < mix(b) }

func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func work(d time.Duration) int {
	t := &Tree[int]{}
	for i := 0; i < 1000; i++ {
		t.Add(i)
	}
	c := &counter{less: less}
	total := 0
	// CPU time, not wall time: on a loaded machine the profile still gets its samples.
	for start := cpuTime(); cpuTime()-start < d; {
		for k := 0; k < 20; k++ {
			total += sumAll(t)
		}
		total += crossSum(&lib.Tree[int]{Xs: t.xs}) + c.ordered(t.xs)
	}
	return total
}

func main() {
	f, err := os.Create(os.Args[1])
	if err != nil {
		panic(err)
	}
	pprof.StartCPUProfile(f)
	fmt.Println(work(1500 * time.Millisecond))
	pprof.StopCPUProfile()
	f.Close()
}
)";

constexpr const char* kInliningLib = R"(package lib

import "iter"

type Tree[T any] struct{ Xs []T }

func (t *Tree[T]) All() iter.Seq[T] {
	return func(yield func(T) bool) {
		for _, x := range t.Xs {
			if !yield(x) {
				return
			}
		}
	}
}

func Each(xs []int, f func(int)) {
	g := func(x int) { f(x + 1) }
	for _, x := range xs {
		g(x)
	}
}
)";

TEST(GoFunctionMatch, InlinedClosuresRangeBodiesFieldsAndDefersMatchTheirSource) {
  fs::path dir = testing_go::temp_dir("inlining");
  testing_go::write(dir / "go.mod", "module example.com/t\n\ngo 1.23\n");
  testing_go::write(dir / "main.go", kInliningMain);
  testing_go::write(dir / "lib" / "lib.go", kInliningLib);
  ProcessResult r = testing_go::run({"go", "build", "-pgo=off", "-o", "app", "."}, dir, {}, dir / "build.log");
  ASSERT_TRUE(r.ok()) << read_file(dir / "build.log");
  fs::path stored = dir / "store" / "app" / "go.pprof";
  fs::create_directories(stored.parent_path());
  r = testing_go::run({(dir / "app").string(), stored.string()}, dir);
  ASSERT_TRUE(r.ok()) << r.describe();

  // The shapes this test is about are in the profile's edges.
  std::set<std::string> callers;
  for (const auto& e : pprof_call_edges(read_pprof(stored), stored.string()).edges) callers.insert(e.caller);
  auto has = [&](const std::string& part) {
    return std::any_of(callers.begin(), callers.end(), [&](const std::string& c) { return c.find(part) != std::string::npos; });
  };
  EXPECT_TRUE(has("main.sumAll-range1")) << ::testing::PrintToString(callers);
  EXPECT_TRUE(has("main.sumAll.(*Tree[go.shape.int]).All.func")) << ::testing::PrintToString(callers);
  EXPECT_TRUE(has("crossSum-range1-range")) << ::testing::PrintToString(callers);

  GoSources sources;
  sources.module_path = "example.com/t";
  sources.targets["app"] = {{"example.com/t", "main", {(dir / "main.go").string()}},
                            {"example.com/t/lib", "example.com/t/lib", {(dir / "lib" / "lib.go").string()}}};
  BuildRequest request;
  request.build_dir = dir / "build";
  write_go_sources(sources, request.build_dir / kGoSourcesFileName);
  SystemProcessRunner runner;
  PprofProfileFormat format("go", "go", runner);
  FunctionMatch m = format.match(stored, request, {});
  ASSERT_TRUE(m.available) << m.note;
  EXPECT_GE(m.functions, 4u) << m.note;
  std::string all = m.note;
  for (const auto& mm : m.mismatched) all += "\n" + mm.name + " " + to_string(mm.change) + " " + std::to_string(mm.count);
  EXPECT_DOUBLE_EQ(m.weighted_match(), 1.0) << all;
  EXPECT_EQ(m.note.find("generated wrappers"), std::string::npos) << "range bodies are compared now: " << m.note;

  // Two lines inserted in sumAll's loop body above the mix call: that range body's edge moves.
  std::string edited = std::regex_replace(std::string(kInliningMain), std::regex("\t\ts \\+= mix\\(x\\)\n"),
                                          "\t\ts += 0\n\t\ts += 0\n\t\ts += mix(x)\n");
  ASSERT_NE(edited, kInliningMain);
  testing_go::write(dir / "main.go", edited);
  m = format.match(stored, request, {});
  bool moved = false;
  for (const auto& mm : m.mismatched) moved = moved || mm.name.starts_with("main.sumAll-range1 -> main.mix");
  EXPECT_TRUE(moved) << m.note;
  fs::remove_all(dir);
}

TEST(GoFunctionMatch, ACorruptStoredProfileIsAnErrorNamingIt) {
  fs::path dir = testing_go::temp_dir("corrupt");
  fs::path stored = dir / "app" / "go.pprof";
  testing_go::write(stored, "\x1f\x8b not really gzip");
  SystemProcessRunner runner;
  PprofProfileFormat format("go", "go", runner);
  BuildRequest request;
  request.build_dir = dir / "build";
  for (const std::string& bytes : {std::string("\x1f\x8b not really gzip"), std::string(), std::string("junk")}) {
    testing_go::write(stored, bytes);
    try {
      format.match(stored, request, {});
      ADD_FAILURE() << "no error";
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find(stored.string()), std::string::npos) << e.what();
    }
  }
  fs::remove_all(dir);
}

}  // namespace
}  // namespace pgo
