// Warnings about a merged profile that is valid but unlikely to help: a built target the
// training never ran, or a training that ran only start-up code. They go to the report's
// warnings and the progress output; they never fail the build (docs/pgo-yaml.md, workloads).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "adapters/profile_format.h"

namespace pgo {

struct TargetTraining {
  std::string target;
  bool run_by_workload = false;  // some training workload has ${bin:<target>} in its command
  // Functions of the target's instrumented binary with counts (ProfileFormat::
  // functions_with_counts_in); nullopt when the format cannot tell.
  std::optional<size_t> functions_with_counts;
  // No code of it ran in training: no counted function, or (when the format cannot count
  // per binary) no workload names it. Its optimized binary may equal the baseline's.
  bool never_trained() const { return functions_with_counts ? *functions_with_counts == 0 : !run_by_workload; }
};

// One message per problem, without the toolchain prefix.
std::vector<std::string> profile_quality_warnings(const ProfileSummary& summary,
                                                  const std::vector<TargetTraining>& targets);

}  // namespace pgo
