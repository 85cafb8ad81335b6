#include "adapters/pprof/pprof_format.h"

#include <algorithm>
#include <set>
#include <system_error>

#include "adapters/pprof/go_edge_match.h"
#include "adapters/pprof/go_functions.h"
#include "adapters/pprof/go_sources.h"
#include "adapters/pprof/pprof_analysis.h"
#include "adapters/pprof/pprof_reader.h"
#include "support/atomic_file.h"
#include "support/error.h"
#include "support/strings.h"

namespace pgo {
namespace fs = std::filesystem;

namespace {

bool is_profile_file(const fs::directory_entry& e) {
  std::error_code ec;
  return e.is_regular_file(ec) && e.path().extension() == ".pprof";
}

// Directories become their *.pprof files (sorted, so the merge order is stable).
std::vector<WeightedInput> expand(const std::vector<WeightedInput>& inputs, std::vector<std::string>& bad) {
  std::vector<WeightedInput> files;
  for (const WeightedInput& in : inputs) {
    std::error_code ec;
    if (!fs::is_directory(in.path, ec)) {
      files.push_back(in);
      continue;
    }
    std::vector<fs::path> found;
    for (const auto& e : fs::directory_iterator(in.path, ec))
      if (is_profile_file(e)) found.push_back(e.path());
    std::sort(found.begin(), found.end());
    if (found.empty()) bad.push_back(in.path.string() + ": no *.pprof file in this directory");
    for (const auto& f : found) files.push_back({f, in.weight});
  }
  return files;
}

}  // namespace

PprofProfileFormat::PprofProfileFormat(fs::path go, std::string go_version, ProcessRunner& runner,
                                       fs::path instrumented_dir)
    : go_(std::move(go)), go_version_(std::move(go_version)), runner_(runner),
      instrumented_dir_(std::move(instrumented_dir)) {}

Flags PprofProfileFormat::instrument_flags(const BuildRequest&) const { return Flags{{"-pgo=off"}, {}}; }

Flags PprofProfileFormat::use_flags(const fs::path& merged, const BuildRequest&) const {
  return Flags{{"-pgo=" + fs::absolute(merged).lexically_normal().string()}, {}};
}

Environment PprofProfileFormat::training_env(const fs::path& run_dir) const {
  return {{kGoCpuProfileEnv, (run_dir / kGoProfileSubdir).string()}};
}

fs::path PprofProfileFormat::collect(const fs::path& run_dir) const {
  fs::path dir = run_dir / kGoProfileSubdir;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec))
    if (is_profile_file(e) && e.file_size(ec) > 0) return dir;
  return {};
}

std::vector<std::string> PprofProfileFormat::merge_command(const std::vector<WeightedInput>& files) const {
  // -symbolize=none: Go profiles carry their symbols; never look for binaries or servers.
  std::vector<std::string> argv = {go_.string(), "tool", "pprof", "-proto", "-symbolize=none"};
  for (const WeightedInput& f : files)
    for (uint64_t i = 0; i < std::max<uint64_t>(1, f.weight); ++i) argv.push_back(f.path.string());
  return argv;
}

MergeResult PprofProfileFormat::merge(const std::vector<WeightedInput>& inputs, const fs::path& out,
                                      FailureMode mode, int) const {
  if (inputs.empty()) throw WorkloadError("no profiles to merge into " + out.string());
  std::vector<std::string> bad;
  std::vector<WeightedInput> files = expand(inputs, bad);
  std::vector<WeightedInput> good;
  int64_t expected = 0;
  for (const WeightedInput& f : files) {
    try {
      PprofSummary s = summarize_pprof(read_pprof(f.path), f.path.string());
      expected += s.samples * static_cast<int64_t>(std::max<uint64_t>(1, f.weight));
      good.push_back(f);
    } catch (const Error& e) {
      bad.push_back(e.what());
    }
  }
  if (!bad.empty() && mode == FailureMode::Any)
    throw WorkloadError("cannot merge profile " + bad.front() +
                        " (merge.failure_mode is `any`; `warn` or `all` leave bad profiles out)");
  if (good.empty()) {
    std::string msg = "no usable profile among " + std::to_string(files.size()) + " input(s):";
    for (size_t i = 0; i < bad.size() && i < 10; ++i) msg += "\n  " + bad[i];
    throw WorkloadError(msg);
  }

  ProcessSpec spec;
  spec.argv = merge_command(good);
  spec.stdout_file = out;  // the merged profile; stderr is captured
  CapturedRun merge = run_captured(runner_, spec, Streams::kApart, out.parent_path());
  throw_if_interrupted();
  if (!merge.result.ok())
    throw WorkloadError("merging " + std::to_string(good.size()) + " Go CPU profile(s) failed (" +
                        merge.result.describe() + "): " + shell_quote_for_display(spec.argv) + "\n" +
                        tail_lines(merge.err, 15));
  PprofSummary merged = summarize_pprof(read_pprof(out), out.string());
  if (merged.samples != expected)
    throw WorkloadError("the merged profile " + out.string() + " holds " + std::to_string(merged.samples) +
                        " samples, but the weighted inputs hold " + std::to_string(expected) + " (" +
                        shell_quote_for_display(spec.argv) + ")");
  MergeResult result;
  result.output = out;
  result.inputs_merged = good.size();
  result.skipped = bad;
  result.method = "go tool pprof -proto (" + go_version_ + ")";
  return result;
}

ProfileSummary PprofProfileFormat::summarize(const fs::path& merged) const {
  PprofProfile profile = read_pprof(merged);
  PprofSummary s = summarize_pprof(profile, merged.string());
  ProfileSummary out;
  out.functions = s.functions;
  out.functions_with_counts = s.functions_with_samples;
  out.total_count = static_cast<uint64_t>(std::max<int64_t>(0, s.samples));
  out.warnings = go_profile_quality_warnings(pprof_sample_count(profile, s));
  // The project's own functions: the main module's packages the instrumented build listed;
  // without that list (a stored or sharded profile), whatever is not the standard library.
  std::set<std::string> packages;
  std::string module;
  std::error_code ec;
  if (!instrumented_dir_.empty() && fs::exists(instrumented_dir_ / kGoSourcesFileName, ec)) {
    try {
      GoSources sources = read_go_sources(instrumented_dir_ / kGoSourcesFileName);
      module = sources.module_path;
      for (const auto& [_, list] : sources.targets)
        for (const auto& p : list) packages.insert(p.prefix);
    } catch (const Error&) {
    }
  }
  auto own = [&](const std::string& name) {
    std::string pkg = go_symbol_package(name);
    if (!module.empty()) return packages.count(pkg) > 0 || pkg == go_symbol_prefix(module) || pkg.starts_with(module + "/");
    std::string first = pkg.substr(0, pkg.find('/'));
    return pkg == "main" || (name.find('.') != std::string::npos && first.find('.') != std::string::npos);
  };
  for (const auto& f : own_functions_first(s.by_flat, own)) {
    if (out.hottest.size() >= 10) break;
    out.hottest.push_back({f.name, static_cast<uint64_t>(f.flat)});
  }
  return out;
}

ProfileDiagnostics PprofProfileFormat::scan_build_output(std::string_view) const {
  // The Go compiler says nothing about profile use; the build system checks instead that
  // the binary records -pgo=<profile> (go version -m).
  return {};
}

std::string PprofProfileFormat::format_version(const Toolchain&) const { return "profile.proto"; }

FunctionMatch PprofProfileFormat::match(const fs::path& stored, const BuildRequest& request,
                                        const BuildResult&) const {
  PprofCallEdges edges = pprof_call_edges(read_pprof(stored), stored.string());
  if (!edges.has_start_lines && !edges.edges.empty())
    throw Error(ExitCode::kCheckFailed, stored.string() + ": its functions have no start_line; Go's PGO rejects such "
                                        "a profile (go build -pgo fails)");
  // The current side is pgo's own doing: when it fails, say so instead of blaming the profile.
  GoCurrentCode code;
  try {
    GoSources sources = read_go_sources(request.build_dir / kGoSourcesFileName);
    // One merged profile serves every binary of the build (pgo stores a copy per target),
    // so its edges are looked up in the packages of all of them; a package that a test
    // binary compiles with its test files is scanned once, with them (appended, as go does).
    std::vector<GoSourcePackage> packages;
    for (const auto& [_, list] : sources.targets)
      for (const auto& p : list) {
        auto same = std::find_if(packages.begin(), packages.end(),
                                 [&](const GoSourcePackage& q) { return q.prefix == p.prefix; });
        if (same == packages.end()) {
          packages.push_back(p);
          continue;
        }
        for (const auto& f : p.files)
          if (std::find(same->files.begin(), same->files.end(), f) == same->files.end()) same->files.push_back(f);
      }
    code.module_path = sources.module_path;
    for (const auto& p : packages) code.packages.insert(p.prefix);
    code.functions = scan_go_functions(go_, runner_, packages, request.build_dir / "pgo-go-functions");
  } catch (const Error& e) {
    if (e.code() == ExitCode::kInterrupted) throw;
    FunctionMatch m;
    m.note = std::string("no Go function match: ") + e.what();
    return m;
  }
  return match_go_call_edges(edges, code);
}

}  // namespace pgo
