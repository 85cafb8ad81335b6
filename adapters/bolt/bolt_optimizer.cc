#include "adapters/bolt/bolt_optimizer.h"

#include <algorithm>
#include <cctype>

#include "adapters/logged_step.h"
#include "support/error.h"
#include "support/strings.h"

namespace pgo {
namespace fs = std::filesystem;

namespace {

constexpr const char* kFdataName = "prof.fdata";  // the runtime appends .<pid>.fdata

std::optional<fs::path> find_tool(const std::string& name) {
  for (int major = 30; major >= 16; --major) {
    if (auto p = find_program(name + "-" + std::to_string(major))) return *p;
    fs::path in_lib = "/usr/lib/llvm-" + std::to_string(major) + "/bin/" + name;
    std::error_code ec;
    if (fs::exists(in_lib, ec)) return in_lib;
  }
  return find_program(name);
}

std::vector<fs::path> fdata_files(const fs::path& dir) {
  std::vector<fs::path> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec))
    if (e.is_regular_file(ec) && e.path().filename().string().starts_with(kFdataName)) out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

BoltTools find_bolt_tools() {
  std::optional<fs::path> bolt = find_tool("llvm-bolt"), merge = find_tool("merge-fdata");
  if (!bolt || !merge)
    throw BuildError(std::string("BOLT needs llvm-bolt and merge-fdata, and ") + (bolt ? "merge-fdata" : "llvm-bolt") +
                     " is not installed (Debian: apt install bolt-22)");
  return BoltTools{*bolt, *merge};
}

std::optional<std::pair<size_t, size_t>> parse_profiled_functions(std::string_view output) {
  // "BOLT-INFO: 295 out of 710 functions in the binary (41.5%) have non-empty execution profile"
  const std::string_view marker = " functions in the binary";
  for (size_t at = output.find(marker); at != std::string_view::npos; at = output.find(marker, at + 1)) {
    size_t line = output.rfind('\n', at);
    std::string_view head = output.substr(line == std::string_view::npos ? 0 : line + 1,
                                          at - (line == std::string_view::npos ? 0 : line + 1));
    size_t out_of = head.find(" out of ");
    if (out_of == std::string_view::npos) continue;
    size_t start = out_of;
    while (start > 0 && std::isdigit(static_cast<unsigned char>(head[start - 1]))) --start;
    std::string profiled(head.substr(start, out_of - start)), total(head.substr(out_of + 8));
    if (profiled.empty() || total.empty() || !std::all_of(total.begin(), total.end(), ::isdigit)) continue;
    return std::make_pair(static_cast<size_t>(std::stoull(profiled)), static_cast<size_t>(std::stoull(total)));
  }
  return std::nullopt;
}

std::vector<std::string> bolt_optimize_command(const BoltTools& tools, const fs::path& binary, const fs::path& profile,
                                               const fs::path& out) {
  return {tools.bolt.string(),        binary.string(),         "-o",           out.string(),
          "-data=" + profile.string(), "-reorder-blocks=ext-tsp", "-reorder-functions=cdsort",
          "-split-functions",          "-split-all-cold",         "-split-eh",    "-icf=1",
          "-dyno-stats"};
}

BoltOptimizer::BoltOptimizer(std::string compiler_id, fs::path shared_dir, ProcessRunner& runner, BoltTools tools)
    : compiler_id_(std::move(compiler_id)), shared_dir_(std::move(shared_dir)), runner_(runner),
      tools_(std::move(tools)) {}

Flags BoltOptimizer::link_flags() const {
  // Relocations kept in the executable let BOLT move functions, not only blocks within them.
  if (compiler_id_ == "rustc") return {{}, {"-Clink-arg=-Wl,--emit-relocs"}};
  return {{}, {"-Wl,--emit-relocs"}};
}

void BoltOptimizer::instrument(const fs::path& binary, const fs::path& out) const {
  fs::create_directories(shared_dir_);
  for (const fs::path& stale : fdata_files(shared_dir_)) fs::remove(stale);
  LoggedStep step;
  step.what = "llvm-bolt -instrument";
  step.spec.argv = {tools_.bolt.string(), binary.string(), "-instrument", "-o", out.string(),
                    "-instrumentation-file=" + (shared_dir_ / kFdataName).string(),
                    "-instrumentation-file-append-pid"};
  std::string log;
  run_logged_step(runner_, step, out.parent_path() / "bolt-instrument.log", log);
}

fs::path BoltOptimizer::collect(const fs::path& run_dir) const {
  std::vector<fs::path> files = fdata_files(shared_dir_);
  if (files.empty()) return {};
  fs::path dir = run_dir / "bolt";
  fs::create_directories(dir);
  bool any = false;
  for (const fs::path& f : files) {
    std::error_code ec;
    any = any || fs::file_size(f, ec) > 0;
    fs::rename(f, dir / f.filename());
  }
  return any ? dir : fs::path();
}

MergeResult BoltOptimizer::merge(const std::vector<WeightedInput>& inputs, const fs::path& out, FailureMode,
                                 int) const {
  ProcessSpec spec;
  spec.argv = {tools_.merge_fdata.string()};
  size_t files = 0;
  for (const WeightedInput& in : inputs)
    for (const fs::path& f : fdata_files(in.path)) {
      ++files;
      for (uint64_t i = 0; i < in.weight; ++i) spec.argv.push_back(f.string());
    }
  if (files == 0) throw WorkloadError("no BOLT profile to merge: the training runs wrote no .fdata file");
  fs::create_directories(out.parent_path());
  spec.stdout_file = out;
  spec.stderr_file = out.parent_path() / "merge-fdata.log";
  ProcessResult r = runner_.run(spec);
  throw_if_interrupted();
  if (!r.ok())
    throw BuildError("merge-fdata failed (" + r.describe() + "); its messages are in " + spec.stderr_file.string());
  return MergeResult{out, files, {}, "merge-fdata"};
}

PostLinkResult BoltOptimizer::optimize(const fs::path& binary, const fs::path& profile, const fs::path& out) const {
  LoggedStep step;
  step.what = "llvm-bolt";
  step.spec.argv = bolt_optimize_command(tools_, binary, profile, out);
  std::string log;
  std::string output = run_logged_step(runner_, step, out.parent_path() / "bolt-optimize.log", log);
  std::optional<std::pair<size_t, size_t>> counts = parse_profiled_functions(output);
  if (!counts)
    throw BuildError("llvm-bolt did not say how many functions have a profile (see " +
                     (out.parent_path() / "bolt-optimize.log").string() + ")");
  return PostLinkResult{out, counts->second, counts->first};
}

}  // namespace pgo
