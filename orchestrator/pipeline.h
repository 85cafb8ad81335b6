// The `pgo build` driver: for each toolchain, detect -> build baseline -> build instrumented
// -> train -> merge -> build optimized -> verify -> bench -> store -> report.
// Each stage lives in its own module; this file only sequences them and times them.
#pragma once

#include <string>
#include <vector>

#include "orchestrator/progress.h"
#include "orchestrator/report/report.h"
#include "workloads/config.h"
#include "workloads/process.h"

namespace pgo {

struct BuildOptions {
  std::vector<std::string> toolchains;  // empty: every toolchain in pgo.yaml
  int jobs = 0;                         // parallel training runs and build jobs; 0: cores
  bool keep_going = false;              // leave failing training runs out instead of stopping
  bool bench = true;                    // run the benchmark stage
  std::string pgo_version;              // recorded in the report
};

// Runs the whole pipeline and stores the profiles and the report (report.json under
// <store>/reports/). Throws pgo::Error with the exit code of the failing stage.
Report run_build(const Config& config, const BuildOptions& options, ProcessRunner& runner,
                 Progress& progress);

// The toolchains of `config` selected by `names` (all when empty); unknown names are a
// usage error that lists the configured ones.
std::vector<ToolchainSpec> select_toolchains(const Config& config, const std::vector<std::string>& names);

}  // namespace pgo
