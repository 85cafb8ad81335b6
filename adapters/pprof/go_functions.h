// The current Go code's functions, as `pgo status` compares them with a stored profile's
// call edges: a small Go program (embedded here, standard library only: go/parser and
// go/ast) is built with the detected go command and run on the packages a build compiled
// (adapters/pprof/go_sources.h). It prints every function under the name runtime/pprof
// gives it, the line of its func keyword (pprof's Function.start_line), the line of its
// closing brace, and the lines of its calls (the line of the call's '(', where the Go
// compiler places a call) with the name the call is made through.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/pprof/go_sources.h"
#include "workloads/process.h"

namespace pgo {

struct GoCall {
  int64_t line = 0;
  std::string name;  // "step" for step(...), x.step(...), step[T](...); "" when not a plain
                     // name (a function value in a variable, a closure called in place)
};

// A range statement of a function's own body: the for keyword's line and the closing
// brace's. A range-over-func loop body is compiled as a function F-rangeN starting at
// the for keyword; syntax alone cannot tell which loops range over a function.
struct GoRange {
  int64_t line = 0;
  int64_t end_line = 0;
};

struct GoFunction {
  std::string name;  // "example.com/m/kernels.(*T).M", "main.main.func1", "pkg.Map[...]"
  std::string file;
  int64_t start_line = 0;  // the func keyword
  int64_t end_line = 0;    // the closing brace
  std::vector<GoCall> calls;  // in the function's own body (closures have their own)
  std::vector<GoRange> ranges;  // range statements of its own body, nested ones too
};

// The analyzer's Go source.
std::string_view go_functions_analyzer_source();

// Parses the analyzer's output. Throws pgo::BuildError (naming `what`) if it is not that.
std::vector<GoFunction> parse_go_functions(std::string_view json_text, const std::string& what);

// Builds the analyzer in `work_dir` with `go` (outside any module, GOFLAGS cleared) and
// runs it on `packages`. Throws pgo::BuildError naming the command and its output when the
// build or the run fails (e.g. a file that no longer parses).
std::vector<GoFunction> scan_go_functions(const std::filesystem::path& go, ProcessRunner& runner,
                                          const std::vector<GoSourcePackage>& packages,
                                          const std::filesystem::path& work_dir);

}  // namespace pgo
