// `pgo bench`: benchmarks the binaries the last `pgo build` left in .pgo/build/<toolchain>/,
// or compares two stored reports (--compare). docs/benchmarking.md, "pgo bench".
#include <iostream>
#include <optional>

#include "orchestrator/bench/compare.h"
#include "orchestrator/bench/rebench.h"
#include "orchestrator/cli/build_outcome.h"
#include "orchestrator/cli/commands.h"
#include "orchestrator/cli/common.h"
#include "orchestrator/progress.h"
#include "orchestrator/report/terminal.h"
#include "support/atomic_file.h"
#include "support/error.h"
#include "support/strings.h"
#include "workloads/config.h"
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
  std::string metric;  // empty: pgo.yaml's bench.metric
  double fail_below = 0;  // 0: no gate
  bool fail_on_regression = false;
  std::optional<uint64_t> seed;
  std::vector<std::string> compare;  // OLD.json NEW.json
};

int run_compare(const BenchArgs& args, const TerminalStyle& style) {
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
  else print_comparison(c, std::cout, style);
  if (args.fail_on_regression && c.count(bench::Change::Regression) > 0) {
    for (const auto& k : c.rows)
      if (k.change == bench::Change::Regression)
        std::cerr << "pgo: regression in " << k.key() << ": NEW/OLD = " << format_fixed(k.ratio, 4) << "x\n";
    return static_cast<int>(ExitCode::kCheckFailed);
  }
  return 0;
}

int run_bench(const BenchArgs& args, const TerminalStyle& style) {
  Config config = load_project_config(args.directory, args.config);
  SystemProcessRunner runner;
  Progress progress;
  bench::RebenchOptions options{args.toolchains, args.aa, args.metric, args.seed, PGO_VERSION};
  bench::RebenchOutcome outcome = bench::rebench(config, options, runner, progress);
  const Report& report = outcome.report;
  if (args.json) {
    std::cout << outcome.json.dump(2) << std::endl;
  } else {
    print_terminal_report(report, std::cout, style);
    if (args.aa) std::cout << "\nA/A run: both sides are the optimized binary; any verdict but no_change is noise.\n";
    std::cout << "\nReport: " << report.file.string() << "\n";
  }

  const int code = results_exit_code(report);  // as `pgo build`: a failed benchmark or differing outputs
  std::vector<std::string> gate_failures;
  if (args.fail_below > 0) gate_failures = bench::speedups_below(report, args.fail_below);
  if (args.fail_on_regression)
    for (auto& m : bench::slower_results(report)) gate_failures.push_back(std::move(m));
  for (const auto& m : gate_failures) std::cerr << "pgo: gate failed: " << m << "\n";
  return gate_failures.empty() ? code : static_cast<int>(ExitCode::kCheckFailed);
}

}  // namespace

Action add_bench_command(CLI::App& app, const TerminalStyle& style) {
  auto args = std::make_shared<BenchArgs>();
  CLI::App* cmd = app.add_subcommand(
      "bench", "Benchmark the baseline and optimized binaries of the last `pgo build`, or compare two reports");
  add_project_options(cmd, args->directory, args->config);
  add_toolchain_option(cmd, args->toolchains, "gcc, clang, rust or go; repeat for several (default: every built one)");
  cmd->add_flag("--json", args->json, "Print the report (or the comparison) as JSON on stdout");
  CLI::Option* aa = cmd->add_flag(
      "--aa", args->aa, "A/A run: the optimized binary against itself, to see the false-positive rate");
  CLI::Option* metric = add_metric_option(cmd, args->metric);
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
  return [cmd, args, &style]() -> int {
    if (!*cmd) return -1;
    return args->compare.empty() ? run_bench(*args, style) : run_compare(*args, style);
  };
}

}  // namespace pgo::cli
