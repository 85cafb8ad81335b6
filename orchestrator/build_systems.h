// Chooses the BuildSystem adapter for `build.system` in pgo.yaml (cmake, cargo, go, command).
#pragma once

#include <memory>

#include "adapters/build_system.h"
#include "workloads/config.h"
#include "workloads/process.h"

namespace pgo {

// One adapter per (project, toolchain). Throws pgo::UsageError for a system this pgo lacks.
std::unique_ptr<BuildSystem> make_build_system(const Config& config, const ToolchainSpec& toolchain,
                                               ProcessRunner& runner);

}  // namespace pgo
