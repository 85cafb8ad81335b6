// The profile store under .pgo/ (docs/architecture.md, "The profile store").
//
//   profiles/<target>/<toolchain>.<ext>   merged profile (file, or directory for GCC)
//   profiles/<target>/<toolchain>.json    its metadata ("schema": "pgo-profile/1")
//   profiles/<target>/stages/             post-link stages' profiles (<toolchain>.<stage><ext>)
//   build/ runs/ reports/                 working state
//
// Every write is atomic, and a lock file keeps two pgo runs from interleaving.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "adapters/build_system.h"

namespace pgo {

// Held by every pgo that writes under .pgo (build, bench, status's work trees). Readers of
// the store need none: its writes are atomic (docs/reliability.md).
class StoreLock {
 public:
  // Takes .pgo/lock without waiting; throws pgo::Error(kUsage) naming the holder's pid.
  // Once taken, SIGKILLs the processes that a killed pgo left working in build/ or runs/
  // (they carry its run marker, kRunMarkerVariable) and says so on stderr.
  explicit StoreLock(const std::filesystem::path& store_dir);
  // The lock if it can be taken now; else null and `why_not` says why: another pgo holds it
  // (naming its pid), or the store cannot be written (a read-only file system).
  static std::unique_ptr<StoreLock> try_take(const std::filesystem::path& store_dir, std::string& why_not);
  ~StoreLock();
  StoreLock(const StoreLock&) = delete;
  StoreLock& operator=(const StoreLock&) = delete;

 private:
  StoreLock() = default;
  std::string take(const std::filesystem::path& store_dir);  // "" when taken, else why not
  int fd_ = -1;
};

class ProfileStore {
 public:
  explicit ProfileStore(std::filesystem::path root) : root_(std::move(root)) {}
  const std::filesystem::path& root() const { return root_; }

  // .pgo/build/<toolchain>/: the toolchain's trees, its fingerprints and its build manifest.
  std::filesystem::path toolchain_dir(const std::string& toolchain) const;
  // The tree of a build of `kind`: <toolchain_dir>/<kind.name>.
  std::filesystem::path build_dir(const std::string& toolchain, const BuildKind& kind) const;
  // Where a profile stage's training writes raw profiles by default (GCC compiles the path in)
  // and where its merges go: <toolchain_dir>/<stage>raw-profiles and <stage>merged, `stage`
  // being "" for the build's PGO, "status-" for `pgo status` and "<optimizer>-" for a post-link stage.
  std::filesystem::path raw_profiles_dir(const std::string& toolchain, const std::string& stage = "") const;
  std::filesystem::path merged_dir(const std::string& toolchain, const std::string& stage = "") const;
  std::filesystem::path runs_dir(const std::string& toolchain) const;
  std::filesystem::path reports_dir() const { return root_ / "reports"; }
  std::filesystem::path profile_path(const std::string& target, const std::string& toolchain,
                                     const std::string& extension) const;
  std::filesystem::path metadata_path(const std::string& target, const std::string& toolchain) const;
  // A post-link stage's profile: profiles/<target>/stages/<toolchain>.<stage><ext>.
  std::filesystem::path stage_profile_path(const std::string& target, const std::string& toolchain,
                                           const std::string& stage, const std::string& extension) const;

  // Copies `merged` (a file or a directory) into the store and writes `metadata` beside it;
  // each replaces its predecessor atomically, and the old metadata goes first, so that a
  // crash in between leaves a profile without metadata rather than metadata describing
  // another profile. Returns the stored profile's path.
  std::filesystem::path save(const std::string& target, const std::string& toolchain,
                             const std::filesystem::path& merged, const std::string& extension,
                             const nlohmann::json& metadata) const;

  // Copies a post-link stage's merged profile (a file or a directory) to stage_profile_path,
  // atomically. Returns its path.
  std::filesystem::path save_stage_profile(const std::string& target, const std::string& toolchain,
                                           const std::string& stage, const std::filesystem::path& merged,
                                           const std::string& extension) const;

  // Writes report.json to reports/<stamp>/ and reports/latest/; returns the first path.
  std::filesystem::path save_report(const nlohmann::json& report, const std::string& stamp) const;

  // `pgo clean`: removes the working state (build/, runs/, reports/) and, with
  // `with_profiles`, profiles/ too. Call with the StoreLock held. Returns each directory
  // removed with the bytes it held.
  std::vector<std::pair<std::filesystem::path, uintmax_t>> clean(bool with_profiles) const;

  // Writes .pgo/.gitignore unless one is there (a user's own is kept): the working state
  // (build/, runs/, reports/, lock) is never committed, the profiles are (docs/ci.md).
  void write_gitignore() const;

  // Proves that profiles/ and reports/ can be written (or, while they do not exist, the
  // store's root, where they will be created), so that a read-only or misplaced store
  // fails at the start of a build rather than at its end. Creates nothing.
  // Throws pgo::Error(kUsage) naming the directory and the reason, also when less than
  // kMinFreeStoreBytes are free there ("no space left on <file system> (N bytes free)").
  void check_writable() const;
  static constexpr uint64_t kMinFreeStoreBytes = 1 << 20;

  // Removes what a pgo killed mid-write left behind in the store: the temporaries of atomic
  // writes (".<name>.tmp.<pid>.<n>") and staging trees (".<name>.staging"), except inside
  // CMakeFiles/ and runs/, which pgo never writes that way. Call with the StoreLock held:
  // only its holder writes there. Returns how many it removed.
  size_t remove_interrupted_writes() const;

 private:
  std::filesystem::path root_;
};

// The store held for writing (pgo build, train, import): its lock taken, then checked
// writable, then cleared of what a killed pgo left half-written, in that order.
struct WritableStore {
  explicit WritableStore(const std::filesystem::path& root);
  ProfileStore store;
  StoreLock lock;
};

// Which files of a source tree are sources (BuildSystem::is_source), by relative path.
using SourceFilter = std::function<bool(const std::filesystem::path& relative)>;

// Per-file content hashes of a project's sources (those `is_source` accepts), skipping the
// store, build directories (build*, Cargo's target/) and .git. Keys are relative to `source_dir`.
std::map<std::string, std::string> hash_sources(const std::filesystem::path& source_dir,
                                                const std::filesystem::path& store_dir, const SourceFilter& is_source);

// The git commit of `dir`'s HEAD, or "" when it is not in a git work tree.
std::string git_commit(const std::filesystem::path& dir);

}  // namespace pgo
