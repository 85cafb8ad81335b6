// The user's rustflags and pgo's, combined so that both reach rustc.
//
// Cargo takes rustflags from the first of these sources that is set and ignores the rest:
// CARGO_ENCODED_RUSTFLAGS, RUSTFLAGS, the matching target.<triple>/target.<cfg> rustflags
// of the configuration (joined), build.rustflags. Setting any one of them for pgo's flags
// would silently drop the user's from a later source. So pgo asks Cargo which flags it
// would use (a probe crate whose build script reports CARGO_ENCODED_RUSTFLAGS, run from
// the project directory so that the same config files apply) and passes
// CARGO_ENCODED_RUSTFLAGS = <those flags> + <pgo's flags> to every build.
// See docs/adapters/cargo.md.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/build_system.h"

namespace pgo {
class ProcessRunner;
}

namespace pgo::cargo {

inline constexpr char kFlagSeparator = '\x1f';  // CARGO_ENCODED_RUSTFLAGS separator

// "a\x1fb" -> {"a", "b"}; "" -> {} (Cargo's reading: set but empty means no flags).
std::vector<std::string> decode_rustflags(std::string_view encoded);
std::string encode_rustflags(const std::vector<std::string>& flags);

// The user's flags first, then pgo's compile flags, then pgo's link flags not already
// among the compile flags (rustc compiles and links in one invocation).
std::vector<std::string> combine_rustflags(const std::vector<std::string>& user, const Flags& pgo);

// The first user flag that sets a PGO option pgo manages itself (-Cprofile-generate,
// -Cprofile-use, -Cprofile-sample-use, in any spelling: "-Cx", "-C x", "--codegen x",
// "--codegen=x"), as written; nullopt if none.
std::optional<std::string> conflicting_pgo_flag(const std::vector<std::string>& user);

// Which source Cargo takes rustflags from, given the environment variables that are set:
// "CARGO_ENCODED_RUSTFLAGS", "RUSTFLAGS", or "Cargo configuration (target.*.rustflags or
// build.rustflags)".
std::string rustflags_source(const std::map<std::string, std::string>& environment);

// The rustflags Cargo would pass to rustc for crates built for `target`, as it computes
// them from the environment and the configuration seen from `project_dir`. Builds a tiny
// probe crate under `probe_dir` (its own target directory). Throws pgo::BuildError with
// Cargo's output if the probe fails (e.g. flags that rustc rejects).
std::vector<std::string> probe_user_rustflags(ProcessRunner& runner, const std::filesystem::path& project_dir,
                                              const std::filesystem::path& probe_dir, const std::string& target);

}  // namespace pgo::cargo
