// What pgo reads out of a parsed pprof CPU profile: the report's summary (samples,
// functions, hottest by self samples) and the hot call edges Go's PGO acts on.
#pragma once

#include <algorithm>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "adapters/pprof/pprof_reader.h"

namespace pgo {

struct PprofFunctionSamples {
  std::string name;
  int64_t flat = 0;  // samples with this function as the innermost frame
  int64_t cum = 0;   // samples with this function anywhere on the stack (counted once)
};

struct PprofSummary {
  int value_index = -1;          // the sample value used (PprofProfile::pgo_value_index)
  int64_t samples = 0;           // sum of that value over all samples
  size_t functions = 0;          // distinct function names in the profile
  size_t functions_with_samples = 0;  // of them, with flat samples
  std::vector<PprofFunctionSamples> by_flat;  // every function, most flat samples first
};

// Throws pgo::Error(kWorkloadFailure) naming `name` when the profile has neither a
// "samples/count" nor a "cpu/nanoseconds" value (not a CPU profile).
PprofSummary summarize_pprof(const PprofProfile& profile, const std::string& name);

// Below this many samples (at Go's 100 Hz, 10 s of CPU time in all the training runs) a
// profile's hot call sites are chosen by noise: an edge with 2% of the weight has about 20
// samples, so which edges make Go's hot set (the top 99% of the weight) changes from run to
// run. docs/adapters/go.md.
inline constexpr int64_t kGoMinProfileSamples = 1000;

// The sample count of a summary: its value itself for "samples/count", the CPU time divided
// by the profile's period for "cpu/nanoseconds".
int64_t pprof_sample_count(const PprofProfile& profile, const PprofSummary& summary);

// Quality warnings for a merged Go profile of `samples` samples (empty when it has enough).
std::vector<std::string> go_profile_quality_warnings(int64_t samples);

// `by_flat` made the report's hottest list: the functions with self samples (one whose
// samples are all in its callees is not hot itself), those for which `own` says true (the
// project's own code) first, each part still hottest first.
template <typename Own>
std::vector<PprofFunctionSamples> own_functions_first(std::vector<PprofFunctionSamples> by_flat, Own own) {
  std::erase_if(by_flat, [](const PprofFunctionSamples& f) { return f.flat <= 0; });
  std::stable_partition(by_flat.begin(), by_flat.end(), [&](const PprofFunctionSamples& f) { return own(f.name); });
  return by_flat;
}

// A call edge as Go's PGO keys it (cmd/internal/pgo): caller name, the call's line minus
// the caller's Function.start_line, callee name. Line offsets survive edits above the
// function, which is why Go uses them.
struct PprofCallEdge {
  std::string caller;
  int64_t call_site_offset = 0;
  std::string callee;
  int64_t weight = 0;  // sum of the PGO sample value over the samples with this edge
};

struct PprofCallEdges {
  std::vector<PprofCallEdge> edges;  // heaviest first; ties by caller, callee, offset
  int64_t total_weight = 0;          // sum over all edges (Go's TotalWeight)
  bool has_start_lines = false;      // false: Go PGO would reject the profile
  std::map<std::string, std::string> caller_files;  // caller name -> its source file, as the profile names it
};

// The edges the way Go 1.21+ builds them (internal/profile.NewGraph): for each sample, only
// the innermost two locations, with each location's inlined frames expanded outermost
// first; an edge joins consecutive frames, counted once per sample, never a frame to itself.
PprofCallEdges pprof_call_edges(const PprofProfile& profile, const std::string& name);

}  // namespace pgo
