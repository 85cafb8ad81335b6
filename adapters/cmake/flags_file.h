// pgo-flags.cmake: how pgo's flags enter a CMake project without editing it.
//
// The file is passed as CMAKE_PROJECT_INCLUDE, so CMake runs it right after the project's
// first project() call. It adds the flags as directory compile/link options, which a
// project's own `set(CMAKE_C_FLAGS ...)` cannot drop, restricted to C and C++ with
// generator expressions. It also records which executables link Threads::Threads (see
// file_api.h, kThreadsCacheEntry). docs/adapters/cmake.md explains the choices.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "adapters/build_system.h"

namespace pgo::cmake {

inline constexpr const char* kFlagsFileName = "pgo-flags.cmake";

// The text of pgo-flags.cmake. `user_include` (may be empty) is the project include file
// the user's configure_args named; ours includes it first, on every project() call, as
// CMake would have. Throws pgo::Error(kUsage) for a flag CMake cannot carry (one holding
// ';', a newline or "$<").
std::string render_flags_file(const Flags& flags, const std::filesystem::path& user_include);

// Quotes one flag for a `SHELL:` option inside a generator expression: backslash before
// blanks, quotes and backslashes; '>' as $<ANGLE-R>.
std::string quote_shell_option(const std::string& flag);

// Removes every definition of CMAKE_PROJECT_INCLUDE from `args` ("-DCMAKE_PROJECT_INCLUDE=x",
// "-DCMAKE_PROJECT_INCLUDE:FILEPATH=x", or "-D" followed by "CMAKE_PROJECT_INCLUDE=x") and
// returns the last value, or "" if there was none.
std::string take_project_include(std::vector<std::string>& args);

}  // namespace pgo::cmake
