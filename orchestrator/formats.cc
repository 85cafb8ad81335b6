#include "orchestrator/formats.h"

#include "adapters/compiler_kinds.h"
#include "adapters/gcc/gcc_format.h"
#include "adapters/llvm/clang_format.h"
#include "adapters/llvm/rust_format.h"
#include "adapters/pprof/pprof_format.h"
#include "support/error.h"

namespace pgo {

std::unique_ptr<ProfileFormat> make_profile_format(const Toolchain& toolchain, const FormatContext& context) {
  const CompilerKind* kind = compiler_kind(toolchain.compiler_id);
  if (!kind)
    throw BuildError("toolchain '" + toolchain.name + "' uses compiler " + toolchain.compiler_id + " " +
                     toolchain.compiler_version + ", for which pgo has no profile format (supported: " +
                     supported_compilers() + ")");
  if (kind->toolchain == "rust")
    return std::make_unique<RustProfileFormat>(toolchain, &context.runner, context.profile_dir);
  if (kind->profile_format == "llvm") return std::make_unique<ClangProfileFormat>(toolchain, &context.runner);
  if (kind->profile_format == "pprof")
    return std::make_unique<PprofProfileFormat>(toolchain.tool.empty() ? std::filesystem::path("go") : toolchain.tool,
                                                "go" + toolchain.compiler_version, context.runner,
                                                context.instrumented_build_dir);
  GccFormatOptions options;  // gcda
  options.profile_dir = context.profile_dir;
  options.notes_dir = context.instrumented_build_dir;
  options.atomic_updates = context.links_threads;
  options.compiler = toolchain.tool.empty() ? std::filesystem::path("gcc") : toolchain.tool;
  return std::make_unique<GccProfileFormat>(options, context.runner);
}

}  // namespace pgo
