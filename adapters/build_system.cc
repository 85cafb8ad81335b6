#include "adapters/build_system.h"

#include <set>

namespace pgo {

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

void append_flags(Flags& to, const Flags& more) {
  to.compile.insert(to.compile.end(), more.compile.begin(), more.compile.end());
  to.link.insert(to.link.end(), more.link.begin(), more.link.end());
  for (const auto& [name, value] : more.env) to.env[name] = value;
}

bool is_c_family_source(const std::filesystem::path& relative) {
  static const std::set<std::string> kExtensions = {".c",  ".cc",  ".cpp", ".cxx", ".c++", ".h",  ".hh",
                                                    ".hpp", ".hxx", ".inc", ".inl", ".ipp"};
  return kExtensions.count(relative.extension().string()) > 0;
}

}  // namespace pgo
