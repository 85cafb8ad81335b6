#include "support/disk_space.h"

#include <sys/stat.h>
#include <sys/statvfs.h>

#include <cerrno>
#include <cstring>

namespace pgo {
namespace fs = std::filesystem;

namespace {

// The nearest ancestor of `path` (itself included) that exists: a file being written may not.
fs::path existing(fs::path path) {
  std::error_code ec;
  path = fs::absolute(path, ec);
  while (!path.empty() && !fs::exists(path, ec) && path != path.parent_path()) path = path.parent_path();
  return path;
}

}  // namespace

std::optional<uint64_t> free_bytes(const fs::path& path) {
  struct statvfs s {};
  if (::statvfs(existing(path).c_str(), &s) != 0) return std::nullopt;
  return static_cast<uint64_t>(s.f_bavail) * s.f_frsize;
}

fs::path file_system_of(const fs::path& path) {
  fs::path at = existing(path);
  struct stat st {};
  if (::stat(at.c_str(), &st) != 0) return path;
  for (fs::path up = at.parent_path(); up != at; at = up, up = at.parent_path()) {
    struct stat parent {};
    if (::stat(up.c_str(), &parent) != 0 || parent.st_dev != st.st_dev) break;
  }
  return at;
}

std::string no_space_message(const fs::path& path, bool quota) {
  std::optional<uint64_t> left = free_bytes(path);
  return std::string(quota ? "disk quota exceeded on " : "no space left on ") + file_system_of(path).string() +
         " (" + (left ? std::to_string(*left) : std::string("unknown")) + " bytes free)";
}

std::string full_disk_note(const fs::path& path, const std::string& what, uint64_t below) {
  // The nearest existing ancestor: a run directory may not have been created.
  fs::path probe = path;
  std::error_code ec;
  while (!probe.empty() && !fs::exists(probe, ec) && probe.has_parent_path() && probe.parent_path() != probe)
    probe = probe.parent_path();
  std::optional<uint64_t> left = free_bytes(probe);
  if (!left || *left >= below) return "";
  return no_space_message(probe) + ": " + what + " may be cut short";
}

std::string write_failure_reason(int err, const fs::path& path) {
  if (err == ENOSPC || err == EDQUOT) return no_space_message(path, err == EDQUOT);
  return std::strerror(err);
}

}  // namespace pgo
