#include "orchestrator/train.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <fstream>
#include <mutex>
#include <optional>
#include <thread>

#include "orchestrator/bench/settings.h"
#include "support/atomic_file.h"
#include "support/disk_space.h"
#include "support/error.h"
#include "support/strings.h"
#include "workloads/bounded_output.h"
#include "workloads/service.h"

namespace pgo {
namespace fs = std::filesystem;

namespace {

struct RunOutcome {
  std::optional<WeightedInput> profile;
  std::optional<TrainingFailure> failure;
  bool wrote_no_profile = false;
};

// The last lines of a (possibly huge) stderr file; reads only its end.
std::string stderr_tail(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return "";
  constexpr std::streamoff kMax = 64 * 1024;
  in.seekg(0, std::ios::end);
  std::streamoff size = in.tellg();
  std::streamoff start = size > kMax ? size - kMax : 0;
  in.seekg(start);
  std::string text(static_cast<size_t>(size - start), '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<size_t>(std::max<std::streamsize>(0, in.gcount())));
  return tail_lines(text, 15);
}

// Why a stopped service may have written no profile, and what pgo did about it.
std::string service_profile_hint() {
  if (!exit_on_signal_library())
    return "pgo's libpgo-exit-on-signal.so was not found next to it or in ../lib/pgo (reinstall pgo), so a "
           "server without a handler for the stop signal ends without writing its profile";
  return "the LLVM and GCC runtimes write it at exit(); pgo preloads libpgo-exit-on-signal.so, which turns "
         "SIGTERM/SIGINT/SIGHUP into exit() where the server has no handler of its own, but a server whose "
         "own handler ends it through _exit() or abort(), or a statically linked one, writes none (make the "
         "handler return from main or call exit(), or set service.stop.signal to one it ends on normally)";
}

RunOutcome run_one(const TrainingRun& run, const ProfileRecorder& format, ProcessRunner& runner,
                   const std::string& toolchain) {
  fs::remove_all(run.run_dir);
  fs::create_directories(run.run_dir);
  ProcessSpec spec = run.spec;
  if (run.profile.empty()) {
    for (const auto& [name, value] : format.training_env(run.run_dir)) spec.env[name] = value;
    spec.argv = format.training_command(spec.argv, run.run_dir);
  }
  if (spec.service) {
    // A server stopped by a signal it does not handle would write no profile (service.h).
    if (std::optional<fs::path> library = exit_on_signal_library()) preload_library(spec.env, *library);
    // A client that is one of the project's targets runs instrumented too: its profile goes
    // to the run directory and into the merge, not into its cwd or the build tree.
    if (run.profile.empty()) {
      auto service = std::make_shared<ServiceRun>(*spec.service);
      for (const auto& [name, value] : format.training_env(run.run_dir)) service->client_env[name] = value;
      spec.service = service;
    }
  }
  BoundedOutput output({run.run_dir / "stdout", run.run_dir / "stderr"});
  spec.stdout_file = output.target(0);
  spec.stderr_file = output.target(1);
  ProcessResult result = runner.run(spec);
  output.finish();
  spec.stdout_file = run.run_dir / "stdout";
  spec.stderr_file = run.run_dir / "stderr";

  RunOutcome outcome;
  std::string label = run.workload + (run.repeat_count > 1 ? " (run " + std::to_string(run.repeat_index + 1) +
                                                                 "/" + std::to_string(run.repeat_count) + ")"
                                                           : "");
  if (!result.ok()) {
    outcome.failure = TrainingFailure{toolchain, label, shell_quote_for_display(spec.argv), result.describe(),
                                      stderr_tail(spec.stderr_file), run.run_dir};
    return outcome;
  }
  fs::path raw;
  if (run.profile.empty()) {
    raw = format.collect(run.run_dir);
  } else {
    std::error_code ec;
    fs::path own = run.run_dir / run.profile;
    if (fs::is_regular_file(own, ec) && fs::file_size(own, ec) > 0) raw = own;
  }
  if (raw.empty()) {
    outcome.wrote_no_profile = true;
    const std::string not_instrumented =
        run.profile.empty() && !run.target_binary.empty() ? format.missing_runtime(run.target_binary) : "";
    outcome.failure = TrainingFailure{
        toolchain, label, shell_quote_for_display(spec.argv),
        run.profile.empty() && run.spec.service
            ? "the service stopped but wrote no profile: " + service_profile_hint()
        : !not_instrumented.empty() ? "exited normally but wrote no profile: " + not_instrumented
        : run.profile.empty()
            ? "exited normally but wrote no profile (a program that ends through _exit, abort or a "
              "signal, or that is not the instrumented binary, leaves none)"
            : "exited normally but did not write its profile " + (run.run_dir / run.profile).string() +
                  " (the workload's profile:; the program must write it, e.g. through ${run_dir})",
        stderr_tail(spec.stderr_file), run.run_dir};
    return outcome;
  }
  outcome.profile = WeightedInput{raw, run.weight};
  return outcome;
}

std::string failure_message(const TrainingFailure& f) {
  std::string msg = "training workload '" + f.workload + "' failed: " + f.status + "\n  $ " + f.command;
  if (!f.stderr_tail.empty()) {
    msg += "\n  stderr (last lines):";
    for (size_t start = 0; start < f.stderr_tail.size();) {
      size_t end = f.stderr_tail.find('\n', start);
      if (end == std::string::npos) end = f.stderr_tail.size();
      msg += "\n    " + f.stderr_tail.substr(start, end - start);
      start = end + 1;
    }
  }
  return msg;
}

}  // namespace

std::vector<uint64_t> integer_weights(const std::vector<double>& weights) {
  double smallest = 0;
  for (double w : weights)
    if (w > 0 && (smallest == 0 || w < smallest)) smallest = w;
  std::vector<uint64_t> out;
  for (double w : weights)
    out.push_back(smallest > 0 ? std::max<uint64_t>(1, static_cast<uint64_t>(std::llround(w / smallest))) : 1);
  return out;
}

std::vector<TrainingRun> plan_training_runs(const Config& config, const std::map<std::string, fs::path>& bins,
                                            const fs::path& runs_dir, const ShardSpec* shard, size_t* total) {
  std::vector<const WorkloadSpec*> trained;
  std::vector<double> weights;
  for (const auto& w : config.workloads)
    if (w.train) {
      trained.push_back(&w);
      weights.push_back(w.weight);
    }
  std::vector<uint64_t> int_weights = integer_weights(weights);
  std::vector<TrainingRun> runs;
  size_t index = 0;
  for (size_t i = 0; i < trained.size(); ++i) {
    const WorkloadSpec& w = *trained[i];
    for (int r = 0; r < w.repeat; ++r, ++index) {
      if (shard && !in_shard(index, *shard)) continue;
      fs::path run_dir = runs_dir / (w.name + "." + std::to_string(r + 1));
      TrainingRun run{w.name, r, w.repeat, int_weights[i], bench::workload_process(config, w, bins, run_dir),
                      run_dir, w.profile};
      for (const auto& [target, binary] : bins)
        if (!run.spec.argv.empty() && run.spec.argv.front() == binary.string()) run.target_binary = binary;
      runs.push_back(std::move(run));
    }
  }
  if (total) *total = index;
  return runs;
}

TrainingOutcome train(const std::vector<TrainingRun>& runs, const ProfileRecorder& format, ProcessRunner& runner,
                      int jobs, bool keep_going, Progress& progress, const std::string& toolchain) {
  TrainingOutcome outcome;
  if (runs.empty()) throw UsageError("no workload is marked for training (train: true)");

  // A smoke run without a profile stops training even with keep_going: the instrumented
  // binary may not write profiles at all. A later run without one (it ended through _exit)
  // is a failed run like the others.
  auto record = [&](RunOutcome&& r, bool smoke) {
    if (r.profile) outcome.profiles.push_back(*r.profile);
    if (r.failure) {
      if (!keep_going || (smoke && r.wrote_no_profile)) {
        std::string where = "\n  its output and files: " + r.failure->run_dir.string();
        if (std::string full = full_disk_note(r.failure->run_dir, "its output and profile"); !full.empty())
          where += "\n  " + full;
        if (smoke && r.wrote_no_profile)  // --keep-going cannot help: no run would write a profile
          throw WorkloadError(failure_message(*r.failure) + where);
        throw WorkloadError(failure_message(*r.failure) + where +
                            "\n  (--keep-going leaves failing training runs out instead of stopping)");
      }
      outcome.failures.push_back(*r.failure);
      progress.note("warning: " + failure_message(*r.failure));
    }
  };

  // Smoke run: proves the instrumented binary writes a profile before the long training.
  progress.step(0, static_cast<int>(runs.size()), runs[0].workload + " (smoke run)");
  record(run_one(runs[0], format, runner, toolchain), true);
  progress.step(1, static_cast<int>(runs.size()), runs[0].workload);

  std::mutex mutex;
  std::atomic<size_t> next{1};
  std::atomic<int> done{1};
  std::exception_ptr first_error;
  auto worker = [&] {
    for (;;) {
      size_t i = next.fetch_add(1);
      if (i >= runs.size()) return;
      {
        std::lock_guard lock(mutex);
        if (first_error) return;
      }
      try {
        RunOutcome r = run_one(runs[i], format, runner, toolchain);
        std::lock_guard lock(mutex);
        record(std::move(r), false);
        progress.step(++done, static_cast<int>(runs.size()), runs[i].workload);
      } catch (...) {
        std::lock_guard lock(mutex);
        if (!first_error) first_error = std::current_exception();
        // Stop the other runs now rather than let a long suite finish for nothing.
        kill_all_child_groups();
        return;
      }
    }
  };
  int threads = std::max(1, std::min<int>(jobs, static_cast<int>(runs.size()) - 1));
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) pool.emplace_back(worker);
  for (auto& t : pool) t.join();
  if (first_error) std::rethrow_exception(first_error);
  if (outcome.profiles.empty()) throw WorkloadError("every training run failed; no profile to merge");
  // Runs that filled the disk exit 0 with their profiles cut short, which the merge would
  // only call corrupt.
  if (std::string full = full_disk_note(runs.front().run_dir, "the training runs' profiles"); !full.empty())
    throw WorkloadError("the training filled the disk: " + full + " (" + runs.front().run_dir.parent_path().string() +
                        "); free some space and build again");
  return outcome;
  return outcome;
}

}  // namespace pgo
