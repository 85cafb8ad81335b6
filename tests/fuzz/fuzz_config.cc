// Fuzz target: pgo.yaml loading (workloads/config.h), yaml-cpp plus pgo's schema checks.
#include <cstddef>
#include <cstdint>
#include <string>

#include "tests/fuzz/fuzz_support.h"
#include "workloads/config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  pgo::fuzz::expect_only_pgo_errors("parse_config", [&] {
    pgo::Config c = pgo::parse_config(text, "/fuzz/pgo.yaml");
    // A config that loads must satisfy what the loader promises (config.h).
    if (c.toolchains.empty() || c.workloads.empty() || c.project_dir != "/fuzz") std::abort();
    for (const pgo::WorkloadSpec& w : c.workloads)
      if (w.run.empty() || w.repeat < 1 || w.timeout.count() <= 0 || w.name.empty()) std::abort();
    if (c.bench.max_runs < c.bench.min_runs) std::abort();
  });
  return 0;
}
