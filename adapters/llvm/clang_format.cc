#include "adapters/llvm/clang_format.h"

#include <algorithm>
#include <cctype>
#include <set>

#include "adapters/elf/elf_symbols.h"
#include "adapters/llvm/function_match.h"
#include "adapters/llvm/merge.h"
#include "adapters/llvm/raw_header.h"
#include "adapters/llvm/summary.h"

namespace pgo {
namespace fs = std::filesystem;

namespace {

constexpr size_t kMaxExamples = 8;

bool contains_any(std::string_view line, const std::vector<std::string_view>& needles) {
  return std::any_of(needles.begin(), needles.end(),
                     [&](std::string_view n) { return line.find(n) != std::string_view::npos; });
}

}  // namespace

int clang_major_version(std::string_view v) {
  size_t i = 0;
  while (i < v.size() && !std::isdigit(static_cast<unsigned char>(v[i]))) ++i;
  int major = 0;
  for (; i < v.size() && std::isdigit(static_cast<unsigned char>(v[i])); ++i) major = major * 10 + (v[i] - '0');
  return major;
}

ClangProfileFormat::ClangProfileFormat(Toolchain toolchain, ProcessRunner* runner)
    : toolchain_(std::move(toolchain)), runner_(runner) {}

Flags ClangProfileFormat::instrument_flags(const BuildRequest&) const {
  return Flags{{"-fprofile-generate"}, {"-fprofile-generate"}};
}

Flags ClangProfileFormat::use_flags(const fs::path& merged, const BuildRequest&) const {
  // Inline and template functions (comdat/weak) are skipped by the mismatch warning unless
  // asked; LLVM 15 renamed the option from ...-comdat to ...-comdat-weak.
  const int major = clang_major_version(toolchain_.compiler_version);
  const std::string comdat = major != 0 && major <= 14 ? "-no-pgo-warn-mismatch-comdat=false"
                                                       : "-no-pgo-warn-mismatch-comdat-weak=false";
  Flags f;
  f.compile = {"-fprofile-use=" + merged.string(),
               "-Wno-error=backend-plugin",  // a stale profile is reported, not a broken build
               "-mllvm", "-pgo-warn-missing-function",
               "-mllvm", comdat};
  // On the link line too: under (Thin)LTO the link-time optimizer reads the profile there,
  // and only there do a context-sensitive profile's CS records take effect. Without LTO or
  // CS records it changes nothing (checked: byte-identical binaries, no warning).
  f.link = {"-fprofile-use=" + merged.string()};
  return f;
}

std::optional<Flags> ClangProfileFormat::context_sensitive_flags(const fs::path& stage1_profile,
                                                                const BuildRequest& request) const {
  // No path after -fcs-profile-generate: the compiled-in default (default_%m.profraw in the
  // working directory) gives way to LLVM_PROFILE_FILE, as stage 1's does.
  Flags f = use_flags(stage1_profile, request);
  f.compile.push_back("-fcs-profile-generate");
  f.link.push_back("-fcs-profile-generate");
  return f;
}

Environment ClangProfileFormat::training_env(const fs::path& run_dir) const {
  // %m: the binary's signature, %p: the pid. Several binaries or processes of one run get
  // files of their own; with %m the runtime merges into an existing file of the same name.
  return {{"LLVM_PROFILE_FILE", (run_dir / "%m_%p.profraw").string()}};
}

std::vector<fs::path> ClangProfileFormat::collect_all(const fs::path& run_dir) const {
  std::vector<fs::path> files;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(run_dir, ec))
    if (entry.path().extension() == ".profraw" && entry.is_regular_file(ec)) files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  return files;
}

fs::path ClangProfileFormat::collect(const fs::path& run_dir) const {
  std::vector<fs::path> files = collect_all(run_dir);
  if (files.empty()) return {};
  if (files.size() == 1) return files.front();
  return run_dir;
}

MergeResult ClangProfileFormat::merge(const std::vector<WeightedInput>& inputs, const fs::path& out,
                                      FailureMode mode, int jobs) const {
  LlvmMergeOptions options;
  options.mode = mode;
  options.jobs = jobs;
  options.runner = runner_;
  return merge_llvm_profiles(inputs, out, options);
}

ProfileSummary ClangProfileFormat::summarize(const fs::path& merged) const {
  return summarize_llvm_profile(merged);
}

const std::vector<std::string_view>& ClangProfileFormat::mismatch_texts() {
  static const std::vector<std::string_view> texts = {
      // IR PGO, -Wbackend-plugin (PGOInstrumentation)
      "function control flow change detected (hash mismatch)",
      "function basic block count change detected (counter mismatch)",
      "function value site count change detected (counter mismatch)",
      "function bitmap size change detected (bitmap size mismatch)",
      // front-end PGO (-fprofile-instr-use), should a user's flags bring it in
      "profile data may be out of date",
  };
  return texts;
}

const std::vector<std::string_view>& ClangProfileFormat::missing_texts() {
  static const std::vector<std::string_view> texts = {
      "no profile data available for function",  // IR PGO with -pgo-warn-missing-function
      "no profile data available for file",      // front-end PGO
      "profile data may be incomplete",          // front-end PGO
  };
  return texts;
}

ProfileDiagnostics ClangProfileFormat::scan_build_output(std::string_view output) const {
  ProfileDiagnostics d;
  while (!output.empty()) {
    size_t end = output.find('\n');
    std::string_view line = output.substr(0, end);
    output = end == std::string_view::npos ? std::string_view() : output.substr(end + 1);
    bool hit = false;
    if (contains_any(line, mismatch_texts())) {
      ++d.mismatch_warnings;
      hit = true;
    } else if (contains_any(line, missing_texts())) {
      ++d.missing_warnings;
      hit = true;
    }
    if (hit && d.examples.size() < kMaxExamples) {
      while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.remove_suffix(1);
      d.examples.emplace_back(line);
    }
  }
  return d;
}

FunctionMatch ClangProfileFormat::match(const fs::path& stored, const BuildRequest&, const BuildResult& current) const {
  std::vector<fs::path> executables, libraries;
  for (const Artifact& a : current.artifacts) executables.push_back(a.path);
  for (const Artifact& l : current.libraries) libraries.push_back(l.path);
  return match_llvm_profile(stored, executables, libraries);
}

std::string ClangProfileFormat::format_version(const Toolchain& toolchain) const {
  if (!toolchain.profile_version.empty()) return toolchain.profile_version;
  const int major = clang_major_version(toolchain.compiler_version);
  if (major == linked_llvm_major()) return std::to_string(linked_llvm_raw_version());
  if (auto v = raw_version_of_llvm(major)) return std::to_string(*v);
  return {};
}

std::optional<size_t> ClangProfileFormat::functions_with_counts_in(const fs::path& merged,
                                                                  const fs::path& binary) const {
  // Name and structural hash: several targets of one profile may each have a `main`.
  std::set<std::pair<std::string, uint64_t>> counted;
  for (const ProfiledFunction& f : read_profiled_functions(merged))
    if (f.count > 0) counted.insert({f.key, f.checksum});
  std::set<std::pair<std::string, uint64_t>> own;
  for (const CurrentFunction& f : read_instrumented_functions(binary))
    if (counted.count({f.key, f.checksum})) own.insert({f.key, f.checksum});
  return own.size();
}

std::string ClangProfileFormat::missing_runtime(const fs::path& binary) const {
  return missing_profile_runtime(binary, "__llvm_profile_", "LLVM profiling runtime");
}

}  // namespace pgo
