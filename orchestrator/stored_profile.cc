#include "orchestrator/stored_profile.h"

#include <algorithm>
#include <chrono>
#include <unistd.h>

#include "orchestrator/imports.h"
#include "orchestrator/metadata.h"
#include "orchestrator/staleness.h"
#include "support/error.h"
#include "support/hash.h"
#include "support/strings.h"

namespace pgo {
namespace fs = std::filesystem;

namespace {

// Why the stored `profile` cannot be built from, or "" when it reads back whole: the
// optimized build would otherwise fail on it, or see an empty profile and blame the training.
std::string unreadable_profile(const ProfileFormat& format, const fs::path& profile, const nlohmann::json& meta) {
  ProfileSummary summary;
  try {
    summary = format.summarize(profile);
  } catch (const Error& e) {
    return "the stored profile " + profile.string() + " is corrupt: " + e.what();
  }
  if (summary.functions == 0) return "the stored profile " + profile.string() + " is incomplete: it holds no functions";
  const nlohmann::json& recorded = meta["profile"];  // its counts were type-checked on reading
  if (recorded.contains("total_count") && recorded["total_count"].get<uint64_t>() != summary.total_count)
    return "the stored profile " + profile.string() + " is incomplete or replaced: its total count is " +
           std::to_string(summary.total_count) + ", its metadata says " +
           std::to_string(recorded["total_count"].get<uint64_t>());
  return "";
}

}  // namespace

StoredProfileCheck check_stored_profile(const Config& config, const ProfileStore& store,
                                        const std::vector<std::string>& targets, const Toolchain& current,
                                        const ProfileFormat& format, const nlohmann::json& current_flags,
                                        const SourceFilter& is_source) {
  StoredProfileCheck out;
  std::map<std::string, std::string> sources =
      hash_sources(config.project_dir / config.build.source_dir, config.project_dir / config.store_dir, is_source);
  std::string workloads = workloads_fingerprint(config);
  for (const auto& target : targets) {
    fs::path profile = store.profile_path(target, current.name, format.merged_extension());
    fs::path meta_file = store.metadata_path(target, current.name);
    std::string who = target + "/" + current.name + ": ";
    std::error_code ec;
    if (!fs::exists(profile, ec)) {
      out.reasons.push_back(who + "no stored profile (" + profile.string() + ")");
      continue;
    }
    ProfileStatus status;
    status.target = target;
    status.toolchain = current.name;
    nlohmann::json meta;
    try {
      meta = read_profile_metadata(meta_file);
    } catch (const Error& e) {
      out.reasons.push_back(who + e.what());
      continue;
    }
    if (std::string corrupt = unreadable_profile(format, profile, meta); !corrupt.empty()) {
      out.reasons.push_back(who + corrupt);
      continue;
    }
    status.created = oldest_part_time(meta);  // an imported part is as old as its import
    status.age_days = age_in_days(status.created, std::chrono::system_clock::now()).value_or(0);
    status.toolchain_drift = toolchain_drift(meta, current);
    status.flag_drift = flag_drift(meta["flags"], current_flags);
    status.changed_files = source_drift(meta["sources"]["files"], sources);
    judge(status, config.staleness);  // toolchain, flags, age
    for (const auto& r : status.reasons) out.reasons.push_back(who + r);
    if (!status.changed_files.empty()) {
      std::vector<std::string> names;
      for (size_t i = 0; i < status.changed_files.size() && i < 5; ++i)
        names.push_back(status.changed_files[i].path + " (" + status.changed_files[i].change + ")");
      if (status.changed_files.size() > 5) names.push_back("...");
      out.reasons.push_back(who + std::to_string(status.changed_files.size()) + " source file(s) changed: " +
                            join(names, ", "));
    }
    if (meta.value("workloads_fingerprint", "") != workloads)
      out.reasons.push_back(who + "the training workloads in pgo.yaml changed");
    if (out.profile.empty()) {
      out.profile = profile;
      out.created = status.created;
    }
  }
  out.fresh = out.reasons.empty() && !out.profile.empty();
  return out;
}

std::string profile_digest(const fs::path& profile) {
  if (!fs::is_directory(profile)) return sha256_file(profile);
  Fingerprint fp;
  std::vector<fs::path> files;
  for (const auto& e : fs::recursive_directory_iterator(profile))
    if (e.is_regular_file()) files.push_back(e.path());
  std::sort(files.begin(), files.end());
  for (const auto& f : files) fp.add(fs::relative(f, profile).string(), sha256_file(f));
  return fp.hex();
}

fs::path materialize_profile(const fs::path& stored, const fs::path& merged_dir, const std::string& extension) {
  fs::create_directories(merged_dir);
  fs::path final_path = merged_dir / ("profile-" + profile_digest(stored).substr(0, 16) + extension);
  if (fs::exists(final_path)) return final_path;
  // Copy beside it, then rename: a killed pgo leaves an ".incoming" name that merge() clears.
  fs::path scratch = merged_dir / (".incoming-stored-" + std::to_string(::getpid()) + extension);
  fs::remove_all(scratch);
  fs::copy(stored, scratch, fs::copy_options::recursive);
  fs::rename(scratch, final_path);
  return final_path;
}

}  // namespace pgo
