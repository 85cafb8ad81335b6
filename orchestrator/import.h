// `pgo import FILE --target T`: a profile collected elsewhere (a Go CPU profile from
// net/http/pprof, an LLVM .profraw or .profdata of a production run) checked and added to
// the store (orchestrator/imports.h), for `pgo build` to merge with the training or to use
// alone (`--profile imported`). docs/production-profiles.md.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "orchestrator/imports.h"
#include "workloads/config.h"

namespace pgo {

struct ImportRequest {
  std::filesystem::path file;
  std::string target;
  std::string toolchain;  // empty: from the file's kind and pgo.yaml
  uint64_t weight = 1;
  bool replace = false;   // the new profile replaces the target's earlier imports of that toolchain
};

// What a file is, from its first bytes.
enum class ImportKind { Pprof, Llvm, Gcda, Unknown };
ImportKind sniff_import_kind(std::string_view first_bytes);

// The toolchain an import is for: `requested` when given, checked against the file's kind
// and the project's build system; else the one the kind and pgo.yaml imply. GCC .gcda and
// unknown files are refused. Throws UsageError naming `file`.
std::string import_toolchain(const Config& config, ImportKind kind, const std::string& requested,
                             const std::filesystem::path& file);

// The target name checked: a plain name (it names a store directory) and, when pgo.yaml
// lists build.targets, one of them. Throws UsageError.
void check_import_target(const Config& config, const std::string& target);

// Why GCC profiles are not imported (the message of the refusal).
std::string gcc_import_refusal(const std::filesystem::path& file);

struct ImportOutcome {
  ImportedProfile entry;
  std::filesystem::path stored;  // the profile's file in the store
  size_t imports = 0;            // the target's imports of that toolchain now
};

// Checks `request.file` fully (a damaged or wrong-version file is a UsageError naming it,
// and the store is not touched), then adds it under the store lock.
ImportOutcome import_profile(const Config& config, const ImportRequest& request);

}  // namespace pgo
