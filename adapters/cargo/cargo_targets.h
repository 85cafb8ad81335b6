// Cargo's test and bench targets as workload binaries. A workload runs the binary that
// `cargo test` / `cargo bench` would run as ${bin:<name>.test} (the integration test
// tests/<name>.rs, `cargo test --test <name>`) or ${bin:<name>.bench} (the benchmark
// benches/<name>.rs, `cargo bench --bench <name>`): Go's `${bin:<pkg>.test}` spelling, with
// Cargo's two harness kinds. Only the ones a workload runs are built. See docs/adapters/cargo.md.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "adapters/cargo/cargo_metadata.h"

namespace pgo::cargo {

struct HarnessTarget {
  enum class Kind { Test, Bench };
  Kind kind = Kind::Test;
  std::string name;        // the Cargo target name ("parse")
  std::string package_id;  // filled by resolve_harness_targets

  // "test" or "bench": Cargo's target kind and the selection flag's name (--test, --bench).
  const char* cargo_kind() const { return kind == Kind::Test ? "test" : "bench"; }
  // The workload's name for it: "parse.bench".
  std::string target() const { return name + "." + cargo_kind(); }
};

// "parse.bench" -> {Bench, "parse"}, "smoke.test" -> {Test, "smoke"}; nullopt for any other
// name (a bin target's).
std::optional<HarnessTarget> parse_harness_target(const std::string& target);

// The harness targets among `referenced` (the ${bin:...} names of the workloads), found in
// `packages`. A name that is a bin target stays a bin. Throws pgo::UsageError naming the
// package's test and bench binaries when one does not exist.
std::vector<HarnessTarget> resolve_harness_targets(const std::set<std::string>& referenced,
                                                   const std::vector<const Package*>& packages,
                                                   const std::string& where);

// The cargo selection arguments: --bin <t> for each bin, --test/--bench <name> for each
// harness target.
std::vector<std::string> target_selection_args(const std::vector<std::string>& targets,
                                               const std::vector<HarnessTarget>& harness);

}  // namespace pgo::cargo
