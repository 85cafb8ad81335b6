// Reading `cargo build --message-format=json`: one JSON object per stdout line. pgo uses
// the compiler-artifact messages that carry an executable (where each binary landed, never
// guessed from target/ paths) and the rendered text of compiler messages (warnings, such as
// LLVM's PGO diagnostics, to be counted; errors, to be shown).
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace pgo::cargo {

struct ExecutableArtifact {
  std::string package_id;       // "path+file:///src/app#0.1.0"
  std::string target_name;      // the bin target's name
  std::vector<std::string> kinds;  // target.kind, e.g. {"bin"}, {"example"}, {"test"}
  std::filesystem::path executable;
  bool fresh = false;           // Cargo reused it without compiling
};

struct BuildMessages {
  std::vector<ExecutableArtifact> executables;
  // The .so files of cdylib and dylib targets (the project's code that programs may load).
  std::vector<std::filesystem::path> shared_libraries;
  std::string rendered;            // compiler messages' rendered text, one after another
  bool finished = false;           // a build-finished message was seen
  bool success = false;            // its "success"
  std::vector<std::string> unparsed;  // non-JSON lines (a build script's stray output)
  std::vector<std::string> built_packages;  // package_id of every compiler-artifact, in order
};

// Parses Cargo's stdout. Malformed or unknown lines are kept in `unparsed`; never throws.
BuildMessages parse_build_messages(std::string_view stdout_text);

// The bin artifact named `target` (kind "bin"), or nullptr. With several (a workspace whose
// members share a bin name) the one of `package_id` if given, else the first.
const ExecutableArtifact* find_bin(const BuildMessages& messages, const std::string& target,
                                   const std::string& package_id = {});
// The same for any target kind: "bin", "test" (an integration test's harness binary under
// deps/), "bench".
const ExecutableArtifact* find_executable(const BuildMessages& messages, const std::string& kind,
                                          const std::string& target, const std::string& package_id = {});

}  // namespace pgo::cargo
