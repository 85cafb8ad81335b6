// The CMake File API (cmake-file-api(7)), client "client-pgo": writing the stateless
// queries before a configure and parsing the replies after it.
//
// Parsing functions take the reply directory (<build>/.cmake/api/v1/reply) rather than a
// build tree so that tests can run them on recorded replies without running CMake.
// Missing or malformed replies throw pgo::Error(kBuildFailure) naming the file and what
// is missing in it.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace pgo::cmake {

inline constexpr const char* kClientName = "client-pgo";

// Cache entry that pgo-flags.cmake fills with the executables and shared libraries that link Threads::Threads
// (see docs/adapters/cmake.md: with glibc >= 2.34 that target carries no flag at all).
inline constexpr const char* kThreadsCacheEntry = "PGO_THREADS_TARGETS";

// Creates the empty query files codemodel-v2, toolchains-v1 and cache-v2 under
// <build_dir>/.cmake/api/v1/query/client-pgo/.
void write_queries(const std::filesystem::path& build_dir);

// <build_dir>/.cmake/api/v1/reply
std::filesystem::path reply_dir(const std::filesystem::path& build_dir);

// The reply index: the newest index-*.json and the client-pgo reply files it names.
struct ReplyIndex {
  std::filesystem::path index;       // absolute path of the index file used
  std::filesystem::path codemodel;   // absolute paths of the reply objects
  std::filesystem::path toolchains;
  std::filesystem::path cache;
};
ReplyIndex read_index(const std::filesystem::path& reply_dir);

struct CodemodelTarget {
  std::string name;
  std::string type;                            // "EXECUTABLE", "STATIC_LIBRARY", "UTILITY", ...
  std::string name_on_disk;                    // empty for targets without an artifact
  std::vector<std::filesystem::path> artifacts;  // as in the reply: relative to the build dir
  std::string link_language;                   // "C", "CXX"; empty when not linked
  // Links Threads::Threads, -pthread or libpthread (from the link command fragments and,
  // after merging with the cache, from kThreadsCacheEntry).
  bool links_threads = false;
  bool generator_provided = false;
};

struct Codemodel {
  std::filesystem::path source_dir;  // paths.source
  std::filesystem::path build_dir;   // paths.build (where CMake ran, not necessarily here)
  std::string configuration;         // "Release"; "" for an unnamed single configuration
  std::vector<CodemodelTarget> targets;

  const CodemodelTarget* find(const std::string& name) const;  // nullptr if absent
  std::vector<std::string> executable_names() const;           // sorted
};

struct ToolchainEntry {
  std::string language;     // "C", "CXX"
  std::string compiler_id;  // "GNU", "Clang"
  std::string version;      // "12.2.0"; may be empty if CMake could not tell
  std::filesystem::path path;
};

struct CacheEntry {
  std::string type;   // "STRING", "BOOL", "INTERNAL", ...
  std::string value;
};
using Cache = std::map<std::string, CacheEntry>;

// Parses the codemodel of `configuration` (the first one when empty or when the reply has
// a single configuration) and every target file it names.
Codemodel parse_codemodel(const std::filesystem::path& reply_dir,
                          const std::string& configuration = "");
std::vector<ToolchainEntry> parse_toolchains(const std::filesystem::path& reply_dir);
Cache parse_cache(const std::filesystem::path& reply_dir);

// All three, with links_threads completed from the cache entry kThreadsCacheEntry.
struct FileApiReply {
  Codemodel codemodel;
  std::vector<ToolchainEntry> toolchains;
  Cache cache;

  const ToolchainEntry* toolchain(const std::string& language) const;  // nullptr if absent
};
FileApiReply read_reply(const std::filesystem::path& reply_dir,
                        const std::string& configuration = "");

// True when a link or compile command fragment means POSIX threads: -pthread, -pthreads,
// -lpthread, or a path to libpthread.{a,so*}.
bool is_threads_fragment(const std::string& fragment);

}  // namespace pgo::cmake
