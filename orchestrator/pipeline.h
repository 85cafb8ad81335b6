// The `pgo build` driver: for each toolchain, detect -> build baseline -> build instrumented
// -> train -> merge -> build optimized -> verify -> post-link stages -> bench -> store -> report.
// Each stage lives in its own module; orchestrator/toolchain_pipeline.h sequences them.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "orchestrator/adapter_factories.h"
#include "orchestrator/imports.h"
#include "orchestrator/progress.h"
#include "orchestrator/shard.h"
#include "orchestrator/report/report.h"
#include "workloads/config.h"
#include "workloads/process.h"

namespace pgo {

struct BuildOptions {
  std::vector<std::string> toolchains;  // empty: every toolchain in pgo.yaml
  int jobs = 0;                         // parallel training runs and build jobs; 0: cores
  bool keep_going = false;              // leave failing training runs out instead of stopping
  bool bench = true;                    // run the benchmark stage
  std::string metric;                   // --metric time|instructions|both; empty: pgo.yaml's bench.metric
  // --recipe, repeatable: the recipes to build ("pgo", "pgo+bolt", or "all"); with several,
  // each is built and benchmarked and the best is kept (docs/recipes.md). Empty: pgo.yaml's
  // (recipes_for_toolchain), else plain pgo.
  std::vector<std::string> recipes;
  std::string pgo_version;              // recorded in the report
  // Reuse (orchestrator/fingerprints.h): unless `force`, training+merge and each benchmark
  // are skipped when their inputs are unchanged since the last build.
  bool force = false;
  // `pgo build --reuse`: when the stored profile is fresh (orchestrator/stored_profile.h),
  // skip the instrumented build and training and build optimized from it; else regenerate.
  bool reuse_stored = false;
  // `pgo train --shard K/N --out DIR`: train only this shard's runs into shard_out (run_train_shard).
  std::optional<ShardSpec> shard;
  std::filesystem::path shard_out;
  // `pgo merge DIR...`: the profile comes from these shard directories instead of training.
  std::vector<std::filesystem::path> shard_inputs;
  // `--profile`: the training merged with the imported profiles (`pgo import`), the training
  // alone, or the imports alone without an instrumented build or training
  // (docs/production-profiles.md).
  ProfileMode profile = ProfileMode::Trained;
};

// Runs the whole pipeline and stores the profiles and the report (report.json under
// <store>/reports/). Throws pgo::Error with the exit code of the failing stage.
// The adapters come from `adapters` (tests pass fakes).
Report run_build(const Config& config, const BuildOptions& options, ProcessRunner& runner,
                 Progress& progress, const AdapterFactories& adapters = real_adapters());

// `pgo train --shard`: detect, build baseline and instrumented, run options.shard's share of
// the training runs with raw profiles and a manifest under options.shard_out/<toolchain>/.
// Returns the manifests written. Nothing is merged or stored.
std::vector<std::filesystem::path> run_train_shard(const Config& config, const BuildOptions& options,
                                                   ProcessRunner& runner, Progress& progress,
                                                   const AdapterFactories& adapters = real_adapters());

// The toolchains of `config` selected by `names` (all when empty); unknown names are a
// usage error that lists the configured ones.
// The recipes `pgo build` builds for `spec`, simplest first: options.recipes, else the
// toolchain's `recipes:`, else `optimize.recipes`, else plain pgo; "all" is every recipe a
// toolchain of kind `toolchain_kind` ("gcc", "clang", "rust", "go") supports. An unknown name,
// or one the toolchain cannot take, is a UsageError, naming pgo.yaml's file, line and key when
// it came from there. With an empty `toolchain_kind` (before detection) only names are checked.
std::vector<Recipe> recipes_for_toolchain(const Config& config, const BuildOptions& options, const ToolchainSpec& spec,
                                          const std::string& toolchain_kind);

std::vector<ToolchainSpec> select_toolchains(const Config& config, const std::vector<std::string>& names);

}  // namespace pgo
