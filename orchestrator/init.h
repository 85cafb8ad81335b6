// `pgo init`: a commented starting pgo.yaml for the project in a directory, whatever builds
// it: CMake, Cargo, Go, or a command (make, ./configure && make, Meson).
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace pgo {

// One executable and the command line of its first workload.
struct InitTarget {
  std::string name;
  std::vector<std::string> args;  // after ${bin:name}
  std::string note;               // a line for people above the workload, e.g. why it is a TODO
  std::string artifact;           // command builds: its path in the build tree
  bool compare_output = true;
  bool runs = true;  // the command line exited 0 in the probe; else it is written commented out
};

// What `pgo init` found, for rendering.
struct InitialConfig {
  std::string system;                    // cmake | cargo | go | command
  std::vector<std::string> build_lines;  // the `build:` keys after `system`, YAML, indented by 2
  std::vector<std::string> toolchains;
  std::vector<InitTarget> targets;
};

// The text of pgo.yaml: the build, the toolchains, one workload per target and every other
// key commented.
std::string render_initial_config(const InitialConfig& config);

// The variables among CC, CXX, CFLAGS, CXXFLAGS and LDFLAGS that a Makefile sets itself (`=`,
// `:=` or `::=` at the top level, then any `+=`), which hides the value make's environment
// gives them, each with the Makefile's own value; `${X}` is spelled `$(X)`, which make reads
// the same and pgo does not take for a placeholder. A `?=` or `+=` alone keeps the
// environment's value, so such a variable is not listed. Conditionals and included makefiles are
// not followed, and an `override` assignment (which beats the command line too) is not read.
std::map<std::string, std::string> makefile_overrides(const std::string& makefile_text);

// The build command of a Makefile project: make -j${jobs}, then, for each variable the
// Makefile sets itself, an assignment on make's command line (which beats the Makefile's):
// CC=${cc}, CXX=${cxx}, and the flags with pgo's after the Makefile's own.
std::vector<std::string> make_command(const std::map<std::string, std::string>& overrides);

// The build system of the project in `dir`: "cmake" (CMakeLists.txt), "cargo" (Cargo.toml),
// "go" (go.mod), "make", "configure" or "meson" (all three `build.system: command`); empty
// when none is there.
std::string detect_project_kind(const std::filesystem::path& dir);

// Detects the project in `dir`, builds it once in a probe tree (removed afterwards) to find
// its executables and a first command line of each that exits 0 (--help, -h, or none), writes
// dir/pgo.yaml (refusing to overwrite unless `force`) and returns its path.
std::filesystem::path init_project(const std::filesystem::path& dir, bool force);

}  // namespace pgo
