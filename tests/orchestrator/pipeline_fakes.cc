#include "tests/orchestrator/pipeline_fakes.h"

#include <algorithm>
#include <fstream>

#include "support/atomic_file.h"
#include "support/error.h"
#include "support/strings.h"

namespace pgo::testing {
namespace fs = std::filesystem;

namespace {

std::string slurp(const fs::path& file) {
  std::error_code ec;
  return fs::is_regular_file(file, ec) ? read_file(file) : "";
}

// A "binary" is a text file naming the flags it was built with.
class FakeBuildSystem : public BuildSystem {
 public:
  explicit FakeBuildSystem(FakeWorld& world) : world_(world) {}

  Toolchain detect(const fs::path&) override {
    Toolchain tc;
    tc.compiler_id = "fake";
    tc.compiler_version = world_.compiler_version;
    tc.tool = "/fake/bin/cc";
    return tc;
  }

  BuildResult build(const BuildRequest& request) override {
    world_.builds.push_back(request.kind.name);
    if (world_.fail_build == request.kind.role) throw BuildError("fake " + request.kind.name + " build failed");
    fs::create_directories(request.build_dir);
    BuildResult result;
    for (const std::string& target : request.targets.empty() ? world_.targets : request.targets) {
      fs::path bin = request.build_dir / target;
      bool blind = request.kind.role == BuildRole::Optimized &&
                   std::count(world_.flag_blind_targets.begin(), world_.flag_blind_targets.end(), target) > 0;
      const Flags flags = blind ? Flags{} : request.flags;
      write_file_atomic(bin, "fake binary " + target + " flags: " + join(flags.compile, " ") + " " +
                                 join(flags.link, " ") + "\n");
      result.artifacts.push_back(Artifact{target, bin, false});
    }
    result.log = request.build_dir / "build.log";
    write_file_atomic(result.log, "built\n");
    return result;
  }

  std::vector<std::string> executable_targets(const fs::path&) override { return world_.targets; }
  bool is_source(const fs::path& relative) const override { return relative.extension() == ".src"; }

 private:
  FakeWorld& world_;
};

// Raw profiles are text files; the merged profile is their concatenation.
class FakeFormat : public ProfileFormat {
 public:
  explicit FakeFormat(FakeWorld& world) : world_(world) {}
  std::string name() const override { return "fake"; }
  std::string merged_extension() const override { return ".fakeprof"; }
  Flags instrument_flags(const BuildRequest&) const override { return {{"-finstrument"}, {}}; }
  Flags use_flags(const fs::path& merged, const BuildRequest&) const override {
    if (world_.use_flags_change_nothing) return {};
    return {{"-fuse=" + merged.string()}, {}};
  }
  Environment training_env(const fs::path& run_dir) const override { return {{"FAKE_PROFILE_DIR", run_dir.string()}}; }
  std::vector<std::string> training_command(const std::vector<std::string>& argv, const fs::path& run_dir) const override {
    if (!world_.wrap_training) return ProfileFormat::training_command(argv, run_dir);
    std::vector<std::string> wrapped = {"fake-wrap"};
    wrapped.insert(wrapped.end(), argv.begin(), argv.end());
    return wrapped;
  }
  fs::path collect(const fs::path& run_dir) const override {
    std::error_code ec;
    return fs::exists(run_dir / "run.raw", ec) ? run_dir / "run.raw" : fs::path();
  }
  MergeResult merge(const std::vector<WeightedInput>& inputs, const fs::path& out, FailureMode, int) const override {
    ++world_.merges;
    std::string text;
    for (const WeightedInput& in : inputs) text += std::to_string(in.weight) + " " + slurp(in.path);
    write_file_atomic(out, text);
    return MergeResult{out, inputs.size(), {}, "fake merge"};
  }
  ProfileSummary summarize(const fs::path& merged) const override {
    ProfileSummary s;
    s.functions = 2;
    s.functions_with_counts = world_.profile_without_counts || slurp(merged).empty() ? 0 : 2;
    s.total_count = s.functions_with_counts * 5;
    return s;
  }
  ProfileDiagnostics scan_build_output(std::string_view) const override { return {}; }
  std::string format_version(const Toolchain&) const override { return "1"; }
  FunctionMatch match(const fs::path& stored, const BuildRequest&, const BuildResult&) const override {
    if (slurp(stored).find("counts") == std::string::npos) throw Error(ExitCode::kCheckFailed, stored.string() + ": not a fake profile");
    FunctionMatch m;
    m.available = true;
    m.functions = m.unchanged = 2;
    m.total_count = m.unchanged_count = 10;
    return m;
  }

 private:
  FakeWorld& world_;
};

// Rewrites a binary by appending a line; its "instrumented" copy writes raw profiles too.
class FakePostLink : public PostLinkOptimizer {
 public:
  explicit FakePostLink(FakeWorld& world) : world_(world) {}
  std::string name() const override { return "fakebolt"; }
  std::string merged_extension() const override { return ".fdata"; }
  Flags link_flags() const override { return {{}, {"-Wl,--emit-relocs"}}; }
  Environment training_env(const fs::path& run_dir) const override { return {{"FAKE_PROFILE_DIR", run_dir.string()}}; }
  fs::path collect(const fs::path& run_dir) const override {
    std::error_code ec;
    return fs::exists(run_dir / "run.raw", ec) ? run_dir / "run.raw" : fs::path();
  }
  MergeResult merge(const std::vector<WeightedInput>& inputs, const fs::path& out, FailureMode, int) const override {
    write_file_atomic(out, "fdata of " + std::to_string(inputs.size()) + " runs\n");
    return MergeResult{out, inputs.size(), {}, "fake merge-fdata"};
  }
  void instrument(const fs::path& binary, const fs::path& out) const override {
    write_file_atomic(out, slurp(binary) + "-finstrument (post-link)\n");
  }
  PostLinkResult optimize(const fs::path& binary, const fs::path& profile, const fs::path& out) const override {
    write_file_atomic(out, slurp(binary) + "rewritten with " + profile.filename().string() + "\n");
    return PostLinkResult{out, 3, world_.post_link_profiles_nothing ? 0u : 2u};
  }

 private:
  FakeWorld& world_;
};

}  // namespace

AdapterFactories fake_adapters(FakeWorld& world) {
  return AdapterFactories{
      [&world](const Config&, const ToolchainSpec&, ProcessRunner&) { return std::make_unique<FakeBuildSystem>(world); },
      [&world](const Toolchain&, const FormatContext&) { return std::make_unique<FakeFormat>(world); },
      [&world](const Recipe& recipe, const Toolchain&, ProcessRunner&, const fs::path&) {
        std::vector<std::unique_ptr<PostLinkOptimizer>> stages;
        if (world.post_link && recipe.has("bolt")) stages.push_back(std::make_unique<FakePostLink>(world));
        return stages;
      },
  };
}

ProcessResult FakeRunner::run(const ProcessSpec& spec) {
  world_.runs.push_back(spec.argv);
  ProcessResult r;
  r.exit_code = 0;
  r.wall_s = 0.01;
  std::vector<std::string> argv = spec.argv;
  if (!argv.empty() && argv[0] == "fake-wrap") argv.erase(argv.begin());
  std::string args;
  for (size_t i = 1; i < argv.size(); ++i) args += " " + argv[i];
  if (!spec.stdout_file.empty()) std::ofstream(spec.stdout_file) << "out" << args << "\n";
  if (args.find(" fail") != std::string::npos) {
    r.exit_code = 1;
    return r;
  }
  auto dir = spec.env.find("FAKE_PROFILE_DIR");
  bool instrumented = !argv.empty() && slurp(argv[0]).find("-finstrument") != std::string::npos;
  if (dir != spec.env.end() && instrumented && args.find("noprofile") == std::string::npos)
    write_file_atomic(fs::path(dir->second) / "run.raw", "counts" + args + "\n");
  return r;
}

Config fake_project(const fs::path& dir, const std::string& workloads) {
  fs::create_directories(dir);
  std::string text = "version: 1\n"
                     "build:\n"
                     "  system: command\n"
                     "  build: [\"true\"]\n"
                     "  artifacts:\n"
                     "    app: app\n"
                     "toolchains: [gcc]\n"
                     "workloads:\n" +
                     workloads;
  write_file_atomic(dir / "pgo.yaml", text);
  write_file_atomic(dir / "main.src", "source\n");
  return parse_config(text, dir / "pgo.yaml");
}

}  // namespace pgo::testing
