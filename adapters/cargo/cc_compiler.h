// The C compiler that the `cc` crate would use in a build script, and whether its objects
// could share rustc's LLVM profile format (only a clang of rustc's LLVM major version
// writes and reads the same raw and indexed profile versions).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace pgo::cargo {

// The compiler command the cc crate picks for `target` when building on `host`: the first
// set of CC_<target>, CC_<target with '_' for '-'>, HOST_CC (target == host) or TARGET_CC,
// CC; else "cc". A wrapper prefix ("ccache clang") is dropped: the last word is returned.
std::string cc_crate_compiler(const std::map<std::string, std::string>& environment, const std::string& target,
                              const std::string& host);

// The major version in a `<compiler> --version` text if it is clang ("clang version 22.1.8",
// "Debian clang version 22.1.8 (...)", "Apple clang version ..."); nullopt otherwise.
std::optional<int> clang_major_from_version_output(std::string_view text);

// A warning for the report when the cc crate's compiler is not a clang of `llvm_major`;
// nullopt when it is. `version_output` is its `--version` text (empty if it did not run).
std::optional<std::string> cc_compiler_warning(const std::string& compiler, std::string_view version_output,
                                               int llvm_major);

}  // namespace pgo::cargo
