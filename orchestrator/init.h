// `pgo init`: a commented starting pgo.yaml for the project in a directory.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace pgo {

// The text of a pgo.yaml naming `targets` (executables found through the CMake File API)
// and `toolchains`, with one workload to edit per target and every other key commented.
std::string render_initial_config(const std::vector<std::string>& targets,
                                  const std::vector<std::string>& toolchains);

// Detects the project in `dir`, writes dir/pgo.yaml (refusing to overwrite unless `force`)
// and returns its path.
std::filesystem::path init_project(const std::filesystem::path& dir, bool force);

}  // namespace pgo
