// Fuzz target: the GCC .gcda reader (adapters/gcc/gcda.h).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "adapters/gcc/gcda.h"
#include "tests/fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  pgo::fuzz::expect_only_pgo_errors("parse_gcda", [&] {
    pgo::GcdaFile f = pgo::parse_gcda(bytes, "fuzz.gcda");
    uint64_t counters = 0;
    for (const pgo::GcdaFunction& fn : f.functions) {
      if (f.find(fn.ident) != &fn) std::abort();  // idents are unique
      counters += fn.arc_counts.size();
      for (const pgo::GcdaCounters& c : fn.other_counters) counters += c.values.size();
    }
    // Every counter is backed by 8 input bytes, except the all-zero records, which are capped.
    if (counters > size / 8 + pgo::kGcdaMaxZeroCounters) std::abort();
    (void)f.total();
  });
  return 0;
}
