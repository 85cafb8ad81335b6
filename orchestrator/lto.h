// Link-time optimization as a recipe technique (`--recipe pgo+lto`, docs/recipes.md): the
// flags that the instrumented and the optimized builds get on top of the profile format's.
#pragma once

#include <memory>
#include <vector>

#include "adapters/build_system.h"
#include "adapters/post_link.h"
#include "orchestrator/recipe.h"
#include "workloads/config.h"

namespace pgo {

// GCC: -flto=auto (compile and link). Clang: ThinLTO, -flto=thin, linked by lld
// (-fuse-ld=lld). Rust: Cargo's profile setting CARGO_PROFILE_<PROFILE>_LTO=fat. Go has no
// LTO: a UsageError saying so, as for any compiler this table does not know.
Flags lto_flags(const Config& config, const Toolchain& toolchain);

// What `recipe` adds to the profile format's flags, the one rule for `pgo build` (what it
// builds) and `pgo status` (what a build would store now): `instrumented` for the
// instrumented builds (LTO's flags), `optimized` for the optimized one (those, then the link
// flags of each of the recipe's post-link stages, `stages`).
struct RecipeFlags {
  Flags instrumented;
  Flags optimized;
};
RecipeFlags recipe_flags(const Recipe& recipe, const Config& config, const Toolchain& toolchain,
                         const std::vector<std::unique_ptr<PostLinkOptimizer>>& stages);

}  // namespace pgo
