// `pgo bench`: the baseline and optimized binaries of the last `pgo build` benchmarked again,
// found through each toolchain's build manifest (orchestrator/build_manifest.h), so it works
// for every build system and toolchain. `aa` benchmarks the optimized binary against itself
// (an A/A run: any verdict but no_change is a false positive). The report is saved under
// .pgo/reports/<stamp>-bench/ (or -aa/) and .pgo/reports/latest-bench/. docs/benchmarking.md.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "orchestrator/progress.h"
#include "orchestrator/report/report.h"
#include "workloads/config.h"
#include "workloads/process.h"

namespace pgo::bench {

struct RebenchOptions {
  std::vector<std::string> toolchains;  // empty: every configured toolchain that has a build
  bool aa = false;
  std::string metric;                   // time, instructions, both; empty: pgo.yaml's bench.metric
  std::optional<uint64_t> seed;
  std::string pgo_version;
};

struct RebenchOutcome {
  Report report;        // report.file: where report.json went
  nlohmann::json json;  // report.json as saved ("command": "bench", "mode": "ab" or "aa")
};

// Throws pgo::Error(kUsage) before running anything when a selected toolchain has no build
// manifest, or a benchmarked workload runs a target the manifest lacks.
RebenchOutcome rebench(const Config& config, const RebenchOptions& options, ProcessRunner& runner,
                       Progress& progress);

}  // namespace pgo::bench
