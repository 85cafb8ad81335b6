// Path helpers of the GCC adapter: the spellings GCC and libgcov compare literally.
#pragma once

#include <filesystem>
#include <string>

namespace pgo::gcc_paths {

// Absolute, symlinks of the existing part resolved, no trailing separator: the form the
// compiler's getpwd() reports and the form GCOV_PREFIX_STRIP counts.
std::filesystem::path clean(const std::filesystem::path& p);

// GCC's object-name mangling reversed: '#' -> '/', a "^" component -> "..".
std::filesystem::path unmangle(const std::filesystem::path& gcda_relative);

// Creates a fresh directory "<parent>/<stem>-<pid>-<random>" and returns it.
std::filesystem::path make_temp_dir(const std::filesystem::path& parent, const std::string& stem);

}  // namespace pgo::gcc_paths
