#include "adapters/llvm/rust_format.h"

#include <algorithm>
#include <system_error>

#include "adapters/llvm/merge.h"
#include "adapters/llvm/profdata_tool.h"
#include "adapters/llvm/raw_header.h"
#include "support/atomic_file.h"
#include "support/error.h"
#include "support/strings.h"
#include "workloads/process.h"

namespace pgo {
namespace fs = std::filesystem;

bool rust_merge_in_process(int rustc_llvm_major) {
  if (rustc_llvm_major <= 0 || rustc_llvm_major < linked_llvm_major()) return false;
  return raw_version_of_llvm(rustc_llvm_major) == linked_llvm_raw_version();
}

RustProfileFormat::RustProfileFormat(Toolchain toolchain, ProcessRunner* runner, fs::path profile_dir)
    : ClangProfileFormat(toolchain, runner),
      toolchain_(std::move(toolchain)),
      runner_(runner),
      profile_dir_(std::move(profile_dir)),
      llvm_major_(clang_major_version(toolchain_.llvm_version)) {}

Flags RustProfileFormat::instrument_flags(const BuildRequest&) const {
  return Flags{{"-Cprofile-generate=" + profile_dir_.string()}, {}};
}

Flags RustProfileFormat::use_flags(const fs::path& merged, const BuildRequest&) const {
  return Flags{{"-Cprofile-use=" + merged.string(), "-Cllvm-args=-pgo-warn-missing-function",
                "-Cllvm-args=-no-pgo-warn-mismatch-comdat-weak=false"},
               {}};
}

std::string RustProfileFormat::format_version(const Toolchain& toolchain) const {
  int major = clang_major_version(toolchain.llvm_version);
  if (auto v = raw_version_of_llvm(major)) return std::to_string(*v);
  return toolchain.profile_version;
}

fs::path RustProfileFormat::sysroot() const {
  // detect() records the real compiler, <sysroot>/bin/rustc (not rustup's proxy).
  if (!toolchain_.tool.empty() && toolchain_.tool.parent_path().filename() == "bin")
    return toolchain_.tool.parent_path().parent_path();
  SystemProcessRunner system_runner;
  ProcessRunner& runner = runner_ ? *runner_ : system_runner;
  ProcessSpec spec;
  spec.argv = {"rustc", "--print", "sysroot"};
  spec.timeout = std::chrono::seconds(30);
  CapturedRun rustc = run_captured(runner, spec);
  return rustc.result.ok() ? trim(rustc.out) : "";
}

std::vector<fs::path> RustProfileFormat::sysroot_profdata_candidates() const {
  std::vector<fs::path> found;
  fs::path rustlib = sysroot() / "lib" / "rustlib";
  std::error_code ec;
  if (rustlib.empty() || !fs::is_directory(rustlib, ec)) return found;
  for (const auto& entry : fs::directory_iterator(rustlib, ec))
    if (fs::exists(entry.path() / "bin" / "llvm-profdata", ec)) found.push_back(entry.path() / "bin" / "llvm-profdata");
  std::sort(found.begin(), found.end());
  return found;
}

MergeResult RustProfileFormat::merge(const std::vector<WeightedInput>& inputs, const fs::path& out,
                                     FailureMode mode, int jobs) const {
  LlvmMergeOptions options;
  options.mode = mode;
  options.jobs = jobs;
  options.runner = runner_;
  if (rust_merge_in_process(llvm_major_)) return merge_llvm_profiles(inputs, out, options);

  SystemProcessRunner system_runner;
  ProcessRunner& runner = runner_ ? *runner_ : system_runner;
  std::vector<std::string> tried;
  for (const fs::path& candidate : sysroot_profdata_candidates()) {
    std::string why;
    std::optional<ProfdataTool> tool = probe_profdata_tool(candidate, runner, &why);
    if (tool && tool->llvm_major == llvm_major_) {
      options.tool = &*tool;
      return merge_llvm_profiles(inputs, out, options);
    }
    tried.push_back(candidate.string() + ": " + (tool ? "LLVM " + tool->llvm_version : why));
  }
  const std::optional<uint64_t> raw = raw_version_of_llvm(llvm_major_);
  std::string msg = "rustc " + toolchain_.compiler_version + " uses LLVM " +
                    (toolchain_.llvm_version.empty() ? "(unknown)" : toolchain_.llvm_version) +
                    (raw ? " (raw profile version " + std::to_string(*raw) + ")" : std::string()) +
                    "; pgo merges in process only for LLVM " + std::to_string(linked_llvm_major()) +
                    " and newer releases of the same raw version (it links LLVM " + linked_llvm_version() +
                    "), and rustc's own llvm-profdata is not installed. Install it with "
                    "`rustup component add llvm-tools` (it lands in <sysroot>/lib/rustlib/<host>/bin/llvm-profdata), "
                    "or use a rustc built on LLVM " + std::to_string(linked_llvm_major()) + ".";
  if (!tried.empty()) msg += "\nTried:\n  " + join(tried, "\n  ");
  throw BuildError(msg);
}

}  // namespace pgo
