// `pgo ci`: `pgo build` for an unattended job (docs/ci.md). Plain progress lines (no
// animation), report.md appended to $GITHUB_STEP_SUMMARY (or --summary FILE), and the gates
// of `pgo bench` (orchestrator/bench/compare.h): exit 1 when a benchmark failed or outputs
// differ, a toolchain's speedup is below --fail-below, a verdict is `slower`
// (--fail-on-regression), or a workload regressed against --baseline-report.
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <memory>

#include "orchestrator/bench/compare.h"
#include "orchestrator/cli/build_outcome.h"
#include "orchestrator/cli/commands.h"
#include "orchestrator/cli/common.h"
#include "orchestrator/pipeline.h"
#include "orchestrator/report/json.h"
#include "support/atomic_file.h"
#include "support/error.h"
#include "support/strings.h"
#include "workloads/process.h"

namespace pgo::cli {
namespace {
namespace fs = std::filesystem;
using nlohmann::json;

struct CiArgs {
  std::string directory = ".";
  std::string config;
  std::vector<std::string> toolchains;
  int jobs = 0;
  bool keep_going = false;
  bool no_bench = false;
  std::string metric;  // empty: pgo.yaml's bench.metric
  bool force = false;
  bool reuse = false;
  std::string profile = "trained";  // --profile
  bool json = false;
  double fail_below = 0;
  bool fail_on_regression = false;
  std::string baseline_report;
  std::string summary;  // default: $GITHUB_STEP_SUMMARY
};

json load_report(const std::string& file) {
  if (!fs::is_regular_file(file)) throw UsageError("--baseline-report " + file + ": no such file");
  try {
    return json::parse(read_file(file));
  } catch (const json::exception& e) {
    throw UsageError("--baseline-report " + file + ": not JSON: " + e.what());
  }
}

// GitHub renders the step summary file as Markdown; several steps append to it.
void append_summary(const std::string& file, const std::string& text) {
  if (file.empty()) return;
  std::ofstream out(file, std::ios::app | std::ios::binary);
  out << text;
  if (!out) std::cerr << "pgo: warning: cannot append to the step summary " << file << "\n";
}

std::string summary_file(const CiArgs& args) {
  if (!args.summary.empty()) return args.summary;
  const char* env = std::getenv("GITHUB_STEP_SUMMARY");
  return env ? env : "";
}

int run(const CiArgs& args, const TerminalStyle& style) {
  json baseline;  // read first: a wrong path fails before an hour of building
  if (!args.baseline_report.empty()) baseline = load_report(args.baseline_report);
  Config config = load_project_config(args.directory, args.config);
  BuildOptions options;
  options.toolchains = args.toolchains;
  options.jobs = args.jobs;
  options.keep_going = args.keep_going;
  options.bench = !args.no_bench;
  options.metric = args.metric;
  options.force = args.force;
  options.reuse_stored = args.reuse;
  options.profile = parse_profile_mode(args.profile);
  options.pgo_version = PGO_VERSION;
  SystemProcessRunner runner;
  Progress progress(/*quiet=*/false, /*interactive=*/false);
  Report report;
  try {
    report = run_build(config, options, runner, progress);
  } catch (const Error& e) {
    append_summary(summary_file(args), "## pgo ci: failed\n\n```\n" + std::string(e.what()) + "\n```\n\n");
    throw;
  }
  print_build_report(report, args.json, style, std::cout);

  int code = results_exit_code(report);
  std::vector<std::string> failures;
  if (args.fail_below > 0) failures = bench::speedups_below(report, args.fail_below);
  if (args.fail_on_regression)
    for (auto& m : bench::slower_results(report)) failures.push_back(std::move(m));
  if (!args.baseline_report.empty()) {
    bench::CompareSettings settings;
    settings.noise = config.bench.noise_threshold;
    bench::ReportComparison c = bench::compare_reports(baseline, report_to_json(report), settings);
    c.old_file = args.baseline_report;
    c.new_file = report.file.string();
    print_comparison(c, std::cout, style);
    for (const auto& k : c.rows)
      if (k.change == bench::Change::Regression) {
        failures.push_back("regression in " + k.key() + " against " + args.baseline_report +
                           ": NEW/OLD = " + format_fixed(k.ratio, 4) + "x");
      }
  }
  for (const auto& m : failures) std::cerr << "pgo: gate failed: " << m << "\n";
  if (!failures.empty()) code = static_cast<int>(ExitCode::kCheckFailed);

  std::string md = read_file(report.file.parent_path() / "report.md");
  std::string gates = "\n### pgo ci gates\n\n";
  if (failures.empty() && code == 0) gates += "All gates passed.\n";
  for (const auto& m : failures) gates += "- **failed:** " + m + "\n";
  if (code != 0 && failures.empty()) gates += "- **failed:** a benchmark failed or the outputs differ\n";
  append_summary(summary_file(args), md + gates + "\n");
  return code;
}

}  // namespace

Action add_ci_command(CLI::App& app, const TerminalStyle& style) {
  auto args = std::make_shared<CiArgs>();
  CLI::App* cmd = app.add_subcommand(
      "ci", "pgo build for CI: plain progress, report.md to $GITHUB_STEP_SUMMARY, exit 1 when a gate fails");
  add_project_options(cmd, args->directory, args->config);
  add_toolchain_option(cmd, args->toolchains, "gcc, clang, rust or go; repeat for several (default: the toolchains in pgo.yaml)");
  cmd->add_option("-j,--jobs", args->jobs, "Parallel training runs and build jobs (default: cores)")
      ->check(CLI::PositiveNumber);
  cmd->add_flag("--keep-going", args->keep_going, "Leave failing training runs out instead of stopping (exit 4)");
  cmd->add_flag("--no-bench", args->no_bench, "Skip the benchmark stage");
  add_metric_option(cmd, args->metric);
  CLI::Option* force = cmd->add_flag("--force,--no-reuse", args->force, "Redo it even when its result exists: train and benchmark again although nothing changed");
  add_profile_option(cmd, args->profile);
  cmd->add_flag("--reuse", args->reuse, "Build from the stored profile when it is fresh (see pgo build --reuse)")
      ->excludes(force);
  cmd->add_flag("--json", args->json, "Print the report as JSON on stdout");
  cmd->add_option("--fail-below", args->fail_below, "Exit 1 when a toolchain's geometric-mean speedup is below SPEEDUP")
      ->type_name("SPEEDUP")
      ->check(CLI::PositiveNumber);
  cmd->add_flag("--fail-on-regression", args->fail_on_regression, "Exit 1 when a verdict is `slower` (optimized slower than baseline)");
  cmd->add_option("--baseline-report", args->baseline_report,
                  "Exit 1 when a workload's optimized binary regressed against this earlier report.json")
      ->type_name("FILE");
  cmd->add_option("--summary", args->summary, "Append report.md here (default: $GITHUB_STEP_SUMMARY when set)")
      ->type_name("FILE");
  return [cmd, args, &style]() -> int { return *cmd ? run(*args, style) : -1; };
}

}  // namespace pgo::cli
