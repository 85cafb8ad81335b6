// The Go function match of `pgo status` (docs/staleness.md): a stored profile's call
// edges, keyed as Go's PGO keys them (caller, line offset from the caller's func line,
// callee), against the current code's functions. Pure: no file, no process.
//
// Only edges whose caller is a function of the main module count; edges of the runtime,
// the standard library and dependencies change with the toolchain or go.mod, which the
// other checks see. Edges into the runtime package are calls the compiler inserts
// (allocation, map access, preemption, stack growth): Go's PGO never looks them up, so
// they do not count either; nor do edges of generated wrappers (deferwrapN, gowrapN,
// (*T).M of a value method, -fm, -range bodies), which the source does not show.
//
// A counted edge is
//   removed    when its caller, or its callee if that is a module function, is gone;
//   unchanged  when the line caller.start_line + offset lies in the caller's body and holds
//              a call through the callee's last name element (or any call, for a closure
//              callee or a call through no plain name): Go still finds the call site there;
//   changed    otherwise (lines inserted above the call shift its offset, and Go's PGO no
//              longer finds the call hot).
// FunctionMatch's function counts are then edge counts, its counts edge weights.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "adapters/function_match.h"
#include "adapters/pprof/go_functions.h"
#include "adapters/pprof/pprof_analysis.h"

namespace pgo {

struct GoCurrentCode {
  std::string module_path;         // "example.com/m"
  std::set<std::string> packages;  // symbol prefixes of the module packages compiled
  std::vector<GoFunction> functions;
};

FunctionMatch match_go_call_edges(const PprofCallEdges& stored, const GoCurrentCode& current);

// "example.com/m/kernels.F[go.shape.int].func1" -> "example.com/m/kernels.F[...].func1".
std::string normalize_go_function_name(const std::string& name);
// "example.com/m/kernels.(*T).M" -> "kernels.(*T).M" (the package's last path element).
std::string short_go_function_name(const std::string& name);

}  // namespace pgo
