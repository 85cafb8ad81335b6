// Naming a full disk: ENOSPC and EDQUOT said as "no space left on <file system> (N bytes
// free)", with the mount point that holds the path, instead of the bare strerror text.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace pgo {

// Bytes an unprivileged writer may still use on the file system of `path` (statvfs
// f_bavail); nullopt when it cannot be asked.
std::optional<uint64_t> free_bytes(const std::filesystem::path& path);

// The mount point of the file system that holds `path` (the topmost ancestor on the same
// device); `path` itself when it cannot be told.
std::filesystem::path file_system_of(const std::filesystem::path& path);

// "no space left on /mnt (0 bytes free)" or "disk quota exceeded on /home (N bytes free)".
std::string no_space_message(const std::filesystem::path& path, bool quota = false);

// The reason for a failed write of `path` with `err` (an errno): the message above for
// ENOSPC and EDQUOT, strerror otherwise.
std::string write_failure_reason(int err, const std::filesystem::path& path);

}  // namespace pgo
