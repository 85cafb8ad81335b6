// The adapters that `pgo build` and `pgo status` make for each toolchain, injected (as ninja
// injects its DiskInterface and CommandRunner) so that unit tests drive the pipeline's and
// status's sequencing with fakes (tests/orchestrator/pipeline_test.cc). real_adapters() are
// pgo's own: orchestrator/build_systems.cc and orchestrator/formats.cc.
#pragma once

#include <functional>
#include <memory>
#include <vector>

#include "adapters/build_system.h"
#include "adapters/post_link.h"
#include "adapters/profile_format.h"
#include "orchestrator/formats.h"
#include "orchestrator/recipe.h"
#include "workloads/config.h"
#include "workloads/process.h"

namespace pgo {

struct AdapterFactories {
  std::function<std::unique_ptr<BuildSystem>(const Config&, const ToolchainSpec&, ProcessRunner&)> build_system;
  std::function<std::unique_ptr<ProfileFormat>(const Toolchain&, const FormatContext&)> profile_format;
  // The post-link optimizers of `recipe` to run after the optimized build, in order; their
  // shared files go under `work_dir` (.pgo/build/<toolchain>/). pgo's own: BOLT for "bolt".
  std::function<std::vector<std::unique_ptr<PostLinkOptimizer>>(const Recipe& recipe, const Toolchain&,
                                                                ProcessRunner&, const std::filesystem::path& work_dir)>
      post_link;
};

const AdapterFactories& real_adapters();

}  // namespace pgo
