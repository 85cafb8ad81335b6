#include "adapters/build_system.h"

namespace pgo {

const char* to_string(BuildKind kind) {
  switch (kind) {
    case BuildKind::Baseline: return "baseline";
    case BuildKind::Instrumented: return "instrumented";
    case BuildKind::Optimized: return "optimized";
  }
  return "unknown";
}

std::map<std::string, std::filesystem::path> executables_by_target(const BuildResult& build) {
  std::map<std::string, std::filesystem::path> bins;
  for (const auto& a : build.artifacts) bins[a.target] = a.path;
  return bins;
}

}  // namespace pgo
