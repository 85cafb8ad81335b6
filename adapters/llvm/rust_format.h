// rustc's flavour of LLVM IR PGO as a ProfileFormat: -Cprofile-generate / -Cprofile-use and
// -Cllvm-args for the warnings, the same raw profiles, run environment, summary and warning
// texts as Clang (ClangProfileFormat), and a merge that respects rustc's own LLVM release.
// See docs/adapters/cargo.md.
#pragma once

#include <filesystem>
#include <string>

#include "adapters/llvm/clang_format.h"

namespace pgo {

// Whether pgo's linked LLVM may merge for a rustc built on LLVM `rustc_llvm_major`: the raw
// version must be the one the linked LLVM reads, and rustc's LLVM must not be older than the
// linked one (an older LLVM may not read the newer indexed format pgo would write).
bool rust_merge_in_process(int rustc_llvm_major);

class RustProfileFormat : public ClangProfileFormat {
 public:
  // `toolchain`: compiler_version is rustc's release, llvm_version its LLVM release,
  // tool the real rustc binary (<sysroot>/bin/rustc) when known. `profile_dir` is
  // compiled into instrumented binaries (training runs override it with LLVM_PROFILE_FILE).
  RustProfileFormat(Toolchain toolchain, ProcessRunner* runner, std::filesystem::path profile_dir);

  // -Cprofile-generate=<profile_dir>; rustc links the profiler runtime itself.
  Flags instrument_flags(const BuildRequest& request) const override;
  // -Cprofile-use=<merged>, -Cllvm-args=-pgo-warn-missing-function and the comdat/weak
  // mismatch warnings; LLVM reports through rustc as warnings, never errors.
  Flags use_flags(const std::filesystem::path& merged, const BuildRequest& request) const override;
  // None: rustc 1.95 builds LLVM's PGO options itself with no CS action, so
  // -Cllvm-args=-cs-profile-generate instruments nothing, and -Cprofile-generate with
  // -Cprofile-use is refused (docs/adapters/llvm.md, "Context-sensitive PGO"). The override
  // also keeps ClangProfileFormat's clang flags from reaching rustc.
  std::optional<Flags> context_sensitive_flags(const std::filesystem::path& stage1_profile,
                                               const BuildRequest& request) const override {
    (void)stage1_profile, (void)request;
    return std::nullopt;
  }
  // In process (LLVM ProfileData) when rust_merge_in_process(); otherwise with the
  // llvm-profdata of rustc's sysroot (rustup's llvm-tools component); otherwise
  // pgo::BuildError naming rustc's LLVM release and `rustup component add llvm-tools`.
  MergeResult merge(const std::vector<WeightedInput>& inputs, const std::filesystem::path& out,
                    FailureMode mode, int jobs) const override;
  // The raw profile version rustc's LLVM writes ("10" for LLVM 22).
  std::string format_version(const Toolchain& toolchain) const override;

  // <sysroot>/lib/rustlib/<triple>/bin/llvm-profdata paths that exist.
  std::vector<std::filesystem::path> sysroot_profdata_candidates() const;

 private:
  std::filesystem::path sysroot() const;

  Toolchain toolchain_;
  ProcessRunner* runner_;
  std::filesystem::path profile_dir_;
  int llvm_major_ = 0;
};

}  // namespace pgo
