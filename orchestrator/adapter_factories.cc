#include "orchestrator/adapter_factories.h"

#include "adapters/bolt/bolt_optimizer.h"
#include "adapters/compiler_kinds.h"
#include "orchestrator/build_systems.h"
#include "support/error.h"

namespace pgo {

namespace {

std::vector<std::unique_ptr<PostLinkOptimizer>> post_link_optimizers(const Recipe& recipe, const Toolchain& toolchain,
                                                                     ProcessRunner& runner,
                                                                     const std::filesystem::path& work_dir) {
  std::vector<std::unique_ptr<PostLinkOptimizer>> out;
  if (recipe.has("bolt")) {
    // BOLT rewrites ELF executables that keep their relocations; Go's linker cannot emit them.
    const CompilerKind* kind = compiler_kind(toolchain.compiler_id);
    if (kind && kind->toolchain == "go")
      throw UsageError("--recipe " + recipe.name + ": BOLT cannot rewrite Go binaries (the Go linker emits no "
                       "relocations for it); use --recipe pgo for toolchain '" + toolchain.name + "'");
    out.push_back(std::make_unique<BoltOptimizer>(toolchain.compiler_id, work_dir / "bolt-runtime", runner));
  }
  return out;
}

}  // namespace

const AdapterFactories& real_adapters() {
  static const AdapterFactories adapters{make_build_system, make_profile_format, post_link_optimizers};
  return adapters;
}

}  // namespace pgo
