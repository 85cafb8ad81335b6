// Link-time optimization as a recipe technique (`--recipe pgo+lto`, docs/recipes.md): the
// flags that the instrumented and the optimized builds get on top of the profile format's.
#pragma once

#include "adapters/build_system.h"
#include "workloads/config.h"

namespace pgo {

// GCC: -flto=auto (compile and link). Clang: ThinLTO, -flto=thin, linked by lld
// (-fuse-ld=lld). Rust: Cargo's profile setting CARGO_PROFILE_<PROFILE>_LTO=fat. Go has no
// LTO: a UsageError saying so, as for any compiler this table does not know.
Flags lto_flags(const Config& config, const Toolchain& toolchain);

}  // namespace pgo
