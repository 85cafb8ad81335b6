// Fake adapters for driving `pgo build` and `pgo status` in unit tests (pipeline_test.cc,
// status_sequencing_test.cc): a build system that writes small text "binaries", a profile
// format whose raw profiles are text files, a post-link optimizer, and a process runner that
// "runs" those binaries without starting a process. All of it is steered and observed
// through one FakeWorld.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "orchestrator/adapter_factories.h"
#include "workloads/config.h"
#include "workloads/process.h"

namespace pgo::testing {

struct FakeWorld {
  // Steering.
  std::optional<BuildRole> fail_build;  // this role's build throws BuildError
  bool use_flags_change_nothing = false;  // the optimized build is byte-identical to the baseline
  bool profile_without_counts = false;    // summarize() finds no function with a count
  std::string compiler_version = "1.0";
  bool wrap_training = false;             // training_command() puts "fake-wrap" in front
  bool post_link = false;                 // one post-link optimizer ("fakebolt") for recipes with "bolt"
  bool post_link_profiles_nothing = false;
  std::vector<std::string> targets = {"app"};
  std::vector<std::string> flag_blind_targets;  // optimized without pgo's flags: as the baseline

  // Observations.
  std::vector<std::string> builds;               // BuildKind::name of each build, in order
  std::vector<std::vector<std::string>> runs;    // argv of each process run
  size_t merges = 0;
};

// The factories; each adapter they make points back at `world`.
AdapterFactories fake_adapters(FakeWorld& world);

// Runs fake binaries: an instrumented one writes <FAKE_PROFILE_DIR>/run.raw; an argument
// "fail" exits 1; an argument "noprofile" writes no profile. stdout gets "out <args>".
class FakeRunner : public ProcessRunner {
 public:
  explicit FakeRunner(FakeWorld& world) : world_(world) {}
  ProcessResult run(const ProcessSpec& spec) override;

 private:
  FakeWorld& world_;
};

// A pgo.yaml for the fakes in `dir` (written there), with `workloads` as its workloads: list.
Config fake_project(const std::filesystem::path& dir, const std::string& workloads);

}  // namespace pgo::testing
