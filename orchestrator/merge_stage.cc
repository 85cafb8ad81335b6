#include "orchestrator/merge_stage.h"

#include "orchestrator/stored_profile.h"
#include "support/disk_space.h"
#include "support/error.h"

namespace pgo {
namespace fs = std::filesystem;

MergeResult merge_named_by_digest(const ProfileRecorder& format, const std::vector<WeightedInput>& inputs,
                                  const fs::path& dir, FailureMode mode, int jobs) {
  fs::create_directories(dir);
  fs::path scratch = dir / ("incoming" + format.merged_extension());
  // The scratch output and the adapters' work files beside it (".incoming...") that a
  // killed pgo left; under the store lock nothing else writes here.
  for (const auto& entry : fs::directory_iterator(dir)) {
    std::string name = entry.path().filename().string();
    if (name.starts_with("incoming") || name.starts_with(".incoming")) fs::remove_all(entry.path());
  }
  MergeResult result;
  try {
    result = format.merge(inputs, scratch, mode, jobs);
  } catch (const Error& e) {
    std::error_code ec;
    fs::remove_all(scratch, ec);  // no half-written merge output stays behind
    // A profile a full disk cut short reads as a corrupt one ("not a gcda file"): say so.
    for (const fs::path& where : {dir, inputs.empty() ? dir : inputs.front().path})
      if (std::string full = full_disk_note(where, "the profiles"); !full.empty())
        throw Error(e.code(), std::string(e.what()) + "\n" + full);
    throw;
  } catch (...) {
    std::error_code ec;
    fs::remove_all(scratch, ec);
    throw;
  }
  std::string digest = profile_digest(result.output);
  fs::path final_path = dir / ("profile-" + digest.substr(0, 16) + format.merged_extension());
  if (!fs::exists(final_path)) {
    fs::rename(result.output, final_path);
  } else {
    fs::remove_all(result.output);
  }
  result.output = final_path;
  return result;
}

}  // namespace pgo
