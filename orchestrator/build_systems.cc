#include "orchestrator/build_systems.h"

#include "adapters/cargo/cargo_build.h"
#include "adapters/cmake/cmake_build.h"
#include "adapters/go/go_build.h"
#include "adapters/command/command_build.h"
#include "support/error.h"

namespace pgo {

std::unique_ptr<BuildSystem> make_build_system(const Config& config, const ToolchainSpec& toolchain,
                                               ProcessRunner& runner) {
  const std::string& system = config.build.system;
  if (system == "cmake") return std::make_unique<CMakeBuildSystem>(config, toolchain, runner);
  if (system == "command") return std::make_unique<CommandBuildSystem>(config, toolchain, runner);
  if (system == "cargo") return std::make_unique<CargoBuildSystem>(config, toolchain, runner);
  if (system == "go") return std::make_unique<GoBuildSystem>(config, toolchain, runner);
  throw UsageError(config.file.string() + ":" + std::to_string(config.build.system_pos.line) +
                   ": build.system: '" + system + "' is not built into this pgo yet");
}

}  // namespace pgo
