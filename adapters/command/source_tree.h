// The fresh source copy a `build.system: command` build runs in (copy_source: true).
//
// Copies keep modification times (make and autotools decide what to regenerate by them)
// and symbolic links as links. Left out: the pgo store, `.git`, and directories that are
// build trees of their own (holding CMakeCache.txt or meson-private/), so that a copy
// never contains an earlier build's objects.
#pragma once

#include <filesystem>
#include <string>

namespace pgo::command {

// True for a directory `copy_tree` and `tree_fingerprint` leave out.
bool excluded_directory(const std::filesystem::path& dir, const std::filesystem::path& store_dir);

// Copies `source` into `destination` (which must not exist yet). Throws pgo::BuildError
// naming the file that could not be copied.
void copy_tree(const std::filesystem::path& source, const std::filesystem::path& destination,
               const std::filesystem::path& store_dir);

// A fingerprint of what copy_tree would copy: every path with its type, size, modification
// time and link target (no file contents are read).
std::string tree_fingerprint(const std::filesystem::path& source, const std::filesystem::path& store_dir);

}  // namespace pgo::command
