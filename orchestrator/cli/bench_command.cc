// `pgo bench`: benchmarks the binaries the last `pgo build` left in .pgo/build/<toolchain>/,
// or compares two stored reports (--compare). docs/benchmarking.md, "pgo bench".
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <limits>
#include <memory>
#include <optional>

#include "adapters/cmake/file_api.h"
#include "orchestrator/bench/compare.h"
#include "orchestrator/bench/instructions.h"
#include "orchestrator/bench/output_check.h"
#include "orchestrator/bench/settings.h"
#include "orchestrator/cli/commands.h"
#include "orchestrator/cli/common.h"
#include "orchestrator/pipeline.h"
#include "orchestrator/progress.h"
#include "orchestrator/report/json.h"
#include "orchestrator/report/terminal.h"
#include "orchestrator/store.h"
#include "support/atomic_file.h"
#include "support/error.h"
#include "support/strings.h"
#include "workloads/config.h"
#include "workloads/expand.h"
#include "workloads/process.h"

namespace fs = std::filesystem;
using nlohmann::json;

namespace pgo::cli {
namespace {

struct BenchArgs {
  std::string directory = ".";
  std::string config;
  std::vector<std::string> toolchains;
  bool json = false;
  bool aa = false;
  std::string metric = "wall";
  double fail_below = 0;  // 0: no gate
  bool fail_on_regression = false;
  std::optional<uint64_t> seed;
  std::vector<std::string> compare;  // OLD.json NEW.json
};

std::string fixed(double v, int digits) {
  if (!std::isfinite(v)) return "-";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

// The executables of one build tree, from the CMake File API reply that `pgo build` left.
struct BuiltTree {
  std::map<std::string, fs::path> bins;  // target -> executable that exists on disk
  std::vector<cmake::ToolchainEntry> compilers;
};

BuiltTree read_built_tree(const fs::path& build_dir, const std::string& toolchain, const std::string& kind) {
  const std::string first = "run `pgo build --toolchain " + toolchain + "` first";
  fs::path reply = cmake::reply_dir(build_dir);
  if (!fs::is_directory(reply))
    throw UsageError("no " + kind + " build of " + toolchain + " in " + build_dir.string() + ": " + first);
  cmake::FileApiReply parsed = cmake::read_reply(reply);
  BuiltTree tree;
  tree.compilers = parsed.toolchains;
  for (const auto& t : parsed.codemodel.targets) {
    if (t.type != "EXECUTABLE" || t.artifacts.empty()) continue;
    fs::path artifact = t.artifacts.front();
    fs::path path = artifact.is_absolute() ? artifact : (build_dir / artifact).lexically_normal();
    if (fs::exists(path)) tree.bins[t.name] = path;
  }
  return tree;
}

// The compilers from the File API reply, the profile format from the stored profile's metadata.
Toolchain toolchain_of(const std::string& name, const BuiltTree& tree, const ProfileStore& store) {
  Toolchain t;
  t.name = name;
  for (const auto& [target, path] : tree.bins) {
    fs::path metadata = store.metadata_path(target, name);
    if (!fs::exists(metadata)) continue;
    json m = json::parse(read_file(metadata), nullptr, /*allow_exceptions=*/false);
    if (!m.is_object() || !m.contains("profile") || !m["profile"].is_object()) continue;
    t.profile_format = m["profile"].value("format", "");
    t.profile_version = m["profile"].value("version", "");
    break;
  }
  for (const auto& c : tree.compilers) {
    if (c.language == "C") t.c_compiler = c.path;
    if (c.language == "CXX") t.cxx_compiler = c.path;
    if (t.compiler_id.empty() || c.language == "CXX") {
      t.compiler_id = c.compiler_id;
      t.compiler_version = c.version;
    }
  }
  return t;
}

json instruction_stats_json(const bench::InstructionStats& s) {
  json samples = json::array();
  for (uint64_t c : s.counts) samples.push_back({{"instructions", c}});
  return {{"runs", s.counts.size()}, {"median", s.median}, {"min", s.min},   {"max", s.max},
          {"spread", s.spread()},    {"samples", samples}};
}

// report.json's result entry for an instruction count: counts instead of times.
void patch_instruction_result(json& r, const bench::InstructionResult& ir) {
  r["counter"] = bench::to_string(ir.counter);
  r["baseline"] = instruction_stats_json(ir.baseline);
  r["optimized"] = instruction_stats_json(ir.optimized);
  r["speedup_range"] = r["speedup_ci95"];
  r.erase("speedup_ci95");
  r.erase("ci_half_width");
  r.erase("stop_reason");
}

WorkloadResult instruction_workload_result(const std::string& tc, const WorkloadSpec& w,
                                           const bench::InstructionResult& ir) {
  WorkloadResult result{tc, bench::targets_label(w), w.name, w.weight, "instructions", {}};
  bench::BenchResult& b = result.bench;
  b.speedup = ir.speedup;
  b.ci_lo = ir.lo;
  b.ci_hi = ir.hi;
  b.p_value = std::numeric_limits<double>::quiet_NaN();
  b.verdict = ir.verdict;
  b.outputs_compared = ir.outputs_compared;
  b.outputs_match = ir.outputs_match;
  b.mismatch = ir.mismatch;
  b.output_checked = ir.output_checked;
  b.failed = ir.failed;
  b.failure = ir.failure;
  b.baseline.runs = static_cast<int>(ir.baseline.counts.size());
  b.optimized.runs = static_cast<int>(ir.optimized.counts.size());
  b.rounds = std::min(b.baseline.runs, b.optimized.runs);
  b.stop_reason = ir.failed ? bench::StopReason::RunFailed : bench::StopReason::MaxRuns;
  return result;
}

void print_instruction_report(const Report& report, const std::vector<std::optional<bench::InstructionResult>>& counts,
                              std::ostream& out) {
  out << "\npgo bench for " << report.project.string() << "\n\nResults (instructions retired, median of "
      << "each binary's runs; speedup = instructions(baseline) / instructions(optimized))\n";
  std::vector<std::vector<std::string>> rows = {
      {"toolchain", "target", "workload", "counter", "baseline", "optimized", "speedup", "range", "spread", "verdict",
       "runs", "outputs"}};
  for (size_t i = 0; i < report.results.size(); ++i) {
    const WorkloadResult& w = report.results[i];
    const bench::InstructionResult& ir = *counts[i];
    rows.push_back({w.toolchain, w.target, w.workload, bench::to_string(ir.counter),
                    fixed(ir.baseline.median / 1e6, 3) + " M", fixed(ir.optimized.median / 1e6, 3) + " M",
                    fixed(ir.speedup, 4) + "x", "[" + fixed(ir.lo, 4) + ", " + fixed(ir.hi, 4) + "]",
                    fixed(100 * std::max(ir.baseline.spread(), ir.optimized.spread()), 3) + " %",
                    bench::to_string(ir.verdict),
                    std::to_string(ir.baseline.counts.size()) + "+" + std::to_string(ir.optimized.counts.size()),
                    !ir.outputs_compared ? "-" : ir.outputs_match ? "match" : "DIFFER"});
  }
  std::vector<size_t> width(rows[0].size(), 0);
  for (const auto& row : rows)
    for (size_t c = 0; c < row.size(); ++c) width[c] = std::max(width[c], row[c].size());
  for (const auto& row : rows) {
    out << "  ";
    for (size_t c = 0; c < row.size(); ++c)
      out << row[c] << (c + 1 < row.size() ? std::string(width[c] - row[c].size() + 2, ' ') : "");
    out << '\n';
  }
  out << "\nGeometric mean speedup (instructions):";
  for (const auto& t : report.toolchains) out << "  " << t.name << " " << fixed(report.geomean_speedup(t.name), 4) << "x";
  out << '\n';
  for (const auto& w : report.results) {
    if (!w.bench.outputs_match) out << "  outputs differ for " << w.toolchain << "/" << w.workload << ": " << w.bench.mismatch << '\n';
    if (w.bench.failed) out << "  run failed for " << w.toolchain << "/" << w.workload << ": " << w.bench.failure << '\n';
  }
}

// reports/<stamp>-<kind>[-N]/report.json and reports/latest-bench/report.json.
fs::path save_bench_report(const ProfileStore& store, const json& report, const std::string& created,
                           const std::string& kind) {
  std::string stamp = created;
  stamp.erase(std::remove_if(stamp.begin(), stamp.end(), [](char c) { return c == '-' || c == ':'; }), stamp.end());
  stamp += "-" + kind;
  fs::path dir = store.reports_dir() / stamp;
  for (int n = 2; fs::exists(dir); ++n) dir = store.reports_dir() / (stamp + "-" + std::to_string(n));
  std::string text = report.dump(2) + "\n";
  write_file_atomic(dir / "report.json", text);
  write_file_atomic(store.reports_dir() / "latest-bench" / "report.json", text);
  return dir / "report.json";
}

int run_compare(const BenchArgs& args) {
  auto load = [](const std::string& file) {
    if (!fs::is_regular_file(file)) throw UsageError("--compare: " + file + ": no such file");
    try {
      return json::parse(read_file(file));
    } catch (const json::exception& e) {
      throw UsageError("--compare: " + file + ": not JSON: " + e.what());
    }
  };
  json old_report = load(args.compare[0]), new_report = load(args.compare[1]);
  bench::CompareSettings settings;
  if (args.seed) settings.seed = *args.seed;
  bench::ReportComparison c;
  try {
    c = bench::compare_reports(old_report, new_report, settings);
  } catch (const Error& e) {  // the messages say OLD / NEW; name the files
    throw UsageError(std::string(e.what()) + " (OLD = " + args.compare[0] + ", NEW = " + args.compare[1] + ")");
  }
  c.old_file = args.compare[0];
  c.new_file = args.compare[1];
  if (args.json) std::cout << bench::comparison_to_json(c).dump(2) << std::endl;
  else print_comparison(c, std::cout);
  if (args.fail_on_regression && c.count(bench::Change::Regression) > 0) {
    for (const auto& k : c.rows)
      if (k.change == bench::Change::Regression)
        std::cerr << "pgo: regression in " << k.key() << ": NEW/OLD = " << fixed(k.ratio, 4) << "x\n";
    return static_cast<int>(ExitCode::kCheckFailed);
  }
  return 0;
}

int run_bench(const BenchArgs& args) {
  Config config = load_project_config(args.directory, args.config);
  ProfileStore store(config.project_dir / config.store_dir);
  std::vector<ToolchainSpec> toolchains = select_toolchains(config, args.toolchains);
  if (args.toolchains.empty()) {  // every configured toolchain that `pgo build` has built
    std::vector<ToolchainSpec> built;
    for (const auto& tc : toolchains)
      if (fs::is_directory(cmake::reply_dir(store.build_dir(tc.name, "baseline"))) &&
          fs::is_directory(cmake::reply_dir(store.build_dir(tc.name, "optimized"))))
        built.push_back(tc);
    if (built.empty())
      throw UsageError("no build in " + (store.root() / "build").string() + ": run `pgo build` first");
    for (const auto& tc : toolchains)
      if (std::none_of(built.begin(), built.end(), [&](const ToolchainSpec& b) { return b.name == tc.name; }))
        std::cerr << "pgo: skipping " << tc.name << ": it has no build yet (`pgo build --toolchain " << tc.name
                  << "`)\n";
    toolchains = built;
  }
  // Every tree is checked before anything runs, so a missing one fails at once.
  std::vector<std::pair<BuiltTree, BuiltTree>> trees;
  for (const auto& tc : toolchains) {
    BuiltTree base = read_built_tree(store.build_dir(tc.name, "baseline"), tc.name, "baseline");
    BuiltTree opt = read_built_tree(store.build_dir(tc.name, "optimized"), tc.name, "optimized");
    for (const auto& w : config.workloads)
      for (const auto& target : referenced_targets(w))
        if (w.bench && (!base.bins.count(target) || !opt.bins.count(target)))
          throw UsageError("workload '" + w.name + "' runs " + target + ", which is not built in " +
                           store.build_dir(tc.name, base.bins.count(target) ? "optimized" : "baseline").string() +
                           ": run `pgo build --toolchain " + tc.name + "` first");
    trees.emplace_back(std::move(base), std::move(opt));
  }
  StoreLock lock(store.root());
  const bool instructions = args.metric == "instructions";
  SystemProcessRunner runner;
  Progress progress;
  std::optional<bench::Counter> counter;
  if (instructions) {
    std::string why;
    counter = bench::probe_counter(runner, store.root() / "runs" / "counter-probe", why);
    if (!counter) throw UsageError("--metric instructions: no instruction counter works here (" + why + ")");
    if (*counter == bench::Counter::Callgrind) progress.note("counting instructions with callgrind (" + why + ")");
  }

  Report report;
  report.created = now_iso8601();
  report.pgo_version = PGO_VERSION;
  report.project = config.project_dir;
  std::vector<std::optional<bench::InstructionResult>> counts;
  for (size_t t = 0; t < toolchains.size(); ++t) {
    const std::string& tc = toolchains[t].name;
    report.toolchains.push_back(toolchain_of(tc, trees[t].first, store));
    // --aa: the optimized binary is both A and B, so any "change" is a false positive.
    const auto& a_bins = args.aa ? trees[t].second.bins : trees[t].first.bins;
    const auto& b_bins = trees[t].second.bins;
    std::vector<const WorkloadSpec*> benched;
    for (const auto& w : config.workloads)
      if (w.bench) benched.push_back(&w);
    for (size_t i = 0; i < benched.size(); ++i) {
      const WorkloadSpec& w = *benched[i];
      fs::path work_dir = store.runs_dir(tc) / "bench" / w.name;
      progress.stage(tc, "bench " + w.name + " (" + std::to_string(i + 1) + "/" + std::to_string(benched.size()) + ")");
      if (instructions) {
        fs::remove_all(work_dir);
        fs::create_directories(work_dir);
        ProcessSpec a = bench::workload_process(config, w, a_bins, work_dir);
        ProcessSpec b = bench::workload_process(config, w, b_bins, work_dir);
        bench::InstructionSettings s{3, config.bench.noise_threshold, w.compare_output, work_dir,
                                     bench::check_process(config, w, a_bins, work_dir),
                                     bench::check_process(config, w, b_bins, work_dir)};
        bench::InstructionResult ir = bench::count_instructions(runner, *counter, a, b, s);
        report.results.push_back(instruction_workload_result(tc, w, ir));
        counts.push_back(std::move(ir));
      } else {
        WorkloadResult result{tc, bench::targets_label(w), w.name, w.weight, "wall_time", {}};
        result.bench = bench::bench_workload(runner, config, w, a_bins, b_bins, work_dir, args.seed,
                                             [&](int run, int max_runs) { progress.step(run, max_runs, "rounds"); });
        report.results.push_back(std::move(result));
        counts.emplace_back();
      }
      progress.finish_stage();
    }
  }

  json out = report_to_json(report);
  out["command"] = "bench";
  out["mode"] = args.aa ? "aa" : "ab";
  out["metric"] = instructions ? "instructions" : "wall_time";
  if (args.seed) out["seed"] = *args.seed;
  for (size_t i = 0; i < counts.size(); ++i)
    if (counts[i]) patch_instruction_result(out["results"][i], *counts[i]);
  report.file = save_bench_report(store, out, report.created, args.aa ? "aa" : "bench");

  if (args.json) {
    std::cout << out.dump(2) << std::endl;
  } else {
    if (instructions) print_instruction_report(report, counts, std::cout);
    else print_terminal_report(report, std::cout);
    if (args.aa) std::cout << "\nA/A run: both sides are the optimized binary; any verdict but no_change is noise.\n";
    std::cout << "\nReport: " << report.file.string() << "\n";
  }

  int code = 0;
  for (const auto& r : report.results) {
    if (r.bench.failed) {
      std::cerr << "pgo: benchmark of " << r.toolchain << "/" << r.workload << " failed: " << r.bench.failure << "\n";
      code = static_cast<int>(ExitCode::kCheckFailed);
    } else if (!r.bench.outputs_match) {
      std::cerr << "pgo: outputs differ for " << r.toolchain << "/" << r.workload << ": " << r.bench.mismatch << "\n";
      code = static_cast<int>(ExitCode::kCheckFailed);
    }
  }
  std::vector<std::string> gate_failures;
  if (args.fail_below > 0) gate_failures = bench::speedups_below(report, args.fail_below);
  if (args.fail_on_regression)
    for (auto& m : bench::slower_results(report)) gate_failures.push_back(std::move(m));
  for (const auto& m : gate_failures) std::cerr << "pgo: gate failed: " << m << "\n";
  return gate_failures.empty() ? code : static_cast<int>(ExitCode::kCheckFailed);
}

}  // namespace

Action add_bench_command(CLI::App& app) {
  auto args = std::make_shared<BenchArgs>();
  CLI::App* cmd = app.add_subcommand(
      "bench", "Benchmark the baseline and optimized binaries of the last `pgo build`, or compare two reports");
  add_project_options(cmd, args->directory, args->config);
  cmd->add_option("--toolchain", args->toolchains, "gcc or clang; repeat for both (default: the toolchains in pgo.yaml)")
      ->type_name("NAME")
      ->check(CLI::IsMember({"gcc", "clang"}));
  cmd->add_flag("--json", args->json, "Print the report (or the comparison) as JSON on stdout");
  CLI::Option* aa = cmd->add_flag(
      "--aa", args->aa, "A/A run: the optimized binary against itself, to see the false-positive rate");
  CLI::Option* metric = cmd->add_option("--metric", args->metric,
                                        "wall (default): wall time with bootstrap CI; instructions: instructions "
                                        "retired (perf or callgrind), 3 runs each")
                            ->check(CLI::IsMember({"wall", "instructions"}));
  CLI::Option* below = cmd->add_option("--fail-below", args->fail_below,
                                       "Exit 1 when a toolchain's geometric-mean speedup is below SPEEDUP")
                           ->type_name("SPEEDUP")
                           ->check(CLI::PositiveNumber);
  cmd->add_flag("--fail-on-regression", args->fail_on_regression,
                "Exit 1 when a verdict is `slower` (with --compare: when a workload regressed)");
  cmd->add_option("--seed", args->seed, "Seed of the run order and the bootstrap (default 0x5eed)")->type_name("N");
  cmd->add_option("--compare", args->compare, "Compare two stored report.json files instead of benchmarking")
      ->type_name("OLD.json NEW.json")
      ->expected(2)
      ->excludes(aa)
      ->excludes(metric)
      ->excludes(below);
  return [cmd, args]() -> int {
    if (!*cmd) return -1;
    return args->compare.empty() ? run_bench(*args) : run_compare(*args);
  };
}

}  // namespace pgo::cli
