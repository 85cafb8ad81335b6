#include "orchestrator/train.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <mutex>
#include <optional>
#include <thread>

#include "support/atomic_file.h"
#include "support/error.h"
#include "support/strings.h"

namespace pgo {
namespace fs = std::filesystem;

namespace {

struct RunOutcome {
  std::optional<WeightedInput> profile;
  std::optional<TrainingFailure> failure;
  bool wrote_no_profile = false;
};

std::string stderr_tail(const fs::path& file) {
  std::error_code ec;
  if (!fs::exists(file, ec)) return "";
  // Bounded: a workload may write gigabytes; only the end matters for diagnosis.
  auto size = fs::file_size(file, ec);
  std::string text = read_file(file);
  if (!ec && size > 64 * 1024) text = text.substr(text.size() - 64 * 1024);
  return tail_lines(text, 15);
}

RunOutcome run_one(const TrainingRun& run, const ProfileFormat& format, ProcessRunner& runner,
                   const std::string& toolchain) {
  fs::remove_all(run.run_dir);
  fs::create_directories(run.run_dir);
  ProcessSpec spec = run.spec;
  for (const auto& [name, value] : format.training_env(run.run_dir)) spec.env[name] = value;
  spec.stdout_file = run.run_dir / "stdout";
  spec.stderr_file = run.run_dir / "stderr";
  ProcessResult result = runner.run(spec);

  RunOutcome outcome;
  std::string label = run.workload + (run.repeat_count > 1 ? " (run " + std::to_string(run.repeat_index + 1) +
                                                                 "/" + std::to_string(run.repeat_count) + ")"
                                                           : "");
  if (!result.ok()) {
    outcome.failure = TrainingFailure{toolchain, label, shell_quote_for_display(spec.argv), result.describe(),
                                      stderr_tail(spec.stderr_file)};
    return outcome;
  }
  fs::path raw = format.collect(run.run_dir);
  if (raw.empty()) {
    outcome.wrote_no_profile = true;
    outcome.failure = TrainingFailure{
        toolchain, label, shell_quote_for_display(spec.argv),
        "exited normally but wrote no profile (a program that ends through _exit, abort or a "
        "signal, or that is not the instrumented binary, leaves none)",
        stderr_tail(spec.stderr_file)};
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

TrainingOutcome train(const std::vector<TrainingRun>& runs, const ProfileFormat& format, ProcessRunner& runner,
                      int jobs, bool keep_going, Progress& progress, const std::string& toolchain) {
  TrainingOutcome outcome;
  if (runs.empty()) throw UsageError("no workload is marked for training (train: true)");

  auto record = [&](RunOutcome&& r) {
    if (r.profile) outcome.profiles.push_back(*r.profile);
    if (r.failure) {
      if (!keep_going || r.wrote_no_profile) throw WorkloadError(failure_message(*r.failure));
      outcome.failures.push_back(*r.failure);
      progress.note("warning: " + failure_message(*r.failure));
    }
  };

  // Smoke run: proves the instrumented binary writes a profile before the long training.
  progress.step(0, static_cast<int>(runs.size()), runs[0].workload + " (smoke run)");
  record(run_one(runs[0], format, runner, toolchain));
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
        record(std::move(r));
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
  return outcome;
}

}  // namespace pgo
