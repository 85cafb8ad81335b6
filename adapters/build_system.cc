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

std::vector<std::filesystem::path> project_binaries(const BuildResult& build) {
  std::vector<std::filesystem::path> out;
  for (const auto& a : build.artifacts) out.push_back(a.path);
  for (const auto& l : build.libraries) out.push_back(l.path);
  return out;
}

std::map<std::string, std::filesystem::path> binaries_by_name(const BuildResult& build) {
  std::map<std::string, std::filesystem::path> out = executables_by_target(build);
  for (const auto& l : build.libraries) out["lib:" + l.target] = l.path;
  return out;
}

bool links_threads(const BuildResult& build) {
  for (const std::vector<Artifact>* list : {&build.artifacts, &build.libraries})
    for (const Artifact& a : *list)
      if (a.links_threads) return true;
  return false;
}

}  // namespace pgo
