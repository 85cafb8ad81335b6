#include "orchestrator/store.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <set>

#include "support/atomic_file.h"
#include "support/error.h"
#include "support/hash.h"
#include "support/strings.h"
#include "workloads/process.h"

namespace pgo {
namespace fs = std::filesystem;

StoreLock::StoreLock(const fs::path& store_dir) {
  std::error_code ec;
  fs::create_directories(store_dir, ec);
  if (ec) throw UsageError("cannot create " + store_dir.string() + ": " + ec.message());
  fs::path lock = store_dir / "lock";
  fd_ = ::open(lock.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0) throw UsageError("cannot open " + lock.string() + ": " + std::strerror(errno));
  // flock is released by the kernel when the holder dies, so a stale lock cannot block us.
  if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    char buf[32] = {0};
    ssize_t n = ::pread(fd_, buf, sizeof buf - 1, 0);
    std::string holder = n > 0 ? trim(std::string(buf, static_cast<size_t>(n))) : "unknown";
    ::close(fd_);
    fd_ = -1;
    throw UsageError("another pgo (pid " + holder + ") is working in " + store_dir.string() +
                     "; wait for it to finish");
  }
  std::string pid = std::to_string(getpid()) + "\n";
  if (::ftruncate(fd_, 0) == 0) (void)!::pwrite(fd_, pid.data(), pid.size(), 0);
}

StoreLock::~StoreLock() {
  if (fd_ >= 0) ::close(fd_);  // closing releases the flock
}

fs::path ProfileStore::build_dir(const std::string& toolchain, const std::string& kind) const {
  return root_ / "build" / toolchain / kind;
}

fs::path ProfileStore::runs_dir(const std::string& toolchain) const { return root_ / "runs" / toolchain; }

fs::path ProfileStore::profile_path(const std::string& target, const std::string& toolchain,
                                    const std::string& extension) const {
  return root_ / "profiles" / target / (toolchain + extension);
}

fs::path ProfileStore::metadata_path(const std::string& target, const std::string& toolchain) const {
  return root_ / "profiles" / target / (toolchain + ".json");
}

fs::path ProfileStore::save(const std::string& target, const std::string& toolchain, const fs::path& merged,
                            const std::string& extension, const nlohmann::json& metadata) const {
  fs::path dest = profile_path(target, toolchain, extension);
  fs::create_directories(dest.parent_path());
  if (fs::is_directory(merged)) {
    fs::path staging = dest.parent_path() / ("." + dest.filename().string() + ".staging");
    fs::remove_all(staging);
    fs::copy(merged, staging, fs::copy_options::recursive);
    replace_directory_atomic(staging, dest);
  } else {
    copy_file_atomic(merged, dest);
  }
  // Metadata last: a reader that finds metadata finds the profile it describes.
  write_file_atomic(metadata_path(target, toolchain), metadata.dump(2) + "\n");
  return dest;
}

fs::path ProfileStore::save_report(const nlohmann::json& report, const std::string& stamp) const {
  std::string text = report.dump(2) + "\n";
  fs::path path = reports_dir() / stamp / "report.json";
  write_file_atomic(path, text);
  write_file_atomic(reports_dir() / "latest" / "report.json", text);
  return path;
}

std::map<std::string, std::string> hash_sources(const fs::path& source_dir, const fs::path& store_dir) {
  static const std::set<std::string> kExtensions = {".c", ".cc", ".cpp", ".cxx", ".c++", ".h", ".hh",
                                                    ".hpp", ".hxx", ".inc", ".inl", ".ipp", ".cmake"};
  std::map<std::string, std::string> hashes;
  fs::path store = fs::weakly_canonical(store_dir);
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(source_dir, fs::directory_options::skip_permission_denied, ec);
       it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (ec) break;
    const fs::path& p = it->path();
    std::string name = p.filename().string();
    if (it->is_directory()) {
      if (name == ".git" || name.rfind("build", 0) == 0 || fs::weakly_canonical(p) == store)
        it.disable_recursion_pending();
      continue;
    }
    if (!it->is_regular_file()) continue;
    if (name != "CMakeLists.txt" && !kExtensions.count(p.extension().string())) continue;
    hashes[fs::relative(p, source_dir).string()] = sha256_file(p);
  }
  return hashes;
}

std::string git_commit(const fs::path& dir) {
  if (!find_program("git")) return "";
  fs::path out = fs::temp_directory_path() / ("pgo-git-" + std::to_string(getpid()));
  ProcessSpec spec;
  spec.argv = {"git", "-C", dir.string(), "rev-parse", "HEAD"};
  spec.stdout_file = out;
  spec.timeout = std::chrono::seconds(10);
  SystemProcessRunner runner;
  ProcessResult r = runner.run(spec);
  std::string commit = r.ok() ? trim(read_file(out)) : "";
  fs::remove(out);
  return commit;
}

}  // namespace pgo
