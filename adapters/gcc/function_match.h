// GCC function matching for `pgo status`: the function idents and cfg checksums of a
// stored merged .gcda directory against the .gcno notes of a current instrumented compile
// (-ftest-coverage writes them beside the objects; nothing runs).
//
// GCC looks a function's profile up by ident and uses it when the cfg checksum (and the
// number of counters) agree; a changed lineno checksum only draws a "source locations ...
// have changed" warning and the profile is still used, so it does not count as a change.
#pragma once

#include <filesystem>
#include <vector>

#include "adapters/function_match.h"

namespace pgo {

// `stored_dir`: the merged profile (*.gcda named after the object path relative to the
// build directory, '/' mangled to '#'); `build_dir`: the instrumented build directory
// whose .gcno files describe the current code. A .gcno whose source file no longer exists
// is ignored (a deleted source leaves its old notes behind in the build tree).
// Throws Error naming the file for a corrupt .gcda or .gcno, or an empty profile directory.
FunctionMatch match_gcc_profile(const std::filesystem::path& stored_dir, const std::filesystem::path& build_dir);

// "CMakeFiles/app.dir/main.c.gcno" -> "CMakeFiles#app.dir#main.c.gcda" (GCC's mangling).
std::string gcda_name_for_notes(const std::filesystem::path& notes_relative);

}  // namespace pgo
