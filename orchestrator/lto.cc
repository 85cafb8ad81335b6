#include "orchestrator/lto.h"

#include <algorithm>
#include <cctype>

#include "adapters/compiler_kinds.h"
#include "support/error.h"

namespace pgo {

Flags lto_flags(const Config& config, const Toolchain& toolchain) {
  const CompilerKind* kind = compiler_kind(toolchain.compiler_id);
  const std::string tc = kind ? std::string(kind->toolchain) : "";
  if (tc == "gcc") return {{"-flto=auto"}, {"-flto=auto"}, {}};
  if (tc == "clang") return {{"-flto=thin"}, {"-flto=thin", "-fuse-ld=lld"}, {}};
  if (tc == "rust") {
    // Cargo's profile key, not a rustflag: with -Clto in RUSTFLAGS Cargo would still build
    // dependencies with -Cembed-bitcode=no, which rustc refuses to combine with it.
    std::string profile = config.build.profile;
    std::transform(profile.begin(), profile.end(), profile.begin(), [](unsigned char c) {
      return c == '-' ? '_' : static_cast<char>(std::toupper(c));
    });
    return {{}, {}, {{"CARGO_PROFILE_" + profile + "_LTO", "fat"}}};
  }
  throw UsageError("LTO is not available for toolchain '" + toolchain.name + "' (" + toolchain.compiler_id +
                   (tc == "go" ? "): Go has no link-time optimization; use --recipe pgo" : "): pgo knows it for gcc, clang and rust"));
}

RecipeFlags recipe_flags(const Recipe& recipe, const Config& config, const Toolchain& toolchain,
                         const std::vector<std::unique_ptr<PostLinkOptimizer>>& stages) {
  RecipeFlags out;
  if (recipe.has("lto")) out.instrumented = lto_flags(config, toolchain);
  out.optimized = out.instrumented;
  for (const auto& stage : stages) append_flags(out.optimized, stage->link_flags());
  return out;
}

}  // namespace pgo
