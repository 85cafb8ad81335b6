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

// A child's output or profile cut short by a full disk is seen only as a truncated file ("not
// a gcda file", an empty compiler probe). So where a child's work failed, this names the disk
// when the file system of `path` has less than `below` bytes left: "no space left on <mount>
// (N bytes free): <what> may be cut short"; "" when there is room (or it cannot be told).
inline constexpr uint64_t kNearlyFullBytes = 64 * 1024;
std::string full_disk_note(const std::filesystem::path& path, const std::string& what,
                           uint64_t below = kNearlyFullBytes);

// The reason for a failed write of `path` with `err` (an errno): the message above for
// ENOSPC and EDQUOT, strerror otherwise.
std::string write_failure_reason(int err, const std::filesystem::path& path);

}  // namespace pgo
