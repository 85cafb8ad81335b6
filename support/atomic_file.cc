#include "support/atomic_file.h"

#include <fcntl.h>
#include <linux/fs.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <random>
#include <sstream>

#include "support/disk_space.h"
#include "support/error.h"

namespace pgo {
namespace fs = std::filesystem;

namespace {

// A full disk is named as such, with its mount point and what is left (disk_space.h).
std::string io_error(const std::string& what, const fs::path& p) {
  return what + " " + p.string() + ": " + write_failure_reason(errno, p);
}

// A name beside `target` that no other writer picks: pid plus a random suffix.
fs::path temp_beside(const fs::path& target) {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  return target.parent_path() /
         ("." + target.filename().string() + ".tmp." + std::to_string(getpid()) + "." +
          std::to_string(rng() % 1000000));
}

void fsync_dir(const fs::path& dir) {
  int fd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
}

void write_all(int fd, std::string_view data, const fs::path& p) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      throw BuildError(io_error("cannot write", p));
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
}

}  // namespace

void write_file_atomic(const fs::path& path, std::string_view contents) {
  std::error_code ec;
  if (!path.parent_path().empty()) fs::create_directories(path.parent_path(), ec);
  fs::path tmp = temp_beside(path);
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) throw BuildError(io_error("cannot create", tmp));
  try {
    write_all(fd, contents, tmp);
    if (::fsync(fd) != 0) throw BuildError(io_error("cannot fsync", tmp));
  } catch (...) {
    ::close(fd);
    ::unlink(tmp.c_str());
    throw;
  }
  ::close(fd);
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    std::string msg = io_error("cannot rename into place", path);
    ::unlink(tmp.c_str());
    throw BuildError(msg);
  }
  fsync_dir(path.parent_path());
}

void copy_file_atomic(const fs::path& from, const fs::path& to) {
  write_file_atomic(to, read_file(from));
}

void replace_directory_atomic(const fs::path& from, const fs::path& to) {
  std::error_code ec;
  if (!to.parent_path().empty()) fs::create_directories(to.parent_path(), ec);
  if (!fs::exists(to)) {
    if (::rename(from.c_str(), to.c_str()) != 0) throw BuildError(io_error("cannot move into place", to));
  } else {
    // renameat2(RENAME_EXCHANGE) swaps both names in one step: readers never see a gap.
    if (::syscall(SYS_renameat2, AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_EXCHANGE) != 0)
      throw BuildError(io_error("cannot swap into place", to));
    fs::remove_all(from, ec);  // `from` now names the old tree
  }
  fsync_dir(to.parent_path());
}

std::string read_file_if_present(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  if (in) out << in.rdbuf();
  return out.str();
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw BuildError("cannot read " + path.string() + ": " + std::strerror(errno));
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

}  // namespace pgo
