#include "orchestrator/store.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <iostream>
#include <optional>
#include <regex>
#include <set>
#include <thread>

#include "support/atomic_file.h"
#include "support/disk_space.h"
#include "workloads/pgo_cgroup.h"
#include "support/error.h"
#include "support/hash.h"
#include "support/strings.h"
#include "workloads/process.h"
#include "workloads/process_table.h"

namespace pgo {
namespace fs = std::filesystem;

namespace {

// "cc1 (pid 12), sleep (pid 13)", at most ten of them.
std::string name_processes(const std::vector<TreeWorker>& workers) {
  std::vector<std::string> names;
  for (size_t i = 0; i < workers.size() && i < 10; ++i)
    names.push_back(workers[i].comm + " (pid " + std::to_string(workers[i].pid) + ")");
  std::string listed = join(names, ", ");
  if (workers.size() > names.size()) listed += " and " + std::to_string(workers.size() - names.size()) + " more";
  return listed;
}

// A pgo killed outright (SIGKILL, a crash) cannot stop its compilers and training programs,
// which may go on writing in build/ and runs/ once the next pgo has the lock: the holder
// stops them first. Processes that no pgo started (a shell someone left in a build tree, a
// hand-run ninja) are named but left alone.
void stop_processes_left_by_a_killed_pgo(const fs::path& store_dir) {
  std::error_code ec;
  fs::path root = fs::weakly_canonical(fs::absolute(store_dir), ec);
  if (ec) return;
  const std::vector<fs::path> trees = {root / "build", root / "runs"};
  const std::string where = (store_dir / "build").string() + " or " + (store_dir / "runs").string();
  std::vector<TreeWorker> killed, strangers;
  std::set<pid_t> seen;
  for (int round = 0; round < 200; ++round) {  // until their children, dying, start no more
    bool found = false;
    for (const TreeWorker& worker : find_processes_working_in("/proc", trees, ::getpid())) {
      bool first_sight = seen.insert(worker.pid).second;
      if (!worker.started_by_another_pgo) {
        if (first_sight) strangers.push_back(worker);
        continue;
      }
      if (::kill(worker.pid, SIGKILL) != 0) {
        if (first_sight) strangers.push_back(worker);  // another user's: out of reach
        continue;
      }
      found = true;
      if (first_sight) killed.push_back(worker);
    }
    if (!found) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  if (!killed.empty())
    std::cerr << "pgo: killed " << killed.size() << (killed.size() == 1 ? " process" : " processes")
              << " left by a killed pgo in " << where << ": " << name_processes(killed) << "\n";
  if (!strangers.empty())
    std::cerr << "pgo: warning: " << name_processes(strangers) << (strangers.size() == 1 ? " works" : " work") << " in "
              << where << " and " << (strangers.size() == 1 ? "was" : "were")
              << " not started by a pgo that pgo can stop; left running, it may disturb this build\n";
}

}  // namespace

StoreLock::StoreLock(const fs::path& store_dir) {
  if (std::string why_not = take(store_dir); !why_not.empty()) throw UsageError(why_not);
}

std::unique_ptr<StoreLock> StoreLock::try_take(const fs::path& store_dir, std::string& why_not) {
  std::unique_ptr<StoreLock> lock(new StoreLock());
  why_not = lock->take(store_dir);
  if (!why_not.empty()) lock.reset();
  return lock;
}

std::string StoreLock::take(const fs::path& store_dir) {
  std::error_code ec;
  fs::create_directories(store_dir, ec);
  if (ec) return "cannot create " + store_dir.string() + ": " + ec.message();
  fs::path lock = store_dir / "lock";
  fd_ = ::open(lock.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0) return "cannot open " + lock.string() + ": " + std::strerror(errno);
  // flock is released by the kernel when the holder dies, so a stale lock cannot block us.
  if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    // The holder writes its pid just after taking the lock: give it a moment.
    std::string holder;
    for (int attempt = 0; attempt < 20 && holder.empty(); ++attempt) {
      if (attempt > 0) std::this_thread::sleep_for(std::chrono::milliseconds(10));
      char buf[32] = {0};
      ssize_t n = ::pread(fd_, buf, sizeof buf - 1, 0);
      if (n > 0) holder = trim(std::string(buf, static_cast<size_t>(n)));
    }
    if (holder.empty()) holder = "unknown";
    ::close(fd_);
    fd_ = -1;
    return "another pgo (pid " + holder + ") is working in " + store_dir.string() + "; wait for it to finish";
  }
  // The last holder's pid, before ours replaces it: if that pgo was killed, its cgroup holds
  // whatever it left, wherever those processes went.
  char previous[32] = {0};
  const ssize_t got = ::pread(fd_, previous, sizeof previous - 1, 0);
  const pid_t previous_pid = got > 0 ? static_cast<pid_t>(std::atol(previous)) : 0;
  std::string pid = std::to_string(getpid()) + "\n";
  if (::ftruncate(fd_, 0) == 0) (void)!::pwrite(fd_, pid.data(), pid.size(), 0);
  if (size_t killed = kill_cgroup_of_dead_pgo(previous_pid))
    std::cerr << "pgo: killed " << killed << (killed == 1 ? " process" : " processes") << " left by a killed pgo (pid "
              << previous_pid << ") in its cgroup " << cgroup_of_pgo(previous_pid).string() << "\n";
  stop_processes_left_by_a_killed_pgo(store_dir);
  return "";
}

StoreLock::~StoreLock() {
  if (fd_ >= 0) ::close(fd_);  // closing releases the flock
}

fs::path ProfileStore::toolchain_dir(const std::string& toolchain) const { return root_ / "build" / toolchain; }

fs::path ProfileStore::build_dir(const std::string& toolchain, const BuildKind& kind) const {
  return toolchain_dir(toolchain) / kind.name;
}

fs::path ProfileStore::raw_profiles_dir(const std::string& toolchain, const std::string& stage) const {
  return toolchain_dir(toolchain) / (stage + "raw-profiles");
}

fs::path ProfileStore::merged_dir(const std::string& toolchain, const std::string& stage) const {
  return toolchain_dir(toolchain) / (stage + "merged");
}

fs::path ProfileStore::runs_dir(const std::string& toolchain) const { return root_ / "runs" / toolchain; }

fs::path ProfileStore::profile_path(const std::string& target, const std::string& toolchain,
                                    const std::string& extension) const {
  return root_ / "profiles" / target / (toolchain + extension);
}

fs::path ProfileStore::metadata_path(const std::string& target, const std::string& toolchain) const {
  return root_ / "profiles" / target / (toolchain + ".json");
}

fs::path ProfileStore::stage_profile_path(const std::string& target, const std::string& toolchain,
                                          const std::string& stage, const std::string& extension) const {
  return root_ / "profiles" / target / "stages" / (toolchain + "." + stage + extension);
}

namespace {

// fsyncs every file and directory of `dir`, so that a tree renamed into place after a
// crash of the machine is complete, not a set of names with empty files.
void sync_tree(const fs::path& dir) {
  auto sync = [](const fs::path& p, int flags) {
    int fd = ::open(p.c_str(), flags | O_CLOEXEC);
    if (fd < 0) throw BuildError("cannot open " + p.string() + ": " + std::strerror(errno));
    int rc = ::fsync(fd);
    int err = errno;
    ::close(fd);
    if (rc != 0) throw BuildError("cannot fsync " + p.string() + ": " + std::strerror(err));
  };
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (e.is_directory()) sync(e.path(), O_RDONLY | O_DIRECTORY);
    else if (e.is_regular_file()) sync(e.path(), O_RDONLY);
  }
  sync(dir, O_RDONLY | O_DIRECTORY);
}

// Names that write_file_atomic (support/atomic_file.cc) and save() give to work in progress.
bool is_interrupted_write(const std::string& name) {
  static const std::regex pattern(R"(\..+\.(tmp\.[0-9]+\.[0-9]+|staging))");
  return std::regex_match(name, pattern);
}

// A profile (file or directory) copied to `dest` in two steps: prepare() stages a directory
// completely before anything in the store changes; install() then replaces `dest` atomically.
class ProfileCopy {
 public:
  ProfileCopy(fs::path merged, fs::path dest) : merged_(std::move(merged)), dest_(std::move(dest)) {}
  void prepare() {
    fs::create_directories(dest_.parent_path());
    if (!fs::is_directory(merged_)) return;
    staging_ = dest_.parent_path() / ("." + dest_.filename().string() + ".staging");
    fs::remove_all(staging_);
    fs::copy(merged_, staging_, fs::copy_options::recursive);
    sync_tree(staging_);
  }
  void install() {
    if (!staging_.empty()) replace_directory_atomic(staging_, dest_);
    else copy_file_atomic(merged_, dest_);
  }

 private:
  fs::path merged_, dest_, staging_;
};

}  // namespace

fs::path ProfileStore::save_stage_profile(const std::string& target, const std::string& toolchain,
                                          const std::string& stage, const fs::path& merged,
                                          const std::string& extension) const {
  ProfileCopy copy(merged, stage_profile_path(target, toolchain, stage, extension));
  copy.prepare();
  copy.install();
  return stage_profile_path(target, toolchain, stage, extension);
}

fs::path ProfileStore::save(const std::string& target, const std::string& toolchain, const fs::path& merged,
                            const std::string& extension, const nlohmann::json& metadata) const {
  fs::path dest = profile_path(target, toolchain, extension);
  fs::path meta = metadata_path(target, toolchain);
  ProfileCopy copy(merged, dest);
  copy.prepare();
  // The old metadata goes first: a reader that finds metadata finds the profile it describes.
  std::error_code ec;
  if (fs::remove(meta, ec)) {
    int dir = ::open(meta.parent_path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir >= 0) {
      ::fsync(dir);
      ::close(dir);
    }
  }
  copy.install();
  write_file_atomic(meta, metadata.dump(2) + "\n");
  return dest;
}

std::vector<std::pair<fs::path, uintmax_t>> ProfileStore::clean(bool with_profiles) const {
  std::vector<std::pair<fs::path, uintmax_t>> removed;
  std::vector<fs::path> dirs = {root_ / "build", root_ / "runs", reports_dir()};
  if (with_profiles) dirs.push_back(root_ / "profiles");
  for (const fs::path& dir : dirs) {
    std::error_code ec;
    if (!fs::exists(dir, ec)) continue;
    uintmax_t bytes = 0;
    for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator();
         it.increment(ec))
      if (it->is_regular_file(ec)) bytes += it->file_size(ec);
    fs::remove_all(dir);  // throws naming the path when it cannot
    removed.push_back({dir, bytes});
  }
  return removed;
}

void ProfileStore::write_gitignore() const {
  const fs::path file = root_ / ".gitignore";
  std::error_code ec;
  if (fs::exists(file, ec)) return;
  write_file_atomic(file,
                    "# Written by pgo: commit profiles/ (the profiles and their metadata); the rest is\n"
                    "# working state that every build rewrites (docs/ci.md, \"What to commit\").\n"
                    "/build/\n/runs/\n/reports/\n/lock\n");
}

WritableStore::WritableStore(const fs::path& root) : store(root), lock(store.root()) {
  store.check_writable();
  store.remove_interrupted_writes();
}

void ProfileStore::check_writable() const {
  for (const fs::path& dir : {root_ / "profiles", reports_dir()}) {
    std::error_code ec;
    fs::file_status status = fs::status(dir, ec);
    if (fs::exists(status) && !fs::is_directory(status))
      throw UsageError("cannot use " + dir.string() + " as the profile store: it is not a directory");
    // Where the directory does not exist yet, it will be created in the store's root.
    fs::path where = fs::is_directory(status) ? dir : root_;
    // Named like a temporary of write_file_atomic, so that remove_interrupted_writes finds it.
    fs::path probe = where / (".write-test.tmp." + std::to_string(getpid()) + ".0");
    int fd = ::open(probe.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
      throw UsageError("cannot write to the profile store " + where.string() + ": " +
                       write_failure_reason(errno, where));
    ::close(fd);
    ::unlink(probe.c_str());
    // A full disk would otherwise fail the build at its very end, after building and training.
    if (std::optional<uint64_t> left = free_bytes(where); left && *left < kMinFreeStoreBytes)
      throw UsageError("cannot write to the profile store " + where.string() + ": " + no_space_message(where));
  }
}

size_t ProfileStore::remove_interrupted_writes() const {
  std::vector<fs::path> doomed;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(root_, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    std::string name = it->path().filename().string();
    bool dir = it->is_directory(ec);
    if (is_interrupted_write(name)) {
      doomed.push_back(it->path());
      if (dir) it.disable_recursion_pending();
    } else if (dir && (name == "CMakeFiles" || it->path() == root_ / "runs")) {
      // Object files and training output: many files, none written by write_file_atomic;
      // run directories are recreated by every run anyway.
      it.disable_recursion_pending();
    }
  }
  size_t removed = 0;
  for (const auto& p : doomed) {
    std::error_code rm;
    fs::remove_all(p, rm);
    if (!rm) ++removed;
  }
  return removed;
}

fs::path ProfileStore::save_report(const nlohmann::json& report, const std::string& stamp) const {
  std::string text = report.dump(2) + "\n";
  fs::path path = reports_dir() / stamp / "report.json";
  write_file_atomic(path, text);
  write_file_atomic(reports_dir() / "latest" / "report.json", text);
  return path;
}

std::map<std::string, std::string> hash_sources(const fs::path& source_dir, const fs::path& store_dir,
                                                const SourceFilter& is_source) {
  std::map<std::string, std::string> hashes;
  fs::path store = fs::weakly_canonical(store_dir);
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(source_dir, fs::directory_options::skip_permission_denied, ec);
       it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (ec) break;
    const fs::path& p = it->path();
    std::string name = p.filename().string();
    if (it->is_directory()) {
      // target beside a Cargo.toml: Cargo's output (build scripts' generated sources live there).
      std::error_code exists_ec;
      bool cargo_target = name == "target" && fs::exists(p.parent_path() / "Cargo.toml", exists_ec);
      if (name == ".git" || name.rfind("build", 0) == 0 || cargo_target || fs::weakly_canonical(p) == store)
        it.disable_recursion_pending();
      continue;
    }
    if (!it->is_regular_file()) continue;
    fs::path relative = fs::relative(p, source_dir);
    if (is_source(relative)) hashes[relative.string()] = sha256_file(p);
  }
  return hashes;
}

std::string git_commit(const fs::path& dir) {
  if (!find_program("git")) return "";
  ProcessSpec spec;
  spec.argv = {"git", "-C", dir.string(), "rev-parse", "HEAD"};
  spec.timeout = std::chrono::seconds(10);
  SystemProcessRunner runner;
  CapturedRun git = run_captured(runner, spec);
  return git.result.ok() ? trim(git.out) : "";
}

}  // namespace pgo
