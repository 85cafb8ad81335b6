#include "adapters/pprof/pprof_analysis.h"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include "support/error.h"

namespace pgo {

namespace {

int require_value_index(const PprofProfile& profile, const std::string& name) {
  int index = profile.pgo_value_index();
  if (index < 0) {
    std::string types;
    for (const auto& t : profile.sample_types) types += (types.empty() ? "" : ", ") + t.type + "/" + t.unit;
    throw WorkloadError(name + ": not a CPU profile: no \"samples/count\" or \"cpu/nanoseconds\" sample value (it has: " +
                        (types.empty() ? "none" : types) + ")");
  }
  return index;
}

// A node of Go's graph (NodeInfo): one frame of one location, keyed by the location's
// address, the function's name and start line, and the line.
struct Frame {
  uint64_t address = 0;
  std::string name;  // empty: no function
  std::string file;  // not part of the key
  int64_t start_line = 0;
  int64_t line = 0;
  auto key() const { return std::tie(address, name, start_line, line); }
  bool operator<(const Frame& o) const { return key() < o.key(); }
  bool operator==(const Frame& o) const { return key() == o.key(); }
};

Frame frame(uint64_t address, const PprofFunction* fn, int64_t line) {
  if (!fn) return {address, "", "", 0, 0};
  return {address, fn->name, fn->filename, fn->start_line, line};
}

}  // namespace

PprofSummary summarize_pprof(const PprofProfile& profile, const std::string& name) {
  PprofSummary s;
  s.value_index = require_value_index(profile, name);
  std::map<std::string, PprofFunctionSamples> by_name;
  for (const PprofFunction& f : profile.functions) by_name[f.name].name = f.name;
  std::set<std::string> seen;
  for (const PprofSample& sample : profile.samples) {
    int64_t v = sample.values[static_cast<size_t>(s.value_index)];
    s.samples += v;
    seen.clear();
    bool leaf = true;
    for (uint64_t id : sample.location_ids) {
      const PprofLocation* loc = profile.location(id);
      for (const PprofLine& line : loc->lines) {
        const PprofFunction* fn = profile.function(line.function_id);
        if (!fn) continue;
        PprofFunctionSamples& f = by_name[fn->name];
        if (leaf) f.flat += v;
        if (seen.insert(fn->name).second) f.cum += v;
        leaf = false;
      }
      leaf = false;  // a location without lines still is the innermost frame
    }
  }
  s.functions = by_name.size();
  for (auto& [fname, f] : by_name) {
    if (f.flat > 0) ++s.functions_with_samples;
    s.by_flat.push_back(std::move(f));
  }
  std::stable_sort(s.by_flat.begin(), s.by_flat.end(), [](const auto& a, const auto& b) {
    return a.flat != b.flat ? a.flat > b.flat : a.cum > b.cum;
  });
  return s;
}

int64_t pprof_sample_count(const PprofProfile& profile, const PprofSummary& summary) {
  const PprofValueType& type = profile.sample_types.at(static_cast<size_t>(summary.value_index));
  if (type.type == "samples" || profile.period <= 0) return summary.samples;
  return summary.samples / profile.period;
}

std::vector<std::string> go_profile_quality_warnings(int64_t samples) {
  if (samples >= kGoMinProfileSamples) return {};
  return {"the Go profile holds only " + std::to_string(samples) + " CPU samples (fewer than " +
          std::to_string(kGoMinProfileSamples) + "; Go samples at 100 Hz, so that is " +
          std::to_string(samples / 100) + "." + std::to_string(samples % 100 / 10) +
          " s of CPU time): its hot call sites are chosen by noise. Train longer: give the workloads `repeat:` "
          "or larger inputs (docs/adapters/go.md)"};
}

PprofCallEdges pprof_call_edges(const PprofProfile& profile, const std::string& name) {
  int index = require_value_index(profile, name);
  PprofCallEdges out;
  for (const PprofFunction& f : profile.functions) out.has_start_lines = out.has_start_lines || f.start_line != 0;
  // (caller, callee, offset): the map's order is Go's tie order.
  std::map<std::tuple<std::string, std::string, int64_t>, int64_t> weight;
  std::set<std::pair<Frame, Frame>> seen_edges;
  for (const PprofSample& sample : profile.samples) {
    int64_t w = sample.values[static_cast<size_t>(index)];
    if (w == 0) continue;
    seen_edges.clear();
    // Outermost first: location 1 (the caller), then location 0 (the leaf); inside a
    // location, its last line is the outermost inlined frame.
    std::vector<Frame> frames;
    size_t n = std::min<size_t>(2, sample.location_ids.size());
    for (size_t i = n; i-- > 0;) {
      const PprofLocation* loc = profile.location(sample.location_ids[i]);
      if (loc->lines.empty()) frames.push_back(frame(loc->address, nullptr, 0));
      for (size_t l = loc->lines.size(); l-- > 0;)
        frames.push_back(frame(loc->address, profile.function(loc->lines[l].function_id), loc->lines[l].line));
    }
    for (size_t i = 1; i < frames.size(); ++i) {
      const Frame& caller = frames[i - 1];
      const Frame& callee = frames[i];
      if (caller == callee || !seen_edges.insert({caller, callee}).second) continue;
      weight[{caller.name, callee.name, caller.line - caller.start_line}] += w;
      out.caller_files.emplace(caller.name, caller.file);
      out.total_weight += w;
    }
  }
  for (const auto& [key, w] : weight)
    out.edges.push_back({std::get<0>(key), std::get<2>(key), std::get<1>(key), w});
  std::stable_sort(out.edges.begin(), out.edges.end(), [](const PprofCallEdge& a, const PprofCallEdge& b) {
    return a.weight > b.weight;  // ties keep the map order: caller, callee, offset
  });
  return out;
}

}  // namespace pgo
