// `pgo status --cost`: what a stored profile's staleness costs, measured rather than
// guessed. For one toolchain: train a fresh profile on the current code (the instrumented
// build `pgo status` made anyway), build the optimized binaries once with the stored profile
// and once with the fresh one, and benchmark the two with the bench engine, workload by
// workload. A speedup above 1 is what regenerating the profile would gain. The store is not
// touched: the fresh profile stays in .pgo/build/<toolchain>/status-merged/.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>

#include "adapters/build_system.h"
#include "adapters/profile_format.h"
#include "orchestrator/progress.h"
#include "orchestrator/staleness.h"
#include "orchestrator/store.h"
#include "workloads/config.h"
#include "workloads/process.h"

namespace pgo {

struct CostContext {
  const Config& config;
  const std::string& toolchain;     // pgo.yaml name
  ProcessRunner& runner;
  Progress& progress;
  const ProfileStore& store;
  BuildSystem& build_system;
  const ProfileFormat& format;      // the format of the status build (its raw profile directory)
  const BuildRequest& instrumented_request;  // the status build of the current code
  const BuildResult& instrumented;
  int jobs = 0;                     // training runs and build jobs; 0: cores
  std::string metric;               // --metric; empty: pgo.yaml's bench.metric (bench/measure.h)
};

class StalenessCostMeter {
 public:
  explicit StalenessCostMeter(const CostContext& context) : ctx_(context) {}

  // The cost of `stored` (a stored merged profile). Trains and builds the fresh side on the
  // first call only; each distinct stored profile is built once. Throws pgo::Error from a
  // failing build or training (exit 3 or 4), like `pgo build`.
  StalenessCost measure(const std::filesystem::path& stored);

 private:
  BuildResult build_optimized(const std::filesystem::path& profile, const std::string& kind);

  const CostContext& ctx_;
  std::optional<BuildResult> fresh_;
  std::map<std::string, BuildResult> stored_builds_;  // by the stored copy's content-hash name
};

}  // namespace pgo
