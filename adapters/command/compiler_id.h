// Compiler identification for build systems that do not report their compilers (make,
// autotools, Meson run by `build.system: command`): the compiler's own predefined macros
// say what it is, as CMake's compiler identification does.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "workloads/process.h"

namespace pgo::command {

struct CompilerIdentity {
  std::string id;       // "GNU", "Clang", "AppleClang", or "" when unknown
  std::string version;  // "12.2.0", "22.1.0"
};

// Reads the output of `cc -E -dM -x c /dev/null`. Clang defines __GNUC__ too, so
// __clang__ decides first; __apple_build_version__ marks Apple's Clang. Unknown: id "".
CompilerIdentity parse_predefined_macros(std::string_view macros);

// Runs `compiler -E -dM -x <language> /dev/null` (language "c" or "c++"). Throws
// pgo::Error(kBuildFailure) with the command, its status and output if it fails.
CompilerIdentity identify_compiler(ProcessRunner& runner, const std::filesystem::path& compiler,
                                   const std::string& language, const std::filesystem::path& work_dir);

}  // namespace pgo::command
