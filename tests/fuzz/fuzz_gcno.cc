// Fuzz target: the GCC .gcno function-table reader (adapters/gcc/gcno.h) and demangle().
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "adapters/gcc/gcno.h"
#include "tests/fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  pgo::fuzz::expect_only_pgo_errors("parse_gcno", [&] {
    pgo::GcnoFile f = pgo::parse_gcno(bytes, "fuzz.gcno");
    for (const pgo::GcnoFunction& fn : f.functions) {
      (void)pgo::demangle(fn.name);  // names come from the file: as hostile as the rest
      pgo::GcdaFunction probe;
      probe.ident = fn.ident;
      probe.lineno_checksum = fn.lineno_checksum;
      probe.cfg_checksum = fn.cfg_checksum;
      if (f.find(probe) == nullptr) std::abort();
    }
  });
  return 0;
}
