// What an executable's symbol tables say: whether it starts threads (the command adapter's
// GCC counters must then be atomic) or carries a profiling runtime (an instrumented build
// whose training wrote no profile). Read through LLVM's Object library.
#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace pgo {

// Whether `binary` defines or imports a symbol `wanted` accepts (static or dynamic symbol
// table); nullopt when LLVM cannot read it as an object file.
std::optional<bool> has_symbol(const std::filesystem::path& binary,
                               const std::function<bool(std::string_view)>& wanted);

// Why `binary` cannot have written a profile: it has no symbol starting with `prefix`
// (`__gcov_`, `__llvm_profile_`), so no `runtime` was linked in, because its compile and
// link commands did not get pgo's instrumentation flags. "" when it has one, or when it is
// not an object file LLVM reads (a script, say): then nothing can be told.
std::string missing_profile_runtime(const std::filesystem::path& binary, std::string_view prefix,
                                    std::string_view runtime);

}  // namespace pgo
