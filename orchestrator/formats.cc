#include "orchestrator/formats.h"

#include "adapters/gcc/gcc_format.h"
#include "adapters/llvm/clang_format.h"
#include "adapters/llvm/rust_format.h"
#include "adapters/pprof/pprof_format.h"
#include "support/error.h"

namespace pgo {

std::unique_ptr<ProfileFormat> make_profile_format(const Toolchain& toolchain, const FormatContext& context) {
  const std::string& id = toolchain.compiler_id;
  if (id == "Clang" || id == "AppleClang")
    return std::make_unique<ClangProfileFormat>(toolchain, &context.runner);
  if (id == "rustc") return std::make_unique<RustProfileFormat>(toolchain, &context.runner, context.profile_dir);
  if (id == "go")
    return std::make_unique<PprofProfileFormat>(toolchain.c_compiler.empty() ? std::filesystem::path("go")
                                                                             : toolchain.c_compiler,
                                                "go" + toolchain.compiler_version, context.runner,
                                                context.instrumented_build_dir);
  if (id == "GNU") {
    GccFormatOptions options;
    options.profile_dir = context.profile_dir;
    options.notes_dir = context.instrumented_build_dir;
    options.atomic_updates = context.links_threads;
    options.compiler = toolchain.c_compiler.empty() ? std::filesystem::path("gcc") : toolchain.c_compiler;
    return std::make_unique<GccProfileFormat>(options, context.runner);
  }
  throw BuildError("toolchain '" + toolchain.name + "' uses compiler " + id + " " + toolchain.compiler_version +
                   ", for which pgo has no profile format (supported: GNU via gcda, Clang via LLVM IR PGO)");
}

}  // namespace pgo
