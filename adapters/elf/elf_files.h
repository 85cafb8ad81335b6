// The ELF files a build produced besides its executables: the shared libraries and modules
// that hold the project's code (docs/staleness.md, "What is read"). Executables often keep
// their hot code in a library of their own build tree; its functions are profiled,
// matched and verified like the executable's. Read with LLVM's Object library; nothing runs.
#pragma once

#include <filesystem>
#include <vector>

#include "adapters/build_system.h"

namespace pgo::elf {

// What the dynamic section of an ELF file asks the loader for.
struct DynamicInfo {
  std::vector<std::string> needed;   // DT_NEEDED, in order
  std::vector<std::string> runpath;  // DT_RUNPATH entries, or DT_RPATH's when it has none
  bool shared_object = false;        // ET_DYN without a program interpreter: a library
};

// The dynamic information of `file`; empty for a file that is not ELF or has no dynamic
// section (a static executable). Never throws.
DynamicInfo read_dynamic_info(const std::filesystem::path& file);

// The libraries `binary` loads that live under `tree`, found as the loader finds them:
// DT_NEEDED names looked up in the RUNPATH/RPATH directories ($ORIGIN expanded), then
// their own needs, transitively. Canonical paths, each once, in the order found. A needed
// library found outside `tree` (libc) or not at all is left out.
std::vector<std::filesystem::path> libraries_from_tree(const std::filesystem::path& binary,
                                                      const std::filesystem::path& tree);

// Every ELF shared object under `tree` (recursively, symbolic links not followed), sorted.
// For builds that do not say what they produce (build.system: command).
std::vector<std::filesystem::path> shared_objects_in(const std::filesystem::path& tree);

// `path` with its symbolic links followed (libfoo.so -> libfoo.so.1 -> libfoo.so.1.2.3),
// the directories above it left as they are.
std::filesystem::path resolve_links(const std::filesystem::path& path);

// Adds `library` (its links followed) to build.libraries unless it or an executable is the
// same file; the target is the library's file name when empty.
void add_library(BuildResult& build, const std::filesystem::path& library, const std::string& target = {},
                 bool links_threads = false);

// Adds the libraries each executable of `build` loads from `tree` (libraries_from_tree).
void add_libraries_loaded_from(BuildResult& build, const std::filesystem::path& tree);

// A library that an executable of `build` needs by a name that one of build.libraries
// carries, but that the loader would not find in the build tree through the executable's
// RUNPATH/RPATH: workloads would load another copy (an installed one, or the baseline's
// through LD_LIBRARY_PATH). One warning per such library, naming both.
std::vector<std::string> unreachable_library_warnings(const BuildResult& build);

}  // namespace pgo::elf
