// Crash-safe file writes: write a temporary beside the target, fsync, rename.
// A reader sees either the old file or the complete new one, never a torn one.
#pragma once

#include <filesystem>
#include <string_view>

namespace pgo {

// Replaces `path` with `contents` atomically; creates parent directories.
void write_file_atomic(const std::filesystem::path& path, std::string_view contents);

// Copies `from` over `to` atomically (same guarantees as write_file_atomic).
void copy_file_atomic(const std::filesystem::path& from, const std::filesystem::path& to);

// Replaces directory `to` with the already complete directory `from` (which must be on
// the same file system) so that `to` is always either the old or the new tree.
void replace_directory_atomic(const std::filesystem::path& from, const std::filesystem::path& to);

// The whole file; throws pgo::BuildError if it cannot be read.
std::string read_file(const std::filesystem::path& path);
// The whole file, or "" when it does not exist (yet) or cannot be read: for output that a
// program may not have written.
std::string read_file_if_present(const std::filesystem::path& path);

}  // namespace pgo
