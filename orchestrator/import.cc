#include "orchestrator/import.h"

#include <algorithm>
#include <ctime>
#include <fstream>

#include "adapters/gcc/gcov_io.h"
#include "adapters/llvm/merge.h"
#include "adapters/llvm/raw_header.h"
#include "adapters/llvm/summary.h"
#include "adapters/pprof/pprof_analysis.h"
#include "adapters/pprof/pprof_reader.h"
#include "orchestrator/report/report.h"
#include "support/error.h"
#include "support/hash.h"
#include "support/strings.h"
#include "support/temporary_directory.h"

namespace pgo {
namespace fs = std::filesystem;

namespace {

// Every refusal names the file, as the merge's errors do.
[[noreturn]] void refuse(const fs::path& file, const std::string& why) {
  const std::string name = file.string();
  throw UsageError("pgo import: " + (why.find(name) == std::string::npos ? name + ": " + why : why));
}

std::string iso8601_from_nanos(int64_t nanos) {
  std::time_t t = static_cast<std::time_t>(nanos / 1000000000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// A checked profile, ready to be copied into the store.
struct Prepared {
  fs::path file;
  std::string kind, version, collected;
  uint64_t total_count = 0;
};

// A Go CPU profile that `go build -pgo` accepts: parses, has CPU samples, and its functions
// carry start lines (Go keys call edges by the offset from them).
Prepared check_pprof(const fs::path& file) {
  try {
    PprofProfile profile = read_pprof(file);
    PprofSummary summary = summarize_pprof(profile, file.string());
    if (summary.samples <= 0) refuse(file, "the profile holds no CPU samples (was the program busy while it was taken?)");
    PprofCallEdges edges = pprof_call_edges(profile, file.string());
    if (!edges.has_start_lines && !edges.edges.empty())
      refuse(file, "its functions have no start_line; go build -pgo rejects such a profile");
    Prepared p{file, "pprof", "", "", static_cast<uint64_t>(summary.samples)};
    if (profile.time_nanos > 0) p.collected = iso8601_from_nanos(profile.time_nanos);
    return p;
  } catch (const Error& e) {
    if (e.code() == ExitCode::kUsage) throw;  // a refusal of ours
    refuse(file, std::string(e.what()) + " (not a Go CPU profile pgo can use)");
  }
}

// An LLVM IR profile this pgo reads: a raw profile of the raw version the linked LLVM reads,
// or an indexed one it can read; converted to an indexed profile in `work` (raw profiles
// are readable only by their own LLVM release; an indexed one stays readable by later ones).
Prepared check_llvm(const fs::path& file, const fs::path& work) {
  RawProfileHeader h = read_raw_profile_header(file);
  if (!h.valid) refuse(file, h.error);
  if (h.debug_info_correlate)
    refuse(file, "a debug-info-correlated profile: its function names live in the binary, not in the file; "
                 "collect it without -profile-correlate=debug-info");
  if (!h.ir_level)
    refuse(file, "a front-end profile (-fprofile-instr-generate); pgo builds with IR PGO: collect it from a "
                 "binary built with -fprofile-generate (the flags pgo's instrumented build uses)");
  if (h.kind == LlvmFileKind::Raw && h.version != linked_llvm_raw_version())
    refuse(file, "raw profile version " + std::to_string(h.version) + " (written by " +
                     describe_llvm_releases(h.version) + "), but this pgo reads raw version " +
                     std::to_string(linked_llvm_raw_version()) + " (LLVM " + linked_llvm_version() +
                     "): collect it from a binary built by the compiler pgo builds with (a profile of another "
                     "LLVM release would not match that compiler's code anyway)");
  Prepared p{work / "import.profdata", h.kind == LlvmFileKind::Raw ? "profraw" : "profdata",
             std::to_string(h.version), "", 0};
  try {
    merge_llvm_profiles({WeightedInput{file, 1}}, p.file, FailureMode::Any, 1);
    ProfileSummary s = summarize_llvm_profile(p.file);
    if (s.functions_with_counts == 0) refuse(file, "the profile holds no function with a non-zero count");
    p.total_count = s.total_count;
  } catch (const Error& e) {
    if (e.code() == ExitCode::kUsage) throw;
    refuse(file, e.what());
  }
  return p;
}

bool holds_gcda(const fs::path& dir) {
  std::error_code ec;
  size_t seen = 0;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator() && seen < 10000;
       it.increment(ec), ++seen)
    if (it->path().extension() == ".gcda") return true;
  return false;
}

}  // namespace

ImportKind sniff_import_kind(std::string_view b) {
  if (b.size() >= 2 && static_cast<unsigned char>(b[0]) == 0x1f && static_cast<unsigned char>(b[1]) == 0x8b)
    return ImportKind::Pprof;  // gzip: runtime/pprof and net/http/pprof write pprof gzipped
  if (parse_raw_profile_header(b, std::max<uint64_t>(b.size(), 1)).kind != LlvmFileKind::Unknown)
    return ImportKind::Llvm;
  if (b.size() >= 4) {
    uint32_t word = static_cast<unsigned char>(b[0]) | static_cast<unsigned char>(b[1]) << 8 |
                    static_cast<unsigned char>(b[2]) << 16 | static_cast<uint32_t>(static_cast<unsigned char>(b[3])) << 24;
    if (word == gcov_io::kGcdaMagic || __builtin_bswap32(word) == gcov_io::kGcdaMagic) return ImportKind::Gcda;
  }
  return ImportKind::Unknown;
}

std::string gcc_import_refusal(const fs::path& file) {
  return "pgo import: " + file.string() +
         ": GCC profiles cannot be imported. A .gcda file belongs to one object file of one build: GCC finds it "
         "by the object's path and accepts it only when the checksums the compiler wrote into that object's "
         ".gcno match, so a tree collected from another build (another commit, flags or directory) is dropped "
         "by the optimized build function by function, and pgo cannot check it without that build's notes. Train with "
         "workloads instead, or spread the training over machines with `pgo train --shard K/N` and "
         "`pgo merge` (docs/ci.md), which checks that the shards' instrumented binaries are this build's";
}

std::string import_toolchain(const Config& config, ImportKind kind, const std::string& requested, const fs::path& file) {
  if (kind == ImportKind::Gcda || requested == "gcc") throw UsageError(gcc_import_refusal(file));
  const std::vector<std::string>& available = toolchains_for_system(config.build.system);
  if (!requested.empty()) {
    if (std::find(available.begin(), available.end(), requested) == available.end())
      throw UsageError("--toolchain " + requested + ": " + config.file.string() + " builds with build.system " +
                       config.build.system + ", whose toolchains are " + join(available, ", "));
    if ((kind == ImportKind::Pprof && requested != "go") || (kind == ImportKind::Llvm && requested == "go"))
      refuse(file, std::string(kind == ImportKind::Pprof ? "a pprof (Go) profile" : "an LLVM profile") +
                       " cannot serve toolchain " + requested);
    return requested;
  }
  if (kind == ImportKind::Unknown)
    refuse(file, "not a profile pgo recognizes: neither a gzipped pprof CPU profile (Go) nor an LLVM .profraw or "
                 ".profdata (for an uncompressed pprof, say --toolchain go)");
  std::vector<std::string> fits = kind == ImportKind::Pprof ? std::vector<std::string>{"go"}
                                                            : std::vector<std::string>{"clang", "rust"};
  std::erase_if(fits, [&](const std::string& t) {
    return std::find(available.begin(), available.end(), t) == available.end();
  });
  if (fits.empty())
    refuse(file, std::string(kind == ImportKind::Pprof ? "a pprof (Go) profile" : "an LLVM profile") +
                     ", but build.system " + config.build.system + " builds with " + join(available, ", "));
  return fits.front();  // a build system has at most one LLVM toolchain (clang, or rust for cargo)
}

void check_import_target(const Config& config, const std::string& target) {
  if (target.empty() || target == "." || target == ".." || target.find('/') != std::string::npos ||
      target.find('\0') != std::string::npos)
    throw UsageError("--target '" + target + "': not a target name");
  const auto& targets = config.build.targets;
  if (!targets.empty() && std::find(targets.begin(), targets.end(), target) == targets.end())
    throw UsageError("--target " + target + ": not among build.targets of " + config.file.string() + " (" +
                     join(targets, ", ") + ")");
}

ImportOutcome import_profile(const Config& config, const ImportRequest& request) {
  check_import_target(config, request.target);
  if (request.weight == 0) throw UsageError("--weight 0: weights are positive integers");
  const fs::path file = fs::absolute(request.file);
  std::error_code ec;
  if (fs::is_directory(file, ec)) {
    if (holds_gcda(file)) throw UsageError(gcc_import_refusal(file));
    refuse(file, "a directory; pgo import takes one profile file");
  }
  if (!fs::is_regular_file(file, ec)) refuse(file, "no such file");
  std::string head(64, '\0');
  {
    std::ifstream in(file, std::ios::binary);
    if (!in) refuse(file, "cannot be read");
    in.read(head.data(), static_cast<std::streamsize>(head.size()));
    head.resize(static_cast<size_t>(in.gcount()));
  }
  if (head.empty()) refuse(file, "empty file (0 bytes)");
  const ImportKind kind = sniff_import_kind(head);
  const std::string tc = import_toolchain(config, kind, request.toolchain, file);

  // Checked (and converted) outside the store: a bad file leaves the store as it was.
  TemporaryDirectory work("pgo-import");
  const bool go = tc == "go";
  Prepared prepared = go ? check_pprof(file) : check_llvm(file, work.path());

  ImportedProfile entry;
  entry.file = file.string();
  entry.sha256 = sha256_file(file);
  entry.weight = request.weight;
  entry.toolchain = tc;
  entry.format = go ? "pprof" : "llvm";
  entry.kind = prepared.kind;
  entry.version = prepared.version;
  entry.total_count = prepared.total_count;
  entry.collected = prepared.collected;

  WritableStore writable(config.project_dir / config.store_dir);
  ProfileStore& store = writable.store;
  entry.imported = now_iso8601();
  std::vector<ImportedProfile> all =
      add_import(store, request.target, prepared.file, go ? ".pprof" : ".profdata", entry, request.replace);
  ImportOutcome out;
  out.entry = all.back();
  out.stored = imported_file(store, request.target, out.entry);
  out.imports = all.size();
  return out;
}

}  // namespace pgo
