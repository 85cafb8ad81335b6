// BuildSystem: builds a project with extra flags and says where the executables land.
// One instance per (project, toolchain); see docs/architecture.md, "The adapter axes".
// Implementations: CMakeBuildSystem (adapters/cmake), CommandBuildSystem (adapters/command),
// CargoBuildSystem (adapters/cargo), GoBuildSystem (adapters/go); orchestrator/build_systems.cc
// picks one from pgo.yaml's build.system.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace pgo {

// What a build is for. Its role decides what an adapter does (Go adds its profiling hook to
// an instrumented build and checks `-pgo` in an optimized one); its name decides its tree,
// .pgo/build/<toolchain>/<name>/, so that one pipeline can hold several builds of a role
// (context-sensitive PGO builds instrumented twice; `pgo status` builds trees of its own).
enum class BuildRole { Baseline, Instrumented, Optimized };
struct BuildKind {
  BuildRole role = BuildRole::Baseline;
  std::string name = "baseline";

  static BuildKind baseline() { return {BuildRole::Baseline, "baseline"}; }
  static BuildKind instrumented() { return {BuildRole::Instrumented, "instrumented"}; }
  static BuildKind optimized() { return {BuildRole::Optimized, "optimized"}; }
};

// What a detected toolchain is, taken from the build system (never from guessing).
struct Toolchain {
  std::string name;             // as in pgo.yaml: "gcc", "clang"
  std::string compiler_id;      // "GNU", "Clang"
  std::string compiler_version; // "12.2.0"
  std::filesystem::path c_compiler;    // C and C++ builds only
  std::filesystem::path cxx_compiler;
  std::string profile_format;   // "llvm" or "gcda"
  std::string profile_version;  // LLVM raw profile version, GCC gcda version
  std::string llvm_version;     // the LLVM release of a compiler that reports it apart (rustc)
  std::filesystem::path tool;   // the compiler pgo itself runs: the C compiler, rustc, go
};

// Extra flags the profile format needs, added after the user's own.
struct Flags {
  std::vector<std::string> compile;  // C and C++ compile flags
  std::vector<std::string> link;     // link flags
  // Environment the build tool needs beside flags (Cargo's CARGO_PROFILE_<P>_LTO); only the
  // build systems whose tool reads it apply it (Cargo).
  std::map<std::string, std::string> env;
};
// `more` after `to`'s own: its flags last, its environment over `to`'s.
void append_flags(Flags& to, const Flags& more);

struct Artifact {
  std::string target;           // executable target name (a library's target or file name)
  std::filesystem::path path;   // absolute path of the built executable (or library)
  bool links_threads = false;   // links a thread library (profile counters must be atomic)
};

struct BuildRequest {
  BuildKind kind;
  std::filesystem::path build_dir;  // absolute; one per toolchain and kind
  Flags flags;
  std::vector<std::string> targets; // empty: every executable
  int jobs = 0;                     // 0: the build tool's default
};

struct BuildResult {
  std::vector<Artifact> artifacts;  // one per requested target
  // The project's own shared libraries and modules that this build produced and its
  // executables may load (adapters/elf/elf_files.h): their code is profiled, matched and
  // verified like the executables'. Each file once; never an executable of `artifacts`.
  std::vector<Artifact> libraries;
  std::filesystem::path log;        // full compiler/build output
  std::string output;               // the same text, for diagnostics scanning
  std::vector<std::string> warnings; // for the report (e.g. a C compiler pgo cannot match)
};

// The built executables by target name (what ${bin:<target>} binds to).
std::map<std::string, std::filesystem::path> executables_by_target(const BuildResult& build);
// Every file of the project's code in `build`: the executables, then the libraries.
std::vector<std::filesystem::path> project_binaries(const BuildResult& build);
// Executables by target and libraries as "lib:<target>": every file whose content says
// whether a build changed (fingerprints, byte-identical checks).
std::map<std::string, std::filesystem::path> binaries_by_name(const BuildResult& build);
// True when an executable or library of `build` links a thread library.
bool links_threads(const BuildResult& build);
// C and C++ sources and headers, which every build system compiles (Cargo through build
// scripts and the cc crate, Go through cgo): the common part of BuildSystem::is_source.
bool is_c_family_source(const std::filesystem::path& relative);

class BuildSystem {
 public:
  virtual ~BuildSystem() = default;
  // Configures a scratch tree in `probe_dir` if needed and reports the compilers in use.
  virtual Toolchain detect(const std::filesystem::path& probe_dir) = 0;
  // Configures and builds; throws pgo::Error(kBuildFailure) naming the command, its exit
  // status and the tail of its output.
  virtual BuildResult build(const BuildRequest& request) = 0;
  // Every executable target the project defines (for `pgo init` and error messages).
  virtual std::vector<std::string> executable_targets(const std::filesystem::path& probe_dir) = 0;
  // Those of executable_targets() that exist only because a workload runs them and that
  // build.targets does not restrict (Cargo's `<name>.test` / `<name>.bench` binaries, which
  // are not among build.bins). Default: none.
  virtual std::vector<std::string> workload_only_targets(const std::filesystem::path&) { return {}; }
  // Whether `relative` (a path under the source directory) is a source of this kind of project:
  // its content hash goes into the profile's metadata, and a change to it is source drift.
  virtual bool is_source(const std::filesystem::path& relative) const = 0;
};

}  // namespace pgo
