// Fuzz target: the pprof reader and its analysis (adapters/pprof/pprof_reader.h,
// pprof_analysis.h), gzip-compressed or plain protobuf input.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "adapters/pprof/pprof_analysis.h"
#include "adapters/pprof/pprof_reader.h"
#include "tests/fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  pgo::fuzz::expect_only_pgo_errors("parse_pprof", [&] {
    pgo::PprofProfile p = pgo::parse_pprof(bytes, "fuzz.pprof");
    // Every reference the analysis follows was checked by the reader.
    for (const pgo::PprofSample& s : p.samples) {
      if (s.values.size() != p.sample_types.size()) std::abort();
      for (uint64_t id : s.location_ids)
        if (!p.location(id)) std::abort();
    }
    if (p.pgo_value_index() < 0) return;
    pgo::PprofSummary summary = pgo::summarize_pprof(p, "fuzz.pprof");
    if (summary.functions_with_samples > summary.functions) std::abort();
    pgo::PprofCallEdges edges = pgo::pprof_call_edges(p, "fuzz.pprof");
    (void)edges;
  });
  return 0;
}
