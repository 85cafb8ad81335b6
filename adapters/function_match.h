// Function-level staleness: which functions of a stored profile still have the structure
// (CFG hash / checksum) the current code has. Each profile format reads its own identities
// (adapters/llvm/function_match.h, adapters/gcc/function_match.h); the comparison and the
// arithmetic are shared here and pure.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace pgo {

// One function of a stored profile.
struct ProfiledFunction {
  std::string key;        // identity across builds: LLVM name MD5, GCC "<gcda file>:<ident>"
  std::string name;       // for people: demangled name (and file for internal functions)
  uint64_t checksum = 0;  // structural hash (LLVM) or cfg checksum (GCC)
  uint64_t count = 0;     // sum of its counters in the profile
};

// One function of the current (instrumented) code.
struct CurrentFunction {
  std::string key;
  uint64_t checksum = 0;
  std::string name;  // may be empty
};

enum class FunctionChange { Unchanged, Changed, Removed };
const char* to_string(FunctionChange change);  // "unchanged", "changed", "removed"

struct MismatchedFunction {
  std::string name;
  FunctionChange change = FunctionChange::Changed;
  uint64_t count = 0;
  double share = 0;  // of the profile's total count
};

// Entries whose comparison rests on a dependency's version rather than its source (Go: the
// edges of a dependency module's callers, and module edges into a dependency). The format
// files them by package; orchestrator/staleness.h weighs them with the module versions
// recorded then and now.
struct DependencyEntries {
  size_t entries = 0;
  uint64_t count = 0;
};

struct FunctionMatch {
  bool available = false;      // false: this format cannot match yet (see note)
  std::string note;            // why not available, or a caveat
  size_t functions = 0;        // in the stored profile
  size_t unchanged = 0;
  size_t changed = 0;          // same identity, different structure
  size_t removed = 0;          // identity not in the current code
  size_t added = 0;            // current functions the profile has no data for
  uint64_t total_count = 0;
  uint64_t unchanged_count = 0;
  std::vector<MismatchedFunction> mismatched;  // changed and removed, hottest first
  // The whole profile's weight, compared or not (Go leaves the runtime's and the standard
  // library's edges out); 0 when every entry was compared.
  uint64_t profile_count = 0;
  // By package; not in the counts above until weighed (apply_dependency_versions).
  std::map<std::string, DependencyEntries> dependency_entries;

  // Plain share of the profile's functions that are unchanged; 1 for an empty profile.
  double function_match() const;
  // Share of the profile's counts in unchanged functions; the plain share when no
  // function has a count.
  double weighted_match() const;
  // Share of the profile's weight that the counts above cover: total_count / profile_count,
  // 1 when profile_count is 0 (everything compared).
  double compared_share() const;
};

// Compares a stored profile's functions with the current code's. A key present in the
// current code with a different checksum is "changed"; a key absent is "removed". When a
// key appears several times on either side (e.g. two versions merged into one profile),
// a stored entry is unchanged if any current entry of that key has its checksum.
FunctionMatch compare_functions(const std::vector<ProfiledFunction>& stored,
                                const std::vector<CurrentFunction>& current);

}  // namespace pgo
