// What a `build.system: command` build sees: the compiler and flag variables in its
// environment, and the ${...} placeholders of its configure and build commands.
// docs/adapters/command.md lists both exactly.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/build_system.h"
#include "workloads/config.h"

namespace pgo::command {

// The variables pgo sets, in the order the docs list them.
inline const std::vector<std::string> kVariables = {"CC", "CXX", "CFLAGS", "CXXFLAGS", "LDFLAGS"};

// CC and CXX are the toolchain's compilers; CFLAGS and CXXFLAGS are the user's value of
// that variable (taken from `user_env`, pgo's own environment) followed by pgo's compile
// flags, LDFLAGS the user's LDFLAGS followed by pgo's link flags. Each flag pgo adds is
// quoted for /bin/sh when it needs it (make and configure scripts hand these variables to
// a shell). The flag variables are set even when empty, so that the three builds of a
// toolchain (baseline, instrumented, optimized) always see the same base flags.
std::map<std::string, std::string> build_variables(const std::map<std::string, std::string>& user_env,
                                                   const std::filesystem::path& cc,
                                                   const std::filesystem::path& cxx, const Flags& flags);

// `word` quoted for /bin/sh when it contains anything but [A-Za-z0-9_@%+=:,./-]; "''" if empty.
std::string shell_word(const std::string& word);
// The words quoted with shell_word() and joined with single spaces.
std::string shell_words(const std::vector<std::string>& words);

struct PlaceholderValues {
  std::vector<std::string> pgo_cflags;   // ${pgo_cflags}: pgo's compile flags
  std::vector<std::string> pgo_ldflags;  // ${pgo_ldflags}: pgo's link flags
  std::string cc, cxx;                   // ${cc}, ${cxx}
  std::string source_dir;                // ${source_dir}: the copy, or the sources (out of tree)
  std::string build_dir;                 // ${build_dir}: the build tree
  std::string project;                   // ${project}: where pgo.yaml is
  std::string jobs;                      // ${jobs}: parallel jobs
};

// The names of the placeholders, for messages.
inline const std::vector<std::string> kPlaceholders = {"pgo_cflags", "pgo_ldflags", "cc",      "cxx",
                                                       "source_dir", "build_dir",   "project", "jobs"};

// Expands a configure or build command:
// - an argv element that is exactly ${pgo_cflags} or ${pgo_ldflags} becomes one element
//   per flag (none in a baseline build);
// - inside a longer element, a flag list becomes its flags quoted with shell_words() (for
//   `make "CFLAGS=-O2 ${pgo_cflags}"`, whose value make hands to a shell);
// - in a shell line (command.shell), every value is inserted quoted for /bin/sh;
// - other values (paths, jobs) are inserted as they are in an argv;
// - "$$" is a literal '$'; any other '$' stays as written; "${" always starts a placeholder.
// Returns the argv to run (for a shell line: /bin/sh -c LINE). Throws pgo::UsageError
// naming `where` for an unknown or unterminated placeholder.
std::vector<std::string> expand_command(const CommandLine& command, const PlaceholderValues& values,
                                        std::string_view where);

}  // namespace pgo::command
