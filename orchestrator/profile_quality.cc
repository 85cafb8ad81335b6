#include "orchestrator/profile_quality.h"

namespace pgo {

std::vector<std::string> profile_quality_warnings(const ProfileSummary& summary,
                                                  const std::vector<TargetTraining>& targets) {
  std::vector<std::string> warnings;
  for (const TargetTraining& t : targets) {
    if (!t.never_trained()) continue;
    if (t.functions_with_counts) {
      warnings.push_back("target " + t.target + " has no function with a non-zero count in the profile: " +
                         (t.run_by_workload ? "its training workloads ran it, but none of its own code ran"
                                            : "no training workload runs ${bin:" + t.target + "}") +
                         "; it is optimized as if it never ran (add a workload that exercises it, or leave it out "
                         "with build.targets)");
    } else {
      warnings.push_back("no training workload runs ${bin:" + t.target + "}: unless another program starts it, " +
                         "its profile is empty and it is optimized as if it never ran");
    }
  }
  // An entry count of 1 (LLVM) or an arc-count sum of 1 (GCC) for the hottest function means
  // nothing ran twice: the workloads stopped right after start-up (a --help or an error exit?).
  if (summary.functions_with_counts > 0 && !summary.hottest.empty() && summary.hottest.front().count <= 1)
    warnings.push_back("no function of the profile ran more than once (hottest: " + summary.hottest.front().name +
                       "): the training workloads seem to exercise only start-up code; give them real inputs");
  return warnings;
}

}  // namespace pgo
